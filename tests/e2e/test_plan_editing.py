"""The first browser journey: log in, open the demo plan, edit a metric in place.

Elements are found by role, id, href and structure, never by visible text: the UI's
English message ids are translated to Finnish and Swedish independently of this test.
"""

import time

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from suunta.agreements.models import GoalPlan, Metric
from suunta.agreements.services import create_next_period_plan
from suunta.demo.loader import DEFAULT_PASSWORD

from .browser import assert_accessible, assert_no_csp_violations

CURRENT_TITLE = "Kansliapäällikön tavoitteet 2026"
PLAN_TITLE = "Kansliapäällikön tavoitteet 2027"
OLD_TEXT = "Talousarvion mukaiset tavoitteet toteutuvat"
NEW_TEXT = "Talousarvion mukaiset tavoitteet toteutuvat ja tilinpäätös on ylijäämäinen"


@pytest.mark.browser
def test_evaluator_edits_a_metric_in_place(live_demo, page):
    started = time.monotonic()
    # The demo's plans are approved (frozen); next year's draft is what gets edited.
    preparer = get_user_model().objects.get(username="valmistelija")
    plan = create_next_period_plan(preparer, GoalPlan.objects.get(title=CURRENT_TITLE))
    assert plan.title == PLAN_TITLE
    metric = Metric.objects.get(goal_area__version__plan=plan, text=OLD_TEXT)
    plan_path = f"/plans/{plan.pk}/"
    row = f"#metric-{metric.pk}"

    # Login page, then the standard username/password form.
    page.goto(f"{live_demo}/accounts/login/")
    expect(page.locator("form input[name=username]")).to_be_visible()
    assert_accessible(page, "login")
    page.locator("input[name=username]").fill("pormestari")
    page.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()

    # The front page lists the plan; open it by its link.
    page.wait_for_url(f"{live_demo}/")
    plan_link = page.locator(f'main a[href="{plan_path}"]')
    expect(plan_link).to_have_text(PLAN_TITLE)
    assert_accessible(page, "front-page")
    plan_link.click()

    page.wait_for_url(f"{live_demo}{plan_path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(PLAN_TITLE)
    expect(page.locator(f"{row} .metric-text")).to_have_text(OLD_TEXT)
    assert_accessible(page, "plan")

    # From here on, everything happens in place: a full page load would drop the marker.
    page.evaluate("window.suuntaNoReload = true")
    page.locator(f'{row} a[href$="/edit/"]').click()
    textarea = page.locator(f"{row} form textarea[name$='-text']")
    expect(textarea).to_be_visible()
    expect(textarea).to_have_value(OLD_TEXT)
    expect(textarea).to_be_focused()  # the form takes focus (autofocus), keyboard users stay put
    assert page.url == f"{live_demo}{plan_path}"
    assert_accessible(page, "plan-editing-metric")

    textarea.fill(NEW_TEXT)
    page.locator(f"{row} form button[type=submit]").click()
    expect(textarea).to_have_count(0)
    expect(page.locator(f"{row} .metric-text")).to_have_text(NEW_TEXT)
    expect(page.locator(row)).to_be_focused()  # focus returns to the saved metric
    expect(page.locator("#announcer")).not_to_be_empty()  # and the change is announced
    assert page.evaluate("window.suuntaNoReload") is True, "the save reloaded the whole page"
    assert page.url == f"{live_demo}{plan_path}"
    assert_accessible(page, "plan-after-save")

    metric.refresh_from_db()
    assert metric.text == NEW_TEXT

    # The saved text is there on a fresh load too, and the page fits a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_demo}{plan_path}")
    expect(page.locator(f"{row} .metric-text")).to_have_text(NEW_TEXT)
    assert_accessible(page, "plan-phone")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the phone-sized page scrolls sideways by {overflow}px"

    assert_no_csp_violations(page)
    assert not page.suunta_errors, f"JavaScript errors: {page.suunta_errors}"
    print(f"browser journey took {time.monotonic() - started:.1f} s")
