"""What the goals come from: the council's strategy and the budget's binding targets.

A strategy belongs to an organization and a council term. It is versioned like a plan:
a revision is a new Strategy row (the same `lineage`, the next `version`) with copies of
its themes and objectives (each keeping its own lineage). Goals link to one version's
objective row, so a link keeps pointing where it pointed when the strategy is revised;
the strategy map matches objectives across versions by lineage.

Budget targets are the binding operational and financial targets (sitovat toiminnalliset
ja taloudelliset tavoitteet) of one budget year, per body (toimielin) and optionally a
service area, with indicators, target values and dated realisation figures.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from suunta.lib.models import TimestampedModel, localized
from suunta.lib.publicity import PublicityMixin
from suunta.lib.validators import validate_not_blank
from suunta.organizations.models import Body, Organization

TITLE_MAX = 300
TEXT_MAX = 4000
NUMBER_MAX = 12


class StrategyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class Strategy(PublicityMixin, TimestampedModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="strategies", verbose_name=_("organization")
    )
    lineage = models.UUIDField(_("lineage"), default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=StrategyStatus.choices, default=StrategyStatus.DRAFT
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX, validators=[validate_not_blank])
    title_sv = models.CharField(_("title in Swedish"), max_length=TITLE_MAX, blank=True)
    term_start = models.DateField(_("council term starts"))
    term_end = models.DateField(_("council term ends"))
    vision = models.TextField(_("vision"), max_length=TEXT_MAX, blank=True)
    vision_sv = models.TextField(_("vision in Swedish"), max_length=TEXT_MAX, blank=True)
    # The council's approving decision (e.g. KV 15.12.2025 § 80).
    decided_by = models.ForeignKey(
        Body, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    decision_section = models.CharField(_("section (§)"), max_length=20, blank=True)
    decision_case_number = models.CharField(_("case number"), max_length=60, blank=True)

    class Meta:
        ordering = ["-term_start", "-version", "id"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="strategy_unique_version"),
            models.CheckConstraint(condition=Q(term_end__gte=F("term_start")), name="strategy_term_ordered"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return localized(self, "title")

    @property
    def display_vision(self) -> str:
        return localized(self, "vision")

    @property
    def is_draft(self) -> bool:
        return self.status == StrategyStatus.DRAFT

    def clean(self):
        errors = {}
        if self.term_start and self.term_end and self.term_end < self.term_start:
            errors["term_end"] = _("The term cannot end before it starts.")
        if self.decided_by_id and self.decided_by.organization_id != self.organization_id:
            errors["decided_by"] = _("Choose one of the organization's bodies.")
        if (self.decided_on or self.decision_section or self.decision_case_number) and not self.decided_by_id:
            errors["decided_by"] = _("Name the body that made the decision.")
        if self.decided_by_id and not self.decided_on:
            errors["decided_on"] = _("Enter the date of the decision.")
        if errors:
            raise ValidationError(errors)


class Theme(TimestampedModel):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="themes")
    lineage = models.UUIDField(_("lineage"), default=uuid.uuid4, editable=False)
    number = models.CharField(_("number"), max_length=NUMBER_MAX, blank=True)
    title = models.CharField(_("theme"), max_length=TITLE_MAX, validators=[validate_not_blank])
    title_sv = models.CharField(_("theme in Swedish"), max_length=TITLE_MAX, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("strategy theme")
        verbose_name_plural = _("strategy themes")

    def __str__(self) -> str:
        return f"{self.number} {self.display_title}".strip()

    @property
    def display_title(self) -> str:
        return localized(self, "title")


class Objective(PublicityMixin, TimestampedModel):
    """A strategic objective, numbered as the municipality numbers it ("1.2")."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="objectives")
    theme = models.ForeignKey(
        Theme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="objectives",
        verbose_name=_("theme"),
    )
    lineage = models.UUIDField(_("lineage"), default=uuid.uuid4, editable=False)
    number = models.CharField(_("number"), max_length=NUMBER_MAX, blank=True)
    title = models.CharField(_("objective"), max_length=TITLE_MAX, validators=[validate_not_blank])
    title_sv = models.CharField(_("objective in Swedish"), max_length=TITLE_MAX, blank=True)
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True)
    description_sv = models.TextField(_("description in Swedish"), max_length=TEXT_MAX, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("strategic objective")
        verbose_name_plural = _("strategic objectives")

    def __str__(self) -> str:
        return f"{self.number} {self.display_title}".strip()

    @property
    def display_title(self) -> str:
        return localized(self, "title")

    @property
    def display_description(self) -> str:
        return localized(self, "description")


class StrategyIndicator(TimestampedModel):
    """An optional indicator of an objective, with target values per year."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="indicators")
    text = models.CharField(_("indicator"), max_length=TITLE_MAX, validators=[validate_not_blank])
    text_sv = models.CharField(_("indicator in Swedish"), max_length=TITLE_MAX, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("strategy indicator")
        verbose_name_plural = _("strategy indicators")

    def __str__(self) -> str:
        return self.display_text

    @property
    def display_text(self) -> str:
        return localized(self, "text")


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(StrategyIndicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicator_target_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class BudgetTargetKind(models.TextChoices):
    OPERATIONAL = "operational", _("Operational")
    FINANCIAL = "financial", _("Financial")


class BudgetTarget(PublicityMixin, TimestampedModel):
    """A binding target of one budget year for a body (and optionally a service area)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="budget_targets", verbose_name=_("organization")
    )
    year = models.PositiveSmallIntegerField(_("budget year"))
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="budget_targets", verbose_name=_("body")
    )
    service_area = models.CharField(_("service area"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=BudgetTargetKind.choices, default=BudgetTargetKind.OPERATIONAL
    )
    title = models.CharField(_("binding target"), max_length=TITLE_MAX, validators=[validate_not_blank])
    title_sv = models.CharField(_("binding target in Swedish"), max_length=TITLE_MAX, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["-year", "order", "id"]
        verbose_name = _("budget target")
        verbose_name_plural = _("budget targets")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "body", "service_area", "title"], name="budget_target_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return localized(self, "title")


class BudgetIndicator(TimestampedModel):
    target = models.ForeignKey(BudgetTarget, on_delete=models.CASCADE, related_name="indicators")
    text = models.CharField(_("indicator"), max_length=TITLE_MAX, validators=[validate_not_blank])
    text_sv = models.CharField(_("indicator in Swedish"), max_length=TITLE_MAX, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    target_value = models.DecimalField(
        _("target value"), max_digits=16, decimal_places=4, null=True, blank=True
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("budget indicator")
        verbose_name_plural = _("budget indicators")
        constraints = [
            models.UniqueConstraint(fields=["target", "text"], name="budget_indicator_unique_text")
        ]

    def __str__(self) -> str:
        return self.display_text

    @property
    def display_text(self) -> str:
        return localized(self, "text")


class BudgetRealisation(TimestampedModel):
    """A realisation figure (toteuma) of a budget indicator on a day. Metrics that follow
    the indicator take their values from these (suunta/strategy/services.py)."""

    indicator = models.ForeignKey(BudgetIndicator, on_delete=models.CASCADE, related_name="realisations")
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("realisation"), max_digits=16, decimal_places=4)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["measured_on", "id"]
        verbose_name = _("realisation")
        verbose_name_plural = _("realisations")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"], name="budget_realisation_one_per_day"
            )
        ]
