"""The only code that writes strategies, budget targets and goals' links to them.

Every change is audited and runs in one transaction. A strategy's content changes only
while it is a draft; an approved strategy is revised as a new version (revise) and the
goals that link to the old version keep pointing at it.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import formats
from django.utils.translation import gettext as _

from suunta import policies
from suunta.agreements.models import GoalArea, GoalPlan, Metric, PlanVersion
from suunta.audit import services as audit
from suunta.measures.models import BUDGET_SOURCE, COMMENT_MAX, MetricValue
from suunta.organizations.models import Organization

from . import budget_import
from .models import (
    BudgetIndicator,
    BudgetRealisation,
    BudgetTarget,
    IndicatorTarget,
    Objective,
    Strategy,
    StrategyIndicator,
    StrategyStatus,
    Theme,
)


def _require_manage(user, organization) -> None:
    policies.require(user, policies.MANAGE_STRATEGY, organization)


def _require_draft(strategy: Strategy) -> None:
    if not strategy.is_draft:
        raise ValidationError(
            _("An approved strategy does not change. Revise it as a new version to change its content.")
        )


def _save(instance, exclude=()) -> None:
    instance.full_clean(exclude=list(exclude))
    instance.save()


# --- Strategy ------------------------------------------------------------------------------

STRATEGY_FIELDS = ("title", "title_sv", "term_start", "term_end", "vision", "vision_sv")
DECISION_FIELDS = ("decided_by", "decided_on", "decision_section", "decision_case_number")


@audit.recording_refusals
@transaction.atomic
def create_strategy(user, organization, **fields) -> Strategy:
    _require_manage(user, organization)
    strategy = Strategy(organization=organization, **fields)
    _save(strategy)
    audit.record("strategy.create", actor=user, organization=organization.pk, obj=strategy)
    return strategy


@audit.recording_refusals
@transaction.atomic
def update_strategy(user, strategy: Strategy, **fields) -> Strategy:
    _require_manage(user, strategy.organization)
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    content = {k: v for k, v in fields.items() if k not in DECISION_FIELDS}
    if content and any(getattr(strategy, k) != v for k, v in content.items()):
        _require_draft(strategy)
    changes = {k: [str(getattr(strategy, k)), str(v)] for k, v in fields.items() if getattr(strategy, k) != v}
    for name, value in fields.items():
        setattr(strategy, name, value)
    _save(strategy)
    if changes:
        audit.record(
            "strategy.update",
            actor=user,
            organization=strategy.organization_id,
            obj=strategy,
            changes=changes,
        )
    return strategy


@audit.recording_refusals
@transaction.atomic
def approve_strategy(user, strategy: Strategy, **decision) -> Strategy:
    """Record the council's approving decision; the earlier approved version of the same
    strategy is superseded."""
    _require_manage(user, strategy.organization)
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    _require_draft(strategy)
    if not strategy.objectives.exists():
        raise ValidationError(_("Add the strategy's objectives before recording its approval."))
    for name, value in decision.items():
        setattr(strategy, name, value)
    if not strategy.decided_by_id:
        raise ValidationError({"decided_by": _("Name the body that made the decision.")})
    strategy.status = StrategyStatus.APPROVED
    _save(strategy)
    Strategy.objects.filter(lineage=strategy.lineage, status=StrategyStatus.APPROVED).exclude(
        pk=strategy.pk
    ).update(status=StrategyStatus.SUPERSEDED)
    audit.record(
        "strategy.approve",
        actor=user,
        organization=strategy.organization_id,
        obj=strategy,
        changes={"status": [StrategyStatus.DRAFT, StrategyStatus.APPROVED]},
    )
    return strategy


@audit.recording_refusals
@transaction.atomic
def revise_strategy(user, strategy: Strategy) -> Strategy:
    """The next version as a draft, with copies of the themes, objectives and indicators
    (each keeping its lineage); the draft already started, if there is one."""
    _require_manage(user, strategy.organization)
    latest = (
        Strategy.objects.select_for_update().filter(lineage=strategy.lineage).order_by("-version").first()
    )
    if latest.is_draft:
        return latest
    fields = {name: getattr(latest, name) for name in STRATEGY_FIELDS}
    draft = Strategy.objects.create(
        organization=latest.organization,
        lineage=latest.lineage,
        version=latest.version + 1,
        publicity=latest.publicity,
        **fields,
    )
    themes = {}
    for theme in latest.themes.all():
        themes[theme.pk] = Theme.objects.create(
            strategy=draft,
            lineage=theme.lineage,
            number=theme.number,
            title=theme.title,
            title_sv=theme.title_sv,
            order=theme.order,
        )
    for objective in latest.objectives.prefetch_related("indicators__targets"):
        copy = Objective.objects.create(
            strategy=draft,
            theme=themes.get(objective.theme_id),
            lineage=objective.lineage,
            number=objective.number,
            title=objective.title,
            title_sv=objective.title_sv,
            description=objective.description,
            description_sv=objective.description_sv,
            order=objective.order,
            publicity=objective.publicity,
        )
        for indicator in objective.indicators.all():
            new = StrategyIndicator.objects.create(
                objective=copy,
                text=indicator.text,
                text_sv=indicator.text_sv,
                unit=indicator.unit,
                order=indicator.order,
            )
            IndicatorTarget.objects.bulk_create(
                IndicatorTarget(indicator=new, year=t.year, value=t.value) for t in indicator.targets.all()
            )
    audit.record(
        "strategy.amend",
        actor=user,
        organization=latest.organization_id,
        obj=draft,
        changes={"number": [latest.version, draft.version]},
    )
    return draft


def _linked_goals_message(goals) -> str:
    names = sorted({goal.title for goal in goals})
    shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
    return shown


@audit.recording_refusals
@transaction.atomic
def delete_strategy(user, strategy: Strategy) -> None:
    _require_manage(user, strategy.organization)
    linked = GoalArea.objects.filter(objectives__strategy=strategy).distinct()
    if linked.exists():
        raise ValidationError(
            _(
                "Goals link to this strategy version (%(goals)s), so it is kept. Revise it as a new "
                "version instead; the goals keep pointing where they pointed."
            )
            % {"goals": _linked_goals_message(linked)}
        )
    audit.record("strategy.delete", actor=user, organization=strategy.organization_id, obj=strategy)
    try:
        strategy.delete()
    except ProtectedError as error:  # a link written since the check above
        raise ValidationError(_("Goals link to this strategy version, so it is kept.")) from error


# Themes and objectives: changed only in a draft.


def _content_change(
    user, strategy: Strategy, action: str, instance, fields: dict | None = None, delete=False
):
    _require_manage(user, strategy.organization)
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    _require_draft(strategy)
    if delete:
        audit.record(action, actor=user, organization=strategy.organization_id, obj=instance)
        instance.delete()
        return None
    changes = {}
    for name, value in (fields or {}).items():
        if instance.pk is not None and getattr(instance, name) != value:
            changes[name] = [str(getattr(instance, name)), str(value)]
        setattr(instance, name, value)
    _save(instance)
    audit.record(
        action, actor=user, organization=strategy.organization_id, obj=instance, changes=changes or None
    )
    return instance


def _next_order(qs) -> int:
    last = qs.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


@audit.recording_refusals
@transaction.atomic
def add_theme(user, strategy: Strategy, **fields) -> Theme:
    theme = Theme(strategy=strategy, order=_next_order(strategy.themes.all()))
    return _content_change(user, strategy, "strategy_theme.create", theme, fields)


@audit.recording_refusals
@transaction.atomic
def update_theme(user, theme: Theme, **fields) -> Theme:
    return _content_change(user, theme.strategy, "strategy_theme.update", theme, fields)


@audit.recording_refusals
@transaction.atomic
def delete_theme(user, theme: Theme) -> None:
    if theme.objectives.exists():
        raise ValidationError(_("Move or remove the theme's objectives first."))
    _content_change(user, theme.strategy, "strategy_theme.delete", theme, delete=True)


def _check_theme(strategy: Strategy, fields: dict) -> None:
    theme = fields.get("theme")
    if theme is not None and theme.strategy_id != strategy.pk:
        raise ValidationError({"theme": _("Choose one of this strategy's themes.")})


@audit.recording_refusals
@transaction.atomic
def add_objective(user, strategy: Strategy, **fields) -> Objective:
    _check_theme(strategy, fields)
    objective = Objective(strategy=strategy, order=_next_order(strategy.objectives.all()))
    return _content_change(user, strategy, "objective.create", objective, fields)


@audit.recording_refusals
@transaction.atomic
def update_objective(user, objective: Objective, **fields) -> Objective:
    _check_theme(objective.strategy, fields)
    return _content_change(user, objective.strategy, "objective.update", objective, fields)


@audit.recording_refusals
@transaction.atomic
def delete_objective(user, objective: Objective) -> None:
    _content_change(user, objective.strategy, "objective.delete", objective, delete=True)


@audit.recording_refusals
@transaction.atomic
def add_strategy_indicator(
    user, objective: Objective, *, targets: dict[int, Decimal] | None = None, **fields
):
    indicator = StrategyIndicator(objective=objective, order=_next_order(objective.indicators.all()))
    indicator = _content_change(user, objective.strategy, "strategy_indicator.create", indicator, fields)
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(indicator=indicator, year=year, value=value)
        for year, value in sorted((targets or {}).items())
    )
    return indicator


def _targets_text(targets: dict[int, Decimal]) -> str:
    return ", ".join(f"{year}: {format(value.normalize(), 'f')}" for year, value in sorted(targets.items()))


@audit.recording_refusals
@transaction.atomic
def update_strategy_indicator(
    user, indicator: StrategyIndicator, *, targets: dict[int, Decimal | None] | None = None, **fields
) -> StrategyIndicator:
    """Change a draft's indicator; `targets` (year → value, None to remove) replaces its
    target values when given. One audit event with every change."""
    strategy = indicator.objective.strategy
    _require_manage(user, strategy.organization)
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    _require_draft(strategy)
    changes = {
        k: [str(getattr(indicator, k)), str(v)] for k, v in fields.items() if getattr(indicator, k) != v
    }
    for name, value in fields.items():
        setattr(indicator, name, value)
    _save(indicator)
    if targets is not None:
        before = {t.year: t.value for t in indicator.targets.all()}
        wanted = {year: value for year, value in targets.items() if value is not None}
        if before != wanted:
            indicator.targets.all().delete()
            IndicatorTarget.objects.bulk_create(
                IndicatorTarget(indicator=indicator, year=year, value=value)
                for year, value in sorted(wanted.items())
            )
            changes["targets"] = [_targets_text(before), _targets_text(wanted)]
    if changes:
        audit.record(
            "strategy_indicator.update",
            actor=user,
            organization=strategy.organization_id,
            obj=indicator,
            changes=changes,
        )
    return indicator


@audit.recording_refusals
@transaction.atomic
def delete_strategy_indicator(user, indicator: StrategyIndicator) -> None:
    _content_change(user, indicator.objective.strategy, "strategy_indicator.delete", indicator, delete=True)


# --- Budget targets -----------------------------------------------------------------------


def _check_body(organization, fields: dict) -> None:
    body = fields.get("body")
    if body is not None and body.organization_id != organization.pk:
        raise ValidationError({"body": _("Choose one of the organization's bodies.")})


def _refuse_duplicate_target(target: BudgetTarget) -> None:
    duplicate = BudgetTarget.objects.filter(
        organization_id=target.organization_id,
        year=target.year,
        body_id=target.body_id,
        service_area=target.service_area,
        title=target.title,
    ).exclude(pk=target.pk)
    if duplicate.exists():
        raise ValidationError({"title": _("The budget year already has this target for this body.")})


@audit.recording_refusals
@transaction.atomic
def create_budget_target(user, organization, **fields) -> BudgetTarget:
    _require_manage(user, organization)
    _check_body(organization, fields)
    target = BudgetTarget(organization=organization, **fields)
    target.order = target.order or _next_order(
        BudgetTarget.objects.filter(organization=organization, year=target.year)
    )
    _refuse_duplicate_target(target)
    _save(target)
    audit.record("budget_target.create", actor=user, organization=organization.pk, obj=target)
    return target


@audit.recording_refusals
@transaction.atomic
def update_budget_target(user, target: BudgetTarget, **fields) -> BudgetTarget:
    _require_manage(user, target.organization)
    _check_body(target.organization, fields)
    changes = {k: [str(getattr(target, k)), str(v)] for k, v in fields.items() if getattr(target, k) != v}
    for name, value in fields.items():
        setattr(target, name, value)
    _refuse_duplicate_target(target)
    _save(target)
    if changes:
        audit.record(
            "budget_target.update",
            actor=user,
            organization=target.organization_id,
            obj=target,
            changes=changes,
        )
    return target


@audit.recording_refusals
@transaction.atomic
def delete_budget_target(user, target: BudgetTarget) -> None:
    _require_manage(user, target.organization)
    linked = GoalArea.objects.filter(budget_targets=target)
    followed = Metric.objects.filter(budget_indicator__target=target)
    if linked.exists() or followed.exists():
        raise ValidationError(
            _("Goals link to this budget target (%(goals)s), so it is kept.")
            % {
                "goals": _linked_goals_message(
                    list(linked) + [m.goal_area for m in followed.select_related("goal_area")]
                )
            }
        )
    audit.record("budget_target.delete", actor=user, organization=target.organization_id, obj=target)
    target.delete()


@audit.recording_refusals
@transaction.atomic
def add_budget_indicator(user, target: BudgetTarget, **fields) -> BudgetIndicator:
    _require_manage(user, target.organization)
    indicator = BudgetIndicator(target=target, order=_next_order(target.indicators.all()), **fields)
    if BudgetIndicator.objects.filter(target=target, text=indicator.text).exists():
        raise ValidationError({"text": _("The target already has this indicator.")})
    _save(indicator)
    audit.record("budget_indicator.create", actor=user, organization=target.organization_id, obj=indicator)
    return indicator


@audit.recording_refusals
@transaction.atomic
def record_realisation(user, indicator: BudgetIndicator, *, measured_on: datetime.date, value: Decimal):
    """A realisation figure of the day (replacing that day's earlier figure); the metrics
    that follow the indicator get it as their value (see follow_indicator)."""
    organization = indicator.target.organization
    policies.require(user, policies.RECORD_REALISATION, organization)
    realisation, created = BudgetRealisation.objects.update_or_create(
        indicator=indicator, measured_on=measured_on, defaults={"value": value, "recorded_by": user}
    )
    audit.record(
        "budget_realisation.create" if created else "budget_realisation.update",
        actor=user,
        organization=organization.pk,
        obj=realisation,
        changes={"value": [None, format(value, "f")], "measured_on": [None, measured_on.isoformat()]},
    )
    _copy_to_metrics(user, indicator, [realisation])
    return realisation


def _copy_to_metrics(user, indicator: BudgetIndicator, realisations) -> int:
    """Write the realisation figures as the values of every metric that follows the
    indicator, in plans whose period holds the figure's date. The figures stay the
    budget's: a value taken from them is marked with its source."""
    written = 0
    metrics = Metric.objects.filter(budget_indicator=indicator).select_related("goal_area__version__plan")
    seen = set()
    for metric in metrics:
        plan = metric.goal_area.version.plan
        key = (plan.pk, metric.lineage)
        if key in seen:  # the same metric in several versions of one plan
            continue
        seen.add(key)
        for realisation in realisations:
            if not plan.period_start <= realisation.measured_on <= plan.period_end:
                continue
            MetricValue.objects.update_or_create(
                plan=plan,
                metric_lineage=metric.lineage,
                measured_on=realisation.measured_on,
                defaults={
                    "value": realisation.value,
                    "source": BUDGET_SOURCE,  # the metric page shows it as "budget realisation"
                    "comment": indicator.text[:COMMENT_MAX],
                    "recorded_by": realisation.recorded_by or user,
                },
            )
            written += 1
    return written


def copy_realisations(user, metric: Metric) -> int:
    """A metric that has just started to follow an indicator gets the figures so far."""
    if metric.budget_indicator_id is None:
        return 0
    indicator = metric.budget_indicator
    return _copy_to_metrics(user, indicator, list(indicator.realisations.all()))


class ImportRefused(ValidationError):
    """The rows of a budget import have problems; `checked` holds them per row."""

    def __init__(self, checked):
        super().__init__(checked.errors)
        self.checked = checked


@audit.recording_refusals
@transaction.atomic
def import_budget(user, organization, rows: list[dict]):
    """The targets, indicators and realisation figures of an import's rows (see
    budget_import), all or none. The rows are checked again here, in the transaction
    that saves them: ImportRefused says what is wrong on which row."""
    _require_manage(user, organization)
    checked = budget_import.check(organization, rows)
    if checked.error_count or not checked.targets:
        raise ImportRefused(checked)
    for plan in checked.targets:
        target = create_budget_target(
            user,
            organization,
            year=plan.year,
            body=plan.body,
            service_area=plan.service_area,
            kind=plan.kind,
            title=plan.title,
            title_sv=plan.title_sv,
        )
        for item in plan.indicators:
            indicator = add_budget_indicator(
                user,
                target,
                text=item.text,
                text_sv=item.text_sv,
                unit=item.unit,
                target_value=item.target_value,
            )
            for day, value in item.realisations:
                record_realisation(user, indicator, measured_on=day, value=value)
    audit.record(
        "budget_target.import",
        actor=user,
        organization=organization.pk,
        changes={name: [None, count] for name, count in checked.counts().items()},
    )
    return checked


# --- The organization's options for strategy --------------------------------------------------

OPTION_FIELDS = ("public_page", "annex_shows_objectives")


@audit.recording_refusals
@transaction.atomic
def set_strategy_options(user, organization, **options) -> Organization:
    """The organization admin's choices: a public goals page, strategy objectives in the
    goals annex."""
    policies.require(user, policies.SET_UP, organization)
    unknown = set(options) - set(OPTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown options: {sorted(unknown)}")
    stored = Organization.objects.select_for_update().get(pk=organization.pk)
    changes = {name: [getattr(stored, name), bool(value)] for name, value in options.items()}
    changes = {name: values for name, values in changes.items() if values[0] != values[1]}
    if changes:
        for name, (_before, after) in changes.items():
            setattr(stored, name, after)
        stored.save(update_fields=[*changes, "updated_at"])
        audit.record("organization.update", actor=user, organization=stored.pk, obj=stored, changes=changes)
    return stored


# --- A goal's links -----------------------------------------------------------------------


def link_problems(plan: GoalPlan, objectives, budget_targets, kept=()) -> dict[str, list[str]]:
    """Why these objectives and budget targets cannot be linked to a goal of the plan;
    `kept` are objective ids the goal already links to (a superseded version's objective
    may stay linked, a new link goes to an approved strategy)."""
    organization_id = plan.agreement.organization_id
    problems: dict[str, list[str]] = {}
    for objective in objectives:
        strategy = objective.strategy
        if strategy.organization_id != organization_id:
            problems.setdefault("objectives", []).append(
                _("%(objective)s is another organization's objective.") % {"objective": objective}
            )
        elif objective.pk not in kept and strategy.status != StrategyStatus.APPROVED:
            problems.setdefault("objectives", []).append(
                _("%(objective)s belongs to a strategy that is not approved.") % {"objective": objective}
            )
        elif strategy.term_end < plan.period_start:
            problems.setdefault("objectives", []).append(
                _("The council term of %(strategy)s ended on %(date)s, before the plan's period starts.")
                % {
                    "strategy": strategy.display_title,
                    "date": formats.date_format(strategy.term_end, "SHORT_DATE_FORMAT"),
                }
            )
    years = range(plan.period_start.year, plan.period_end.year + 1)
    for target in budget_targets:
        if target.organization_id != organization_id:
            problems.setdefault("budget_targets", []).append(
                _("%(target)s is another organization's budget target.") % {"target": target.display_title}
            )
        elif target.year not in years:
            problems.setdefault("budget_targets", []).append(
                _("%(target)s is a target of the budget for %(year)s, outside the plan's period.")
                % {"target": target.display_title, "year": target.year}
            )
    return problems


@audit.recording_refusals
@transaction.atomic
def link_goal(user, goal: GoalArea, *, objectives, budget_targets) -> GoalArea:
    """Set what the goal comes from. The links are part of the goal's version: only a
    draft version's goal is linked, and an approved version's links are frozen."""
    version = (
        PlanVersion.objects.select_related("plan__agreement").select_for_update().get(pk=goal.version_id)
    )
    policies.require(user, policies.EDIT_PLAN, version)
    objectives, budget_targets = list(objectives), list(budget_targets)
    before_objectives = list(goal.objectives.select_related("strategy").order_by("order", "id"))
    before_targets = list(goal.budget_targets.order_by("year", "order", "id"))
    problems = link_problems(version.plan, objectives, budget_targets, kept={o.pk for o in before_objectives})
    if problems:
        raise ValidationError(problems)
    if {o.pk for o in before_objectives} != {o.pk for o in objectives}:
        goal.objectives.set(objectives)
    if {t.pk for t in before_targets} != {t.pk for t in budget_targets}:
        goal.budget_targets.set(budget_targets)
    changes = {}
    if {o.pk for o in before_objectives} != {o.pk for o in objectives}:
        changes["objectives"] = [[str(o) for o in before_objectives], [str(o) for o in objectives]]
    if {t.pk for t in before_targets} != {t.pk for t in budget_targets}:
        changes["budget_targets"] = [
            [t.display_title for t in before_targets],
            [t.display_title for t in budget_targets],
        ]
    if changes:
        audit.record(
            "goal.link",
            actor=user,
            organization=version.plan.agreement.organization_id,
            obj=goal,
            changes=changes,
        )
    return goal


def indicator_problem(plan: GoalPlan, indicator: BudgetIndicator | None) -> str | None:
    """Why a metric of the plan cannot follow this budget indicator."""
    if indicator is None:
        return None
    target = indicator.target
    if target.organization_id != plan.agreement.organization_id:
        return _("Choose an indicator of the organization's own budget.")
    if not plan.period_start.year <= target.year <= plan.period_end.year:
        return _("The indicator belongs to the budget for %(year)s, outside the plan's period.") % {
            "year": target.year
        }
    return None
