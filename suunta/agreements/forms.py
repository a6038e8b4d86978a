import uuid

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from suunta.lib.numbers import LocalDecimalField
from suunta.strategy.models import BudgetIndicator, BudgetTarget, Objective, StrategyStatus

from . import cascade
from .models import Checkpoint, CheckpointKind, DirectorAgreement, GoalArea, GoalPlan, Metric


class DateInput(forms.DateInput):
    """The browser's date picker; it always sends ISO dates, whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PlanForm(forms.ModelForm):
    class Meta:
        model = GoalPlan
        fields = ["title", "title_sv", "period_start", "period_end"]
        widgets = {"period_start": DateInput(), "period_end": DateInput()}

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        self.instance.agreement = agreement
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Empty: the position's goals and the period's year.")

    def clean(self):
        """The title follows the period: left empty, or left as the default title of
        another year (the form suggested one, then the period was changed), it becomes
        the default title of the period's year."""
        cleaned = super().clean()
        start, title = cleaned.get("period_start"), (cleaned.get("title") or "").strip()
        if start is not None:
            default = self.agreement.default_plan_title
            if not title or any(title == default(year) for year in range(start.year - 5, start.year + 6)):
                cleaned["title"] = default(start.year)
                self.instance.title = cleaned["title"]
        return cleaned

    def validate_constraints(self, exclude=None):
        # GoalPlan.clean() checks overlapping periods, which covers the unique constraint
        # with a clearer message.
        return None

    def _update_errors(self, errors):
        # Exactly this period taken is no error here: services.get_or_create_plan answers
        # with that plan (made a moment ago in another tab, or by a second click). An
        # overlapping period is.
        if hasattr(errors, "error_dict"):
            for name, field_errors in list(errors.error_dict.items()):
                kept = [error for error in field_errors if error.code != "same_period"]
                if kept:
                    errors.error_dict[name] = kept
                else:
                    del errors.error_dict[name]
            if not errors.error_dict:
                return
        super()._update_errors(errors)


class LinkChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


def _plan_years(plan) -> list[int]:
    return list(range(plan.period_start.year, plan.period_end.year + 1))


def objective_choices(plan, goal=None):
    """The strategy objectives a goal of the plan may serve: those of the organization's
    approved strategies whose council term reaches the plan's period, and the ones the
    goal already links to (a revised strategy's earlier version stays linked)."""
    linked = Q(pk__in=goal.objectives.values("pk")) if goal is not None and goal.pk else Q(pk__in=[])
    return (
        Objective.objects.filter(
            Q(
                strategy__organization_id=plan.agreement.organization_id,
                strategy__status=StrategyStatus.APPROVED,
                strategy__term_end__gte=plan.period_start,
                strategy__term_start__lte=plan.period_end,
            )
            | linked
        )
        .select_related("strategy")
        .order_by("strategy__term_start", "strategy__version", "order", "id")
    )


def budget_target_choices(plan, goal=None):
    linked = Q(pk__in=goal.budget_targets.values("pk")) if goal is not None and goal.pk else Q(pk__in=[])
    return (
        BudgetTarget.objects.filter(
            Q(organization_id=plan.agreement.organization_id, year__in=_plan_years(plan)) | linked
        )
        .select_related("body")
        .order_by("year", "body__order", "service_area", "order", "id")
    )


def _target_label(target) -> str:
    where = " / ".join(part for part in (target.body.display_short, target.service_area) if part)
    return f"{target.display_title} ({where} {target.year})"


class ServesField(forms.TypedChoiceField):
    """The goal of a plan above that a goal serves, by lineage. Any lineage passes the
    form: the service says why one that is not offered may not be served, next to the
    field (another organization's goal, a draft's, a cycle)."""

    def __init__(self, **kwargs):
        super().__init__(coerce=uuid.UUID, empty_value=None, required=False, **kwargs)

    def valid_value(self, value):
        try:
            uuid.UUID(str(value))
        except ValueError:
            return False
        return True


class GoalAreaForm(forms.ModelForm):
    """A goal; where the organization has an approved strategy or budget targets for the
    plan's years, also what the goal serves (part of the version's content); where the
    agreement has an approved plan above it, the goal there that this goal serves."""

    objectives = LinkChoices(
        queryset=Objective.objects.none(),
        required=False,
        label=_("Strategy objectives the goal serves"),
    )
    budget_targets = LinkChoices(
        queryset=BudgetTarget.objects.none(),
        required=False,
        label=_("Binding budget targets the goal serves"),
    )

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        objectives = objective_choices(plan, self.instance) if plan is not None else Objective.objects.none()
        targets = (
            budget_target_choices(plan, self.instance) if plan is not None else BudgetTarget.objects.none()
        )
        self.fields["objectives"].queryset = objectives
        self.fields["objectives"].label_from_instance = lambda o: (
            f"{o} ({o.strategy.display_title}, {_('version')} {o.strategy.version})"
            if o.strategy.status != StrategyStatus.APPROVED
            else str(o)
        )
        self.fields["budget_targets"].queryset = targets
        self.fields["budget_targets"].label_from_instance = _target_label
        if self.instance.pk:
            self.initial.setdefault("objectives", list(self.instance.objectives.values_list("pk", flat=True)))
            self.initial.setdefault(
                "budget_targets", list(self.instance.budget_targets.values_list("pk", flat=True))
            )
        # Nothing to link to: the form stays as it was before strategies existed.
        for name, choices in (("objectives", objectives), ("budget_targets", targets)):
            if not choices.exists():
                del self.fields[name]
        if plan is not None:
            self._add_serves(plan)

    def _add_serves(self, plan) -> None:
        """The goals of the approved plans above (cascade.servable_goals), and the goal
        the goal serves now if it is no longer among them; no field when there is none."""
        choices = [(str(goal.lineage), cascade.choice_label(goal)) for goal in cascade.servable_goals(plan)]
        current = self.instance.serves if self.instance.pk else None
        if current and str(current) not in {value for value, _label in choices}:
            served = cascade.served_goals(
                [current],
                organization_id=plan.agreement.organization_id,
                period=(plan.period_start, plan.period_end),
            ).get(current)
            choices.append(
                (str(current), cascade.choice_label(served) if served else _("A goal no longer offered"))
            )
        if not choices:
            return
        self.fields["serves"] = ServesField(
            label=_("Serves the goal (optional)"),
            choices=[("", _("– none –")), *choices],
            help_text=_("The goal of the approved plan above this agreement that this goal carries forward."),
        )
        if current:
            self.initial.setdefault("serves", str(current))

    class Meta:
        model = GoalArea
        fields = ["title", "description", "title_sv", "description_sv"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_sv": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "title_sv": _("Goal in Swedish (optional)"),
            "description_sv": _("Description in Swedish (optional)"),
        }


class MetricForm(forms.ModelForm):
    # A metric becomes quantitative with a target: then it takes dated values and shows
    # progress and a chart. Finnish decimal commas are accepted.
    baseline = LocalDecimalField(label=_("Baseline (optional)"), required=False)
    target = LocalDecimalField(
        label=_("Target (optional)"),
        required=False,
        help_text=_(
            "Give a target to follow the metric as numbers; leave empty for a metric assessed in words."
        ),
    )

    class Meta:
        model = Metric
        fields = ["text", "text_sv", "unit", "baseline", "target", "direction", "budget_indicator"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "text_sv": forms.Textarea(attrs={"rows": 2})}
        labels = {
            "text_sv": _("Metric in Swedish (optional)"),
            "unit": _("Unit (optional)"),
            "direction": _("Which way is better"),
            "budget_indicator": _("Follows a budget indicator (optional)"),
        }
        help_texts = {
            # xgettext:no-python-format
            "unit": _("e.g. €, % or residents"),
            "budget_indicator": _(
                "Its values then come from the budget's realisation figures instead of being typed here. "
                "An empty target or unit is taken from the indicator."
            ),
        }

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        indicators = BudgetIndicator.objects.none()
        if plan is not None:
            indicators = BudgetIndicator.objects.filter(
                target__organization_id=plan.agreement.organization_id, target__year__in=_plan_years(plan)
            ).select_related("target")
            if self.instance.budget_indicator_id:
                indicators = indicators | BudgetIndicator.objects.filter(pk=self.instance.budget_indicator_id)
        field = self.fields["budget_indicator"]
        field.queryset = indicators.order_by("target__year", "target__order", "order", "id")
        field.label_from_instance = lambda i: f"{i.display_text} – {i.target.display_title} ({i.target.year})"
        if not field.queryset.exists():
            del self.fields["budget_indicator"]

    def clean(self):
        cleaned = super().clean()
        indicator = cleaned.get("budget_indicator")
        if indicator is not None:
            # The indicator's target value and unit, where the metric gives none of its own.
            if (
                cleaned.get("target") is None
                and indicator.target_value is not None
                and "target" not in self._errors
            ):
                cleaned["target"] = self.instance.target = indicator.target_value
            if not cleaned.get("unit") and indicator.unit:
                cleaned["unit"] = self.instance.unit = indicator.unit
        return cleaned

    def _update_errors(self, errors):
        # A field the form already rejected (a target that is not a number) reaches
        # Metric.clean() as empty; its "give a target" would be a second, wrong message.
        if hasattr(errors, "error_dict"):
            for name in [n for n in errors.error_dict if n in self._errors]:
                del errors.error_dict[name]
            if not errors.error_dict:
                return
        super()._update_errors(errors)


class CheckpointForm(forms.ModelForm):
    class Meta:
        model = Checkpoint
        fields = ["label", "kind", "window_start", "window_end", "label_sv"]
        widgets = {"window_start": DateInput(), "window_end": DateInput(), "kind": forms.RadioSelect}
        labels = {"label_sv": _("Label in Swedish (optional)")}
        help_texts = {
            "label": _("As the column heading reads, e.g. elokuu 2025."),
            "kind": _("The year's evaluation comes after the period; the board approves its result."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A checkpoint is a follow-up unless said otherwise (older forms and clients send no kind).
        self.fields["kind"].required = False

    def clean_kind(self):
        return self.cleaned_data.get("kind") or CheckpointKind.FOLLOWUP

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("window_start"), cleaned.get("window_end")
        if start and end and end < start:
            self.add_error("window_end", _("The window cannot close before it opens."))
        return cleaned

    def validate_constraints(self, exclude=None):
        # The check constraint is validated in clean() with a message next to the field.
        return None


class AgreementForm(forms.ModelForm):
    """A new director agreement: only the organization's executives and bodies are offered."""

    class Meta:
        model = DirectorAgreement
        fields = [
            "executive",
            "position_title",
            "position_title_sv",
            "position_genitive",
            "position_genitive_sv",
            "starts_on",
            "decided_by",
            "decided_on",
            "decision_section",
            "decision_case_number",
            "signed_on",
            "legal_basis",
        ]
        widgets = {
            "starts_on": DateInput(),
            "decided_on": DateInput(),
            "signed_on": DateInput(),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "executive": _(
                "The people who hold the executive role in the organization. Someone else? "
                "Give the role first on the people page."
            ),
            "decided_by": _("The body whose decision approved the agreement, e.g. the council."),
        }

    def __init__(self, *args, organization, executives, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        if "executive" in self.fields:
            self.fields["executive"].queryset = executives
            self.fields["executive"].label_from_instance = lambda user: (
                user.get_full_name() or user.get_username()
            )
        self.fields["decided_by"].queryset = organization.bodies.all()
        self.fields["decided_by"].label_from_instance = lambda body: body.display_name


class AgreementEditForm(AgreementForm):
    """Corrections to an agreement, and its signed copy as a PDF. The executive stays."""

    signed_file = forms.FileField(
        label=_("The signed agreement (PDF)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
        help_text=_("Optional. A new file replaces the earlier one."),
    )

    class Meta(AgreementForm.Meta):
        fields = [name for name in AgreementForm.Meta.fields if name != "executive"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, organization=organization, executives=None, **kwargs)
