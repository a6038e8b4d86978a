"""The API reference and the token pages in Chromium: axe-clean (WCAG 2.1 A/AA) and
CSP-clean, with no asset from outside the app (no CDN), also with a new token shown."""

import pytest

from .browser import assert_accessible, login
from .test_pages_accessible import LANGUAGES, finish, use_language


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_api_reference_and_token_pages(live_demo, page, language):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    login(page, live_demo, "paakayttaja")
    use_language(page, language)
    page.goto(f"{live_demo}/api/docs/")
    assert page.locator("main h2 code").count() >= 15
    assert_accessible(page, f"api-docs-{language}")
    page.goto(f"{live_demo}/accounts/api-tokens/")
    assert_accessible(page, f"api-tokens-{language}")
    # A new token: the page that shows it once.
    page.locator("main form input[name=name]").fill("Power BI")
    page.locator("main form button[type=submit]").click()
    assert page.locator("#new-token").inner_text().startswith("suunta_")
    assert_accessible(page, f"api-token-new-{language}")
    page.goto(f"{live_demo}/organizations/esimerkkikunta/api-tokens/")
    assert_accessible(page, f"api-service-tokens-{language}")
    assert all(url.startswith(live_demo) for url in requested), [
        u for u in requested if not u.startswith(live_demo)
    ]
    finish(page)
