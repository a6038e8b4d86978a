"""The main tasks with the keyboard alone (WCAG 2.1.1, 2.4.3, 2.4.7, 3.3.1, 4.1.3): Tab,
Shift+Tab, Enter, Space and the arrow keys move and act; text is typed with
keyboard.type into the field Tab has reached. No element is clicked or filled.

After each htmx swap focus must land on something sensible (the saved item or the first
invalid field, never <body>) and a live region must say what happened. Every Tab stop
on the main pages must show a visible focus indicator, and the skip link must appear when
focused and move focus to <main>.

Elements are found by role, id, name, href and structure, never by visible text.
"""

import pytest
from playwright.sync_api import expect

from suunta.agreements.models import GoalArea
from suunta.demo.loader import DEFAULT_PASSWORD
from suunta.discussions.models import Section
from suunta.followup.models import Assessment, AssessmentKind
from tests.conftest import demo_handles
from tests.test_access_matrix import _open_discussion, open_checkpoint

from .browser import assert_no_csp_violations

# What document.activeElement is, for the assertion messages.
DESCRIBE_FOCUS = """() => {
  const e = document.activeElement;
  if (!e) return "nothing";
  const parts = [e.tagName.toLowerCase()];
  for (const name of ["id", "name", "type", "href", "class"]) {
    if (e.getAttribute(name)) parts.push(`${name}=${e.getAttribute(name)}`);
  }
  return parts.join(" ");
}"""

FOCUS_INDICATOR = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "none" && style.boxShadow !== "";
  const box = e.getBoundingClientRect();
  return {outline, shadow, visible: box.width > 0 && box.height > 0};
}"""

ERROR_TIED_TO_FIELD = """() => {
  const field = document.activeElement;
  if (field.getAttribute("aria-invalid") !== "true") return "focus is not on an invalid field";
  const ids = (field.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
  const texts = ids.map(id => document.getElementById(id)).filter(Boolean)
    .filter(node => node.classList.contains("errorlist") || node.id.endsWith("_error"))
    .map(node => node.textContent.trim()).filter(Boolean);
  return texts.length ? "" : `aria-describedby=${ids} points to no error text`;
}"""


def focused(page) -> str:
    return page.evaluate(DESCRIBE_FOCUS)


def focus_matches(page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, limit: int = 150, key: str = "Tab") -> None:
    """Press Tab (or Shift+Tab) until the focused element matches the selector."""
    for _ in range(limit):
        page.keyboard.press(key)
        if focus_matches(page, selector):
            return
    raise AssertionError(f"{limit} × {key} never reached {selector!r}; focus is on {focused(page)}")


def expect_focus(page, selector: str) -> None:
    """Focus moves (after an htmx swap settles) to an element matching the selector."""
    try:
        page.wait_for_function(
            "s => !!document.activeElement && document.activeElement.matches(s)", arg=selector, timeout=5_000
        )
    except Exception:
        raise AssertionError(f"focus should be on {selector!r}, is on {focused(page)}") from None


def clear_announcer(page) -> None:
    page.evaluate("document.getElementById('announcer').textContent = ''")


def expect_announced(page) -> None:
    expect(page.locator("#announcer[role=status]")).not_to_have_text("")


def keyboard_login(page, base_url: str, username: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    tab_to(page, "main form input[name=username]")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert focus_matches(page, "main form input[name=password]"), focused(page)
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def finish(page) -> None:
    assert_no_csp_violations(page)
    assert not page.suunta_errors, f"JavaScript errors: {page.suunta_errors}"


@pytest.mark.browser
def test_log_in_and_switch_language_with_the_keyboard(live_demo, page):
    # A wrong password first: the page comes back with the error summary focused.
    keyboard_login(page, live_demo, "pormestari", "not-the-password")
    assert page.url.endswith("/accounts/login/")
    expect(page.locator("main .form-errors[role=alert]")).not_to_have_text("")
    expect_focus(page, "main .form-errors")

    # Shift+Tab from the password field returns to the username; then log in properly.
    tab_to(page, "main form input[name=password]")
    page.keyboard.press("Shift+Tab")
    assert focus_matches(page, "main form input[name=username]"), focused(page)
    page.keyboard.press("Control+A")
    page.keyboard.type("pormestari")
    page.keyboard.press("Tab")
    page.keyboard.type(DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_demo}/"
    expect(page.locator("html")).to_have_attribute("lang", "fi")

    # The header's language switcher: the arrow key picks Swedish, Enter on the button applies.
    tab_to(page, "header select[name=language]")
    page.keyboard.press("ArrowDown")
    expect(page.locator("header select[name=language]")).to_have_value("sv")
    page.keyboard.press("Tab")
    assert focus_matches(page, "header form[action$='/setlang/'] button[type=submit]"), focused(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("header select[name=language]")).to_have_value("sv")

    # A full-page form with errors: focus goes to the summary, each error is tied to its field.
    page.goto(f"{live_demo}/accounts/password_change/")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("main .form-errors[role=alert]")).not_to_have_text("")
    # The summary, or the first invalid field when the form puts autofocus on it.
    expect_focus(page, "main .form-errors, main form [aria-invalid=true]")
    if not focus_matches(page, "[aria-invalid=true]"):
        tab_to(page, "main form [aria-invalid=true]", limit=5)
    assert page.evaluate(ERROR_TIED_TO_FIELD) == ""
    finish(page)


@pytest.mark.browser
def test_add_and_edit_a_goal_with_the_keyboard(live_demo, page):
    demo = demo_handles()
    plan = demo.draft
    keyboard_login(page, live_demo, "valmistelija")
    page.goto(f"{live_demo}/plans/{plan.pk}/")
    page.evaluate("window.suuntaNoReload = true")  # a full page load would drop the marker

    # "Add goal" swaps the form in; its first field takes focus.
    tab_to(page, "#annex a[href$='/goals/new/']", limit=250)
    page.keyboard.press("Enter")
    expect_focus(page, "#annex form.item-form input[name='new-goal-title']")

    # Enter in the empty title submits: the errors come back, focus on the invalid field.
    clear_announcer(page)
    page.keyboard.press("Enter")
    expect_focus(page, "#annex form.item-form [aria-invalid=true]")
    assert page.evaluate(ERROR_TIED_TO_FIELD) == ""
    expect(page.locator("#annex form.item-form .form-errors[role=alert]")).not_to_have_text("")

    # Now a title: saved, focus on the new goal's row, the change announced.
    page.keyboard.type("Saavutettavuus paranee")
    page.keyboard.press("Enter")
    expect_focus(page, "#annex tr[id^='goal-']")
    expect_announced(page)
    goal = GoalArea.objects.get(version__plan=plan, title="Saavutettavuus paranee")
    assert focus_matches(page, f"#goal-{goal.pk}"), focused(page)

    # Tab from the row to its Edit link, change the title, save: focus back on the row.
    tab_to(page, f"#goal-{goal.pk} a[href$='/goals/{goal.pk}/edit/']", limit=5)
    page.keyboard.press("Enter")
    expect_focus(page, f"#goal-{goal.pk} form.item-form input[name='goal-{goal.pk}-title']")
    clear_announcer(page)
    page.keyboard.press("Control+A")
    page.keyboard.type("Saavutettavuus paranee kaikissa palveluissa")
    page.keyboard.press("Enter")
    expect_focus(page, f"tr#goal-{goal.pk}")
    expect_announced(page)
    goal.refresh_from_db()
    assert goal.title == "Saavutettavuus paranee kaikissa palveluissa"

    # Edit again and cancel: the form goes, focus stays in the annex (not on <body>).
    tab_to(page, f"#goal-{goal.pk} a[href$='/goals/{goal.pk}/edit/']", limit=5)
    page.keyboard.press("Enter")
    expect_focus(page, f"#goal-{goal.pk} form.item-form input[name='goal-{goal.pk}-title']")
    # Past the texts and the strategy objectives' checkboxes (11 in the demo) to Cancel.
    tab_to(page, f"#goal-{goal.pk} form.item-form .form-actions a[href='/plans/{plan.pk}/']", limit=30)
    page.keyboard.press("Enter")
    expect_focus(page, "#annex, #annex *")

    # Delete: the confirmation's button takes focus; Enter deletes, focus stays in the annex.
    page.goto(f"{live_demo}/plans/{plan.pk}/")
    page.evaluate("window.suuntaNoReload = true")
    tab_to(page, f"#goal-{goal.pk} a[href$='/goals/{goal.pk}/delete/']", limit=250)
    page.keyboard.press("Enter")
    expect_focus(page, f"#goal-{goal.pk} form.confirm-delete button[type=submit]")
    clear_announcer(page)
    page.keyboard.press("Enter")
    expect(page.locator(f"#goal-{goal.pk}")).to_have_count(0)
    expect_focus(page, "#annex, #annex *")
    expect_announced(page)
    assert not GoalArea.objects.filter(pk=goal.pk).exists()
    assert page.evaluate("window.suuntaNoReload") is True, "a save reloaded the whole page"
    finish(page)


@pytest.mark.browser
def test_write_the_self_assessment_with_the_keyboard(live_demo, page):
    demo = demo_handles()
    plan_pk, checkpoint_pk = open_checkpoint(demo)
    keyboard_login(page, live_demo, "kansliapaallikko")
    page.goto(f"{live_demo}/plans/{plan_pk}/followup/{checkpoint_pk}/")

    # The first goal's rating: Tab into the radio group, an arrow key picks the second
    # rating, Space keeps it; Tab on to the text.
    tab_to(page, "main form.own-form input[type=radio]", limit=250)
    first_goal = page.evaluate("document.activeElement.closest('section[id^=goal-]').id")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked") is True
    tab_to(page, f"#{first_goal} form.own-form textarea, #{first_goal} textarea", limit=5)
    page.keyboard.type("Tavoite eteni suunnitelman mukaan.")
    tab_to(page, "main form.own-form button[name=save]", limit=400)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    goal_pk = int(first_goal.removeprefix("goal-"))
    assessment = Assessment.objects.get(
        checkpoint_id=checkpoint_pk, goal_area_id=goal_pk, kind=AssessmentKind.SELF
    )
    assert assessment.text == "Tavoite eteni suunnitelman mukaan."
    assert assessment.rating is not None
    assert assessment.submitted_at is None  # a draft
    expect(page.locator("main .messages[role=status]")).not_to_have_text("")
    finish(page)


@pytest.mark.browser
def test_save_a_memo_section_with_the_keyboard(live_demo, page):
    demo = demo_handles()
    discussion = _open_discussion(demo)
    keyboard_login(page, live_demo, "pormestari")
    page.goto(f"{live_demo}/discussions/{discussion.pk}/")
    page.evaluate("window.suuntaNoReload = true")

    tab_to(page, "main form[data-hx-post] textarea", limit=250)
    section_id = page.evaluate("document.activeElement.closest('section[id^=section-]').id")
    page.keyboard.type("Keskusteltiin tavoitteista.")
    tab_to(page, f"#{section_id} form button[type=submit]", limit=5)
    clear_announcer(page)
    page.keyboard.press("Enter")
    expect_focus(page, f"section#{section_id}")
    expect_announced(page)
    section = Section.objects.get(pk=int(section_id.removeprefix("section-")))
    assert section.text == "Keskusteltiin tavoitteista."
    assert page.evaluate("window.suuntaNoReload") is True, "the save reloaded the whole page"
    finish(page)


def check_tab_stops(page, url: str, limit: int = 60) -> list[str]:
    """Open the page, use the skip link, then Tab through up to `limit` stops: each must
    show a focus indicator. Returns the problems found."""
    problems = []
    page.goto(url)
    if focus_matches(page, "body"):
        page.keyboard.press("Tab")
        assert focus_matches(page, "a.skip-link[href='#main']"), f"{url}: first Tab stop is {focused(page)}"
    else:  # a field has autofocus (the login's username): back to the skip link
        tab_to(page, "a.skip-link[href='#main']", limit=20, key="Shift+Tab")
    box = page.locator("a.skip-link").bounding_box()
    viewport = page.viewport_size
    if not (box and box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= viewport["width"]):
        problems.append(f"{url}: the focused skip link is not on screen ({box})")
    page.keyboard.press("Enter")
    if not focus_matches(page, "main#main"):
        problems.append(f"{url}: the skip link moved focus to {focused(page)}, not <main>")

    page.goto(url)
    seen = set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        where = focused(page)
        if where in seen or focus_matches(page, "body"):
            break  # round the page once
        seen.add(where)
        indicator = page.evaluate(FOCUS_INDICATOR)
        if not (indicator["outline"] or indicator["shadow"]):
            problems.append(f"{url}: no visible focus indicator on {where}")
        if not indicator["visible"]:
            problems.append(f"{url}: the focused {where} has no size on screen")
    return problems


@pytest.mark.browser
def test_every_tab_stop_shows_focus(live_demo, page):
    demo = demo_handles()
    plan_pk, checkpoint_pk = open_checkpoint(demo)
    problems = check_tab_stops(page, f"{live_demo}/accounts/login/")
    keyboard_login(page, live_demo, "valmistelija")
    for path in (
        "/",
        f"/plans/{demo.draft.pk}/",
        f"/plans/{demo.plan.pk}/",
        f"/plans/{plan_pk}/followup/{checkpoint_pk}/",
        f"/agreements/{demo.plan.agreement_id}/",
    ):
        problems += check_tab_stops(page, f"{live_demo}{path}")
    assert not problems, "\n".join(problems)
    finish(page)
