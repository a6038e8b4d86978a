"""The year's evaluation in a browser (issue 18), to the board's approval: a chair-group
municipality that weighs its goals (5 × 20 %), rates each metric and pays performance
pay (tests/followup/year_evaluation.py builds it through the services, up to the
evaluators' views). The board chair records the agreed follow-up with a rating per
metric (radio buttons found by the scale's labels) and meets a missing rating once; the
preparer marks it agreed, enters the annual salary (a salary of 0 refused once), sees
the pay calculation and records the board's approval (KH § 41); the page then shows the
decided figures. axe (WCAG 2.1 A/AA) and the CSP are checked on the checkpoint page in
every state.

Elements are found by id, name, href and structure; UI messages are compared through
`fi()`, figures and the scale's labels are data."""

import datetime as dt

import pytest
from django.utils import translation
from playwright.sync_api import expect

from suunta.followup import pay
from suunta.followup.models import Assessment, AssessmentKind, FollowUp, MetricScore, PerformancePay
from suunta.governance.models import Handling

from ..followup.year_evaluation import (
    EXPECTED_MAXIMUM,
    EXPECTED_PAY,
    EXPECTED_POINTS,
    GOALS,
    SALARY,
    build,
    scale,
    to_views,
)
from ..helpers import fi
from .browser import assert_accessible, login

PASSWORD = "pw"  # tests/factories.UserFactory's
FIRST_TEXT = "Talous vahvistui; säästöohjelma eteni suunnitellusti."


def fi_money(value) -> str:
    with translation.override("fi"):
        return pay.money(value)


def as_user(page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    login(page, base_url, username, PASSWORD)


def submit(form) -> None:
    with form.page.expect_navigation():
        form.locator("button[type=submit]").click()


def rate(form, goal, metric, rating) -> None:
    """Check the metric's radio button of `rating`, found by the scale's label."""
    form.locator(f"#id_agreed-{goal.pk}-metric_{metric.pk}").get_by_label(rating.label, exact=True).check()


@pytest.mark.browser
def test_the_year_evaluation_to_the_boards_approval(transactional_db, live_server, page, fixed_today):
    base = live_server.url
    s = build(fixed_today)
    to_views(s, fixed_today)  # 20.1.2027: the value recorded, the self-assessment and views in
    levels = scale(s.organization)
    path = f"/plans/{s.plan.pk}/followup/{s.evaluation.pk}/"
    url = f"{base}{path}"

    def agreed_form(goal):
        return page.locator(f"main form[action='{path}agreed/{goal.pk}/']")

    # --- The board chair records the agreed follow-up, a rating per metric ---
    chair = s.chairs[0]
    as_user(page, base, chair.username)
    page.goto(url)
    expect(page.locator(f"main form[action^='{path}agreed/']")).to_have_count(5)
    expect(page.locator(f"main form[action='{path}salary/']")).to_have_count(0)  # never an evaluator's
    assert_accessible(page, "year-evaluation-views-in-chair")

    # Bad input: the first goal saved with one of its two metrics unrated.
    first, (rated, unrated) = s.goals[0], s.metrics[0]
    form = agreed_form(first)
    rate(form, first, rated, levels["achieved"])
    form.locator(f"#id_agreed-{first.pk}-text").fill(FIRST_TEXT)
    submit(form)
    assert page.url == f"{url}agreed/{first.pk}/"  # the page again, with the error
    group = page.locator(f"#id_agreed-{first.pk}-metric_{unrated.pk}").locator("xpath=ancestor::fieldset[1]")
    error_id = f"id_agreed-{first.pk}-metric_{unrated.pk}_error"
    expect(group).to_have_attribute("aria-describedby", error_id)
    expect(group.locator(f"[id='{error_id}']")).to_have_text(
        fi("Choose a rating for the metric: %(metric)s.", metric=unrated.display_text)
    )
    expect(
        page.locator(f"#id_agreed-{first.pk}-metric_{unrated.pk} input[type=radio]").first
    ).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main .form-errors[role=alert]")).to_have_count(1)
    # What was typed and chosen stays; nothing was saved.
    expect(page.locator(f"#id_agreed-{first.pk}-text")).to_have_value(FIRST_TEXT)
    expect(
        agreed_form(first)
        .locator(f"#id_agreed-{first.pk}-metric_{rated.pk}")
        .get_by_label(levels["achieved"].label, exact=True)
    ).to_be_checked()
    assert not Assessment.objects.filter(checkpoint=s.evaluation, kind=AssessmentKind.AGREED).exists()
    assert not MetricScore.objects.filter(checkpoint=s.evaluation, rating__isnull=False).exists()
    assert_accessible(page, "year-evaluation-agreed-error-chair")

    # Every goal: each metric rated by hand (the one scored from its value is not asked).
    for goal, metrics, (title, items) in zip(s.goals, s.metrics, GOALS, strict=True):
        form = agreed_form(goal)
        for metric, item in zip(metrics, items, strict=True):
            if isinstance(item, tuple):
                expect(form.locator(f"#id_agreed-{goal.pk}-metric_{metric.pk}")).to_have_count(0)
            else:
                rate(form, goal, metric, levels[item])
        form.locator(f"#id_agreed-{goal.pk}-text").fill(FIRST_TEXT if goal == first else f"Sovittu: {title}")
        submit(form)
        assert page.url == f"{url}#goal-{goal.pk}"
        expect(page.locator("main .messages .message--success")).to_have_count(1)
    hand_rated = {
        m.pk: levels[i]
        for ms, (_t, items) in zip(s.metrics, GOALS, strict=True)
        for m, i in zip(ms, items, strict=True)
        if isinstance(i, str)
    }
    assert {
        score.metric_id: score.rating for score in MetricScore.objects.filter(checkpoint=s.evaluation)
    } == hand_rated
    expect(page.locator("#overall .overall-result")).to_contain_text(EXPECTED_POINTS)
    assert_accessible(page, "year-evaluation-agreed-chair")

    # --- March: the preparer marks it agreed, enters the salary, records the decision ---
    fixed_today.move_to(dt.datetime(2027, 3, 20, 10, 0, tzinfo=dt.UTC))
    as_user(page, base, s.preparer.username)
    page.goto(url)
    mark = page.locator(f"main form[action='{path}agree/']")
    mark.locator("#id_mark-meeting_date").fill("2027-02-15")
    submit(mark)
    assert page.url == url
    assert FollowUp.objects.get(checkpoint=s.evaluation).status == "agreed"
    # No salary yet: the pay section asks for it.
    expect(page.locator("#pay")).to_contain_text(fi("Enter the annual salary to calculate the pay."))
    assert_accessible(page, "year-evaluation-agreed-preparer")

    # Bad input: a salary of 0, refused beside the field with the figure kept.
    salary_form = page.locator(f"main form[action='{path}salary/']")
    salary_form.locator("#id_salary-annual_salary").fill("0")
    submit(salary_form)
    assert page.url == f"{url}salary/"
    field = page.locator("#id_salary-annual_salary")
    expect(field).to_have_value("0")
    expect(field).to_have_attribute("aria-invalid", "true")
    error_id = "id_salary-annual_salary_error"
    assert error_id in field.get_attribute("aria-describedby").split(), "the error is not tied to the field"
    expect(page.locator(f"[id='{error_id}']")).to_have_text(
        fi(
            "An annual salary is between %(low)s and %(high)s; check the figure (a monthly salary × 12?).",
            low=fi_money(pay.SALARY_MIN),
            high=fi_money(pay.SALARY_MAX),
        )
    )
    assert not PerformancePay.objects.filter(checkpoint=s.evaluation, annual_salary__isnull=False).exists()
    assert_accessible(page, "year-evaluation-salary-error-preparer")

    salary_form = page.locator(f"main form[action='{path}salary/']")
    salary_form.locator("#id_salary-annual_salary").fill("61 234,00")
    submit(salary_form)
    assert page.url == url
    assert PerformancePay.objects.get(checkpoint=s.evaluation).annual_salary == SALARY
    calculation = page.locator("#pay")
    expect(calculation.locator(".overall-result")).to_contain_text(fi_money(EXPECTED_PAY))
    expect(
        calculation.locator("ol.calculation li").filter(has_text=fi_money(EXPECTED_MAXIMUM))
    ).to_have_count(2)
    expect(page.locator("#id_report-text")).to_contain_text(EXPECTED_POINTS)
    assert_accessible(page, "year-evaluation-pay-preparer")

    report = page.locator(f"main form[action='{path}report/']")
    report.locator("#id_report-meeting_date").fill("2027-03-16")
    report.locator("input[name=report-outcome][value=approved]").check()
    report.locator("#id_report-section").fill("41")
    report.locator("#id_report-case_number").fill("12/2027")
    submit(report)
    assert page.url == url
    decision = Handling.objects.get(checkpoint=s.evaluation)
    assert (decision.outcome, decision.meeting_date, decision.section) == (
        "approved",
        dt.date(2027, 3, 16),
        "41",
    )
    row = PerformancePay.objects.get(checkpoint=s.evaluation)
    assert row.decision == decision
    assert row.snapshot["result"] == {"points": "74.7", "amount": str(EXPECTED_PAY), "currency": "EUR"}
    # The decided figures, the decision named; no form is left to change them.
    decided = page.locator("#pay")
    expect(decided.locator(".overall-result")).to_contain_text(EXPECTED_POINTS)
    expect(decided.locator(".overall-result")).to_contain_text(fi_money(EXPECTED_PAY))
    expect(decided).to_contain_text(decision.reference)
    for action in ("report", "salary", "agree"):
        expect(page.locator(f"main form[action='{path}{action}/']")).to_have_count(0)
    expect(page.locator(".progress-steps li[aria-current=step]")).to_have_count(1)
    assert_accessible(page, "year-evaluation-decided-preparer")
    assert not page.suunta_errors, f"JavaScript errors: {page.suunta_errors}"
