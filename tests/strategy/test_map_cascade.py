"""The goal cascade on the strategy map (issue 21): strategy → the chief's goals → the
directors' goals that serve them, each as far as the viewer may see it; a query count
that does not grow with the tree."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suunta.agreements import services as plan_services
from suunta.agreements.models import GoalArea, GoalPlan
from suunta.strategy.map import strategy_map

CHIEF_GOAL = "Talouden johtaminen"


def map_for(demo, username: str, year: int = 2025) -> dict:
    return strategy_map(demo.user(username), demo.org, year=year)


def under(context, number: str, title: str):
    """The map's goal item `title` under objective `number`."""
    entry = next(e for t in context["themes"] for e in t.objectives if e.objective.number == number)
    return next(item for item in entry.goals if item.goal.title == title)


def below_titles(item) -> list[tuple[str, str]]:
    return sorted((child.plan.agreement.position_title, child.goal.title) for child in item.serving)


def serving_in_demo(title: str) -> list[tuple[str, str]]:
    """What the demo data says: the directors' 2025 goals serving the chief's goal."""
    chief = (
        GoalPlan.objects.get(title="Kansliapäällikön tavoitteet 2025")
        .versions.get()
        .goal_areas.get(title=title)
    )
    return sorted(
        (g.version.plan.agreement.position_title, g.title)
        for g in GoalArea.objects.filter(
            serves=chief.lineage, version__plan__period_start__year=2025
        ).select_related("version__plan__agreement")
    )


def test_the_chief_sees_both_directors_goals_under_his_own(demo):
    expected = serving_in_demo(CHIEF_GOAL)
    assert {position for position, _title in expected} == {"sivistysjohtaja", "tekninen johtaja"}
    item = under(map_for(demo, "kansliapaallikko"), "3.1", CHIEF_GOAL)
    assert item.readable
    assert below_titles(item) == expected
    # A director's goal carries its latest agreed follow-up, which the chief may read.
    assert all(child.followup is not None for child in item.serving)


def test_a_director_sees_the_chiefs_goal_by_title_and_only_his_own_goals_below(demo):
    context = map_for(demo, "sivistysjohtaja")
    item = under(context, "3.1", CHIEF_GOAL)
    assert not item.readable  # the chief's plan is not his to open
    assert item.followup is None and item.budget == []
    assert below_titles(item) == [t for t in serving_in_demo(CHIEF_GOAL) if t[0] == "sivistysjohtaja"]
    positions = {row.goal.plan.agreement.position_title for row in context["rows"] if row.goal}
    assert positions == {"kansliapäällikkö", "sivistysjohtaja"}  # the chief's by title only; no sibling


def test_the_mayor_sees_the_chiefs_goals_and_no_directors_goals(demo):
    item = under(map_for(demo, "pormestari"), "3.1", CHIEF_GOAL)
    assert item.readable and item.serving == []


def test_the_table_view_names_the_goal_each_directors_goal_serves(demo):
    rows = [r for r in map_for(demo, "kansliapaallikko")["rows"] if r.serves is not None]
    assert rows and all(r.serves.goal.lineage == r.goal.goal.serves for r in rows)


def test_the_maps_query_count_does_not_grow_with_the_tree(demo):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            context = map_for(demo, "kansliapaallikko")
            assert context["cascade"]
        return len(queries)

    before = count()
    # Three more goals in the education director's plan serving the chief's goal: an
    # amendment with them, put in force directly (the workflow is not what is measured).
    plan = GoalPlan.objects.get(title="Sivistysjohtajan tavoitteet 2025")
    served = (
        GoalPlan.objects.get(title="Kansliapäällikön tavoitteet 2025")
        .versions.get()
        .goal_areas.get(title=CHIEF_GOAL)
    )
    preparer = demo.user("valmistelija")
    draft = plan_services.amend(preparer, plan)
    for number in range(3):
        plan_services.add_goal_area(preparer, draft, title=f"Lisätavoite {number}", serves=served.lineage)
    draft.status = "approved"
    draft.save(update_fields=["status"])
    titles = [
        child.goal.title for child in under(map_for(demo, "kansliapaallikko"), "3.1", CHIEF_GOAL).serving
    ]
    assert {"Lisätavoite 0", "Lisätavoite 1", "Lisätavoite 2"} <= set(titles)
    assert count() == before


@pytest.mark.parametrize("username", ["sivistysjohtaja", "kansliapaallikko"])
def test_the_map_page_opens_for_the_tree(demo, username):
    response = demo.client(username).get(f"/organizations/{demo.org.slug}/strategy/map/?year=2025")
    assert response.status_code == 200
    assert CHIEF_GOAL in response.content.decode()
