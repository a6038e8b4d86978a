"""The weighted result of one checkpoint as every page, document and export reads it.

Where the organization rates each metric, the metrics' scores come from the agreed
follow-up (`MetricScore`): a rating by hand, or points scored from the metric's values.
Until the follow-up is agreed, a metric scored from its values is previewed from the
latest value measured by the checkpoint's closing day; agreeing stores that score, so a
value recorded later changes nothing agreed.
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from suunta.agreements.models import Scoring
from suunta.measures.models import MetricValue
from suunta.measures.weights import overall_result, score_from_value, to_decimal

from .models import MetricScore


@dataclass(frozen=True)
class Score:
    points: Fraction | None
    rating: object = None
    value: Decimal | None = None
    measured_on: object = None


def latest_values(checkpoint, metrics: list) -> dict:
    """{metric id: the latest MetricValue measured by the checkpoint's closing day}, for
    metrics scored from their values (one query)."""
    by_lineage = {m.lineage: m for m in metrics}
    if not by_lineage:
        return {}
    latest = {}
    for value in MetricValue.objects.filter(
        plan_id=checkpoint.version.plan_id,
        metric_lineage__in=list(by_lineage),
        measured_on__lte=checkpoint.window_end,
    ).order_by("measured_on", "id"):
        latest[by_lineage[value.metric_lineage].pk] = value
    return latest


def scores(checkpoint, goals: list) -> dict:
    """{metric id: Score} for the goals' metrics at this checkpoint (two queries)."""
    metrics = [m for goal in goals for m in goal.metrics.all()]
    stored = {
        s.metric_id: s
        for s in MetricScore.objects.filter(checkpoint=checkpoint, metric__in=metrics).select_related(
            "rating"
        )
    }
    unstored = [
        m for m in metrics if m.scoring == Scoring.VALUES and m.pk not in stored and m.target is not None
    ]
    live = latest_values(checkpoint, unstored)
    result = {}
    for metric in metrics:
        row = stored.get(metric.pk)
        if metric.scoring == Scoring.VALUES:
            if row is not None:
                points = Fraction(row.points) if row.points is not None else None
                result[metric.pk] = Score(points, value=row.value, measured_on=row.measured_on)
            elif metric.pk in live:
                value = live[metric.pk]
                result[metric.pk] = Score(
                    score_from_value(metric, value.value), value=value.value, measured_on=value.measured_on
                )
        elif row is not None and row.rating is not None:
            points = Fraction(row.rating.points) if row.rating.points is not None else None
            result[metric.pk] = Score(points, rating=row.rating)
    return result


def checkpoint_result(checkpoint, goals: list, agreed_by_goal: dict):
    """The weighted result of the checkpoint (None where the organization does not weigh
    its goals or the weights are incomplete). `goals` with their metrics prefetched."""
    organization = checkpoint.version.plan.agreement.organization
    if not organization.use_weights:
        return None
    per_metric = organization.assess_metrics
    return overall_result(
        goals,
        agreed_by_goal,
        scores=scores(checkpoint, goals) if per_metric else None,
        per_metric=per_metric,
    )


def points_list(overall) -> list[dict]:
    """Each goal's points and, where each metric is rated, each metric's: as the export
    and the board's decision keep them (decimals as text, one decimal)."""
    rows = []
    for term in overall.terms if overall else []:
        rows.append({"goal": str(term.goal.lineage), "metric": None, "points": format(term.points, "f")})
        for metric in term.metrics:
            rows.append(
                {
                    "goal": str(term.goal.lineage),
                    "metric": str(metric.metric.lineage),
                    "points": format(to_decimal(metric.points), "f") if metric.points is not None else None,
                }
            )
    return rows
