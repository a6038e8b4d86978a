"""`manage.py import_plan`: the plan as JSON on standard output; saved as a draft plan
through the page's service and policy unless --dry-run; refusals exit 1, nothing saved."""

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from suunta.agreements.models import GoalArea, GoalPlan
from suunta.imports import readers
from suunta.imports.source import Unreadable

from ..test_seed import SEED
from .expected import SEED_CHECKPOINTS, SEED_GOALS, checkpoints, goals_and_metrics
from .files import seed_docx


def run(*args, stdin: bytes | None = None) -> tuple[dict, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        original = sys.stdin
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
        try:
            call_command("import_plan", *args, stdout=out, stderr=err)
        finally:
            sys.stdin = original
    else:
        call_command("import_plan", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue()), err.getvalue()


def test_a_dry_run_prints_the_seed_and_saves_nothing(demo):
    before = GoalPlan.objects.count()
    plan, _ = run(
        str(SEED), "--agreement", str(demo.plan.agreement_id), "--user", "valmistelija", "--dry-run"
    )
    assert goals_and_metrics(plan) == SEED_GOALS
    assert checkpoints(plan) == SEED_CHECKPOINTS
    assert set(plan) == {"goals", "checkpoints", "unplaced"}
    assert set(plan["goals"][0]) == {"title", "weight", "metrics"}
    assert set(plan["goals"][0]["metrics"][0]) == {"text", "target", "unit", "direction", "target_text"}
    assert plan["unplaced"][0] == {"line": 2, "text": "Kansliapäällikön tavoitteet"}
    assert GoalPlan.objects.count() == before


def test_the_format_is_found_from_the_content_on_standard_input(demo, tmp_path):
    plan, _ = run(
        "-",
        "--agreement",
        str(demo.plan.agreement_id),
        "--user",
        "valmistelija",
        "--dry-run",
        stdin=seed_docx(),
    )
    assert goals_and_metrics(plan) == SEED_GOALS
    # A Word file named .txt is still read as Word.
    misnamed = tmp_path / "tavoitteet.txt"
    misnamed.write_bytes(seed_docx())
    plan, _ = run(
        str(misnamed), "--agreement", str(demo.plan.agreement_id), "--user", "valmistelija", "--dry-run"
    )
    assert goals_and_metrics(plan) == SEED_GOALS


def test_without_dry_run_it_saves_a_draft_plan_acting_as_the_user(demo):
    plan, err = run(
        str(SEED), "--agreement", str(demo.plan.agreement_id), "--user", "valmistelija", "--period", "2029"
    )
    assert goals_and_metrics(plan) == SEED_GOALS  # printed as with --dry-run
    saved = GoalPlan.objects.get(agreement_id=demo.plan.agreement_id, period_start="2029-01-01")
    version = saved.versions.get()
    assert version.status == "draft" and version.created_by.username == "valmistelija"
    assert [
        (g.title, list(g.metrics.order_by("order").values_list("text", flat=True)))
        for g in GoalArea.objects.filter(version=version).order_by("order")
    ] == SEED_GOALS
    assert saved.title == "Kansliapäällikön tavoitteet 2029"
    assert f"Saved the draft plan {saved.pk}" in err


def test_a_period_that_has_a_plan_is_refused_and_nothing_saved(demo):
    before = GoalPlan.objects.count()
    with translation.override("en"), pytest.raises(CommandError, match="plan for this period"):
        run(str(SEED), "--agreement", str(demo.plan.agreement_id), "--user", "valmistelija")
    assert GoalPlan.objects.count() == before


def test_a_row_that_cannot_be_saved_names_its_line(demo, tmp_path):
    path = tmp_path / "goals.txt"
    path.write_text("1. Talous\n• Talousarvion toteuma 98 %\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        run(
            str(path),
            "--agreement",
            str(demo.plan.agreement_id),
            "--user",
            "valmistelija",
            "--period",
            "2029",
        )
    assert "Nothing was saved." in str(refused.value)
    assert "line 2: Talousarvion toteuma 98 %" in str(refused.value)
    assert not GoalPlan.objects.filter(period_start="2029-01-01").exists()


def test_a_user_who_may_not_create_plans_is_refused(demo):
    with pytest.raises(CommandError, match="may not create plans"):
        run(str(SEED), "--agreement", str(demo.plan.agreement_id), "--user", "hallitus", "--dry-run")
    with pytest.raises(CommandError, match="may not create plans"):
        run(
            str(SEED),
            "--agreement",
            str(demo.plan.agreement_id),
            "--user",
            "toinen-valmistelija",
            "--dry-run",
        )


def test_unreadable_input_exits_with_the_message(demo, tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4\n%broken")
    with pytest.raises(Unreadable) as reading:
        readers.read_upload(path.read_bytes(), "scan.pdf")
    with pytest.raises(CommandError) as refused:
        run(str(path), "--agreement", str(demo.plan.agreement_id), "--user", "valmistelija", "--dry-run")
    assert str(refused.value) == reading.value.message
