"""Retention rules per record type and organization, and legal holds on agreements.

An organization without a stored rule for a record type follows the default of
suunta/infomgmt/retention.py (docs/information-management.md).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from suunta.agreements.models import DirectorAgreement
from suunta.lib.models import TimestampedModel
from suunta.organizations.models import Organization


class RecordType(models.TextChoices):
    PLANS = "plans", _("Plans and their decisions")
    FOLLOWUPS = "followups", _("Follow-ups")
    SELF_ASSESSMENTS = "self_assessments", _("Self-assessments and evaluators' views")
    DISCUSSIONS_PUBLIC = "discussions_public", _("Discussions: public sections")
    DISCUSSIONS_RESTRICTED = "discussions_restricted", _("Discussions: restricted sections")
    DEVELOPMENT_ITEMS = "development_items", _("Development items")
    SURVEY_ANSWERS = "survey_answers", _("Survey answers")
    EVIDENCE = "evidence", _("Evidence files")
    AUDIT_EVENTS = "audit_events", _("Audit events")


class Trigger(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    AGREEMENT_END = "agreement_end", _("Years from the end of the agreement")
    RECORD_DATE = "record_date", _("Years from the record's date")


class RetentionRule(TimestampedModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="retention_rules", verbose_name=_("organization")
    )
    record_type = models.CharField(_("record type"), max_length=32, choices=RecordType.choices)
    trigger = models.CharField(_("retention ends"), max_length=16, choices=Trigger.choices)
    years = models.PositiveSmallIntegerField(_("retention period in years"), null=True, blank=True)
    task_class = models.CharField(_("task class"), max_length=60, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "record_type"], name="retention_rule_one_per_type"
            ),
            models.CheckConstraint(
                condition=models.Q(trigger="permanent", years__isnull=True)
                | (~models.Q(trigger="permanent") & models.Q(years__gte=1)),
                name="retention_rule_years_unless_permanent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.record_type}"


class LegalHold(TimestampedModel):
    """While an agreement is on hold nothing of it is disposed of (e.g. a complaint or a
    court case is pending)."""

    agreement = models.OneToOneField(
        DirectorAgreement, on_delete=models.CASCADE, related_name="legal_hold", verbose_name=_("agreement")
    )
    reason = models.CharField(_("reason"), max_length=200)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")

    def __str__(self) -> str:
        return f"hold {self.agreement_id}"
