"""A follow-up in a browser (issue 5): the executive finds the open checkpoint on the
front page, saves a self-assessment as a draft, meets a validation error, submits; the
evaluators' views come in; the preparer records an agreed follow-up (and meets a
conflicting save), the follow-up is agreed and reported to the board. axe (WCAG 2.1
A/AA) and the CSP are checked on the checkpoint page in each state and on the dashboard.

Elements are found by id, role, href and structure, never by visible UI text."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from suunta.agreements.models import Checkpoint, GoalArea, GoalPlan
from suunta.followup import services
from suunta.followup.models import Assessment, AssessmentKind, FollowUp, MetricNote, Rating
from suunta.governance.models import Handling

from .browser import assert_accessible, login

PLAN_TITLE = "Kansliapäällikön tavoitteet 2026"
AGREED_TEXT = "Strategiatyö etenee; puolivuotiskatsaus käsitelty poliittisessa johtoryhmässä."
THEIR_TEXT = "Puheenjohtajan muotoilu samasta asiasta."


def user(username: str):
    return get_user_model().objects.get(username=username)


def status_of(checkpoint) -> str:
    return FollowUp.objects.get(checkpoint=checkpoint).status


def relogin(page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    login(page, base_url, username)


@pytest.mark.browser
def test_a_self_assessment_and_an_agreed_follow_up(live_demo, page):
    plan = GoalPlan.objects.get(title=PLAN_TITLE)
    version = plan.latest_version()
    checkpoint = Checkpoint.objects.filter(version=version).order_by("order").first()
    goals = list(GoalArea.objects.filter(version=version).prefetch_related("metrics").order_by("order", "id"))
    scale = {r.code: r for r in Rating.objects.filter(organization=plan.agreement.organization)}
    checkpoint_path = f"/plans/{plan.pk}/followup/{checkpoint.pk}/"
    checkpoint_url = f"{live_demo}{checkpoint_path}"

    # --- The executive: the front page points to the open checkpoint ---
    login(page, live_demo, "kansliapaallikko")
    due_link = page.locator(f"main .due-list a[href='{checkpoint_path}']")
    expect(due_link).to_have_count(1)
    assert_accessible(page, "followup-front-executive")
    with page.expect_navigation():
        due_link.click()
    assert page.url == checkpoint_url
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    form = page.locator(f"main form.own-form[action='{checkpoint_path}own/']")
    expect(form).to_have_count(1)
    expect(page.locator(".progress-steps li[aria-current=step]")).to_have_count(1)
    assert_accessible(page, "followup-open-executive")

    # A draft, one goal left without a text.
    first = goals[0]
    metric = first.metrics.all()[0]
    for index, goal in enumerate(goals):
        form.locator(f"#id_own-{goal.pk}-rating_1").check()  # the second step of the scale
        if index != 2:
            form.locator(f"#id_own-{goal.pk}-text").fill(f"Itsearvio {index + 1}: tavoite eteni.")
    form.locator(f"#id_own-{first.pk}-note_{metric.pk}").fill("Puolivuotiskatsaus valmistui.")
    with page.expect_navigation():
        form.locator("button[type=submit][name=save]").click()
    assert page.url == checkpoint_url
    expect(page.locator("main .messages .message--success")).to_have_count(1)
    drafts = Assessment.objects.filter(checkpoint=checkpoint, kind=AssessmentKind.SELF)
    assert drafts.count() == 6 and not drafts.filter(submitted_at__isnull=False).exists()
    assert (
        MetricNote.objects.get(assessment__goal_area=first, metric=metric).text
        == "Puolivuotiskatsaus valmistui."
    )
    expect(page.locator(f"#id_own-{goals[1].pk}-text")).to_have_value("Itsearvio 2: tavoite eteni.")
    assert_accessible(page, "followup-draft-executive")

    # Submitting with the missing text: the error beside that goal's field, nothing submitted.
    form = page.locator("main form.own-form")
    with page.expect_navigation():
        form.locator("button[type=submit][name=submit]").click()
    missing = page.locator(f"#id_own-{goals[2].pk}-text")
    expect(missing).to_have_attribute("aria-invalid", "true")
    described = missing.get_attribute("aria-describedby").split()
    assert any(page.locator(f"[id='{part}']").count() for part in described), (
        "the error is not tied to the field"
    )
    expect(page.locator("main .form-errors[role=alert]").first).to_be_visible()
    expect(page.locator(f"#id_own-{goals[1].pk}-text")).to_have_value("Itsearvio 2: tavoite eteni.")
    assert not drafts.filter(submitted_at__isnull=False).exists()
    assert_accessible(page, "followup-submit-error-executive")

    missing.fill("Itsearvio 3: tavoite eteni osittain.")
    with page.expect_navigation():
        page.locator("main form.own-form button[type=submit][name=submit]").click()
    assert page.url == checkpoint_url
    assert drafts.filter(submitted_at__isnull=False).count() == 6
    assert status_of(checkpoint) == "self_assessed"
    expect(page.locator("main .messages .message--success")).to_have_count(1)
    assert_accessible(page, "followup-self-assessed-executive")

    # --- The evaluators' views come in (written through the service) ---
    for username in ("pormestari", "apulaispormestari", "valtuuston-pj"):
        for goal in goals:
            services.save_assessment(
                user(username),
                checkpoint,
                goal,
                AssessmentKind.VIEW,
                rating=scale["progressed"],
                text=f"Näkemys: {goal.title}",
                submit=True,
            )
    assert status_of(checkpoint) == "views_in"

    # --- The preparer records the agreed follow-up of one goal ---
    relogin(page, live_demo, "valmistelija")
    page.goto(checkpoint_url)
    expect(page.locator(f"#goal-{first.pk} .view")).to_have_count(3)  # the three views, shown
    agreed_form = page.locator(f"main form[action='{checkpoint_path}agreed/{first.pk}/']")
    expect(agreed_form).to_have_count(1)
    assert_accessible(page, "followup-views-in-preparer")
    agreed_form.locator(f"#id_agreed-{first.pk}-rating_0").check()
    agreed_form.locator(f"#id_agreed-{first.pk}-text").fill(AGREED_TEXT)
    with page.expect_navigation():
        agreed_form.locator("button[type=submit]").click()
    assert page.url == f"{checkpoint_url}#goal-{first.pk}"
    agreed = Assessment.objects.get(checkpoint=checkpoint, goal_area=first, kind=AssessmentKind.AGREED)
    assert (agreed.rating, agreed.text, agreed.author) == (
        scale["achieved"],
        AGREED_TEXT,
        user("valmistelija"),
    )
    expect(page.locator(f"#goal-{first.pk} .assessments .rating")).to_have_count(
        5
    )  # self, three views, agreed
    expect(page.locator(f"#id_agreed-{first.pk}-text")).to_have_value(AGREED_TEXT)
    assert_accessible(page, "followup-agreed-one-preparer")

    # The council chair saves the same goal meanwhile: the preparer's next save meets the conflict view.
    services.save_assessment(
        user("valtuuston-pj"),
        checkpoint,
        first,
        AssessmentKind.AGREED,
        rating=scale["progressed"],
        text=THEIR_TEXT,
        revision=agreed.revision,
    )
    agreed_form = page.locator(f"main form[action='{checkpoint_path}agreed/{first.pk}/']")
    agreed_form.locator(f"#id_agreed-{first.pk}-text").fill(f"{AGREED_TEXT} Täydennetty.")
    with page.expect_navigation():
        agreed_form.locator("button[type=submit]").click()
    conflict = page.locator("main section.conflict[role=alert]")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text(THEIR_TEXT)
    expect(page.locator(f"#id_agreed-{first.pk}-text")).to_have_value(f"{AGREED_TEXT} Täydennetty.")
    assert Assessment.objects.get(pk=agreed.pk).text == THEIR_TEXT
    assert_accessible(page, "followup-conflict-preparer")
    with page.expect_navigation():
        page.locator(f"main form[action='{checkpoint_path}agreed/{first.pk}/'] button[type=submit]").click()
    assert page.url == f"{checkpoint_url}#goal-{first.pk}"
    assert Assessment.objects.get(pk=agreed.pk).text == f"{AGREED_TEXT} Täydennetty."

    # --- Agreed (the other goals through the service) and reported to the board ---
    for goal in goals[1:]:
        services.save_assessment(
            user("valmistelija"),
            checkpoint,
            goal,
            AssessmentKind.AGREED,
            rating=scale["progressed"],
            text=f"Sovittu: {goal.title}",
        )
    services.mark_agreed(user("pormestari"), checkpoint, dt.date(2026, 11, 26))
    page.goto(checkpoint_url)
    report_form = page.locator(f"main form[action='{checkpoint_path}report/']")
    expect(report_form).to_have_count(1)
    assert_accessible(page, "followup-agreed-preparer")
    report_form.locator("#id_report-meeting_date").fill("2026-11-27")
    report_form.locator("#id_report-section").fill("150")
    with page.expect_navigation():
        report_form.locator("button[type=submit]").click()
    assert page.url == checkpoint_url
    assert status_of(checkpoint) == "reported"
    report = Handling.objects.get(checkpoint=checkpoint)
    assert report.outcome == "noted"
    expect(page.locator(f"main form[action='{checkpoint_path}report/']")).to_have_count(0)
    assert_accessible(page, "followup-reported-preparer")

    # The annex shows it, the dashboard too.
    page.goto(f"{live_demo}/plans/{plan.pk}/")
    expect(page.locator(f"#goal-{first.pk} td.col-followup").first).to_contain_text(
        f"{AGREED_TEXT} Täydennetty."
    )
    expect(page.locator(f"#goal-{first.pk} td.col-followup .rating").first).to_have_text(
        scale["achieved"].label
    )
    page.goto(f"{live_demo}/organizations/{plan.agreement.organization.slug}/dashboard/")
    expect(page.locator(f"section[aria-labelledby='matrix-{plan.pk}'] table")).to_have_count(1)
    assert_accessible(page, "followup-dashboard-preparer")

    # A board member reads the reported follow-up.
    relogin(page, live_demo, "hallitus")
    page.goto(checkpoint_url)
    expect(page.locator(f"#goal-{first.pk} .assessments")).to_contain_text(f"{AGREED_TEXT} Täydennetty.")
    expect(page.locator("main form")).to_have_count(0)
    assert_accessible(page, "followup-reported-board-member")
    page.goto(f"{live_demo}/organizations/{plan.agreement.organization.slug}/dashboard/")
    assert_accessible(page, "followup-dashboard-board-member")
    assert not page.suunta_errors, f"JavaScript errors: {page.suunta_errors}"
