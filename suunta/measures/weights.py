"""The weighted overall result of one checkpoint, for organizations that weigh goals.

result = Σ (weight × points) / Σ weight, over the goals that have points. A goal's points
are its agreed rating's points, or, where the organization rates each metric, the
weighted mean of its metrics' points (weights inside a goal split evenly unless given).
A goal or metric rated "cannot be assessed" (a rating without points), not yet rated or
without a value is left out, and its weight is spread over the others: the formula
shown divides by the weights of what was counted, and the left-out items are listed.

Points are kept exact (fractions) and shown to one decimal, rounded half up; whatever
is computed from them (performance pay) starts from the exact figure.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from suunta.agreements.models import Direction, Scoring
from suunta.lib.numbers import format_decimal

ONE_DECIMAL = Decimal("0.1")


def to_decimal(value: Fraction, places: Decimal = ONE_DECIMAL) -> Decimal:
    """An exact fraction rounded half up, as people round: 91,25 → 91,3."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(places, rounding=ROUND_HALF_UP)


def points_text(value: Fraction | None) -> str:
    return format_decimal(to_decimal(value)) if value is not None else ""


def _number(value) -> str:
    """A weight or points in a formula: whole numbers as they are, others to one decimal."""
    value = Fraction(value)
    return str(value.numerator) if value.denominator == 1 else points_text(value)


def score_from_value(metric, value: Decimal) -> Fraction:
    """Points (0–100) of a metric with a numeric target from one value: the share of the
    way from the baseline (zero without one) to the target, capped at 0 and 100. Lower is
    better without a baseline: the target's share of the value (5 against a target of 4
    gives 80)."""
    value, target = Fraction(value), Fraction(metric.target)
    lower_is_better = metric.direction == Direction.DECREASE
    if metric.baseline is not None:
        start = Fraction(metric.baseline)
        share = (value - start) / (target - start)
    elif lower_is_better:
        share = Fraction(1) if value <= target else (target / value if value > 0 else Fraction(0))
    else:
        share = value / target if target else Fraction(0)
    return min(max(share, Fraction(0)), Fraction(1)) * 100


@dataclass(frozen=True)
class MetricTerm:
    metric: object
    weight: Fraction  # its share of the goal, per cent
    points: Fraction | None  # None: left out
    rating: object = None  # the rating given by hand, where rated by hand
    value: Decimal | None = None  # the value scored, where scored from values
    measured_on: object = None

    @property
    def scored_from_values(self) -> bool:
        return self.metric.scoring == Scoring.VALUES

    @property
    def points_text(self) -> str:
        return points_text(self.points)

    @property
    def weight_text(self) -> str:
        return _number(self.weight)


@dataclass(frozen=True)
class Term:
    goal: object
    weight: int
    exact: Fraction
    metrics: list = field(default_factory=list)  # MetricTerms, where each metric is rated
    split_evenly: bool = False

    @property
    def points(self) -> Decimal:
        return to_decimal(self.exact)

    @property
    def points_text(self) -> str:
        return points_text(self.exact)

    @property
    def counted_metrics(self) -> list:
        return [m for m in self.metrics if m.points is not None]

    @property
    def left_out_metrics(self) -> list:
        return [m for m in self.metrics if m.points is None]

    @property
    def formula(self) -> str:
        """How the goal's points came from its metrics ("" where the goal is rated as a whole)."""
        counted = self.counted_metrics
        if not counted:
            return ""
        if len(self.metrics) == 1:
            return self.points_text
        if self.split_evenly:
            return f"({' + '.join(_number(m.points) for m in counted)}) / {len(counted)} = {self.points_text}"
        products = " + ".join(f"{_number(m.weight)} × {_number(m.points)}" for m in counted)
        weights = " + ".join(_number(m.weight) for m in counted)
        return f"({products}) / ({weights}) = {self.points_text}"


@dataclass(frozen=True)
class Overall:
    terms: list[Term]
    left_out: list  # goals without points (not agreed yet, or "cannot be assessed")
    exact: Fraction | None
    per_metric: bool = False

    @property
    def result(self) -> Decimal | None:
        return to_decimal(self.exact) if self.exact is not None else None

    @property
    def formula(self) -> str:
        if not self.terms:
            return ""
        products = " + ".join(f"{t.weight} × {_number(t.exact)}" for t in self.terms)
        weights = " + ".join(str(t.weight) for t in self.terms)
        return f"({products}) / ({weights}) = {format_decimal(self.result)}"

    @property
    def result_text(self) -> str:
        return format_decimal(self.result) if self.result is not None else ""

    @property
    def left_out_metrics(self) -> list:
        return [m for t in self.terms for m in t.left_out_metrics]


def metric_weights(metrics: list) -> tuple[dict, bool]:
    """Each metric's share of its goal, per cent, and whether they are split evenly
    (no weights given)."""
    if not metrics:
        return {}, True
    if all(m.weight is None for m in metrics):
        return {m.pk: Fraction(100, len(metrics)) for m in metrics}, True
    return {m.pk: Fraction(m.weight or 0) for m in metrics}, False


def weights_complete(goals: list) -> bool:
    return bool(goals) and all(g.weight is not None for g in goals) and sum(g.weight for g in goals) == 100


def _goal_term(goal, agreed, scores: dict, per_metric: bool) -> Term | None:
    metrics = list(goal.metrics.all()) if per_metric else []
    if not metrics:
        rating = agreed.rating if agreed is not None else None
        if rating is None or rating.points is None:
            return None
        return Term(goal=goal, weight=goal.weight, exact=Fraction(rating.points))
    shares, evenly = metric_weights(metrics)
    metric_terms = []
    for metric in metrics:
        score = scores.get(metric.pk)
        metric_terms.append(
            MetricTerm(
                metric=metric,
                weight=shares[metric.pk],
                points=score.points if score is not None else None,
                rating=getattr(score, "rating", None),
                value=getattr(score, "value", None),
                measured_on=getattr(score, "measured_on", None),
            )
        )
    counted = [m for m in metric_terms if m.points is not None and m.weight]
    if not counted:
        return None
    exact = sum(m.weight * m.points for m in counted) / sum(m.weight for m in counted)
    return Term(goal=goal, weight=goal.weight, exact=exact, metrics=metric_terms, split_evenly=evenly)


def overall_result(goals: list, agreed_by_goal: dict, *, scores: dict | None = None, per_metric=False):
    """None when the goals carry no complete set of weights. `scores`: {metric id: an
    object with `points` (Fraction or None) and, as known, `rating`, `value`, `measured_on`}."""
    if not weights_complete(goals):
        return None
    terms, left_out = [], []
    for goal in goals:
        term = (
            _goal_term(goal, agreed_by_goal.get(goal.pk), scores or {}, per_metric) if goal.weight else None
        )
        if term is None:
            left_out.append(goal)
        else:
            terms.append(term)
    total_weight = sum(t.weight for t in terms)
    exact = sum(t.weight * t.exact for t in terms) / total_weight if total_weight else None
    return Overall(terms=terms, left_out=left_out, exact=exact, per_metric=per_metric)
