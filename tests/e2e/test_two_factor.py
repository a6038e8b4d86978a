"""Two-factor authentication in Chromium: the preparer sets up TOTP on the settings page
(the key read from the page, the code computed here), signs out, signs in with the
password and a code, then with a recovery code, and from a second browser ends the first
browser's session. Every page on the way is checked with axe and the CSP.

Elements are found by structure, ids and hrefs; visible texts are never compared."""

import pytest
from playwright.sync_api import expect

from suunta.demo.loader import DEFAULT_PASSWORD
from tests.accounts.two_factor import totp

from .browser import CSP_LISTENER, assert_accessible

USER = "valmistelija"


def sign_in_with_password(page, base_url: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("main form input[name=username]").fill(USER)
    page.locator("main form input[name=password]").fill(DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()


def give_code(page, base_url: str, code: str) -> None:
    page.wait_for_url(f"{base_url}/accounts/login/code/")
    page.locator("main form input[name=code]").fill(code)
    page.locator("main form .form-actions button[type=submit]").click()
    page.wait_for_url(f"{base_url}/")


def watched(context):
    """A page of another browser, recording what the `page` fixture's does (conftest.py)."""
    page = context.new_page()
    page.suunta_console, page.suunta_errors, page.suunta_csp = [], [], []
    page.on("console", lambda message: page.suunta_console.append(f"[{message.type}] {message.text}"))
    page.on("pageerror", lambda error: page.suunta_errors.append(str(error)))
    page.expose_function("suuntaCspViolation", lambda text: page.suunta_csp.append(text))
    page.add_init_script(CSP_LISTENER)
    return page


def sign_out(page, base_url: str) -> None:
    page.locator("header form.logout-form button[type=submit]").click()
    page.wait_for_url(f"{base_url}/accounts/login/")


@pytest.mark.browser
def test_set_up_sign_in_with_codes_and_end_another_session(live_demo, page, browser):
    sign_in_with_password(page, live_demo)
    page.wait_for_url(f"{live_demo}/")
    page.locator("header a.user-name").click()
    page.locator("main a[href='/accounts/security/']").click()
    assert_accessible(page, "security-off")
    page.locator("main a[href='/accounts/security/two-factor/']").click()
    expect(page.locator("main svg[role=img]")).to_be_visible()
    assert_accessible(page, "two-factor-enable")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")

    form = page.locator("main form[method=post]")
    form.locator("input[name=code]").fill("000000" if totp(secret) != "000000" else "111111")
    form.locator(".form-actions button[type=submit]").click()
    expect(page.locator("main .form-errors[role=alert]")).to_be_visible()
    expect(page.locator("main input[name=code][aria-invalid=true]")).to_be_visible()
    assert_accessible(page, "two-factor-enable-error")
    assert page.locator("#totp-secret").inner_text().replace(" ", "") == secret

    page.locator("main form[method=post] input[name=code]").fill(totp(secret))
    page.locator("main form[method=post] .form-actions button[type=submit]").click()
    codes = page.locator("main ul.recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page, "recovery-codes")
    page.locator("main a[href='/accounts/security/']").click()
    expect(page.locator("main form[action$='/recovery-codes/']")).to_be_visible()
    assert_accessible(page, "security-on")

    # The password alone no longer signs in; the code does.
    sign_out(page, live_demo)
    sign_in_with_password(page, live_demo)
    page.wait_for_url(f"{live_demo}/accounts/login/code/")
    assert_accessible(page, "login-code")
    give_code(page, live_demo, totp(secret, step=1))

    # A recovery code, once.
    sign_out(page, live_demo)
    sign_in_with_password(page, live_demo)
    give_code(page, live_demo, codes[0])

    # A second browser signs in (another recovery code) and ends the first one's session.
    other_context = browser.new_context(locale="fi-FI", viewport={"width": 1280, "height": 900})
    try:
        other = watched(other_context)
        sign_in_with_password(other, live_demo)
        give_code(other, live_demo, codes[1])
        other.goto(f"{live_demo}/accounts/security/")
        rows = other.locator("main table tbody tr")
        expect(rows).to_have_count(2)
        expect(other.locator("main table tbody tr[aria-current=true]")).to_have_count(1)
        assert_accessible(other, "security-sessions")
        other.locator("main table tbody tr:not([aria-current]) form button[type=submit]").click()
        other.wait_for_url(f"{live_demo}/accounts/security/")
        expect(rows).to_have_count(1)
    finally:
        other_context.close()

    page.goto(f"{live_demo}/")
    page.wait_for_url(f"{live_demo}/accounts/login/?next=/")
    assert not page.suunta_errors and not other.suunta_errors
