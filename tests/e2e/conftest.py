"""Browser fixtures: Debian's Chromium through Playwright against pytest-django's live
server, with the demo loaded into the live server's database."""

import pytest
from django.utils import timezone
from playwright.sync_api import sync_playwright

from suunta.demo.loader import load_demo
from tests.demo_snapshot import Snapshot, capture, restore

from .browser import CHROMIUM, CHROMIUM_ARGS, CSP_LISTENER


@pytest.fixture(scope="session")
def browser():
    # Never skip: a CI machine without Chromium must go red, not quietly green.
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
            "(apt-get install chromium; .ci/run installs it). Never use `playwright install`.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# The demo as the first browser test of this process loaded it, and the clock then:
# later browser tests copy its rows back (tests/demo_snapshot.py) instead of loading
# it again (seconds each). The copy commits, as the live server needs it to.
_loaded: tuple[Snapshot, object] | None = None


@pytest.fixture
def live_demo(transactional_db, live_server, fixed_today):
    """The demo in the database the live server reads; returns the server's base URL."""
    global _loaded
    if _loaded is None:
        _handles, snapshot = capture(load_demo)
        _loaded = (snapshot, timezone.now())
    else:
        snapshot, loaded_at = _loaded
        restore(snapshot)
        fixed_today.move_to(loaded_at)  # time goes on from where the load left it
    return live_server.url


@pytest.fixture
def context(browser):
    # Finnish is what a Finnish official's browser asks for; the UI is selected by structure.
    context = browser.new_context(locale="fi-FI", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page that records its console messages and uncaught errors (see browser.py)."""
    page = context.new_page()
    page.suunta_console = []
    page.suunta_errors = []
    page.on("console", lambda message: page.suunta_console.append(f"[{message.type}] {message.text}"))
    page.on("pageerror", lambda error: page.suunta_errors.append(str(error)))
    # The console wording changes between Chromium releases ("Refused to ..." became
    # "Applying inline style violates ..."), so the violation events are recorded too.
    page.suunta_csp = []
    page.expose_function("suuntaCspViolation", lambda text: page.suunta_csp.append(text))
    page.add_init_script(CSP_LISTENER)
    yield page
    page.close()
