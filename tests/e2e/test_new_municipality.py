"""A municipality starts from nothing, in a real browser and with no Django admin: the
operator's command on the chair-group preset, the first admin's printed link, the
positions on the set-up page, people invited by mail, the director agreement with its
decision, an evaluator of that agreement, a plan, and its goals frozen by the chair
group's meeting as the preset says."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from suunta.agreements.models import DirectorAgreement, GoalPlan, VersionStatus
from suunta.governance.models import Handling, StepAction, WorkflowStep
from suunta.organizations.models import Membership, Organization

from ..mail.common import deliver_queued
from .browser import assert_accessible, login

SLUG = "pikkula"
PASSWORD = "Pikkula-salasana-2026"
LINK = re.compile(r"https?://\S+/invitations/\S+/")


def travel(clock, day: dt.date, hour: int = 9) -> None:
    clock.move_to(dt.datetime(day.year, day.month, day.day, hour - 2, 0, tzinfo=dt.UTC))


def submit(page, form) -> None:
    with page.expect_navigation():
        form.locator(".form-actions button[type=submit]").click()


def accept(browser, link: str, username: str) -> None:
    """The invited person opens the mailed link in a browser of their own and makes an account."""
    context = browser.new_context(locale="fi-FI")
    try:
        page = context.new_page()
        page.goto(link)
        form = page.locator("main form[method=post]")
        form.locator("input[name=username]").fill(username)
        form.locator("input[name=password1]").fill(PASSWORD)
        form.locator("input[name=password2]").fill(PASSWORD)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert Membership.objects.filter(user__username=username).exists()
    finally:
        context.close()


def invite(page, base, smtp_server, *, first, last, email, role, title="", basis="") -> str:
    """The admin invites a person; the worker's delivery brings the link."""
    page.goto(f"{base}/organizations/{SLUG}/members/invite/")
    form = page.locator("main form[method=post]")
    form.locator("input[name=first_name]").fill(first)
    form.locator("input[name=last_name]").fill(last)
    form.locator("input[name=email]").fill(email)
    form.locator("select[name=role]").select_option(role)
    if title:
        form.locator("select[name=title]").select_option(title)
    if basis:
        form.locator("input[name=basis]").fill(basis)
    submit(page, form)
    assert page.url == f"{base}/organizations/{SLUG}/members/#invitations"
    expect(page.locator("main")).to_contain_text(email)
    assert deliver_queued() == ["sent"]
    return LINK.search(smtp_server.body()).group(0)


@pytest.mark.browser
def test_a_municipality_starts_from_nothing(transactional_db, live_server, page, smtp_server, fixed_today):
    base = live_server.url
    travel(fixed_today, dt.date(2026, 1, 5))

    # The operator's command: the organization and its first admin's link, on the last line.
    out = io.StringIO()
    call_command(
        "create_organization",
        "Pikkulan kunta",
        "--business-id",
        "0135202-4",
        "--admin-email",
        "hanna.hallinto@pikkula.fi",
        "--preset",
        "chair-group",
        "--slug",
        SLUG,
        "--site-url",
        base,
        stdout=out,
    )
    printed = out.getvalue().strip().splitlines()[-1]
    assert printed.startswith(f"{base}/invitations/")
    assert deliver_queued() == ["sent"]  # the same invitation by mail, with its own link
    assert "hanna.hallinto@pikkula.fi" in smtp_server.messages[-1]["X-Envelope-To"]
    accept(page.context.browser, printed, "hanna")

    # The admin's set-up: the positions in the municipality's own words.
    login(page, base, "hanna", PASSWORD)
    page.goto(f"{base}/organizations/{SLUG}/")
    page.locator(f"main a[href='/organizations/{SLUG}/positions/']").click()
    page.wait_for_url(f"{base}/organizations/{SLUG}/positions/")
    expect(page.locator("main fieldset.position > legend").first).to_have_text("Hallituksen puheenjohtaja")
    assert_accessible(page, "new-municipality-positions")
    page.locator("input[name='positions-0-genitive_sv']").fill("kommunstyrelsens ordförandes")
    submit(page, page.locator("main form[method=post]"))
    expect(page.locator("main .messages .message--success")).to_have_count(1)

    # People: the manager (executive) by mail; then the agreement; then its evaluator.
    link = invite(
        page,
        base,
        smtp_server,
        first="Ville",
        last="Virta",
        email="ville.virta@pikkula.fi",
        role="executive",
        basis="KV 15.12.2025 § 40, kunnanjohtajan valinta",
    )
    accept(page.context.browser, link, "johtaja")

    page.goto(f"{base}/organizations/{SLUG}/")
    page.locator(f"main a[href='/organizations/{SLUG}/agreements/new/']").click()
    page.wait_for_url(f"{base}/organizations/{SLUG}/agreements/new/")
    form = page.locator("main form[method=post]")
    assert_accessible(page, "new-municipality-agreement")
    form.locator("select[name=executive]").select_option(label="Ville Virta")
    form.locator("input[name=position_title]").fill("kunnanjohtaja")
    form.locator("input[name=position_genitive]").fill("kunnanjohtajan")
    form.locator("input[name=starts_on]").fill("2026-01-01")
    form.locator("select[name=decided_by]").select_option(label="Kunnanvaltuusto")
    form.locator("input[name=decided_on]").fill("2025-12-15")
    form.locator("input[name=decision_section]").fill("40")
    submit(page, form)
    agreement = DirectorAgreement.objects.get(organization__slug=SLUG)
    assert page.url == f"{base}/agreements/{agreement.pk}/"
    expect(page.locator("main")).to_contain_text("KV 15.12.2025 § 40")

    link = invite(
        page,
        base,
        smtp_server,
        first="Anna",
        last="Arvioija",
        email="anna@pikkula.fi",
        role="evaluator",
        title="board_chair",
        basis="KV 15.6.2025 § 20, hallituksen puheenjohtajiston valinta",
    )
    accept(page.context.browser, link, "kh-pj")
    link = invite(
        page, base, smtp_server, first="Paula", last="Valmis", email="paula@pikkula.fi", role="preparer"
    )
    accept(page.context.browser, link, "valmistelija")
    chair = Membership.objects.get(user__username="kh-pj")
    # The one agreement was chosen for the evaluator: her rights are for it.
    assert (chair.role, chair.title, chair.agreement) == ("evaluator", "board_chair", agreement)

    # The preparer makes the plan and one goal; the chair group's meeting freezes it.
    page.context.clear_cookies()
    login(page, base, "valmistelija", PASSWORD)
    page.goto(f"{base}/agreements/{agreement.pk}/plans/new/")
    submit(page, page.locator("main form[method=post]"))
    plan = GoalPlan.objects.get(agreement=agreement)
    plan_path = f"/plans/{plan.pk}/"
    page.locator(f"#annex a[href='{plan_path}goals/new/']").click()
    page.locator("#annex form.item-form [name='new-goal-title']").fill("Koulu ja päiväkoti tulevaisuuteen")
    page.locator("#annex form.item-form .form-actions button[type=submit]").click()
    expect(page.locator("#annex form.item-form")).to_have_count(0)
    # An empty plan cannot be proposed: a metric for the goal and a follow-up checkpoint.
    goal = plan.versions.get().goal_areas.get()
    page.locator(f"#goal-{goal.pk} a[href='{plan_path}goals/{goal.pk}/metrics/new/']").click()
    page.locator(f"#goal-{goal.pk} form.item-form [name='new-metric-text']").fill("Päiväkotipaikka kaikille")
    page.locator(f"#goal-{goal.pk} form.item-form .form-actions button[type=submit]").click()
    expect(page.locator("#annex form.item-form")).to_have_count(0)
    page.locator(f"#annex a[href='{plan_path}checkpoints/new/']").click()
    checkpoint_form = page.locator("#annex form.item-form")
    checkpoint_form.locator("[name='new-checkpoint-label']").fill("elokuu 2026")
    checkpoint_form.locator("[name='new-checkpoint-window_start']").fill("2026-08-01")
    checkpoint_form.locator("[name='new-checkpoint-window_end']").fill("2026-08-31")
    checkpoint_form.locator(".form-actions button[type=submit]").click()
    expect(page.locator("#annex form.item-form")).to_have_count(0)

    steps = {s.action: s for s in WorkflowStep.objects.filter(organization__slug=SLUG)}
    assert StepAction.HANDLE not in steps  # no political leadership group in this model
    page.locator(f".plan-actions a[href='{plan_path}steps/{steps[StepAction.PROPOSE].pk}/']").click()
    submit(page, page.locator("main form[method=post]"))
    approve = steps[StepAction.APPROVE]
    assert approve.body.kind == "chair_group"
    travel(fixed_today, dt.date(2026, 1, 19), hour=15)
    page.context.clear_cookies()
    login(page, base, "valmistelija", PASSWORD)
    page.goto(f"{base}{plan_path}steps/{approve.pk}/")
    form = page.locator("main form[method=post]")
    # The board chair presents, as her position says; the executive is never offered.
    expect(form.locator("select[name=presenter]")).to_have_value(str(chair.user_id))
    form.locator("input[name=meeting_date]").fill("2026-01-19")
    form.locator("input[name=section]").fill("3")
    form.locator("input[name=case_number]").fill("12/2026")
    submit(page, form)
    expect(page.locator(".status-line .status--approved")).to_be_visible()
    expect(page.locator("main .approval-line")).to_contain_text("Pj-isto 19.1.2026 § 3")
    frozen = Handling.objects.get(version__plan=plan, outcome="approved")
    assert (frozen.body.name, frozen.version.status) == ("Puheenjohtajisto", VersionStatus.APPROVED)
    assert Organization.objects.get(slug=SLUG).preset == "chair-group"
