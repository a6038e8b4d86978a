"""Goal and development discussions in a browser (issue 7), in Finnish and Swedish: the
mayor opens the demo discussion, plans a new one (meeting the far-date warning), writes
sections with htmx and without it, and every participant confirms the memo; the
preparer, outside the room, sees the restricted sections hidden. axe (WCAG 2.1 A/AA)
and the CSP are checked on each page.

Elements are found by id, role, href and structure, never by visible UI text."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from suunta.agreements.models import GoalPlan
from suunta.demo import discussions as demo_data
from suunta.discussions.models import Discussion, Participant, Section

from .browser import assert_accessible, login
from .test_pages_accessible import LANGUAGES, expect_errors_shown, finish, submit, use_language

PLAN_TITLE = "Kansliapäällikön tavoitteet 2025"
FAR_DAY = "2027-09-01"  # more than six months from the test day (27.11.2026)
WELLBEING_NOTE = "Sovittiin lomien pitämisestä yhtäjaksoisesti."
COOPERATION_NOTE = "Iltakoulu kerran kuukaudessa."


def user(username: str):
    return get_user_model().objects.get(username=username)


def relogin(page, base_url: str, username: str, language: str) -> None:
    page.context.clear_cookies()
    login(page, base_url, username)
    use_language(page, language)


def section_locator(page, section):
    return page.locator(f"#section-{section.pk}")


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_discussion_from_the_demo_to_a_frozen_memo(live_demo, page, language):
    plan = GoalPlan.objects.get(title=PLAN_TITLE)
    agreement = plan.agreement
    spring = Discussion.objects.get(agreement=agreement, held_on=dt.date(2025, 3, 12))
    spring_path = f"/discussions/{spring.pk}/"
    new_path = f"/agreements/{agreement.pk}/discussions/new/"

    # --- The mayor reads the demo discussion: every section, the plan and the survey ---
    login(page, live_demo, "pormestari")
    use_language(page, language)
    page.goto(f"{live_demo}/agreements/{agreement.pk}/")
    page.locator(f"main a[href='{spring_path}']").click()
    page.wait_for_url(f"{live_demo}{spring_path}")
    expect(page.locator("main section.discussion-section")).to_have_count(6)
    expect(page.locator("main section.discussion-section--restricted")).to_have_count(3)
    expect(page.locator("main .memo-text")).to_have_count(6)
    expect(page.locator("#development-plan tbody tr")).to_have_count(2)
    expect(page.locator("#survey li")).to_have_count(2)
    expect(page.locator(".status-line .status--frozen")).to_be_visible()
    assert demo_data.NOTES["wellbeing"] in page.locator("main").inner_text()
    assert_accessible(page, f"{language}-discussion-demo")

    # --- Planning a new one: a far date is a warning to confirm ---
    page.goto(f"{live_demo}/agreements/{agreement.pk}/")
    page.locator(f"main a[href='{new_path}']").click()
    page.wait_for_url(f"{live_demo}{new_path}")
    form = page.locator("main form[method=post]")
    expect(form.locator(f"input[name=participants][value='{user('kansliapaallikko').pk}']")).to_be_checked()
    assert_accessible(page, f"{language}-discussion-new")
    form.locator("input[name=held_on]").fill(FAR_DAY)
    form.locator("input[name=starts_at]").fill("13:00")
    form.locator("input[name=place]").fill("Kunnantalo, kokoushuone Kaisla")
    for username in ("pormestari", "valtuuston-pj"):
        form.locator(f"input[name=participants][value='{user(username).pk}']").check()
    form.locator(f"input[name=plans][value='{plan.pk}']").check()
    submit(page, form)
    expect_errors_shown(form)
    expect(form.locator("input[name=held_on]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("input[name=held_on]")).to_have_value(FAR_DAY)
    confirm_box = form.locator("input[type=checkbox][name=date_confirmed]")
    expect(confirm_box).to_be_visible()
    assert_accessible(page, f"{language}-discussion-new-errors")
    assert not Discussion.objects.filter(held_on=FAR_DAY).exists()

    confirm_box.check()
    submit(page, form)
    discussion = Discussion.objects.get(held_on=FAR_DAY)
    detail_path = f"/discussions/{discussion.pk}/"
    page.wait_for_url(f"{live_demo}{detail_path}")
    expect(page.locator("main section.discussion-section")).to_have_count(6)
    expect(page.locator("main .messages .message--success")).to_have_count(1)
    assert_accessible(page, f"{language}-discussion-created")

    # --- Writing a restricted section with htmx: swapped in place, focused, announced ---
    wellbeing = Section.objects.get(discussion=discussion, kind="wellbeing")
    # A fresh page: axe leaves empty style attributes behind, which htmx would copy onto
    # the swapped-in elements of the same id (a CSP report no user would cause).
    page.goto(f"{live_demo}{detail_path}")
    box = section_locator(page, wellbeing)
    page.evaluate("window.suuntaNoReload = true")
    box.locator("textarea").fill(WELLBEING_NOTE)
    box.locator("button[type=submit]").click()
    expect(page.locator("#announcer")).not_to_be_empty()
    expect(section_locator(page, wellbeing)).to_be_focused()
    expect(section_locator(page, wellbeing).locator("textarea")).to_have_value(WELLBEING_NOTE)
    expect(section_locator(page, wellbeing).locator("input[name$='-revision']")).to_have_value("2")
    assert page.evaluate("window.suuntaNoReload") is True, "the save reloaded the whole page"
    assert page.url == f"{live_demo}{detail_path}"
    wellbeing.refresh_from_db()
    assert wellbeing.text == WELLBEING_NOTE
    assert_accessible(page, f"{language}-discussion-section-saved")

    # --- And without htmx (the script did not load): a normal post and redirect ---
    cooperation = Section.objects.get(discussion=discussion, kind="cooperation")
    page.route("**/htmx.min.js", lambda route: route.abort())
    page.goto(f"{live_demo}{detail_path}")
    assert page.evaluate("typeof window.htmx") == "undefined"
    box = section_locator(page, cooperation)
    box.locator("textarea").fill(COOPERATION_NOTE)
    with page.expect_navigation():
        box.locator("button[type=submit]").click()
    assert page.url == f"{live_demo}{detail_path}#section-{cooperation.pk}"
    expect(page.locator("main .messages .message--success")).to_have_count(1)
    expect(section_locator(page, cooperation).locator("textarea")).to_have_value(COOPERATION_NOTE)
    cooperation.refresh_from_db()
    assert cooperation.text == COOPERATION_NOTE
    page.unroute("**/htmx.min.js")

    # --- Every participant confirms: the memo freezes ---
    for index, username in enumerate(("pormestari", "valtuuston-pj", "kansliapaallikko")):
        if index:
            relogin(page, live_demo, username, language)
        page.goto(f"{live_demo}{detail_path}")
        confirm_form = page.locator(f"main form[action='{detail_path}confirm/']")
        expect(confirm_form).to_have_count(1)
        with page.expect_navigation():
            confirm_form.locator("button[type=submit]").click()
        expect(page.locator(f"main form[action='{detail_path}confirm/']")).to_have_count(0)
        assert Participant.objects.get(discussion=discussion, user__username=username).confirmed_at
    expect(page.locator(".status-line .status--frozen")).to_be_visible()
    expect(page.locator("main code.hash")).to_have_text(Discussion.objects.get(pk=discussion.pk).memo_sha256)
    expect(page.locator("main textarea")).to_have_count(0)  # nothing to write any more
    expect(section_locator(page, wellbeing).locator(".memo-text")).to_be_visible()
    assert_accessible(page, f"{language}-discussion-frozen")

    # --- The preparer is not in the room: restricted sections show only a note ---
    relogin(page, live_demo, "valmistelija", language)
    page.goto(f"{live_demo}{detail_path}")
    restricted = page.locator("main section.discussion-section--restricted")
    expect(restricted).to_have_count(3)
    expect(restricted.locator(".memo-text")).to_have_count(0)
    expect(restricted.locator("p.muted")).to_have_count(3)
    expect(section_locator(page, cooperation).locator(".memo-text")).to_be_visible()
    expect(page.locator("#development-plan")).to_have_count(0)
    assert WELLBEING_NOTE not in page.content()
    assert_accessible(page, f"{language}-discussion-preparer")

    page.goto(f"{live_demo}{spring_path}")
    expect(page.locator("main section.discussion-section--restricted .memo-text")).to_have_count(0)
    assert demo_data.NOTES["wellbeing"] not in page.content()
    assert_accessible(page, f"{language}-discussion-demo-preparer")
    finish(page)
