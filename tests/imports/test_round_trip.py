"""Suunta's own annex, as PDF/A and as DOCX, in Finnish and Swedish, read back gives
the same plan: its goals and metrics verbatim, the weights, the follow-ups with their
windows. Text in the follow-up columns (the agreed follow-ups) is listed as not placed."""

import pytest
from django.utils import translation

from suunta.agreements.models import Checkpoint, GoalArea
from suunta.imports.draft import as_json
from suunta.imports.parse import parse
from suunta.imports.readers import read_upload

from ..documents.common import render_direct


def stored(version, lang: str) -> tuple[list, list]:
    with translation.override(lang):
        goals = [
            (
                goal.display_title,
                str(goal.weight) if goal.weight is not None else None,
                [metric.display_text for metric in goal.metrics.order_by("order", "id")],
            )
            for goal in GoalArea.objects.filter(version=version).order_by("order", "id")
        ]
        checkpoints = [
            (c.display_label, c.window_start.isoformat(), c.window_end.isoformat())
            for c in Checkpoint.objects.filter(version=version).order_by("order", "window_start", "id")
        ]
    return goals, checkpoints


def read_back(body: bytes, fmt: str) -> dict:
    source = read_upload(body, f"liite.{fmt}")
    return as_json(parse(source), {line.number: line.text for line in source.lines})


def assert_same_plan(plan: dict, version, lang: str, weights: bool) -> None:
    goals, checkpoints = stored(version, lang)
    read = [(g["title"], g["weight"], [m["text"] for m in g["metrics"]]) for g in plan["goals"]]
    assert read == [(title, weight if weights else None, metrics) for title, weight, metrics in goals]
    assert [(c["label"], c["start"], c["end"]) for c in plan["checkpoints"]] == checkpoints


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_the_seed_plans_annex_gives_back_the_same_plan(demo, fmt, lang):
    version = demo.plan.versions.order_by("-number").first()
    plan = read_back(render_direct(version, "annex", fmt, lang), fmt)
    assert_same_plan(plan, version, lang, weights=False)
    # The agreed follow-ups stand in the follow-up columns: read, not placed, not lost.
    unplaced = " ".join(entry["text"] for entry in plan["unplaced"])
    assert unplaced, "the annex's other texts are listed as not placed"


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_weighted_plans_annex_gives_back_its_weights(demo, fmt):
    version = demo.other_plan.versions.order_by("-number").first()
    assert demo.other_plan.organization.use_weights
    plan = read_back(render_direct(version, "annex", fmt, "fi"), fmt)
    assert_same_plan(plan, version, "fi", weights=True)
    assert [g["weight"] for g in plan["goals"]] == ["40", "40", "20"]
