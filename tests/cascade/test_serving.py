"""A sector director's goal serves a goal of the chief of staff's approved plan (issue
21, part 2): the picker, saving, the plan page, and what is refused with a clear
message next to the field, nothing saved."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from suunta.agreements import cascade
from suunta.agreements import services as plan_services
from suunta.agreements.forms import GoalAreaForm
from suunta.agreements.models import GoalArea
from suunta.audit.models import AuditEvent
from suunta.audit.services import changes_of

from ..dom import parse
from ..governance.common import latest
from ..helpers import assert_field_error, fi, snapshot
from .conftest import agreement_for, approve, make_evaluator, new_executive, plan_for

NOT_ABOVE = (
    "That goal is not in a plan of an agreement above this one: a goal serves the goals "
    "of the agreements whose executive evaluates this one."
)
NOT_APPROVED = "That goal is not in an approved plan: a goal serves only goals of approved plans."
OTHER_ORGANIZATION = "That goal is another organization's: a goal serves only goals of its own organization."
CYCLE = "That goal is this agreement's own or below it in the chain: serving it would make a cycle."
SELF = "A goal cannot serve itself."


def edit_url(plan, goal) -> str:
    return reverse("goal_edit", args=[plan.pk, goal.pk])


def goal_data(goal, **overrides) -> dict:
    prefix = f"goal-{goal.pk}"
    data = {
        f"{prefix}-title": goal.title,
        f"{prefix}-description": goal.description,
        f"{prefix}-title_sv": goal.title_sv,
        f"{prefix}-description_sv": goal.description_sv,
    }
    data |= {f"{prefix}-{name}": value for name, value in overrides.items()}
    return data


def options(content, select_id: str) -> list[tuple[str, str]]:
    select = parse(content).by_id(select_id)
    return [
        (o.attrs.get("value", ""), " ".join(o.text().split()))
        for o in select.find_all(lambda e: e.tag == "option")
    ]


def test_the_picker_offers_exactly_the_chiefs_approved_goals(tree):
    chief_goals = tree.chief_goals()
    expected = [(str(g.lineage), f"{g.title} – Kansliapäällikön tavoitteet 2025") for g in chief_goals]
    form = GoalAreaForm(instance=tree.goal, plan=tree.plan)
    assert form.fields["serves"].choices == [("", fi("– none –")), *expected]
    # The same on the page: a select beside the goal's own fields, nothing chosen yet.
    response = tree.demo.client("valmistelija").get(edit_url(tree.plan, tree.goal))
    assert response.status_code == 200
    assert options(response.content, f"id_goal-{tree.goal.pk}-serves") == [("", fi("– none –")), *expected]
    assert fi("Serves the goal (optional)") in response.content.decode()
    # Not the chief's 2026 or draft 2027 goals, another organization's, nor the
    # director's own: the chief's agreement has nothing above, so no field at all.
    chief_draft_goal = GoalArea.objects.filter(version=latest(tree.demo.draft)).first()
    assert "serves" not in GoalAreaForm(instance=chief_draft_goal, plan=tree.demo.draft).fields


def test_a_draft_amendment_of_the_chiefs_plan_offers_nothing_new(tree):
    """The latest frozen version counts: goals added in an amendment not yet approved
    are not offered, the approved version's still are."""
    draft = plan_services.amend(tree.preparer, tree.demo.plan)
    plan_services.add_goal_area(tree.preparer, draft, title="Uusi tavoite luonnoksessa")
    offered = [g.title for g in cascade.servable_goals(tree.plan)]
    assert offered == [g.title for g in tree.chief_goals()]


def test_a_plan_without_anything_above_has_no_picker(tree, demo):
    """The mayor evaluates the chief, but the mayor has no agreement: nothing above the
    chief's plans; Toinen kunta's plan neither."""
    for plan in (demo.draft, demo.other_plan):
        assert cascade.servable_goals(plan) == []


def test_saving_links_the_goal_and_the_director_sees_what_it_serves(tree):
    served = tree.chief_goals()[2]
    response = tree.demo.client("valmistelija").post(
        edit_url(tree.plan, tree.goal), goal_data(tree.goal, serves=str(served.lineage))
    )
    assert response.status_code == 302
    tree.goal.refresh_from_db()
    assert tree.goal.serves == served.lineage
    # Audited like any change of the goal.
    event = AuditEvent.objects.filter(action="goal.update", object_id=str(tree.goal.pk)).latest("sequence")
    assert changes_of(event)["serves"] == [None, str(served.lineage)]
    # The director reads the title of the chief's goal (and its plan's) on his own
    # plan, and nothing more of the chief's plan.
    director = tree.demo.client("opetusjohtaja-t")
    page = director.get(reverse("plan_detail", args=[tree.plan.pk]))
    assert page.status_code == 200
    goal_row = parse(page.content).by_id(f"goal-{tree.goal.pk}")
    text = " ".join(goal_row.text().split())
    assert f"{fi('Serves:')} {served.title} (Kansliapäällikön tavoitteet 2025)" in text
    assert director.get(reverse("plan_detail", args=[tree.demo.plan.pk])).status_code == 404
    # The picker shows the choice made.
    form = GoalAreaForm(instance=tree.goal, plan=tree.plan)
    assert form["serves"].value() == str(served.lineage)


def test_clearing_the_choice_removes_the_link(tree):
    served = tree.chief_goals()[0]
    plan_services.update_goal_area(tree.preparer, tree.goal, serves=served.lineage)
    client = tree.demo.client("valmistelija")
    assert client.post(edit_url(tree.plan, tree.goal), goal_data(tree.goal, serves="")).status_code == 302
    tree.goal.refresh_from_db()
    assert tree.goal.serves is None


def test_a_new_goal_is_linked_from_the_new_goal_form(tree):
    served = tree.chief_goals()[1]
    data = {"new-goal-title": "Henkilöstö voi hyvin", "new-goal-serves": str(served.lineage)}
    response = tree.demo.client("valmistelija").post(reverse("goal_new", args=[tree.plan.pk]), data)
    assert response.status_code == 302
    assert GoalArea.objects.get(title="Henkilöstö voi hyvin").serves == served.lineage
    event = AuditEvent.objects.filter(action="goal.create").latest("sequence")
    assert changes_of(event)["serves"] == [None, str(served.lineage)]


def test_leaving_the_field_out_keeps_the_link(tree):
    served = tree.chief_goals()[0]
    plan_services.update_goal_area(tree.preparer, tree.goal, serves=served.lineage)
    plan_services.update_goal_area(tree.preparer, tree.goal, title="Oppimistulokset paranevat selvästi")
    tree.goal.refresh_from_db()
    assert tree.goal.serves == served.lineage


# --- Refused ------------------------------------------------------------------------------


def _other_organizations_goal(tree, unit):
    return GoalArea.objects.filter(version__plan=tree.demo.other_plan).first().lineage


def _draft_plans_goal(tree, unit):
    """A goal of the chief's next-year draft that no approved plan has."""
    return plan_services.add_goal_area(
        tree.preparer, latest(tree.demo.draft), title="Vain luonnoksessa"
    ).lineage


def _amendments_goal(tree, unit):
    """A goal added in a draft amendment of the chief's 2025 plan (the period matches)."""
    draft = plan_services.amend(tree.preparer, tree.demo.plan)
    return plan_services.add_goal_area(tree.preparer, draft, title="Muutoksen uusi tavoite").lineage


def _itself(tree, unit):
    return tree.goal.lineage


def _own_agreements_goal(tree, unit):
    return GoalArea.objects.filter(version=tree.version).exclude(pk=tree.goal.pk).get().lineage


def _goal_below(tree, unit):
    return unit[3].lineage


def _siblings_goal(tree, unit):
    """A second director, also evaluated by the chief: beside, not above."""
    sibling = new_executive(tree.demo, "tekninen-johtaja-t", "Risto", "Mäki")
    agreement = agreement_for(tree.demo, tree.admin, sibling, "tekninen johtaja", "teknisen johtajan")
    make_evaluator(tree.admin, tree.demo.org, tree.chief, agreement, tree.position)
    plan = plan_for(tree.preparer, agreement, "Teknisen johtajan tavoitteet 2025")
    return plan_services.add_goal_area(tree.preparer, latest(plan), title="Kadut kunnossa").lineage


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_other_organizations_goal, OTHER_ORGANIZATION),
        (_draft_plans_goal, NOT_APPROVED),
        (_amendments_goal, NOT_APPROVED),
        (_itself, SELF),
        (_own_agreements_goal, CYCLE),
        (_goal_below, CYCLE),
        (_siblings_goal, NOT_ABOVE),
    ],
    ids=[
        "other organization",
        "draft plan",
        "draft amendment",
        "itself",
        "own agreement",
        "below",
        "sibling",
    ],
)
def test_a_goal_that_may_not_be_served_is_refused_next_to_the_field(tree, unit, make, message):
    lineage = make(tree, unit)
    before = snapshot()
    events = AuditEvent.objects.count()
    response = tree.demo.client("valmistelija").post(
        edit_url(tree.plan, tree.goal), goal_data(tree.goal, title="Muutettu otsikko", serves=str(lineage))
    )
    assert_field_error(response, f"id_goal-{tree.goal.pk}-serves", fi(message))
    assert snapshot() == before
    assert AuditEvent.objects.count() == events
    # The service says the same to any caller.
    with pytest.raises(ValidationError) as refused:
        plan_services.update_goal_area(tree.preparer, tree.goal, serves=lineage)
    assert refused.value.message_dict == {"serves": [fi(message)]}


def test_a_forged_value_is_refused(tree):
    before = snapshot()
    response = tree.demo.client("valmistelija").post(
        edit_url(tree.plan, tree.goal), goal_data(tree.goal, serves="ei-tunniste")
    )
    assert response.status_code == 200
    assert parse(response.content).by_id(f"id_goal-{tree.goal.pk}-serves").attrs.get("aria-invalid") == "true"
    assert snapshot() == before


def test_the_chiefs_goal_cannot_serve_the_directors(tree):
    """Upside down: the director's agreement is below the chief's (a cycle)."""
    served = tree.chief_goals()[0]
    plan_services.update_goal_area(tree.preparer, tree.goal, serves=served.lineage)
    chief_goal = GoalArea.objects.filter(version=latest(tree.demo.draft)).first()
    with pytest.raises(ValidationError) as refused:
        plan_services.update_goal_area(tree.preparer, chief_goal, serves=tree.goal.lineage)
    assert refused.value.message_dict == {"serves": [fi(CYCLE)]}
    chief_goal.refresh_from_db()
    assert chief_goal.serves is None


def test_a_unit_heads_goal_serves_the_directors_once_approved(tree, unit):
    """Down the chain: the unit head's plan is below the director's, which is below the
    chief's; the unit head's goal may serve either once their plans are approved."""
    _head, _agreement, unit_plan, unit_goal = unit
    offered = {g.lineage for g in cascade.servable_goals(unit_plan)}
    assert offered == {g.lineage for g in tree.chief_goals()}  # the director's plan is a draft
    approve(tree.preparer, tree.version)
    offered = {g.lineage for g in cascade.servable_goals(unit_plan)}
    director_goals = set(GoalArea.objects.filter(version=tree.version).values_list("lineage", flat=True))
    assert offered == {g.lineage for g in tree.chief_goals()} | director_goals
    plan_services.update_goal_area(tree.preparer, unit_goal, serves=tree.goal.lineage)
    unit_goal.refresh_from_db()
    assert cascade.served_goal(unit_goal).pk == tree.goal.pk
    assert list(GoalArea.objects.filter(serves=tree.goal.lineage).values_list("pk", flat=True)) == [
        unit_goal.pk
    ]
