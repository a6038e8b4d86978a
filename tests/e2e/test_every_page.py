"""Every HTML page of the product (tests/pages.py) in Chromium, in Finnish and in Swedish,
as the persona who may open it: axe-core (WCAG 2.1 A/AA) and the Content-Security-Policy
on each, a desktop screenshot of each, the main pages also on a phone (390 x 844) without
sideways scrolling, and the main forms submitted empty so their error states are checked
too. Every problem on every page is collected and the test fails once, listing them all.

Personas are logged in by copying a Django test client's session cookie into the browser;
the language is chosen with Django's language cookie. Elements are found by structure,
never by visible text; the language is checked by the page's `lang` attribute.
"""

import re
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from tests.conftest import demo_handles
from tests.pages import every_page

from .browser import axe_violations, csp_messages, format_violations, horizontal_overflow, screenshot

LANGUAGES = ["fi", "sv"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# The pages people use most, also checked on a phone.
PHONE_PAGES = {
    "home",
    "plan_detail",
    "plan_detail/draft",
    "followup",
    "metric_detail",
    "discussion_detail",
    "discussion_detail/open",
    "document_preview",
    "agreement_detail",
    "organization_detail",
    "strategy_map",
    "public_goals",
    "strategy_detail/draft",
    "budget_targets",
}

# Forms submitted empty (edited ones cleared first): page name -> the form, by structure.
# The login, password reset, step, member and audit filter forms are in
# test_pages_accessible.py.
ERROR_FORMS = {
    "discussion_new": "main form[method=post].stacked-form",
    "discussion_edit": "main form[method=post].stacked-form",
    "survey_new": "main form[method=post].stacked-form",
    "metric_detail": "main form[action$='/values/']",
    "metric_value_import": "main form[enctype='multipart/form-data']",
    "plan_new": "main form[method=post]",
    "plan_import": "main form[enctype='multipart/form-data']",
    "goal_new": "#annex form.item-form",
    "goal_edit": "#annex form.item-form",
    "metric_new": "#annex form.item-form",
    "metric_edit": "#annex form.item-form",
    "checkpoint_new": "#annex form.item-form",
    "checkpoint_edit": "#annex form.item-form",
    "password_change": "main form[method=post]",
    "two_factor_enable": "main form[method=post]",
    "discussion_detail/open": "main form[action$='/items/new/']",
    "strategy_list": "main form[action$='/strategy/']",
    "strategy_detail/draft": "main form[action$='/objectives/']",
    "strategy_objective_edit/draft": "main form[method=post]",
    "budget_targets": "main form[action$='/budget/targets/']",
    "budget_import": "main form[enctype='multipart/form-data']",
}

CLEAR_FIELDS = """form => {
  const fields = "input[type=text], input[type=date], input[type=time], input[type=number], "
    + "input[type=email], input[type=url], input[type=password], textarea";
  for (const field of form.querySelectorAll(fields)) {
    field.value = "";
  }
  for (const select of form.querySelectorAll("select:not([multiple])")) { select.selectedIndex = 0; }
}"""


def safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name)


class Problems:
    def __init__(self):
        self.found: list[str] = []

    def add(self, where: str, text: str) -> None:
        self.found.append(f"## {where}\n{text}")

    def check(self, page, where: str, csp_seen: int) -> int:
        """axe and the CSP on the page as it is now; returns the CSP messages seen so far."""
        violations = axe_violations(page)
        if violations:
            path = screenshot(page, safe_name(f"failing-{where}"), failing=True)
            self.add(where, f"{page.url} (screenshot {path})\n" + format_violations(violations))
        messages = csp_messages(page)
        if len(messages) > csp_seen:
            self.add(where, "CSP blocked:\n" + "\n".join(messages[csp_seen:]))
        return len(messages)


def session_cookie(username: str, base_url: str) -> dict:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base_url}


def become(context, base_url: str, persona: str | None, language: str, sessions: dict) -> None:
    context.clear_cookies()
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
    if persona:
        if persona not in sessions:
            sessions[persona] = session_cookie(persona, base_url)
        cookies.append(sessions[persona])
    context.add_cookies(cookies)


# The pages are checked in a few parts, so pytest-xdist can spread them over workers.
PARTS = 3


@pytest.mark.browser
@pytest.mark.parametrize("part", range(PARTS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_is_accessible(live_demo, context, page, language, part):
    started = time.monotonic()
    demo = demo_handles()
    # Every part makes the whole list (its set-up creates objects), then keeps its share.
    pages = every_page(demo)[part::PARTS]
    problems = Problems()
    sessions: dict = {}
    checked, skipped = [], []
    csp_seen = 0
    current = object()

    for item in pages:
        where = f"{language} {item.label}"
        if item.persona != current:
            become(context, live_demo, item.persona, language, sessions)
            current = item.persona
        page.set_viewport_size(DESKTOP)
        if not item.required:
            # A POST endpoint: opened only when GET answers with an HTML page.
            probe = context.request.get(f"{live_demo}{item.url}", max_redirects=0)
            if probe.status != 200 or not probe.headers.get("content-type", "").startswith("text/html"):
                skipped.append(f"{item.name} ({probe.status})")
                continue
        response = page.goto(f"{live_demo}{item.url}")
        status = response.status if response else None
        if status != 200:
            problems.add(where, f"{item.url} answered {status}, not 200")
            continue
        lang = page.locator("html").get_attribute("lang")
        if lang != language:
            problems.add(where, f"<html lang={lang!r}>, expected {language!r}")
        name = safe_name(item.name)
        screenshot(page, f"{language}-page-{name}")
        csp_seen = problems.check(page, where, csp_seen)
        checked.append(item.name)

        if item.name in PHONE_PAGES:
            page.set_viewport_size(PHONE)
            screenshot(page, f"{language}-phone-{name}")
            overflow = horizontal_overflow(page)
            if overflow > 0:
                path = screenshot(page, f"{language}-phone-{name}", failing=True)
                problems.add(f"{where} (phone)", f"scrolls sideways by {overflow}px, screenshot {path}")
            csp_seen = problems.check(page, f"{where} (phone)", csp_seen)
            page.set_viewport_size(DESKTOP)

        if item.name in ERROR_FORMS:
            csp_seen = submit_empty(page, item, ERROR_FORMS[item.name], where, problems, csp_seen)
            screenshot(page, f"{language}-page-{name}-error")

    if page.suunta_errors:
        problems.add(language, f"JavaScript errors: {page.suunta_errors}")
    missing_forms = (ERROR_FORMS.keys() & {item.name for item in pages}) - set(checked)
    if missing_forms:
        problems.add(language, f"error forms not reached: {sorted(missing_forms)}")
    print(
        f"\n{language} part {part + 1}/{PARTS}: {len(checked)} pages checked in {time.monotonic() - started:.0f} s: "
        f"{', '.join(checked)}\nnot HTML on GET (skipped): {', '.join(skipped) or '-'}"
    )
    assert not problems.found, f"{len(problems.found)} problem(s):\n\n" + "\n\n".join(problems.found)


def submit_empty(page, item, selector: str, where: str, problems: Problems, csp_seen: int) -> int:
    """Submit the page's main form with its fields emptied; the form must come back with
    an announced error summary and fields marked invalid, and pass axe."""
    where = f"{where} (empty form)"
    form = page.locator(selector).first
    if not form.count():
        problems.add(where, f"no form {selector!r}")
        return csp_seen
    form.evaluate(CLEAR_FIELDS)
    button = form.locator("button[type=submit]").last
    htmx = form.get_attribute("data-hx-post") is not None
    if htmx:
        with page.expect_response(lambda response: response.request.method == "POST"):
            button.press("Enter")
        page.wait_for_timeout(150)  # htmx settles the swap
    else:
        with page.expect_navigation():
            button.press("Enter")
    summary = page.locator(".form-errors[role=alert]")
    if not summary.count():
        problems.add(where, f"no error summary (.form-errors[role=alert]) after an empty submit, {page.url}")
    elif not page.locator("[aria-invalid=true]").count():
        problems.add(where, "an error summary but no field marked aria-invalid")
    return problems.check(page, where, csp_seen)


def test_the_phone_pages_and_error_forms_name_real_pages(demo):
    """The parts above only check what they are given: a misspelt name here would
    quietly check nothing."""
    names = {item.name for item in every_page(demo)}
    assert names >= PHONE_PAGES, PHONE_PAGES - names
    assert ERROR_FORMS.keys() <= names, ERROR_FORMS.keys() - names
