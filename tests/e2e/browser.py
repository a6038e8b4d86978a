"""Helpers for the browser tests: accessibility (axe-core), CSP and screenshots.

Fixtures live in conftest.py beside this file; tests import these helpers.
"""

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from suunta.demo.loader import DEFAULT_PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "var" / "screenshots"

# WCAG 2.1 A and AA (axe tags); nothing else, so best-practice rules cannot fail a run.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

_axe = Axe()


# Screenshots of every page state are for people to look at (`make screenshots`); a
# test run takes one only of a page that fails a check (a full-page screenshot costs
# about a third of a browser test's time).
SCREENSHOTS = os.environ.get("SUUNTA_SCREENSHOTS") == "1"


def screenshot(page, name: str, *, failing: bool = False) -> Path | None:
    """Save the whole page as var/screenshots/<name>.png when screenshots were asked
    for, or when the page fails a check (`failing`). The path, or None."""
    if not (SCREENSHOTS or failing):
        return None
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page) -> list[dict]:
    return _axe.run(page, options=AXE_OPTIONS).response["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        lines.append(f"  {violation.get('helpUrl', '')}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = " ".join(line.strip() for line in node.get("failureSummary", "").splitlines())
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def assert_accessible(page, name: str) -> None:
    """Screenshot the page as <name>, then fail on any WCAG 2.1 A/AA violation axe finds
    and on any Content-Security-Policy refusal the page has logged so far."""
    screenshot(page, name)
    violations = axe_violations(page)
    path = screenshot(page, name, failing=True) if violations else None
    assert not violations, (
        f"{len(violations)} accessibility violation(s) on {name!r} ({page.url}), "
        f"screenshot {path}:\n" + format_violations(violations)
    )
    assert_no_csp_violations(page)


# Added to every page by the `page` fixture: reports what the policy blocked to Python.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.suuntaCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${where}`
  );
});
"""
CSP_WORDS = ("Refused to", "Content Security Policy", "Content-Security-Policy")


def csp_messages(page) -> list[str]:
    """What the Content-Security-Policy blocked: console messages about it and the
    page's securitypolicyviolation events, both collected by the `page` fixture."""
    console = [text for text in page.suunta_console if any(word in text for word in CSP_WORDS)]
    return console + [f"[securitypolicyviolation] {text}" for text in page.suunta_csp]


def assert_no_csp_violations(page) -> None:
    messages = csp_messages(page)
    assert not messages, "The Content-Security-Policy blocked something:\n" + "\n".join(
        f"- {text}" for text in messages
    )


def login(page, base_url: str, username: str, password: str | None = None) -> None:
    """Log in through the login form (found by structure) and wait for the front page."""
    page.goto(f"{base_url}/accounts/login/")
    page.locator("main form input[name=username]").fill(username)
    page.locator("main form input[name=password]").fill(password or DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")


def horizontal_overflow(page) -> int:
    """How many pixels the page scrolls sideways (0 or less: it fits the viewport)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def assert_fits_viewport(page, name: str) -> None:
    """Screenshot the page as <name> and fail if it scrolls sideways."""
    screenshot(page, name)
    overflow = horizontal_overflow(page)
    path = screenshot(page, name, failing=True) if overflow > 0 else None
    assert overflow <= 0, f"{name!r} ({page.url}) scrolls sideways by {overflow}px, screenshot {path}"
