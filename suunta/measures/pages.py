"""What the metric page shows: the metric, its recorded values and, for a quantitative
metric, its progress and chart."""

from suunta import policies
from suunta.agreements.models import Metric
from suunta.lib.clock import today
from suunta.lib.numbers import format_decimal

from . import services
from .forms import MetricValueForm
from .models import BUDGET_SOURCE, MetricValue
from .progress import overview


def can_record(user, metric) -> bool:
    # A metric that follows a budget indicator takes its values from the budget only.
    return (
        metric.is_quantitative
        and metric.budget_indicator_id is None
        and policies.can(user, policies.RECORD_METRIC_VALUE, metric.goal_area.version)
    )


def metric_page(user, plan, metric, *, value_form=None) -> dict:
    """The metric page's context. A value form given (bound, with errors) replaces the
    fresh one."""
    values = list(
        MetricValue.objects.filter(plan=plan, metric_lineage=metric.lineage).select_related("recorded_by")
    )
    for value in values:
        value.from_budget = value.source == BUDGET_SOURCE
    recording = can_record(user, metric)
    version = metric.goal_area.version
    in_force = services.version_in_force(plan)
    context = {
        "organization": plan.agreement.organization,
        "plan": plan,
        "metric": metric,
        "goal": metric.goal_area,
        "version": version,
        # An older version's metric links to the same metric in the version in force.
        "current_metric": (
            Metric.objects.filter(goal_area__version=in_force, lineage=metric.lineage).first()
            if in_force is not None and in_force.pk != version.pk
            else None
        ),
        "values": values,
        "can_record": recording,
        "value_form": value_form
        or (MetricValueForm(initial={"measured_on": min(today(), plan.period_end)}) if recording else None),
        "target_text": format_decimal(metric.target, metric.unit),
        "baseline_text": format_decimal(metric.baseline, metric.unit),
    }
    if metric.is_quantitative:
        context.update(overview(plan, metric, values))
    return context
