"""The weighted overall result of one checkpoint, for organizations that weigh goals.

result = Σ (weight × points) / Σ weight, over the goals whose agreed rating has points;
a goal rated "cannot be assessed" (no points) or not yet agreed is left out, and the
formula shown says so.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from suunta.lib.numbers import format_decimal


@dataclass(frozen=True)
class Term:
    goal: object
    weight: int
    points: int


@dataclass(frozen=True)
class Overall:
    terms: list[Term]
    left_out: list  # goals without points (not agreed yet, or "cannot be assessed")
    result: Decimal | None

    @property
    def formula(self) -> str:
        if not self.terms:
            return ""
        products = " + ".join(f"{t.weight} × {t.points}" for t in self.terms)
        weights = " + ".join(str(t.weight) for t in self.terms)
        return f"({products}) / ({weights}) = {format_decimal(self.result)}"

    @property
    def result_text(self) -> str:
        return format_decimal(self.result) if self.result is not None else ""


def overall_result(goals: list, agreed_by_goal: dict) -> Overall | None:
    """None when the goals carry no complete set of weights."""
    if not goals or any(g.weight is None for g in goals) or sum(g.weight for g in goals) != 100:
        return None
    terms, left_out = [], []
    for goal in goals:
        agreed = agreed_by_goal.get(goal.pk)
        rating = agreed.rating if agreed is not None else None
        if rating is None or rating.points is None or goal.weight == 0:
            left_out.append(goal)
        else:
            terms.append(Term(goal=goal, weight=goal.weight, points=rating.points))
    total_weight = sum(t.weight for t in terms)
    result = None
    if total_weight:
        result = (Decimal(sum(t.weight * t.points for t in terms)) / total_weight).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    return Overall(terms=terms, left_out=left_out, result=result)
