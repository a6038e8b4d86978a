"""`manage.py export_plan [PLAN_ID] [--output FILE]`: the keys issue 2 promises, the
list of all plans, the output file, an unknown id, and a query count that does not
grow with the number of plans."""

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suunta.agreements.models import GoalPlan, PlanVersion
from suunta.strategy.models import BudgetTarget, Objective, Strategy

from .factories import (
    AgreementFactory,
    BodyFactory,
    CheckpointFactory,
    GoalAreaFactory,
    HandlingFactory,
    MetricFactory,
    OrganizationFactory,
    PlanFactory,
    VersionFactory,
)


def export(*args) -> object:
    out = io.StringIO()
    call_command("export_plan", *args, stdout=out)
    return json.loads(out.getvalue())


def test_it_exports_a_plan_with_the_documented_keys(demo):
    data = export(str(demo.plan.pk))
    assert isinstance(data, dict)
    assert {
        "id",
        "organization",
        "agreement",
        "title",
        "period",
        "version",
        "status",
        "goals",
        "checkpoints",
        "handling",
    } <= set(data)
    assert {"name", "slug"} <= set(data["organization"])
    assert {"executive", "position", "legal_basis"} <= set(data["agreement"])
    assert set(data["period"]) >= {"start", "end"}
    assert {"title", "description", "metrics"} <= set(data["goals"][0])
    assert {"text"} <= set(data["goals"][0]["metrics"][0])
    assert {"label", "start", "end"} <= set(data["checkpoints"][0])
    assert {"body", "date", "section", "case_number", "text"} <= set(data["handling"][0])


def key_paths(value, prefix="") -> set[str]:
    """Every key path in a JSON value; list items share the path `name[]`."""
    if isinstance(value, dict):
        paths = set()
        for key, item in value.items():
            paths |= {f"{prefix}{key}"} | key_paths(item, f"{prefix}{key}.")
        return paths
    if isinstance(value, list):
        return set().union(*(key_paths(item, prefix.rstrip(".") + "[].") for item in value))
    return set()


def test_it_exports_every_key_the_format_document_shows(demo):
    document = Path(__file__).resolve().parents[1] / "docs" / "export-format.md"
    example = re.search(r"```json\n(.*?)\n```", document.read_text(encoding="utf-8"), re.DOTALL)
    assert example, "docs/export-format.md has no JSON example"
    documented = key_paths(json.loads(example.group(1)))
    assert "goals[].metrics[].text" in documented
    missing = documented - key_paths(export(str(demo.plan.pk)))
    assert not missing, f"keys in docs/export-format.md that the export lacks: {sorted(missing)}"


def test_it_exports_the_plan_header(demo):
    data = export(str(demo.plan.pk))
    agreement = demo.plan.agreement
    assert data["id"] == demo.plan.pk
    assert data["organization"]["name"] == "Esimerkkikunta"
    assert data["organization"]["slug"] == "esimerkkikunta"
    assert data["agreement"]["executive"] == agreement.executive.get_full_name()
    assert data["agreement"]["executive"] == "Juha Niemi"
    assert data["agreement"]["position"] == "kansliapäällikkö"
    assert data["agreement"]["legal_basis"] == agreement.legal_basis
    assert data["title"] == "Kansliapäällikön tavoitteet 2025"
    assert data["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert data["version"] == 1
    assert data["status"] == "approved"
    approval = demo.plan.versions.get().handlings.get(outcome="approved")
    assert data["snapshot"] == {"sha256": approval.snapshot_sha256, "decision": "KH 31.3.2025 § 45"}
    assert data["handling"][1]["presenter"] == "Aino Virtanen"
    assert data["handling"][1]["disqualified"] == ["Juha Niemi"]


def test_it_exports_the_goals_and_metrics_in_order(demo):
    data = export(str(demo.plan.pk))
    version = demo.plan.versions.get()
    expected = [
        {
            "title": goal.title,
            "description": goal.description,
            "metrics": [metric.text for metric in goal.metrics.order_by("order", "id")],
        }
        for goal in version.goal_areas.order_by("order", "id")
    ]
    exported = [
        {"title": g["title"], "description": g["description"], "metrics": [m["text"] for m in g["metrics"]]}
        for g in data["goals"]
    ]
    assert exported == expected
    assert len(exported) == 6
    assert sum(len(goal["metrics"]) for goal in exported) == 14


def test_it_exports_the_checkpoints(demo):
    data = export(str(demo.plan.pk))
    assert [(c["label"], c["start"], c["end"]) for c in data["checkpoints"]] == [
        ("elokuu 2025", "2025-08-01", "2025-08-31"),
        ("tammikuu/helmikuu 2026", "2026-01-01", "2026-02-28"),
    ]


def test_it_exports_the_handlings(demo):
    data = export(str(demo.plan.pk))
    assert [(h["body"], h["date"], h["section"], h["case_number"]) for h in data["handling"]] == [
        ("Poliittinen johtoryhmä", "2025-03-26", "", ""),
        ("Kunnanhallitus", "2025-03-31", "45", "TUUDno-2025-123"),
    ]
    assert data["handling"][1]["text"].startswith("Kunnanhallitus hyväksyy")


def test_it_exports_the_latest_version(demo):
    plan = demo.plan
    PlanVersion.objects.filter(plan=plan).update(status="approved")
    version = VersionFactory(plan=plan, number=2, status="draft")
    goal = GoalAreaFactory(version=version, title="Muutettu tavoite")
    MetricFactory(goal_area=goal, text="Muutettu mittari")
    data = export(str(plan.pk))
    assert (data["version"], data["status"]) == (2, "draft")
    assert [goal["title"] for goal in data["goals"]] == ["Muutettu tavoite"]
    assert [metric["text"] for metric in data["goals"][0]["metrics"]] == ["Muutettu mittari"]
    assert data["checkpoints"] == []
    assert data["handling"] == []


def test_it_exports_changes_made_in_the_editor(demo):
    version = demo.draft.versions.get()
    goal = version.goal_areas.order_by("order").first()
    goal.title = "Strategian toimeenpano"
    goal.save()
    data = export(str(demo.draft.pk))
    assert data["goals"][0]["title"] == "Strategian toimeenpano"


def test_it_exports_every_plan_without_an_id(demo):
    data = export()
    assert isinstance(data, list)
    assert sorted(plan["id"] for plan in data) == sorted(GoalPlan.objects.values_list("pk", flat=True))
    by_id = {plan["id"]: plan for plan in data}
    assert by_id[demo.plan.pk]["title"] == "Kansliapäällikön tavoitteet 2025"
    assert by_id[demo.other_plan.pk]["organization"]["slug"] == "toinen-kunta"
    assert by_id[demo.other_plan.pk]["goals"][0]["title"] == "Elinvoiman vahvistaminen"
    assert by_id[demo.plan.pk] == export(str(demo.plan.pk))


def test_it_exports_an_empty_list_without_plans(db):
    assert export() == []


def test_it_writes_to_a_file(demo, tmp_path):
    target = tmp_path / "plan.json"
    out = io.StringIO()
    call_command("export_plan", str(demo.plan.pk), "--output", str(target), stdout=out)
    assert out.getvalue() == ""
    text = target.read_text(encoding="utf-8")
    assert "Kansliapäällikön" in text, "non-ASCII text should be written as is"
    assert json.loads(text) == export(str(demo.plan.pk))


def test_it_writes_every_plan_to_a_file(demo, tmp_path):
    target = tmp_path / "all.json"
    call_command("export_plan", "--output", str(target), stdout=io.StringIO())
    assert json.loads(target.read_text(encoding="utf-8")) == export()


def test_it_refuses_an_unknown_id(demo, tmp_path):
    target = tmp_path / "none.json"
    with pytest.raises(CommandError, match="999999"):
        call_command("export_plan", "999999", "--output", str(target), stdout=io.StringIO())
    assert not target.exists()


def test_it_refuses_an_id_that_is_not_a_number(demo):
    with pytest.raises(CommandError):
        call_command("export_plan", "kansliapaallikko", stdout=io.StringIO())


def _build(agreement, year: int) -> GoalPlan:
    plan = PlanFactory(
        agreement=agreement, period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31), version=None
    )
    VersionFactory(plan=plan, number=1, status="closed")
    version = VersionFactory(plan=plan, number=2)
    for _ in range(3):
        MetricFactory.create_batch(3, goal_area=GoalAreaFactory(version=version))
    CheckpointFactory.create_batch(2, version=version)
    HandlingFactory(version=version, body=BodyFactory(organization=agreement.organization))
    return plan


def _queries(*args) -> int:
    with CaptureQueriesContext(connection) as context:
        call_command("export_plan", *args, stdout=io.StringIO())
    return len(context.captured_queries)


def test_the_export_query_count_does_not_grow_with_plans(db):
    agreement = AgreementFactory(organization=OrganizationFactory())
    _build(agreement, 2010)
    one = _queries()
    for n in range(9):
        other = agreement if n % 2 else AgreementFactory(organization=OrganizationFactory())
        _build(other, 2011 + n)
    assert GoalPlan.objects.count() == 10
    assert _queries() == one


def test_the_export_query_count_does_not_grow_with_one_plans_size(db):
    agreement = AgreementFactory()
    small = _build(agreement, 2010)
    big = PlanFactory(agreement=agreement, period_start=dt.date(2011, 1, 1), period_end=dt.date(2011, 12, 31))
    version = big.versions.get()
    for _ in range(20):
        MetricFactory.create_batch(6, goal_area=GoalAreaFactory(version=version))
    CheckpointFactory.create_batch(4, version=version)
    HandlingFactory.create_batch(3, version=version, body=BodyFactory(organization=agreement.organization))
    assert _queries(str(small.pk)) == _queries(str(big.pk))


# --- What the goals serve ------------------------------------------------------------------


def test_each_goal_names_the_strategy_objectives_and_budget_targets_it_serves(demo):
    goals = {goal["title"]: goal for goal in export(str(demo.plan.pk))["goals"]}
    strategy = {"strategy": "Esimerkkikunnan strategia 2025–2029", "version": 1}
    assert goals["Talouden johtaminen"]["strategy_objectives"] == [
        {"number": "3.1", "title": "Talous on tasapainossa valtuustokauden lopussa", **strategy},
        {
            "number": "3.2",
            "title": "Palveluverkko vastaa tarpeita ja säästötavoitteet toteutuvat",
            **strategy,
        },
    ]
    assert goals["Talouden johtaminen"]["budget_targets"] == [
        {
            "year": 2025,
            "body": "Kunnanhallitus",
            "title": "Keskushallinnon toimintakulut pysyvät talousarviossa",
        },
        {"year": 2025, "body": "Kunnanhallitus", "title": "Talouden tasapainotusohjelman säästöt toteutuvat"},
    ]
    # In the strategy's order, whatever order the goal was linked in (3.4 before 2.3).
    assert [o["number"] for o in goals["Yhteistyö poliittisen johdon kanssa"]["strategy_objectives"]] == [
        "2.3",
        "3.4",
    ]
    assert goals["Johtoryhmätyöskentelyn kehittäminen"]["budget_targets"] == []


def test_a_goal_without_links_exports_empty_lists(demo):
    data = export(str(demo.other_plan.pk))
    assert data["goals"]
    assert all(goal["strategy_objectives"] == [] and goal["budget_targets"] == [] for goal in data["goals"])


def test_the_export_query_count_does_not_grow_with_links(db):
    agreement = AgreementFactory()
    plain = _build(agreement, 2010)
    linked = _build(agreement, 2011)
    organization = agreement.organization
    body = BodyFactory(organization=organization)
    for number in range(3):
        strategy = Strategy.objects.create(
            organization=organization,
            title=f"Strategia {number}",
            term_start=dt.date(2010, 1, 1),
            term_end=dt.date(2013, 5, 31),
        )
        objectives = [
            Objective.objects.create(strategy=strategy, number=f"{n}", title=f"T {n}") for n in range(3)
        ]
        for goal in linked.latest_version().goal_areas.all():
            goal.objectives.add(*objectives)
            goal.budget_targets.add(
                BudgetTarget.objects.create(
                    organization=organization, year=2011, body=body, title=f"Sitova {number} {goal.pk}"
                )
            )
    assert _queries(str(plain.pk)) == _queries(str(linked.pk))
    goal = export(str(linked.pk))["goals"][0]
    assert len(goal["strategy_objectives"]) == 9
    assert {t["body"] for t in goal["budget_targets"]} == {body.name}


# --- All plans a chunk at a time (issue 23: memory that does not grow with the plans) ------


def _export_text(*args, **options) -> str:
    out = io.StringIO()
    call_command("export_plan", *args, stdout=out, **options)
    return out.getvalue()


def test_every_plan_is_read_a_chunk_at_a_time_into_the_same_json(demo, monkeypatch, tmp_path):
    from suunta.agreements.management.commands import export_plan  # noqa: PLC0415

    whole = _export_text()
    # The same text json.dumps gives the list of all plans at once (the format as before).
    assert whole == json.dumps(json.loads(whole), ensure_ascii=False, indent=2) + "\n"
    read = []
    real = export_plan.plans_for_export

    def spy(queryset=None):
        plans = list(real(queryset))
        read.append([plan.pk for plan in plans])
        return plans

    monkeypatch.setattr(export_plan, "CHUNK", 3)
    monkeypatch.setattr(export_plan, "plans_for_export", spy)
    ids = sorted(GoalPlan.objects.values_list("pk", flat=True))
    assert len(ids) > 6
    assert _export_text() == whole
    # At most three plans with their rows at a time, every plan once, in order.
    assert all(len(chunk) <= 3 for chunk in read)
    assert [pk for chunk in read for pk in chunk] == ids
    target = tmp_path / "all.json"
    call_command("export_plan", "-o", str(target), stdout=io.StringIO())
    assert target.read_text(encoding="utf-8") == whole
    assert [p.name for p in tmp_path.iterdir()] == ["all.json"]  # no temporary file left


def test_a_tampered_plan_in_a_later_chunk_writes_nothing(demo, monkeypatch, tmp_path):
    from suunta.agreements.management.commands import export_plan  # noqa: PLC0415

    from .tamper import change_goal_title  # noqa: PLC0415

    monkeypatch.setattr(export_plan, "CHUNK", 1)
    # The approved plan read last: every other plan was written before it.
    plan = GoalPlan.objects.filter(versions__status="approved").order_by("-pk").first()
    assert GoalPlan.objects.filter(pk__lt=plan.pk).count() >= 3
    change_goal_title(plan)
    target = tmp_path / "plans.json"
    with pytest.raises(CommandError, match=f"plan {plan.pk}"):
        call_command("export_plan", "-o", str(target), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []  # neither the file nor a temporary one
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("export_plan", stdout=out)
    assert out.getvalue() == ""  # standard output gets nothing either
