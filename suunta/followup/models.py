"""Follow-up at each checkpoint: self-assessment, evaluators' views, the agreed follow-up.

The checkpoint itself belongs to an approved (frozen) plan version, so the follow-up's
own state lives here, in `FollowUp`, one per checkpoint. Assessments are per goal
area, as the seed's Seuranta cells are per goal row.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from suunta.agreements.models import DESCRIPTION_MAX, Checkpoint, GoalArea, Metric
from suunta.lib.models import TimestampedModel, localized
from suunta.lib.publicity import PublicityMixin
from suunta.organizations.models import Organization

HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB, e.g. #1d6b2f."))
MIN_TEXT_CONTRAST = 4.5  # WCAG 2.1 AA for normal text


def relative_luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


class Rating(TimestampedModel):
    """One step of an organization's rating scale; always shown as text, colour helps."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="ratings")
    code = models.SlugField(_("code"), max_length=30)
    label = models.CharField(_("label"), max_length=60)
    label_sv = models.CharField(_("label in Swedish"), max_length=60, blank=True)
    label_en = models.CharField(_("label in English"), max_length=60, blank=True)
    background = models.CharField(_("colour"), max_length=7, validators=[HEX_COLOUR])
    text_colour = models.CharField(_("text colour"), max_length=7, validators=[HEX_COLOUR], default="#000000")
    order = models.PositiveIntegerField(_("order"), default=0)
    # Points for the weighted overall result (0–100); empty: left out of it.
    points = models.PositiveSmallIntegerField(
        _("points"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("0–100, for the weighted overall result. Leave empty for “cannot be assessed”."),
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="rating_unique_code")]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:

        if (get_language() or "fi").startswith("en") and self.label_en:
            return self.label_en
        return localized(self, "label")

    @property
    def css_class(self) -> str:
        return f"rating-{self.pk}"

    def clean(self):
        if HEX_COLOUR.regex.match(self.background or "") and HEX_COLOUR.regex.match(self.text_colour or ""):
            ratio = contrast_ratio(self.background, self.text_colour)
            if ratio < MIN_TEXT_CONTRAST:
                raise ValidationError(
                    {
                        "text_colour": _(
                            "The text and its background contrast only %(ratio)s:1; at least 4.5:1 is needed."
                        )
                        % {"ratio": formats.number_format(ratio, 1)}
                    }
                )


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SELF_ASSESSED = "self_assessed", _("Self-assessed")
    VIEWS_IN = "views_in", _("Evaluators' views in")
    AGREED = "agreed", _("Agreed")
    REPORTED = "reported", _("Reported to the board")


STATUS_ORDER = [s.value for s in FollowUpStatus]


class FollowUp(TimestampedModel):
    """The state of one checkpoint's follow-up."""

    checkpoint = models.OneToOneField(Checkpoint, on_delete=models.CASCADE, related_name="followup")
    status = models.CharField(
        _("status"), max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    agreed_on = models.DateField(_("agreed in the meeting on"), null=True, blank=True)
    agreed_body = models.ForeignKey(
        "organizations.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreed in"),
    )
    report = models.ForeignKey(
        "governance.Handling",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("report"),
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.checkpoint} ({self.get_status_display()})"

    def reached(self, status: str) -> bool:
        return STATUS_ORDER.index(self.status) >= STATUS_ORDER.index(status)


class SkippedStep(TimestampedModel):
    """A step someone never completed, closed by the preparer or a position with the right, with a reason."""

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="skipped_steps")
    from_status = models.CharField(_("from status"), max_length=16, choices=FollowUpStatus.choices)
    to_status = models.CharField(_("to status"), max_length=16, choices=FollowUpStatus.choices)
    reason = models.TextField(_("reason"), max_length=DESCRIPTION_MAX)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("closed step")
        verbose_name_plural = _("closed steps")


class AssessmentKind(models.TextChoices):
    SELF = "self", _("Self-assessment")
    VIEW = "view", _("Evaluator's view")
    AGREED = "agreed", _("Agreed follow-up")


class Assessment(PublicityMixin, TimestampedModel):
    """A rating and text for one goal area at one checkpoint: the executive's own, an
    evaluator's, or the agreed one (author: who recorded it)."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="assessments")
    goal_area = models.ForeignKey(GoalArea, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(_("kind"), max_length=10, choices=AssessmentKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rating = models.ForeignKey(
        Rating, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("rating")
    )
    text = models.TextField(_("assessment"), max_length=DESCRIPTION_MAX, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # Optimistic locking: a save must name the revision it started from.
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["goal_area__order", "id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["checkpoint", "goal_area", "kind", "author"],
                condition=~Q(kind="agreed"),
                name="assessment_one_per_author",
            ),
            models.UniqueConstraint(
                fields=["checkpoint", "goal_area"], condition=Q(kind="agreed"), name="assessment_one_agreed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.goal_area} / {self.checkpoint}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class MetricNote(TimestampedModel):
    """An optional note on one metric within a self-assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="metric_notes")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"), max_length=DESCRIPTION_MAX)

    class Meta:
        verbose_name = _("metric note")
        verbose_name_plural = _("metric notes")
        constraints = [models.UniqueConstraint(fields=["assessment", "metric"], name="metric_note_unique")]


class MetricScore(TimestampedModel):
    """The agreed follow-up's score of one metric, where the organization rates each
    metric: a rating by hand, or points scored from the metric's values (stored when the
    follow-up is agreed, with the value they came from, so later values change nothing)."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="metric_scores")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="scores")
    rating = models.ForeignKey(
        Rating, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("rating")
    )
    points = models.DecimalField(_("points"), max_digits=9, decimal_places=4, null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True, blank=True)
    measured_on = models.DateField(_("measured on"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("metric score")
        verbose_name_plural = _("metric scores")
        constraints = [models.UniqueConstraint(fields=["checkpoint", "metric"], name="metric_score_unique")]


class PayBasis(models.TextChoices):
    PERCENT = "percent", _("Percentage of the annual salary")
    EUROS = "euros", _("Amount in euros")


class PayScale(models.TextChoices):
    LINEAR = "linear", _("Linear: the maximum × points / 100")
    STEPPED = "stepped", _("Stepped: a share of the maximum per range of points")


class PayRules(TimestampedModel):
    """How an organization turns the year's evaluation into performance pay
    (tulospalkkio). Off unless enabled. A decided pay keeps a copy of the rules it was
    calculated with (PerformancePay.snapshot), so changing them later changes nothing decided."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="pay_rules")
    enabled = models.BooleanField(_("performance pay in use"), default=False)
    basis = models.CharField(
        _("maximum as"), max_length=10, choices=PayBasis.choices, default=PayBasis.PERCENT
    )
    maximum = models.DecimalField(
        _("maximum"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Per cent of the annual salary (e.g. 8) or euros (e.g. 5000)."),
    )
    threshold = models.DecimalField(
        _("threshold (points)"),
        max_digits=5,
        decimal_places=1,
        default=0,
        help_text=_("No pay under this many points, e.g. 50."),
    )
    scale = models.CharField(_("scale"), max_length=10, choices=PayScale.choices, default=PayScale.LINEAR)
    # Stepped scale: [[from points, to points, per cent of the maximum], …] as decimal text.
    steps = models.JSONField(_("steps"), default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("performance pay rules")
        verbose_name_plural = _("performance pay rules")


class PerformancePay(TimestampedModel):
    """The performance pay of one year's evaluation: the annual salary it is calculated
    from (personal data: entered and read by few, every read audited) and, once the board
    has decided, the calculation as decided (rules, inputs, result, decision)."""

    checkpoint = models.OneToOneField(Checkpoint, on_delete=models.PROTECT, related_name="performance_pay")
    annual_salary = models.DecimalField(
        _("annual salary"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    salary_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        "governance.Handling", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    snapshot = models.JSONField(_("calculation as decided"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("performance pay")
        verbose_name_plural = _("performance pay")
