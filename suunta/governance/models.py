"""The plan lifecycle as data, and the record of each handling and decision.

`WorkflowStep` is the organization's transition table: which action moves a plan
version from which status to which, in which body, by which roles, and whether it
records a decision. Nothing about the lifecycle is decided in views; the default
table (governance/workflow.py) follows the seed: poljory, then the board.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from suunta.agreements.models import DESCRIPTION_MAX, PlanVersion, VersionStatus
from suunta.lib.models import TimestampedModel, localized
from suunta.lib.publicity import PublicityMixin
from suunta.organizations.models import Body, Organization, Role


class Outcome(models.TextChoices):
    HANDLED = "handled", _("handled")
    APPROVED = "approved", _("approved")
    # The board approved a year's evaluation with figures of its own (amended points or pay).
    AMENDED = "amended", _("approved as amended")
    RETURNED = "returned", _("returned for re-preparation")
    TABLED = "tabled", _("tabled")
    NOTED = "noted", _("taken for information")


class StepAction(models.TextChoices):
    HANDLE = "handle", _("Record a preparatory handling")
    PROPOSE = "propose", _("Propose to the board")
    APPROVE = "approve", _("Record the approval")
    RETURN = "return", _("Record a return for re-preparation")
    TABLE = "table", _("Record tabling")
    CLOSE = "close", _("Close the plan")


class WorkflowStep(TimestampedModel):
    """One row of an organization's transition table."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="workflow_steps", verbose_name=_("organization")
    )
    action = models.CharField(_("action"), max_length=16, choices=StepAction.choices)
    from_status = models.CharField(_("from status"), max_length=16, choices=VersionStatus.choices)
    to_status = models.CharField(_("to status"), max_length=16, choices=VersionStatus.choices)
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("body")
    )
    outcome = models.CharField(
        _("recorded outcome"),
        max_length=16,
        choices=Outcome.choices,
        blank=True,
        help_text=_("Empty: the step records no handling (e.g. proposing or closing)."),
    )
    requires_section = models.BooleanField(_("section (§) required"), default=False)
    allowed_roles = models.CharField(
        _("allowed roles"), max_length=200, help_text=_("Comma-separated role codes, e.g. preparer,evaluator")
    )
    label = models.CharField(_("button text"), max_length=100, blank=True)
    label_sv = models.CharField(_("button text in Swedish"), max_length=100, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "action", "from_status", "body"], name="workflow_step_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_label}: {self.from_status} → {self.to_status}"

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.strip() for r in self.allowed_roles.split(",") if r.strip())

    @property
    def allowed_roles_display(self) -> str:
        return ", ".join(str(Role(role).label).lower() for role in sorted(self.roles) if role in Role.values)

    @property
    def records_handling(self) -> bool:
        return bool(self.outcome)

    @property
    def display_label(self) -> str:
        custom = localized(self, "label")
        if custom:
            return custom
        if self.body_id and self.action == StepAction.HANDLE:
            return _("Record the handling: %(body)s") % {"body": self.body.display_name}
        return str(self.get_action_display())

    def clean(self):
        unknown = self.roles - set(Role.values)
        if unknown:
            raise ValidationError(
                {"allowed_roles": _("Unknown roles: %(roles)s") % {"roles": ", ".join(sorted(unknown))}}
            )
        if self.outcome and not self.body_id:
            raise ValidationError({"body": _("A step that records a handling needs a body.")})


class Handling(PublicityMixin, TimestampedModel):
    """A handling of a plan version in a body, with the decision where one was made."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="handlings")
    # Set when the handling is a follow-up report of one checkpoint to the board.
    checkpoint = models.ForeignKey(
        "agreements.Checkpoint", on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    step = models.ForeignKey(WorkflowStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="handlings", verbose_name=_("body"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.HANDLED)
    meeting_date = models.DateField(_("meeting date"))
    section = models.CharField(_("section (§)"), max_length=20, blank=True)
    case_number = models.CharField(
        _("case number"),
        max_length=60,
        blank=True,
        help_text=_("As your case system writes it, e.g. 154/02.02.00/2025"),
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presenting official"),
    )
    text = models.TextField(_("decision text"), max_length=DESCRIPTION_MAX, blank=True)
    disqualified = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("disqualified, left the room")
    )
    meeting_changes = models.TextField(
        _("changes made in the meeting"),
        max_length=DESCRIPTION_MAX,
        blank=True,
        help_text=_(
            "A technical change made in the meeting (tekninen muutos); it is part of the approved version."
        ),
    )
    # The approved version as canonical JSON text and its SHA-256: the frozen annex.
    snapshot = models.TextField(_("snapshot"), blank=True, editable=False)
    snapshot_sha256 = models.CharField(_("snapshot SHA-256"), max_length=64, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["meeting_date", "id"]
        verbose_name = _("handling")
        verbose_name_plural = _("handlings")

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """`KH 31.3.2025 § 45`, or without the section when none was given."""
        return self._format(self.body.display_short)

    @property
    def long_reference(self) -> str:
        """`Kunnanhallitus 31.3.2025 § 45`: the handling history line uses full names."""
        return self._format(self.body.display_name)

    @property
    def history_text(self) -> str:
        """`Kunnanhallitus 31.3.2025 § 45, hyväksytty`; a plain handling has no outcome word."""
        if self.outcome == Outcome.HANDLED:
            return self.long_reference
        return f"{self.long_reference}, {self.get_outcome_display()}"

    def _format(self, body_name: str) -> str:
        ref = f"{body_name} {formats.date_format(self.meeting_date, 'j.n.Y')}"
        return f"{ref} § {self.section}" if self.section else ref


class HandlingCorrection(TimestampedModel):
    """A correction of a recorded decision's date, § or case number: who, when, why, and
    the reference before and after. The handling shows the corrected values; the
    original stays visible in the history, the export and the documents' footers."""

    handling = models.ForeignKey(
        Handling, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("handling")
    )
    changes = models.JSONField(_("changes"))  # {field: [before, after]}, dates as ISO text
    before_reference = models.CharField(_("reference before"), max_length=200)
    after_reference = models.CharField(_("reference after"), max_length=200)
    reason = models.TextField(_("reason"), max_length=DESCRIPTION_MAX)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("corrected by")
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("correction of a decision record")
        verbose_name_plural = _("corrections of decision records")

    def __str__(self) -> str:
        return f"{self.before_reference} → {self.after_reference}"
