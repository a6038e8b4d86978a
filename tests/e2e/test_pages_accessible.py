"""Every page outside the approval journey, axe-clean (WCAG 2.1 A/AA) and CSP-clean, in
Finnish (the default) and in Swedish (chosen once with the header's language switcher),
also with validation errors shown; and the front, plan and history pages on a phone
(390 x 844) without sideways scrolling.

Elements are found by role, id, href and structure; visible UI text is never compared,
since the catalogues are filled independently. The language is checked by the page's
`lang` attribute and the switcher's selection.
"""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from suunta.agreements.models import DirectorAgreement, GoalPlan, VersionStatus
from suunta.agreements.services import create_next_period_plan
from suunta.governance.models import WorkflowStep
from suunta.governance.services import take_step
from suunta.organizations.models import Membership, Organization

from .browser import assert_accessible, assert_fits_viewport, assert_no_csp_violations, login

LANGUAGES = ["fi", "sv"]
ORG = "esimerkkikunta"
PLAN_TITLE = "Kansliapäällikön tavoitteet 2025"


def use_language(page, language: str) -> None:
    """Finnish is the default; another language is chosen once with the header's
    switcher (a POST form that returns to the same page and sets the cookie)."""
    if language != "fi":
        switcher = page.locator("header form[action$='/setlang/']")
        switcher.locator("select[name=language]").select_option(language)
        with page.expect_navigation():
            switcher.locator("button[type=submit]").click()
    assert_language(page, language)


def assert_language(page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("header select[name=language]")).to_have_value(language)


def submit(page, form) -> None:
    """Submit a form with its own submit button and wait for the response page."""
    with page.expect_navigation():
        form.locator(".form-actions button[type=submit]").click()


def expect_errors_shown(form) -> None:
    """The error summary is announced and the invalid fields are marked for assistive tech."""
    expect(form.locator(".form-errors[role=alert]")).to_be_visible()
    expect(form.locator("[aria-invalid=true]").first).to_be_visible()


def finish(page) -> None:
    assert_no_csp_violations(page)
    assert not page.suunta_errors, f"JavaScript errors: {page.suunta_errors}"


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_login_and_password_reset_pages(live_demo, page, language):
    page.goto(f"{live_demo}/accounts/login/")
    use_language(page, language)
    form = page.locator("main form[method=post]")
    expect(form.locator("input[name=username]")).to_be_visible()
    assert_accessible(page, f"{language}-login")

    # A wrong password: the form comes back with the error.
    form.locator("input[name=username]").fill("pormestari")
    form.locator("input[name=password]").fill("not-the-password")
    submit(page, form)
    expect(form.locator(".form-errors[role=alert]")).to_be_visible()
    assert_language(page, language)
    assert_accessible(page, f"{language}-login-error")

    form.locator("a[href$='/accounts/password_reset/']").click()
    page.wait_for_url(f"{live_demo}/accounts/password_reset/")
    form = page.locator("main form[method=post]")
    expect(form.locator("input[name=email]")).to_be_visible()
    assert_language(page, language)
    assert_accessible(page, f"{language}-password-reset")

    form.locator("input[name=email]").fill("not an address")
    submit(page, form)
    expect_errors_shown(form)
    assert_accessible(page, f"{language}-password-reset-error")
    finish(page)


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_preparer_pages(live_demo, page, language):
    plan = GoalPlan.objects.get(title=PLAN_TITLE)
    org = plan.agreement.organization
    # The next period's plan, proposed to the board: its approval form is the richest step form.
    preparer = get_user_model().objects.get(username="valmistelija")
    latest = GoalPlan.objects.filter(agreement=plan.agreement).order_by("-period_end").first()
    draft = create_next_period_plan(preparer, latest)
    steps = WorkflowStep.objects.filter(
        organization=org, from_status__in=[VersionStatus.DRAFT, VersionStatus.PROPOSED]
    )
    propose = steps.get(action="propose", from_status=VersionStatus.DRAFT)
    approve = steps.get(action="approve")
    take_step(preparer, draft.latest_version(), propose)

    login(page, live_demo, "valmistelija")
    use_language(page, language)
    # The front page lists the current plans; last year's is on the list of all plans.
    expect(page.locator(f'main a[href="/plans/{draft.pk}/"]')).to_be_visible()
    assert_accessible(page, f"{language}-front-page")
    page.locator(f'main a[href="/organizations/{ORG}/plans/"]').click()
    page.wait_for_url(f"{live_demo}/organizations/{ORG}/plans/")
    expect(page.locator(f'main a[href="/plans/{plan.pk}/"]')).to_be_visible()
    assert_accessible(page, f"{language}-plan-list")

    page.locator("header nav a[href='/organizations/']").click()
    page.wait_for_url(f"{live_demo}/organizations/")
    assert_accessible(page, f"{language}-organization-list")

    page.locator(f"main a[href='/organizations/{ORG}/']").click()
    page.wait_for_url(f"{live_demo}/organizations/{ORG}/")
    assert_accessible(page, f"{language}-organization-detail")

    page.locator(f"main a[href='/agreements/{plan.agreement.pk}/']").click()
    page.wait_for_url(f"{live_demo}/agreements/{plan.agreement.pk}/")
    expect(page.locator(f"main a[href='/plans/{draft.pk}/']")).to_be_visible()
    assert_accessible(page, f"{language}-agreement")

    page.locator(f"main a[href='/plans/{plan.pk}/']").click()
    page.wait_for_url(f"{live_demo}/plans/{plan.pk}/")
    expect(page.locator(".status-line .status--approved")).to_be_visible()
    expect(page.locator("main .approval-line")).to_be_visible()
    assert_language(page, language)
    assert_accessible(page, f"{language}-plan-approved")

    page.locator(f"main a[href='/plans/{plan.pk}/history/']").click()
    page.wait_for_url(f"{live_demo}/plans/{plan.pk}/history/")
    expect(page.locator("main section h2#version-1")).to_be_visible()
    assert_accessible(page, f"{language}-plan-history")

    # The board's approval form: decision fields, people, the disqualification note.
    step_path = f"/plans/{draft.pk}/steps/{approve.pk}/"
    page.goto(f"{live_demo}/plans/{draft.pk}/")
    page.locator(f".plan-actions a[href='{step_path}']").click()
    page.wait_for_url(f"{live_demo}{step_path}")
    form = page.locator("main form[method=post]")
    expect(form.locator("input[name=meeting_date]")).to_be_visible()
    expect(form.locator("input[type=checkbox][name=disqualified]").first).to_be_visible()
    assert_language(page, language)
    assert_accessible(page, f"{language}-step-form")
    submit(page, form)  # without the meeting date and the section
    expect_errors_shown(form)
    expect(form.locator("input[name=meeting_date]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("input[name=section]")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, f"{language}-step-form-error")
    finish(page)


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_fit_a_phone(live_demo, page, language):
    plan = GoalPlan.objects.get(title=PLAN_TITLE)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_demo, "pormestari")
    use_language(page, language)
    assert_fits_viewport(page, f"{language}-phone-front-page")
    assert_accessible(page, f"{language}-phone-front-page")

    page.locator(f'main a[href="/organizations/{ORG}/plans/"]').click()
    page.wait_for_url(f"{live_demo}/organizations/{ORG}/plans/")
    assert_fits_viewport(page, f"{language}-phone-plan-list")
    page.locator(f'main a[href="/plans/{plan.pk}/"]').click()
    page.wait_for_url(f"{live_demo}/plans/{plan.pk}/")
    # The wide annex table scrolls inside its own box, which axe checks takes keyboard focus.
    assert_fits_viewport(page, f"{language}-phone-plan")
    assert_accessible(page, f"{language}-phone-plan")

    # The version history, with its full-length snapshot hash.
    page.locator(f"main a[href='/plans/{plan.pk}/history/']").click()
    page.wait_for_url(f"{live_demo}/plans/{plan.pk}/history/")
    assert_fits_viewport(page, f"{language}-phone-history")
    assert_accessible(page, f"{language}-phone-history")
    finish(page)


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_admin_member_pages(live_demo, page, language):
    org = Organization.objects.get(slug=ORG)
    membership = Membership.objects.filter(organization=org, user__username="hallitus").get()
    members_path = f"/organizations/{ORG}/members/"

    login(page, live_demo, "paakayttaja")
    use_language(page, language)
    page.goto(f"{live_demo}/organizations/{ORG}/")
    expect(page.locator(f"main a[href='{members_path}']")).to_be_visible()
    assert_accessible(page, f"{language}-organization-detail-admin")

    page.locator(f"main a[href='{members_path}']").click()
    page.wait_for_url(f"{live_demo}{members_path}")
    expect(page.locator(f"main a[href='{members_path}{membership.pk}/end/']")).to_be_visible()
    assert_accessible(page, f"{language}-members")

    page.locator(f"main a[href='{members_path}invite/']").click()
    page.wait_for_url(f"{live_demo}{members_path}invite/")
    form = page.locator("main form[method=post]")
    expect(form.locator("input[name=email]")).to_be_visible()
    assert_language(page, language)
    assert_accessible(page, f"{language}-member-invite")

    # Errors on several fields: no names, a bad address, no role.
    form.locator("input[name=email]").fill("not an address")
    submit(page, form)
    expect_errors_shown(form)
    expect(form.locator("input[name=first_name]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("input[name=email]")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, f"{language}-member-invite-errors")

    # An evaluator without a title or the decision it rests on: errors from the form's clean().
    form.locator("input[name=first_name]").fill("Ville")
    form.locator("input[name=last_name]").fill("Uusitalo")
    form.locator("input[name=email]").fill("uusi@example.org")
    form.locator("select[name=role]").select_option("evaluator")
    submit(page, form)
    expect_errors_shown(form)
    expect(form.locator("select[name=title]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("input[name=basis]")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, f"{language}-member-invite-errors-2")

    # Sent: the list shows the invitation waiting, its mail queued.
    form.locator("select[name=title]").select_option("deputy_mayor")
    # The organization has three agreements (the chief's and two sector directors'):
    # the evaluator's is chosen.
    chief = DirectorAgreement.objects.get(organization=org, executive__username="kansliapaallikko")
    form.locator("select[name=agreement]").select_option(str(chief.pk))
    form.locator("input[name=basis]").fill("KV 16.6.2025 § 40")
    submit(page, form)
    page.wait_for_url(f"{live_demo}{members_path}#invitations")
    expect(page.locator("#invitations")).to_contain_text("uusi@example.org")
    assert_accessible(page, f"{language}-members-invitation")

    page.goto(f"{live_demo}{members_path}new/")
    expect(page.locator("main select[name=person]")).to_be_visible()
    assert_accessible(page, f"{language}-member-new")

    page.goto(f"{live_demo}{members_path}")
    page.locator(f"main a[href='{members_path}{membership.pk}/end/']").click()
    page.wait_for_url(f"{live_demo}{members_path}{membership.pk}/end/")
    form = page.locator("main form[method=post]")
    expect(form.locator("input[name=valid_to]")).to_be_visible()
    assert_accessible(page, f"{language}-member-end")
    form.locator("input[name=valid_to]").fill("")  # today is offered; without a date nothing ends
    submit(page, form)
    expect_errors_shown(form)
    assert_accessible(page, f"{language}-member-end-error")
    membership.refresh_from_db()
    assert membership.valid_to is None
    finish(page)


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_auditor_audit_log(live_demo, page, language):
    audit_path = f"/organizations/{ORG}/audit/"
    login(page, live_demo, "tarkastaja")
    use_language(page, language)
    page.goto(f"{live_demo}/organizations/{ORG}/")
    page.locator(f"main a[href='{audit_path}']").click()
    page.wait_for_url(f"{live_demo}{audit_path}")
    table = page.locator("main table.audit-table")
    expect(table.locator("tbody tr").first).to_be_visible()
    all_rows = table.locator("tbody tr").count()
    assert_accessible(page, f"{language}-audit-log")

    form = page.locator("main form.filter-form")
    form.locator("input[name=action]").fill("plan.approve")
    submit(page, form)
    assert "action=plan.approve" in page.url
    expect(form.locator("input[name=action]")).to_have_value("plan.approve")
    actions = table.locator("tbody td:nth-child(4) code").all_inner_texts()
    assert actions, "the demo's approval is in the log"
    assert all(action.startswith("plan.approve") for action in actions)
    assert len(actions) < all_rows
    assert_language(page, language)
    assert_accessible(page, f"{language}-audit-log-filtered")

    form.locator("input[name=action]").fill("")
    form.locator("input[name=date_from]").fill("2025-03-31")
    form.locator("input[name=date_to]").fill("2025-03-01")
    submit(page, form)
    expect_errors_shown(form)
    expect(form.locator("input[name=date_to]")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, f"{language}-audit-log-filter-error")
    finish(page)
