"""Director agreement, its yearly goals annex (GoalPlan) and the annex's versions.

Goal areas, metrics and checkpoints belong to a PlanVersion, so an approved version
can stay as it was while an amendment is drafted as the next one. Goal areas and
metrics carry a `lineage` id that is copied into amendments and next-year plans, so
follow-ups and values can be tied to "the same goal" across versions and years.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from suunta.lib.models import TimestampedModel, localized
from suunta.lib.publicity import PublicityMixin
from suunta.lib.validators import validate_not_blank
from suunta.organizations.models import Organization

from .freeze import (
    FrozenGuardMixin,
    FrozenGuardQuerySet,
    FrozenVersionError,
    MetricQuerySet,
    PlanVersionQuerySet,
    refuse_frozen,
    refuse_plan_delete,
)
from .statuses import EDITABLE_STATUSES, FROZEN_STATUSES, VersionStatus

__all__ = [
    "EDITABLE_STATUSES",
    "FROZEN_STATUSES",
    "FrozenVersionError",
    "VersionStatus",
]

TITLE_MAX = 200
TEXT_MAX = 1000
DESCRIPTION_MAX = 4000


class AgreementQuerySet(models.QuerySet):
    def for_user(self, user):
        # The policy module reads these models: imported here to break the cycle.
        from suunta import policies  # noqa: PLC0415

        return policies.scope_agreements(self, user)


class DirectorAgreement(PublicityMixin, TimestampedModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("organization")
    )
    executive = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="director_agreements",
        verbose_name=_("executive"),
    )
    position_title = models.CharField(
        _("position title"),
        max_length=100,
        validators=[validate_not_blank],
        help_text=_("e.g. kansliapäällikkö"),
    )
    position_title_sv = models.CharField(_("position title in Swedish"), max_length=100, blank=True)
    position_genitive = models.CharField(
        _("position title in the genitive"),
        max_length=100,
        validators=[validate_not_blank],
        help_text=_("Used in document titles, e.g. kansliapäällikön"),
    )
    position_genitive_sv = models.CharField(
        _("position title in the genitive, Swedish"),
        max_length=100,
        blank=True,
        help_text=_("e.g. kanslichefens"),
    )
    legal_basis = models.TextField(
        _("legal basis"), max_length=DESCRIPTION_MAX, blank=True, help_text=_("e.g. kuntalaki 410/2015 42 §")
    )
    starts_on = models.DateField(_("start date"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    # The decision that approved the agreement (e.g. the council's, KV 12.6.2023 § 30).
    decided_by = models.ForeignKey(
        "organizations.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    decision_section = models.CharField(_("section (§)"), max_length=20, blank=True)
    decision_case_number = models.CharField(_("case number"), max_length=60, blank=True)
    # The signed agreement as a PDF, stored like evidence files (suunta/evidence/uploads.py):
    # under a random name, with its checksum.
    signed_file = models.CharField(_("stored name"), max_length=64, blank=True, editable=False)
    signed_file_name = models.CharField(_("signed agreement"), max_length=150, blank=True, editable=False)
    signed_file_size = models.PositiveBigIntegerField(
        _("size in bytes"), null=True, blank=True, editable=False
    )
    signed_file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("director agreement")
        verbose_name_plural = _("director agreements")

    def __str__(self) -> str:
        return f"{capfirst(self.display_position)}: {self.executive} ({self.organization})"

    def clean(self):
        errors = {}
        if self.decided_by_id and self.decided_by.organization_id != self.organization_id:
            errors["decided_by"] = _("Choose one of the organization's bodies.")
        if (self.decided_on or self.decision_section or self.decision_case_number) and not self.decided_by_id:
            errors["decided_by"] = _("Name the body that made the decision.")
        if self.decided_by_id and not self.decided_on:
            errors["decided_on"] = _("Enter the date of the decision.")
        if self.signed_on and self.decided_on and self.signed_on < self.decided_on:
            errors["signed_on"] = _("The agreement is signed after the decision that approved it.")
        if errors:
            raise ValidationError(errors)

    @property
    def display_position(self) -> str:
        return localized(self, "position_title")

    @property
    def display_genitive(self) -> str:
        return localized(self, "position_genitive")

    def default_plan_title(self, year: int) -> str:
        # Built from the stored genitive: the system never inflects words itself.
        return f"{capfirst(self.position_genitive)} tavoitteet {year}"


class PlanQuerySet(models.QuerySet):
    def for_user(self, user):
        # The policy module reads these models: imported here to break the cycle.
        from suunta import policies  # noqa: PLC0415

        return policies.scope_plans(self, user)

    def delete(self):
        refuse_plan_delete(self)
        return super().delete()


class GoalPlan(PublicityMixin, TimestampedModel):
    """The yearly goals annex of an agreement, for one period."""

    agreement = models.ForeignKey(
        DirectorAgreement,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("director agreement"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX, validators=[validate_not_blank])
    title_sv = models.CharField(_("title in Swedish"), max_length=TITLE_MAX, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "id"]
        verbose_name = _("goal plan")
        verbose_name_plural = _("goal plans")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "period_start", "period_end"], name="plan_unique_agreement_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="plan_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return localized(self, "title")

    @property
    def organization(self) -> Organization:
        return self.agreement.organization

    def clean(self):
        start, end = self.period_start, self.period_end
        if not (start and end and self.agreement_id):
            return
        if end < start:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})
        overlapping = (
            GoalPlan.objects.filter(
                agreement_id=self.agreement_id, period_start__lte=end, period_end__gte=start
            )
            .exclude(pk=self.pk)
            .order_by("period_start")
            .first()
        )
        if overlapping:
            same = (overlapping.period_start, overlapping.period_end) == (start, end)
            message = _(
                "This agreement already has a plan for this period: %(title)s (%(start)s–%(end)s)."
            ) % {
                "title": overlapping.display_title,
                "start": formats.date_format(overlapping.period_start, "SHORT_DATE_FORMAT"),
                "end": formats.date_format(overlapping.period_end, "SHORT_DATE_FORMAT"),
            }
            # "same_period": exactly this period is taken (the plan form lets the service
            # answer with that plan); "overlapping_period": another period overlaps.
            code = "same_period" if same else "overlapping_period"
            raise ValidationError({"period_start": ValidationError(message, code=code)})

    def delete(self, *args, **kwargs):
        frozen = PlanVersion.objects.filter(plan_id=self.pk, status__in=FROZEN_STATUSES).values_list(
            "pk", flat=True
        )
        if frozen.first() is not None:
            refuse_frozen(self, frozen.first())
        return super().delete(*args, **kwargs)

    def latest_version(self) -> "PlanVersion | None":
        # Uses the prefetch cache when the caller prefetched `versions`.
        versions = list(self.versions.all())
        return max(versions, key=lambda v: v.number) if versions else None


class PlanVersion(TimestampedModel):
    plan = models.ForeignKey(
        GoalPlan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="version_unique_number"),
        ]

    objects = PlanVersionQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = PlanVersion._base_manager.filter(pk=self.pk).values_list("status", "plan_id").first()
            if (
                stored
                and stored[0] in FROZEN_STATUSES
                and (self.status not in FROZEN_STATUSES or self.plan_id != stored[1])
            ):
                refuse_frozen(self, self.pk)
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if PlanVersion._base_manager.filter(pk=self.pk, status__in=FROZEN_STATUSES).exists():
            refuse_frozen(self, self.pk)
        return super().delete(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES


class GoalArea(FrozenGuardMixin, PublicityMixin, TimestampedModel):
    """A goal (Tavoite): one row of the annex table."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="goal_areas")
    lineage = models.UUIDField(_("lineage"), default=uuid.uuid4, editable=False)
    title = models.CharField(_("goal"), max_length=TITLE_MAX, validators=[validate_not_blank])
    title_sv = models.CharField(_("goal in Swedish"), max_length=TITLE_MAX, blank=True)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    description_sv = models.TextField(_("description in Swedish"), max_length=DESCRIPTION_MAX, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    # Used only where the organization weighs its goals (Organization.use_weights).
    weight = models.PositiveSmallIntegerField(
        _("weight"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    # What the goal comes from: part of the version's content, frozen with it.
    objectives = models.ManyToManyField(
        "strategy.Objective", through="GoalObjective", related_name="goal_areas", blank=True
    )
    budget_targets = models.ManyToManyField(
        "strategy.BudgetTarget", through="GoalBudgetTarget", related_name="goal_areas", blank=True
    )
    # The goal cascade: the lineage of the goal this goal serves in the approved plan of an
    # agreement above (the chief's goal a sector director's goal serves). By lineage, so
    # the link survives the served plan's amendments and next-year plans.
    serves = models.UUIDField(_("serves the goal"), null=True, blank=True, db_index=True)

    objects = FrozenGuardQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.UniqueConstraint(fields=["version", "lineage"], name="goal_unique_lineage_in_version"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return localized(self, "title")

    @property
    def display_description(self) -> str:
        return localized(self, "description")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")


class Scoring(models.TextChoices):
    RATING = "rating", _("Rated by hand")
    VALUES = "values", _("Scored from its values")


class Metric(FrozenGuardMixin, PublicityMixin, TimestampedModel):
    """A metric or criterion (Mittari) of a goal; optionally quantitative."""

    goal_area = models.ForeignKey(GoalArea, on_delete=models.CASCADE, related_name="metrics")
    lineage = models.UUIDField(_("lineage"), default=uuid.uuid4, editable=False)
    text = models.CharField(_("metric"), max_length=TEXT_MAX, validators=[validate_not_blank])
    text_sv = models.CharField(_("metric in Swedish"), max_length=TEXT_MAX, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=4, null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices, blank=True)
    # Used only where the organization rates each metric (Organization.assess_metrics):
    # its share of the goal (empty: the goal's metrics split evenly) and how it is scored.
    weight = models.PositiveSmallIntegerField(
        _("weight within the goal"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    scoring = models.CharField(_("scoring"), max_length=10, choices=Scoring.choices, default=Scoring.RATING)
    # A metric that follows a budget indicator takes its values from the budget's
    # realisation figures instead of having them typed twice.
    budget_indicator = models.ForeignKey(
        "strategy.BudgetIndicator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="metrics",
        verbose_name=_("follows budget indicator"),
    )

    objects = MetricQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        constraints = [
            models.UniqueConstraint(fields=["goal_area", "lineage"], name="metric_unique_lineage_in_goal"),
        ]

    def __str__(self) -> str:
        return self.display_text

    @property
    def display_text(self) -> str:
        return localized(self, "text")

    @property
    def is_quantitative(self) -> bool:
        return self.target is not None

    def clean(self):
        # A quantitative metric needs a target and a direction that agree with the
        # baseline; progress toward the target is computed from them.
        quantitative = self.target is not None or self.baseline is not None or self.direction or self.unit
        if not quantitative:
            return
        errors = {}
        if self.target is None:
            errors["target"] = _("Give a target, or leave unit, baseline and direction empty.")
        if not self.direction:
            errors["direction"] = _("Choose whether a higher or a lower value is better.")
        if not errors and self.baseline is not None:
            if self.baseline == self.target:
                errors["target"] = _("The target cannot equal the baseline.")
            elif self.direction == Direction.INCREASE and self.target < self.baseline:
                errors["target"] = _("Higher is better, so the target must be above the baseline.")
            elif self.direction == Direction.DECREASE and self.target > self.baseline:
                errors["target"] = _("Lower is better, so the target must be below the baseline.")
        if errors:
            raise ValidationError(errors)

    def version_of_row(self) -> int:
        return (
            GoalArea._base_manager.filter(pk=self.goal_area_id).values_list("version_id", flat=True).first()
        )


class LinkQuerySet(FrozenGuardQuerySet):
    version_path = "goal_area__version"


class _GoalLink(FrozenGuardMixin, models.Model):
    """A goal's link to what it comes from: content of the goal's version, so a frozen
    version's links are frozen with it. The linked row is protected: a strategy version
    or budget target that goals link to is not deleted."""

    goal_area = models.ForeignKey(GoalArea, on_delete=models.CASCADE, related_name="+")

    objects = LinkQuerySet.as_manager()

    class Meta:
        abstract = True

    def version_of_row(self) -> int:
        return (
            GoalArea._base_manager.filter(pk=self.goal_area_id).values_list("version_id", flat=True).first()
        )


class GoalObjective(_GoalLink):
    objective = models.ForeignKey("strategy.Objective", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["goal_area", "objective"], name="goal_objective_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.goal_area_id} → {self.objective_id}"


class GoalBudgetTarget(_GoalLink):
    budget_target = models.ForeignKey("strategy.BudgetTarget", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["goal_area", "budget_target"], name="goal_budget_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.goal_area_id} → {self.budget_target_id}"


class CheckpointKind(models.TextChoices):
    FOLLOWUP = "followup", _("Follow-up")
    EVALUATION = "evaluation", _("Year's evaluation")


class Checkpoint(FrozenGuardMixin, PublicityMixin, TimestampedModel):
    """A follow-up point (Seuranta): a column of the annex table. The year's evaluation
    (vuosiarviointi), after the period, is the one whose result the board approves and
    performance pay is calculated from."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="checkpoints")
    kind = models.CharField(
        _("kind"), max_length=12, choices=CheckpointKind.choices, default=CheckpointKind.FOLLOWUP
    )
    label = models.CharField(_("label"), max_length=100, validators=[validate_not_blank])
    label_sv = models.CharField(_("label in Swedish"), max_length=100, blank=True)
    window_start = models.DateField(_("window opens"))
    window_end = models.DateField(_("window closes"))
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = FrozenGuardQuerySet.as_manager()

    class Meta:
        ordering = ["order", "window_start", "id"]
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gte=F("window_start")), name="checkpoint_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        return localized(self, "label")

    @property
    def is_evaluation(self) -> bool:
        return self.kind == CheckpointKind.EVALUATION

    def clean(self):
        # The year's evaluation looks back on the whole period: it opens on the period's
        # last day or later, and a plan has one.
        if self.kind != CheckpointKind.EVALUATION or not self.version_id or not self.window_start:
            return
        plan = GoalPlan.objects.filter(versions=self.version_id).only("period_end").first()
        if plan and self.window_start < plan.period_end:
            raise ValidationError(
                {
                    "window_start": _(
                        "The year's evaluation comes after the period: it opens on %(date)s or later."
                    )
                    % {"date": formats.date_format(plan.period_end, "SHORT_DATE_FORMAT")}
                }
            )
        other = (
            Checkpoint._base_manager.filter(version_id=self.version_id, kind=CheckpointKind.EVALUATION)
            .exclude(pk=self.pk)
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "kind": _("The plan already has a year's evaluation: %(label)s.")
                    % {"label": other.display_label}
                }
            )
