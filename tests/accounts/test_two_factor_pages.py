"""The two-factor pages that tests/pages.py cannot open (they need a sign-in half-way or
an authenticator set up) pass the Nu Html Checker, in Finnish and in Swedish: the code
step (also with its error), the setting-up page with its QR code and an error, the
recovery codes, and the security page with two-factor on, its forms' errors and sessions."""

import pytest
from django.conf import settings
from django.test import Client

from tests.test_html_valid import require_vnu, run_vnu

from .two_factor import ENABLE, LOGIN_CODE, PASSWORD, SECURITY, secret_on_page, totp, wrong_code


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_two_factor_pages_are_valid_html(demo, language, tmp_path):
    require_vnu()
    documents = {}
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.post("/accounts/login/", {"username": "valmistelija", "password": PASSWORD})
    documents["enable"] = client.get(ENABLE)
    secret = secret_on_page(documents["enable"].content.decode())
    documents["enable-error"] = client.post(ENABLE, {"code": wrong_code(secret)})
    documents["recovery-codes"] = client.post(ENABLE, {"code": totp(secret)})
    documents["security"] = client.get(SECURITY)
    documents["security-errors"] = client.post("/accounts/security/two-factor/off/", {"disable-code": "1"})

    second = Client()
    second.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    second.post("/accounts/login/", {"username": "valmistelija", "password": PASSWORD})
    documents["login-code"] = second.get(LOGIN_CODE)
    documents["login-code-error"] = second.post(LOGIN_CODE, {"code": wrong_code(secret)})
    documents["security-two-sessions"] = client.get(SECURITY)

    for name, response in documents.items():
        assert response.status_code == 200, name
        (tmp_path / f"{name}.html").write_bytes(response.content)
    errors = [m for m in run_vnu(tmp_path, [f"{n}.html" for n in documents]) if m.get("type") == "error"]
    assert not errors, "\n".join(f"{m.get('url')}: {m.get('message')}" for m in errors)
