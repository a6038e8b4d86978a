"""The only code that writes metric values and goal weights; every change is audited."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import gettext as _

from suunta import policies
from suunta.agreements.models import GoalArea, GoalPlan, Metric, PlanVersion, Scoring, VersionStatus
from suunta.audit import services as audit
from suunta.lib.clock import today
from suunta.lib.numbers import format_decimal

from .csv_import import Row, date_problem
from .models import MetricValue


def version_in_force(plan: GoalPlan) -> PlanVersion | None:
    return plan.versions.filter(status=VersionStatus.APPROVED).order_by("-number").first()


def _org(plan: GoalPlan) -> int:
    return plan.agreement.organization_id


def _require_recording(user, plan: GoalPlan, metric: Metric) -> None:
    version = PlanVersion.objects.select_related("plan__agreement").get(pk=metric.goal_area.version_id)
    if version.plan_id != plan.pk:
        raise ValueError("The metric belongs to another plan.")
    policies.require(user, policies.RECORD_METRIC_VALUE, version)
    if not metric.is_quantitative:
        raise ValidationError(_("This metric has no target, so it takes no values."))
    if metric.budget_indicator_id is not None:
        raise ValidationError(
            _(
                "This metric follows a budget indicator: its values come from the budget's realisation figures."
            )
        )


@audit.recording_refusals
@transaction.atomic
def record_value(
    user, plan: GoalPlan, metric: Metric, *, measured_on: datetime.date, value: Decimal, comment="", source=""
) -> MetricValue:
    _require_recording(user, plan, metric)
    problem = date_problem(measured_on, (plan.period_start, plan.period_end), today())
    if problem:
        raise ValidationError({"measured_on": problem})
    existing = MetricValue.objects.filter(
        plan=plan, metric_lineage=metric.lineage, measured_on=measured_on
    ).first()
    if existing is not None:
        raise ValidationError(
            {
                "measured_on": _(
                    "There is already a value for %(date)s: %(value)s. Remove it first to replace it."
                )
                % {
                    "date": formats.date_format(measured_on, "SHORT_DATE_FORMAT"),
                    "value": format_decimal(existing.value, metric.unit),
                }
            }
        )
    entry = MetricValue(
        plan=plan,
        metric_lineage=metric.lineage,
        measured_on=measured_on,
        value=value,
        comment=comment,
        source=source,
        recorded_by=user,
    )
    entry.full_clean()
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # the same day saved by someone else a moment ago
        raise ValidationError(
            {"measured_on": _("There is already a value for this date. Reload the page to see it.")}
        ) from None
    audit.record(
        "metric_value.create",
        actor=user,
        organization=_org(plan),
        obj=entry,
        changes=audit.diff({}, audit.snapshot(entry, ["measured_on", "value", "comment", "source"])),
    )
    return entry


@audit.recording_refusals
@transaction.atomic
def delete_value(user, plan: GoalPlan, metric: Metric, entry: MetricValue) -> None:
    _require_recording(user, plan, metric)
    if entry.plan_id != plan.pk or entry.metric_lineage != metric.lineage:
        raise ValueError("The value belongs to another metric.")
    before = audit.snapshot(entry, ["measured_on", "value", "comment", "source"])
    audit.record(
        "metric_value.delete", actor=user, organization=_org(plan), obj=entry, changes=audit.diff(before, {})
    )
    entry.delete()


def preview(plan: GoalPlan, metric: Metric, rows: list[Row]) -> list[Row]:
    """Mark the rows that replace a stored value of the same day."""
    stored = {
        v.measured_on: v
        for v in MetricValue.objects.filter(
            plan=plan,
            metric_lineage=metric.lineage,
            measured_on__in=[r.measured_on for r in rows if r.measured_on],
        )
    }
    for row in rows:
        row.replaces = stored.get(row.measured_on)
    return rows


@audit.recording_refusals
@transaction.atomic
def import_values(user, plan: GoalPlan, metric: Metric, rows: list[Row]) -> tuple[int, int]:
    """Store every row, replacing values of the same day: all rows or none.
    Returns (created, replaced)."""
    _require_recording(user, plan, metric)
    if not rows or any(row.errors for row in rows):
        raise ValidationError(_("Fix the rows marked with errors; nothing was imported."))
    stored = {
        v.measured_on: v
        for v in MetricValue.objects.select_for_update().filter(plan=plan, metric_lineage=metric.lineage)
    }
    created = 0
    replaced = {}
    for row in rows:
        entry = stored.get(row.measured_on)
        if entry is None:
            entry = MetricValue(plan=plan, metric_lineage=metric.lineage, measured_on=row.measured_on)
            created += 1
        else:
            # The audit event keeps what was overwritten.
            replaced[row.measured_on.isoformat()] = [_plain(entry.value), _plain(row.value)]
        entry.value, entry.comment, entry.recorded_by = row.value, row.comment, user
        entry.source = _("CSV import")
        entry.full_clean()
        entry.save()
    dates = sorted(row.measured_on for row in rows)
    audit.record(
        "metric_value.import",
        actor=user,
        organization=_org(plan),
        obj=metric,
        changes={
            "created": [None, created],
            "replaced": [None, len(replaced)],
            "dates": [None, f"{dates[0].isoformat()}–{dates[-1].isoformat()}"],
            **({"replaced_values": [None, replaced]} if replaced else {}),
        },
    )
    return created, len(replaced)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


@audit.recording_refusals
@transaction.atomic
def set_weights(
    user,
    version: PlanVersion,
    weights: dict[int, int],
    metric_weights: dict[int, int | None] | None = None,
    scoring: dict[int, str] | None = None,
) -> None:
    """Weights of every goal of a draft version at once; they must sum to 100. Where each
    metric is rated: the metrics' weights within each goal (all empty: split evenly; else
    100 together) and how each metric with a numeric target is scored. All or nothing."""
    version = (
        PlanVersion.objects.select_for_update()
        .select_related("plan__agreement__organization")
        .get(pk=version.pk)
    )
    policies.require(user, policies.SET_WEIGHTS, version)
    goals = list(GoalArea.objects.filter(version=version).prefetch_related("metrics"))
    if set(weights) != {g.pk for g in goals}:
        raise ValidationError(_("Give a weight for every goal."))
    total = sum(weights.values())
    if total != 100:
        raise ValidationError(_("The weights must sum to 100; now they sum to %(total)s.") % {"total": total})
    if metric_weights is not None:
        _check_metric_weights(goals, metric_weights, scoring or {})
    organization = version.plan.agreement.organization_id
    for goal in goals:
        if goal.weight != weights[goal.pk]:
            before = goal.weight
            goal.weight = weights[goal.pk]
            goal.full_clean()
            goal.save(update_fields=["weight", "updated_at"])
            audit.record(
                "goal.weight",
                actor=user,
                organization=organization,
                obj=goal,
                changes={"weight": [before, goal.weight]},
            )
        if metric_weights is None:
            continue
        for metric in goal.metrics.all():
            new = {
                "weight": metric_weights.get(metric.pk),
                "scoring": (scoring or {}).get(metric.pk, metric.scoring),
            }
            before = {"weight": metric.weight, "scoring": metric.scoring}
            if new != before:
                metric.weight, metric.scoring = new["weight"], new["scoring"]
                metric.full_clean()
                metric.save(update_fields=["weight", "scoring", "updated_at"])
                audit.record(
                    "metric.weight",
                    actor=user,
                    organization=organization,
                    obj=metric,
                    changes={k: [before[k], new[k]] for k in new if new[k] != before[k]},
                )


def _check_metric_weights(goals, metric_weights: dict, scoring: dict) -> None:
    """Per goal: every metric weight empty (split evenly) or all given and 100 together;
    only a metric with a numeric target can be scored from its values."""
    errors = {}
    for goal in goals:
        metrics = list(goal.metrics.all())
        given = [metric_weights.get(m.pk) for m in metrics]
        if any(w is not None for w in given):
            if any(w is None for w in given):
                for m in metrics:
                    if metric_weights.get(m.pk) is None:
                        errors[f"metric_{m.pk}"] = _(
                            "Give every metric of the goal a weight, or leave them all empty to split evenly."
                        )
            elif sum(given) != 100:
                errors[f"metric_{metrics[0].pk}"] = _(
                    "The weights of the metrics of “%(goal)s” must sum to 100; now they sum to %(total)s."
                ) % {"goal": goal.display_title, "total": sum(given)}
        for m in metrics:
            if scoring.get(m.pk) == Scoring.VALUES and not m.is_quantitative:
                errors[f"scoring_{m.pk}"] = _(
                    "Only a metric with a numeric target is scored from its values."
                )
    if errors:
        raise ValidationError(errors)
