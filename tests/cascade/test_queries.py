"""The cascade's reads take a fixed number of queries, whatever the size of the tree:
the goals a goal may serve (3 or 10 goals above), the picker and the plan page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suunta.agreements import cascade
from suunta.agreements import services as plan_services
from suunta.agreements.forms import GoalAreaForm
from suunta.agreements.models import GoalArea

from ..governance.common import latest
from .conftest import approve


def queries(function) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = function()
    return len(captured), result


def test_the_choices_take_the_same_queries_for_3_and_10_goals_above(tree, unit):
    _head, _agreement, unit_plan, unit_goal = unit
    plan_services.add_goal_area(tree.preparer, tree.version, title="Kolmas tavoite")
    approve(tree.preparer, tree.version)
    small, offered = queries(lambda: cascade.servable_goals(unit_plan))
    small_form, form = queries(lambda: GoalAreaForm(instance=unit_goal, plan=unit_plan))
    assert len(offered) == 6 + 3  # the chief's six and the director's three
    assert len(form.fields["serves"].choices) == 1 + 6 + 3
    # The director's plan amended to ten goals and approved again.
    draft = plan_services.amend(tree.preparer, tree.plan)
    for n in range(7):
        plan_services.add_goal_area(tree.preparer, draft, title=f"Lisätavoite {n + 1}")
    approve(tree.preparer, draft, first_meeting=14)
    big, offered = queries(lambda: cascade.servable_goals(unit_plan))
    big_form, form = queries(lambda: GoalAreaForm(instance=unit_goal, plan=unit_plan))
    assert len(offered) == 6 + 10
    assert len(form.fields["serves"].choices) == 1 + 6 + 10
    assert small == big == 3
    assert small_form == big_form


def test_the_plan_page_loads_the_served_goals_in_one_query(tree):
    chief_goals = tree.chief_goals()
    client = tree.demo.client("valmistelija")
    url = reverse("plan_detail", args=[tree.plan.pk])
    plan_services.update_goal_area(tree.preparer, tree.goal, serves=chief_goals[0].lineage)
    client.get(url)  # warm whatever is cached per process
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n, chief_goal in enumerate(chief_goals[1:5]):
        goal = plan_services.add_goal_area(tree.preparer, latest(tree.plan), title=f"Tavoite {n}")
        plan_services.update_goal_area(tree.preparer, goal, serves=chief_goal.lineage)
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)
    assert response.status_code == 200
    assert GoalArea.objects.filter(version=tree.version, serves__isnull=False).count() == 5
    assert len(five) == len(one), [q["sql"] for q in five.captured_queries]
    for chief_goal in chief_goals[:5]:
        assert chief_goal.title in response.content.decode()
