"""The goal cascade in a browser (issue 21): the preparer adds to an amendment of the
technical director's plan a goal that serves the chief of staff's goal
"Henkilöstöjohtaminen", chosen in the plan editor; the plan page names the served goal.
Once the amendment is approved, the chief's strategy map shows the new goal under his
goal (under objective 3.3), and the director's map shows the chief's goal by title only.
axe (WCAG 2.1 A/AA) and the CSP on the editor and the maps.

Elements are found by id, name and structure; figures and texts are data."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from suunta.agreements.models import GoalPlan
from suunta.agreements.services import add_metric, amend

from .browser import assert_accessible, assert_no_csp_violations, login
from .test_strategy import approve

CHIEF_GOAL = "Henkilöstöjohtaminen"
CHIEF_PLAN = "Kansliapäällikön tavoitteet 2025"
NEW_GOAL = "Kunnossapidon esihenkilöiden valmennus"


@pytest.mark.browser
def test_a_directors_goal_serves_the_chiefs_and_shows_on_the_map(live_demo, page, context):
    preparer = get_user_model().objects.get(username="valmistelija")
    plan = GoalPlan.objects.get(title="Teknisen johtajan tavoitteet 2025")
    draft = amend(preparer, plan)
    login(page, live_demo, "valmistelija")

    page.goto(f"{live_demo}/plans/{plan.pk}/")
    page.locator(f'main a[href="/plans/{plan.pk}/goals/new/"]').click()
    page.locator("#id_new-goal-title").fill(NEW_GOAL)
    serves = page.locator('select[name="new-goal-serves"]')
    serves.select_option(label=f"{CHIEF_GOAL} – {CHIEF_PLAN}")
    assert_accessible(page, "goal-new-serves")
    page.locator("#annex form.item-form button[type=submit]").click()
    row = page.locator("#annex tr", has=page.locator(".goal-title", has_text=NEW_GOAL))
    expect(row.locator(".goal-links__serves")).to_contain_text(f"{CHIEF_GOAL} ({CHIEF_PLAN})")
    assert_no_csp_violations(page)

    # A goal needs a metric before the plan goes on (the editor's metric form is tested
    # elsewhere); then the board approves the amendment.
    added = draft.goal_areas.get(title=NEW_GOAL)
    add_metric(preparer, added, text="Valmennukseen osallistuneiden esihenkilöiden osuus")
    approve(GoalPlan.objects.get(pk=draft.plan_id), version=draft)

    # The chief's map of 2025: the new goal below his goal, under objective 3.3.
    page.context.clear_cookies()
    login(page, live_demo, "kansliapaallikko")
    page.goto(f"{live_demo}/organizations/esimerkkikunta/strategy/map/?year=2025")
    card = page.locator("main .map-objective", has=page.locator(".map-objective__number", has_text="3.3"))
    chief_goal = card.locator(".map-goals > li", has=page.locator("a.map-goal__title", has_text=CHIEF_GOAL))
    expect(chief_goal.locator(".map-goals--below a.map-goal__title", has_text=NEW_GOAL)).to_have_count(1)
    assert_accessible(page, "strategy-map-cascade")
    assert_no_csp_violations(page)

    # The director sees the chief's goal by its title (no link into the chief's plan).
    page.context.clear_cookies()
    login(page, live_demo, "tekninen-johtaja")
    page.goto(f"{live_demo}/organizations/esimerkkikunta/strategy/map/?year=2025")
    above = card.locator(".map-goals > li", has=page.locator("span.map-goal__title", has_text=CHIEF_GOAL))
    expect(above.locator(".map-goals--below a.map-goal__title", has_text=NEW_GOAL)).to_have_count(1)
    expect(
        page.locator(f'main a[href^="/plans/{GoalPlan.objects.get(title=CHIEF_PLAN).pk}/"]')
    ).to_have_count(0)
    assert_accessible(page, "strategy-map-director")
