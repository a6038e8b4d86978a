"""A goal serves the strategy (issue 20), in a browser: the preparer opens next year's
draft plan, edits the goal "Talouden johtaminen" and ticks the strategic objective 1.2,
which had no goal behind it; the plan page names it under the goal. Once the board has
approved the plan, the strategy map of that year shows the goal under 1.2 (no longer a
gap) and the public goals page, opened without signing in, lists 1.2 under the goal.
axe (WCAG 2.1 A/AA), the CSP and the Nu Html Checker on the map and the public page.

Elements are found by id, name and structure; figures and texts are data."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from suunta.agreements.models import GoalPlan
from suunta.agreements.services import create_next_period_plan
from suunta.governance import services as governance
from suunta.governance import workflow
from suunta.lib.clock import today
from suunta.strategy.models import Objective

from ..test_html_valid import require_vnu, run_vnu
from .browser import assert_accessible, assert_fits_viewport, assert_no_csp_violations, login

GOAL = "Talouden johtaminen"


def approve(plan: GoalPlan, version=None) -> None:
    """The demo's process, as the demo loader takes its plans through it: the plan's only
    version, or `version` (an amendment)."""
    people = {
        u.username: u for u in get_user_model().objects.filter(username__in=["valmistelija", "pormestari"])
    }
    meeting = today()
    for action, extra in (
        ("handle", {"meeting_date": meeting}),
        ("propose", {}),
        ("approve", {"meeting_date": meeting, "section": "101", "presenter": people["pormestari"]}),
    ):
        version = plan.versions.get(pk=version.pk) if version is not None else plan.versions.get()
        step = next(s for s in workflow.steps_from(version) if s.action == action)
        governance.take_step(people["valmistelija"], version, step, **extra)


def assert_valid_html(tmp_path, pages: dict[str, str]) -> None:
    require_vnu()
    for name, content in pages.items():
        (tmp_path / f"{name}.html").write_text(content, encoding="utf-8")
    messages = [m for m in run_vnu(tmp_path, [f"{name}.html" for name in pages]) if m.get("type") == "error"]
    assert not messages, messages


@pytest.mark.browser
def test_link_a_goal_to_an_objective_and_see_it_on_the_map_and_the_public_page(live_demo, page, tmp_path):
    preparer = get_user_model().objects.get(username="valmistelija")
    draft = create_next_period_plan(preparer, GoalPlan.objects.get(title="Kansliapäällikön tavoitteet 2026"))
    year = draft.period_start.year
    goal = draft.versions.get().goal_areas.get(title=GOAL)
    gap = Objective.objects.get(strategy__status="approved", number="1.2")
    login(page, live_demo, "valmistelija")

    # The map of the draft's year: 1.2 is a gap.
    page.goto(f"{live_demo}/organizations/esimerkkikunta/strategy/map/?year={year}")
    card = page.locator("main .map-objective", has=page.locator(".map-objective__number", has_text="1.2"))
    expect(card).to_have_class("map-objective map-objective--gap")

    # The plan editor: the goal's form, tick 1.2, save.
    page.goto(f"{live_demo}/plans/{draft.pk}/")
    page.locator(f'#goal-{goal.pk} a[href$="/goals/{goal.pk}/edit/"]').click()
    checkbox = page.locator(f'input[name="goal-{goal.pk}-objectives"][value="{gap.pk}"]')
    expect(checkbox).not_to_be_checked()
    assert_accessible(page, "goal-edit-with-objectives")
    checkbox.check()
    page.locator(f"#goal-{goal.pk} form button[type=submit]").click()
    links = page.locator(f"#goal-{goal.pk} .goal-links li")
    expect(links.filter(has_text="1.2 Yritysten toimintaedellytykset paranevat")).to_have_count(1)
    assert sorted(o.number for o in goal.objectives.all()) == ["1.2", "3.1", "3.2"]

    # The board approves the plan; the map of the year shows the goal under 1.2.
    approve(draft)
    page.goto(f"{live_demo}/organizations/esimerkkikunta/strategy/map/?year={year}")
    expect(card).to_have_class("map-objective")
    expect(card.get_by_role("link", name=GOAL)).to_have_attribute(
        "href", f"/plans/{draft.pk}/?version=1#goal-{goal.pk}"
    )
    assert_accessible(page, "strategy-map")
    assert_no_csp_violations(page)
    page.set_viewport_size({"width": 375, "height": 800})
    assert_fits_viewport(page, "strategy-map-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    map_html = page.content()

    # The public page, without signing in.
    page.context.clear_cookies()
    page.goto(f"{live_demo}/julkinen/esimerkkikunta/")
    plan_section = page.locator("main section.public-plan", has=page.get_by_role("heading", name=draft.title))
    goal_article = plan_section.locator("article.public-goal", has=page.get_by_role("heading", name=GOAL))
    expect(goal_article.locator(".public-objectives li")).to_have_text(
        [
            "1.2 Yritysten toimintaedellytykset paranevat (1 Elinvoimainen ja vetovoimainen kunta)",
            "3.1 Talous on tasapainossa valtuustokauden lopussa (3 Kestävä talous ja toimiva organisaatio)",
            "3.2 Palveluverkko vastaa tarpeita ja säästötavoitteet toteutuvat (3 Kestävä talous ja toimiva organisaatio)",
        ]
    )
    assert_accessible(page, "public-goals")
    assert_no_csp_violations(page)
    assert_valid_html(tmp_path, {"map": map_html, "public": page.content()})
