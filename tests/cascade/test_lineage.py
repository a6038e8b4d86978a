"""The link is by lineage: it survives the chief's amendment and the next year's
plans; it is part of an approved director plan's content (snapshot, integrity) and of
`export_plan`."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from suunta.agreements import cascade, integrity
from suunta.agreements import services as plan_services
from suunta.agreements.export import plan_to_dict, plans_for_export
from suunta.agreements.forms import GoalAreaForm
from suunta.agreements.models import GoalArea, PlanVersion

from ..dom import parse
from ..governance.common import latest
from ..helpers import fi
from ..tamper import sql
from .conftest import approve


def serves_line(client, plan, goal) -> str:
    page = client.get(reverse("plan_detail", args=[plan.pk]))
    assert page.status_code == 200
    row = parse(page.content).by_id(f"goal-{goal.pk}")
    lines = row.find_all(lambda e: "goal-links__serves" in e.classes)
    return " ".join(lines[0].text().split()) if lines else ""


@pytest.fixture
def linked(tree):
    served = tree.chief_goals()[0]
    plan_services.update_goal_area(tree.preparer, tree.goal, serves=served.lineage)
    tree.goal.refresh_from_db()
    return served


def test_the_link_survives_an_amendment_of_the_chiefs_plan(tree, linked):
    director = tree.demo.client("opetusjohtaja-t")
    before = f"{fi('Serves:')} {linked.title} (Kansliapäällikön tavoitteet 2025)"
    assert serves_line(director, tree.plan, tree.goal) == before
    # The chief's plan is amended: while the amendment is a draft, the approved version counts.
    draft = plan_services.amend(tree.preparer, tree.demo.plan)
    amended = GoalArea.objects.get(version=draft, lineage=linked.lineage)
    plan_services.update_goal_area(tree.preparer, amended, title="Strategian toimeenpano ja seuranta")
    assert serves_line(director, tree.plan, tree.goal) == before
    # Approved, it replaces version 1: the link names the amended goal.
    approve(tree.preparer, draft)
    assert PlanVersion.objects.get(plan=tree.demo.plan, number=1).status == "superseded"
    after = f"{fi('Serves:')} Strategian toimeenpano ja seuranta (Kansliapäällikön tavoitteet 2025)"
    assert serves_line(director, tree.plan, tree.goal) == after
    assert cascade.served_goal(tree.goal).version == draft
    # The picker offers the amended version's goals, the link chosen.
    form = GoalAreaForm(instance=tree.goal, plan=tree.plan)
    assert (str(linked.lineage), "Strategian toimeenpano ja seuranta – Kansliapäällikön tavoitteet 2025") in (
        form.fields["serves"].choices
    )
    assert form["serves"].value() == str(linked.lineage)


def test_the_link_follows_into_the_next_years_plan(tree, linked):
    approve(tree.preparer, tree.version)
    next_plan = plan_services.create_next_period_plan(tree.preparer, tree.plan)
    copy = GoalArea.objects.get(version=latest(next_plan), lineage=tree.goal.lineage)
    assert copy.serves == linked.lineage
    # The 2026 plan serves the same goal in the chief's approved 2026 plan.
    chief_2026 = GoalArea.objects.get(version__plan=tree.demo.current, lineage=linked.lineage)
    director = tree.demo.client("opetusjohtaja-t")
    expected = f"{fi('Serves:')} {chief_2026.title} (Kansliapäällikön tavoitteet 2026)"
    assert serves_line(director, next_plan, copy) == expected
    # The 2025 plan still names the chief's 2025 goal.
    assert serves_line(director, tree.plan, tree.goal).endswith("(Kansliapäällikön tavoitteet 2025)")
    # The 2026 picker offers the chief's 2026 goals, the link chosen.
    form = GoalAreaForm(instance=copy, plan=next_plan)
    offered = [value for value, _label in form.fields["serves"].choices if value]
    assert offered == [str(g.lineage) for g in tree.chief_goals(tree.demo.current)]
    assert form["serves"].value() == str(linked.lineage)
    # Editing the copy's title keeps the link without asking again.
    plan_services.update_goal_area(
        tree.preparer, copy, title="Oppimistulokset paranevat 2026", serves=copy.serves
    )
    copy.refresh_from_db()
    assert copy.serves == linked.lineage


def test_the_approved_director_plan_freezes_the_link(tree, linked):
    version = approve(tree.preparer, tree.version)
    approval = integrity.approval_of(version, list(version.handlings.all()))
    content = json.loads(approval.snapshot)
    by_lineage = {g["lineage"]: g for g in content["goals"]}
    assert by_lineage[str(tree.goal.lineage)]["serves"] == str(linked.lineage)
    other = next(g for lineage, g in by_lineage.items() if lineage != str(tree.goal.lineage))
    assert "serves" not in other  # only where set: earlier snapshots stay as they were
    version.plan = tree.plan
    assert integrity.check(version) is None
    # A link changed beside the application is caught like any changed content.
    sql("UPDATE agreements_goalarea SET serves = NULL WHERE id = %s", [tree.goal.pk])
    assert integrity.check(version) is not None


def test_export_plan_names_the_served_lineage(tree, linked, tmp_path):
    exported = plan_to_dict(plans_for_export().get(pk=tree.plan.pk))
    serves = {goal["title"]: goal["serves"] for goal in exported["goals"]}
    assert serves == {"Oppimistulokset paranevat": str(linked.lineage), "Kouluverkko on ajan tasalla": None}
    assert all(
        goal["serves"] is None for goal in plan_to_dict(plans_for_export().get(pk=tree.demo.plan.pk))["goals"]
    )
    output = tmp_path / "plan.json"
    call_command("export_plan", str(tree.plan.pk), output=str(output))
    assert json.loads(output.read_text())["goals"][0]["serves"] == str(linked.lineage)
