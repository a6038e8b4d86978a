"""A plan as read from a document, before it is saved: a flat list of items.

Goals are followed by their metrics, in the document's order; checkpoints and lines
the parser did not place ("skip") stand where they were found. The same list is the
preview's rows, so what the parser found, what the user corrects and what is saved
are one structure: a metric belongs to the goal above it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from .targets import decimal_text

GOAL, METRIC, CHECKPOINT, SKIP = "goal", "metric", "checkpoint", "skip"


@dataclass
class Item:
    kind: str
    text: str
    lines: list[int] = field(default_factory=list)  # the source lines it came from
    weight: int | None = None  # a goal's weight in per cent
    target: Decimal | None = None  # a metric's target …
    unit: str = ""
    direction: str | None = None  # "higher", "lower" or None
    target_text: str | None = None  # … and the words it was read from
    start: datetime.date | None = None  # a checkpoint's window
    end: datetime.date | None = None
    evaluation: bool = False  # the checkpoint is the year's evaluation


@dataclass
class Draft:
    items: list[Item]
    warnings: list[str] = field(default_factory=list)

    def goals(self) -> list[tuple[Item, list[Item]]]:
        """Each goal with its metrics (metrics before any goal are not in it)."""
        goals: list[tuple[Item, list[Item]]] = []
        for item in self.items:
            if item.kind == GOAL:
                goals.append((item, []))
            elif item.kind == METRIC and goals:
                goals[-1][1].append(item)
        return goals

    def checkpoints(self) -> list[Item]:
        return [item for item in self.items if item.kind == CHECKPOINT]

    def unplaced(self) -> list[Item]:
        return [item for item in self.items if item.kind == SKIP]

    def first_year(self) -> int | None:
        """The year of the first follow-up the document names: the plan's year."""
        starts = [item.start for item in self.checkpoints() if item.start]
        return min(starts).year if starts else None

    def counts(self) -> dict:
        goals = self.goals()
        return {
            "goals": len(goals),
            "metrics": sum(len(metrics) for _, metrics in goals),
            "checkpoints": len(self.checkpoints()),
        }


def _date(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def as_json(draft: Draft, source_texts: dict[int, str]) -> dict:
    """The plan in the form `manage.py import_plan` prints (docs/import.md)."""
    return {
        "goals": [
            {
                "title": goal.text,
                "weight": str(goal.weight) if goal.weight is not None else None,
                "metrics": [
                    {
                        "text": metric.text,
                        "target": decimal_text(metric.target) if metric.target is not None else None,
                        "unit": metric.unit or None,
                        "direction": metric.direction,
                        "target_text": metric.target_text,
                    }
                    for metric in metrics
                ],
            }
            for goal, metrics in draft.goals()
        ],
        "checkpoints": [
            {"label": item.text, "start": _date(item.start), "end": _date(item.end)}
            for item in draft.checkpoints()
        ],
        "unplaced": [
            # What was not placed: a whole line, or the cells of a row left over
            # (a follow-up column's text, a column the rules do not know).
            {"line": number, "text": item.text if len(item.lines) <= 1 else source_texts.get(number, "")}
            for item in draft.unplaced()
            for number in (item.lines or [0])
        ],
    }
