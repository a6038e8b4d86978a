"""What importing the seed must give: its goals and metrics verbatim, its follow-ups.

The demo's first plan holds the seed verbatim (tests/test_seed.py proves it against the
seed document), so it is the expected result here too."""

from .files import PLAN, seed_goals

SEED_GOALS = seed_goals()
SEED_GOALS_SV = seed_goals(swedish=True)
SEED_CHECKPOINTS = [
    (label, start.isoformat(), end.isoformat()) for label, _sv, start, end in PLAN["checkpoints"]
]
SEED_CHECKPOINTS_SV = [
    (sv, start.isoformat(), end.isoformat()) for _fi, sv, start, end in PLAN["checkpoints"]
]


def goals_and_metrics(plan: dict) -> list[tuple[str, list[str]]]:
    """(title, [metric texts]) of a parsed plan, as the JSON has them."""
    return [(goal["title"], [metric["text"] for metric in goal["metrics"]]) for goal in plan["goals"]]


def checkpoints(plan: dict) -> list[tuple[str, str, str]]:
    return [(c["label"], c["start"], c["end"]) for c in plan["checkpoints"]]
