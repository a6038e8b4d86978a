"""The demo plan holds the seed document's goal table verbatim and in order.

The seed (../shared/seed/kansliapaallikon-tavoitteet-2025.txt beside the repository)
is read here and nowhere else: the demo data lives in the repository, and this test
proves it matches the source. A missing seed is a failure, never a skip.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from suunta.agreements.models import Checkpoint, GoalArea, Metric
from suunta.governance.models import Handling

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "kansliapaallikon-tavoitteet-2025.txt"

TABLE_HEADER = re.compile(r"^Tavoite\s+Mittari\s+Seuranta")
TABLE_END = "Tavoitteiden arviointi"
BULLET = "•"


@dataclass
class Goal:
    title: str
    metrics: list[str] = field(default_factory=list)


def read_seed(path: Path = SEED) -> str:
    if not path.is_file():
        pytest.fail(
            f"The seed document is missing: {path}. The repository expects ../shared/seed/ beside it "
            "(shared/ next to the clone); the demo cannot be checked against its source without it."
        )
    return path.read_text(encoding="utf-8")


def table_lines(text: str) -> tuple[list[str], list[str]]:
    """(header lines after "Tavoite Mittari", row lines) of the goal table."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if TABLE_HEADER.match(line.strip())), None)
    assert start is not None, "the seed has no goal table header 'Tavoite Mittari Seuranta…'"
    end = next((i for i in range(start, len(lines)) if lines[i].strip() == TABLE_END), None)
    assert end is not None, f"the seed's goal table has no end marker {TABLE_END!r}"
    body = lines[start + 1 : end]
    first_row = next(
        i for i, line in enumerate(body) if BULLET in line and not line.lstrip().startswith(BULLET)
    )
    header = [lines[start], *body[:first_row]]
    return header, body[first_row:]


def parse_goals(rows: list[str]) -> list[Goal]:
    """A goal title starts a line followed by its first metric after "•"; a line starting
    with "•" is the next metric; any other line continues the metric before it."""
    goals: list[Goal] = []
    for raw in rows:
        line = raw.strip()
        if not line:
            continue
        if line.startswith(BULLET):
            assert goals, f"a metric before any goal: {line!r}"
            goals[-1].metrics.append(line[1:].strip())
        elif BULLET in line:
            title, metric = line.split(BULLET, 1)
            goals.append(Goal(title.strip(), [metric.strip()]))
        else:
            assert goals and goals[-1].metrics, f"a continuation line before any metric: {line!r}"
            goals[-1].metrics[-1] = f"{goals[-1].metrics[-1]} {line}"
    return goals


def parse_checkpoint_labels(header: list[str]) -> list[str]:
    """The "Seuranta …" column headings; a line ending in "/" continues without a space."""
    text = ""
    for raw in header:
        line = raw.strip()
        if line:
            text += line if text.endswith("/") or not text else f" {line}"
    columns = text.split("Seuranta")[1:]
    return [column.strip() for column in columns]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return read_seed()


@pytest.fixture(scope="module")
def seed_goals(seed_text) -> list[Goal]:
    return parse_goals(table_lines(seed_text)[1])


def demo_goals(plan) -> list[Goal]:
    version = plan.versions.get()
    return [
        Goal(
            goal.title,
            list(
                Metric.objects.filter(goal_area=goal).order_by("order", "id").values_list("text", flat=True)
            ),
        )
        for goal in GoalArea.objects.filter(version=version).order_by("order", "id")
    ]


# --- The reader itself ---------------------------------------------------------------------


def test_a_missing_seed_fails_with_a_clear_message(tmp_path):
    missing = tmp_path / "shared" / "seed" / "kansliapaallikon-tavoitteet-2025.txt"
    with pytest.raises(pytest.fail.Exception, match="seed document is missing"):
        read_seed(missing)


def test_the_seed_is_where_the_repository_expects_it():
    # Fails (never skips) when shared/ is not beside the clone.
    assert read_seed().strip()


def test_the_parser_joins_wrapped_lines_and_drops_bullets():
    rows = ["Otsikko • Eka mittari ", "jatkuu tästä", "", "• Toka", "Toinen otsikko • Kolmas"]
    assert parse_goals(rows) == [
        Goal("Otsikko", ["Eka mittari jatkuu tästä", "Toka"]),
        Goal("Toinen otsikko", ["Kolmas"]),
    ]


def test_the_seed_table_has_six_goals_and_fourteen_metrics(seed_goals):
    assert len(seed_goals) == 6
    assert sum(len(goal.metrics) for goal in seed_goals) == 14
    for goal in seed_goals:
        assert BULLET not in goal.title
        for metric in goal.metrics:
            assert BULLET not in metric
            assert "  " not in metric, f"a wrapped line was not joined with one space: {metric!r}"
            assert metric == metric.strip()


# --- The demo against the seed -------------------------------------------------------------


def test_the_demo_plan_holds_the_seed_goal_titles_in_order(demo, seed_goals):
    assert [goal.title for goal in demo_goals(demo.plan)] == [goal.title for goal in seed_goals]


def test_the_demo_plan_holds_the_seed_metrics_verbatim_in_order(demo, seed_goals):
    assert demo_goals(demo.plan) == seed_goals


def test_the_demo_plan_holds_fourteen_metrics_in_total(demo, seed_goals):
    ours = [metric for goal in demo_goals(demo.plan) for metric in goal.metrics]
    seeds = [metric for goal in seed_goals for metric in goal.metrics]
    assert len(ours) == 14
    assert ours == seeds


def test_the_demo_plan_has_the_seed_checkpoints(demo, seed_text):
    from_seed = parse_checkpoint_labels(table_lines(seed_text)[0])
    assert from_seed == ["elokuu 2025", "tammikuu/helmikuu 2026"]
    version = demo.plan.versions.get()
    labels = list(
        Checkpoint.objects.filter(version=version)
        .order_by("order", "window_start")
        .values_list("label", flat=True)
    )
    assert labels == from_seed


def test_the_demo_plan_has_the_seed_handlings(demo, seed_text):
    # "Tavoitteet käyty läpi kansliapäällikön kanssa 26.3.2025 poljoryssä ja KH 31.3.2025"
    assert "26.3.2025" in seed_text and "31.3.2025" in seed_text
    version = demo.plan.versions.get()
    handlings = [
        (handling.meeting_date, handling.body.name)
        for handling in Handling.objects.filter(version=version, checkpoint__isnull=True)
        .select_related("body")
        .order_by("meeting_date")
    ]
    assert handlings == [
        (dt.date(2025, 3, 26), "Poliittinen johtoryhmä"),
        (dt.date(2025, 3, 31), "Kunnanhallitus"),
    ]
    kinds = list(
        Handling.objects.filter(version=version, checkpoint__isnull=True)
        .order_by("meeting_date")
        .values_list("body__kind", flat=True)
    )
    assert kinds == ["preparatory", "board"]
