"""Per-organization settings of the documents: record metadata defaults, and the versioned
sentences the documents print in the organization's own words."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from suunta.lib.models import TimestampedModel
from suunta.organizations.models import Organization


class RecordSettings(TimestampedModel):
    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="record_settings"
    )
    publicity = models.CharField(
        _("publicity"),
        max_length=16,
        choices=[
            ("public", _("Public")),
            ("partly", _("Partly secret")),
            ("secret", _("Secret")),
        ],
        default="public",
    )
    secrecy_basis = models.CharField(_("secrecy basis"), max_length=200, blank=True)
    secrecy_period = models.CharField(_("secrecy period"), max_length=60, blank=True)
    personal_data = models.BooleanField(_("contains personal data"), default=True)
    task_class = models.CharField(_("task class"), max_length=60, blank=True, default="00.01.02")
    retention = models.CharField(_("retention"), max_length=60, blank=True, default="pysyvä")

    class Meta:
        verbose_name = _("record metadata defaults")
        verbose_name_plural = _("record metadata defaults")

    def __str__(self) -> str:
        return str(self.organization)

    def clean(self):
        if self.publicity != "public" and not self.secrecy_basis.strip():
            raise ValidationError(
                {"secrecy_basis": _("Give the basis of the secrecy, e.g. “JulkL 24 § 1 mom. 32 k”.")}
            )

    def publicity_label(self) -> str:
        return str(dict(self._meta.get_field("publicity").choices)[self.publicity])

    def secrecy_text(self) -> str:
        if self.publicity == "public":
            return ""
        return ", ".join(part for part in (self.secrecy_basis, self.secrecy_period) if part)


def record_settings(organization) -> RecordSettings:
    """The organization's settings, or the defaults (unsaved) when none were made."""
    return RecordSettings.objects.filter(organization=organization).first() or RecordSettings(
        organization=organization
    )


TEXT_MAX = 5000


class DocumentTexts(models.Model):
    """One version of the sentences an organization's documents print, in its own words.
    Never changed once saved: the admin's edit is a new version, so a document made
    earlier (an approved annex) keeps the text it had. {genitive} stands for the
    agreement's position in the genitive; lists have one item per line."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="document_texts", verbose_name=_("organization")
    )
    number = models.PositiveIntegerField(_("version"))
    agreement = models.TextField(_("Director agreement paragraph"), max_length=TEXT_MAX)
    agreement_sv = models.TextField(
        _("Director agreement paragraph in Swedish"), max_length=TEXT_MAX, blank=True
    )
    purpose = models.TextField(_("Purpose of the goal discussion"), max_length=TEXT_MAX, blank=True)
    purpose_sv = models.TextField(
        _("Purpose of the goal discussion in Swedish"), max_length=TEXT_MAX, blank=True
    )
    evaluation = models.TextField(_("Evaluation of the goals"), max_length=TEXT_MAX, blank=True)
    evaluation_sv = models.TextField(_("Evaluation of the goals in Swedish"), max_length=TEXT_MAX, blank=True)
    appeal = models.TextField(_("Appeal instructions"), max_length=TEXT_MAX)
    appeal_sv = models.TextField(_("Appeal instructions in Swedish"), max_length=TEXT_MAX, blank=True)
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organization", "number"]
        verbose_name = _("document texts")
        verbose_name_plural = _("document texts")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="document_texts_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.number}"


class VersionTexts(models.Model):
    """Which texts an approved plan version's documents use: pinned when it was frozen."""

    version = models.OneToOneField(
        "agreements.PlanVersion", on_delete=models.CASCADE, related_name="document_texts"
    )
    texts = models.ForeignKey(DocumentTexts, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.version_id}: {self.texts}"
