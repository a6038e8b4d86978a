"""The plan lifecycle in a browser: next period's plan from the agreement's latest
approved plan (the seed's 2025 plan, or a later one the demo made), an edit in place,
the workflow's steps from the plan page (preparatory handling, proposal, the board's
approval), the frozen approved version, an amendment and the version history.

Elements are found by role, id, href and structure, never by visible UI text: the UI's
English message ids are translated to Finnish and Swedish independently of this test.
Only data (body names, dates, the section) is compared as text.
"""

import datetime as dt
import time

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from suunta.agreements.models import GoalPlan, Metric, VersionStatus
from suunta.governance.models import Handling, WorkflowStep
from suunta.lib.clock import today

from .browser import assert_accessible, assert_no_csp_violations, login

PLAN_TITLE = "Kansliapäällikön tavoitteet 2025"
SECTION = "12"
CASE_NUMBER = "TUUDno-2099-77"
NEW_TEXT = "Valtuustokauden ja vuositavoitteiden toteutuminen, raportoitu puolivuosittain"
AMENDED_TEXT = "Valtuustokauden ja vuositavoitteiden toteutuminen, raportoitu neljännesvuosittain"


def fi_date(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def step_links(page) -> list[str]:
    """The hrefs of the workflow step buttons the plan page offers now."""
    return page.locator(".plan-actions a[href*='/steps/']").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )


@pytest.mark.browser
def test_next_period_plan_is_edited_handled_approved_and_amended(live_demo, page):
    started = time.monotonic()
    seed = GoalPlan.objects.get(title=PLAN_TITLE)
    # The demo may carry the seed's plans on up to today's year: start from the latest.
    source = GoalPlan.objects.filter(agreement=seed.agreement).order_by("-period_end").first()
    assert source.latest_version().status == VersionStatus.APPROVED
    year = source.period_start.year + 1
    # Next year's goals are handled and approved before the year starts: in the past.
    poljory_date, board_date = today() - dt.timedelta(days=14), today() - dt.timedelta(days=7)
    org = source.agreement.organization
    steps = {(step.action, step.from_status): step for step in WorkflowStep.objects.filter(organization=org)}
    handle = steps["handle", VersionStatus.DRAFT]
    propose_after_handling = steps["propose", VersionStatus.PREPARATORY]
    approve = steps["approve", VersionStatus.PROPOSED]
    mayor = get_user_model().objects.get(username="pormestari")

    login(page, live_demo, "valmistelija")

    # The approved plan: frozen, no edit links, and "create next period's plan" offered.
    source_path = f"/plans/{source.pk}/"
    page.goto(f"{live_demo}{source_path}")
    expect(page.get_by_role("heading", level=1)).to_have_text(source.title)
    expect(page.locator(".status-line .status--approved")).to_be_visible()
    expect(page.locator("#annex a[href$='/edit/']")).to_have_count(0)
    assert_accessible(page, "approval-source-approved")

    with page.expect_navigation():
        page.locator(f".plan-actions form[action='{source_path}next-period/'] button[type=submit]").click()
    plan = GoalPlan.objects.get(agreement=source.agreement, period_start=dt.date(year, 1, 1))
    plan_path = f"/plans/{plan.pk}/"
    plan_url = f"{live_demo}{plan_path}"
    assert page.url == plan_url
    assert str(year) in plan.title
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)
    expect(page.locator(".status-line .status--draft")).to_be_visible()
    expect(page.locator("main .messages .message--success")).to_have_count(1)
    # In a draft, the preparer may record the poljory handling or propose straight away;
    # the board's steps are not offered yet.
    draft_steps = set(step_links(page))
    assert f"{plan_path}steps/{handle.pk}/" in draft_steps
    assert f"{plan_path}steps/{approve.pk}/" not in draft_steps
    assert_accessible(page, "approval-next-draft")

    # Edit one metric in place (htmx, no full page load).
    metric = (
        Metric.objects.filter(goal_area__version__plan=plan)
        .order_by("goal_area__order", "order", "id")
        .first()
    )
    row = f"#metric-{metric.pk}"
    page.evaluate("window.suuntaNoReload = true")
    page.locator(f"{row} a[href$='/edit/']").click()
    textarea = page.locator(f"{row} form textarea[name$='-text']")
    expect(textarea).to_be_focused()
    textarea.fill(NEW_TEXT)
    page.locator(f"{row} form button[type=submit]").click()
    expect(textarea).to_have_count(0)
    expect(page.locator(f"{row} .metric-text")).to_have_text(NEW_TEXT)
    assert page.evaluate("window.suuntaNoReload") is True, "the save reloaded the whole page"
    assert_accessible(page, "approval-next-draft-edited")

    # 1. The poljory handling: the date only.
    page.locator(f".plan-actions a[href='{plan_path}steps/{handle.pk}/']").click()
    page.wait_for_url(f"{live_demo}{plan_path}steps/{handle.pk}/")
    expect(page.locator("main form input[name=meeting_date]")).to_be_visible()
    expect(page.locator("main form input[name=section]")).to_have_count(1)
    # The executive takes part in the preparatory discussion: no disqualification note.
    expect(page.locator("main p.notice")).to_have_count(0)
    assert_accessible(page, "approval-step-handle")
    page.locator("main form input[name=meeting_date]").fill(poljory_date.isoformat())
    page.locator("main form .form-actions button[type=submit]").click()
    page.wait_for_url(plan_url)
    expect(page.locator(".status-line .status--preparatory")).to_be_visible()
    expect(page.locator("main .handling-line")).to_contain_text(f"{handle.body.name} {fi_date(poljory_date)}")
    # Only a draft is edited: in handling, the annex is what the body saw.
    expect(page.locator(f"{row} .metric-text")).to_have_text(NEW_TEXT)
    expect(page.locator("#annex a[href$='/edit/']")).to_have_count(0)
    assert_accessible(page, "approval-next-preparatory")

    # 2. Propose to the board: a confirmation form without decision fields.
    page.locator(f".plan-actions a[href='{plan_path}steps/{propose_after_handling.pk}/']").click()
    page.wait_for_url(f"{live_demo}{plan_path}steps/{propose_after_handling.pk}/")
    expect(page.locator("main form input[name=meeting_date]")).to_have_count(0)
    assert_accessible(page, "approval-step-propose")
    page.locator("main form .form-actions button[type=submit]").click()
    page.wait_for_url(plan_url)
    expect(page.locator(".status-line .status--proposed")).to_be_visible()
    # The board's decisions (approve, return, table) are offered now, and no step that
    # starts from another status.
    offered = set(step_links(page))
    assert {
        f"{plan_path}steps/{steps[action, VersionStatus.PROPOSED].pk}/"
        for action in ("approve", "return", "table")
    } <= offered
    from_proposed = {
        f"{plan_path}steps/{pk}/"
        for pk in WorkflowStep.objects.filter(
            organization=org, from_status=VersionStatus.PROPOSED
        ).values_list("pk", flat=True)
    }
    assert offered <= from_proposed, (
        f"steps offered that do not start from 'proposed': {offered - from_proposed}"
    )
    assert_accessible(page, "approval-next-proposed")

    # 3. The board's approval. The mayor presents (preselected); first without a section.
    page.locator(f".plan-actions a[href='{plan_path}steps/{approve.pk}/']").click()
    step_url = f"{live_demo}{plan_path}steps/{approve.pk}/"
    page.wait_for_url(step_url)
    form = page.locator("main form[method=post]")
    expect(form.locator("select[name=presenter]")).to_have_value(str(mayor.pk))
    expect(form.locator("textarea[name=text]")).not_to_be_empty()  # the decision draft
    # The executive is disqualified and never offered as the presenter.
    executive = source.agreement.executive
    expect(form.locator(f"select[name=presenter] option[value='{executive.pk}']")).to_have_count(0)
    expect(page.locator("main p.notice")).to_have_count(1)  # ... and the record says so
    assert_accessible(page, "approval-step-approve")

    form.locator("input[name=meeting_date]").fill(board_date.isoformat())
    form.locator("input[name=case_number]").fill(CASE_NUMBER)
    with page.expect_navigation():
        form.locator(".form-actions button[type=submit]").click()
    assert page.url == step_url  # the form comes back with the error, nothing saved
    form = page.locator("main form[method=post]")
    expect(form.locator(".form-errors[role=alert]")).to_be_visible()
    section = form.locator("input[name=section]")
    expect(section).to_have_attribute("aria-invalid", "true")
    error_id = section.get_attribute("aria-describedby").split()
    assert any(page.locator(f"[id='{part}']").count() for part in error_id), (
        "the error is not tied to the field"
    )
    expect(form.locator("input[name=meeting_date]")).to_have_value(board_date.isoformat())
    expect(form.locator("input[name=case_number]")).to_have_value(CASE_NUMBER)
    assert not Handling.objects.filter(version__plan=plan, outcome="approved").exists()
    assert_accessible(page, "approval-step-approve-error")

    section.fill(SECTION)
    form.locator(".form-actions button[type=submit]").click()
    page.wait_for_url(plan_url)
    expect(page.locator(".status-line .status--approved")).to_be_visible()
    reference = f"{approve.body.short_name} {fi_date(board_date)} § {SECTION}"
    expect(page.locator("main .approval-line")).to_contain_text(reference)
    expect(page.locator("main .approval-line")).to_contain_text(CASE_NUMBER)
    handling_line = page.locator("main .handling-line")
    expect(handling_line).to_contain_text(f"{handle.body.name} {fi_date(poljory_date)}")
    expect(handling_line).to_contain_text(f"{approve.body.name} {fi_date(board_date)} § {SECTION}")
    # Frozen: no edit, delete, move or add controls on the annex.
    expect(page.locator("#annex a[href$='/edit/']")).to_have_count(0)
    expect(page.locator("#annex a[href$='/delete/']")).to_have_count(0)
    expect(page.locator("#annex form[action$='/move/']")).to_have_count(0)
    expect(page.locator("#annex a[href$='/new/']")).to_have_count(0)
    expect(page.locator(f"{row} .metric-text")).to_have_text(NEW_TEXT)
    approval = Handling.objects.get(version__plan=plan, outcome="approved")
    assert approval.presenter == mayor
    assert executive in approval.disqualified.all()
    assert approval.snapshot_sha256
    assert_accessible(page, "approval-next-approved")

    # Amend: version 2 starts as a draft and is editable again.
    page.locator(f".plan-actions form[action='{plan_path}amend/'] button[type=submit]").click()
    page.wait_for_url(plan_url)
    expect(page.locator(".status-line .status--draft")).to_be_visible()
    expect(page.locator(".version-list li")).to_have_count(2)
    expect(page.locator(f".version-list a[href='{plan_path}?version=1']")).to_have_count(1)
    expect(page.locator(".version-list [aria-current=page]")).to_have_count(1)
    expect(page.locator("#annex a[href$='/edit/']").first).to_be_visible()
    assert plan.latest_version().number == 2
    assert_accessible(page, "approval-next-v2-draft")

    # A change in version 2, for the history's diff (the copied metric has a new id).
    v2_metric = Metric.objects.get(goal_area__version=plan.latest_version(), lineage=metric.lineage)
    v2_row = f"#metric-{v2_metric.pk}"
    page.locator(f"{v2_row} a[href$='/edit/']").click()
    v2_textarea = page.locator(f"{v2_row} form textarea[name$='-text']")
    expect(v2_textarea).to_have_value(NEW_TEXT)
    v2_textarea.fill(AMENDED_TEXT)
    page.locator(f"{v2_row} form button[type=submit]").click()
    expect(page.locator(f"{v2_row} .metric-text")).to_have_text(AMENDED_TEXT)

    # The version history: both versions, the first with its decision.
    page.locator(f"main a[href='{plan_path}history/']").click()
    page.wait_for_url(f"{live_demo}{plan_path}history/")
    expect(page.locator("main section h2#version-2")).to_be_visible()
    expect(page.locator("main section h2#version-1")).to_be_visible()
    changes = page.locator("main section[aria-labelledby=version-2] .change-list")
    expect(changes.locator("del")).to_have_text(NEW_TEXT)
    expect(changes.locator("ins")).to_have_text(AMENDED_TEXT)
    expect(page.locator("main section[aria-labelledby=version-1] .handling-list")).to_contain_text(
        f"{approve.body.name} {fi_date(board_date)} § {SECTION}"
    )
    expect(page.locator("main section[aria-labelledby=version-1] code.hash")).to_have_text(
        approval.snapshot_sha256
    )
    assert_accessible(page, "approval-next-history")

    assert_no_csp_violations(page)
    assert not page.suunta_errors, f"JavaScript errors: {page.suunta_errors}"
    print(f"approval journey took {time.monotonic() - started:.1f} s")
