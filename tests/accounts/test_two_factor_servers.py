"""A TOTP code is accepted once across app servers: two gunicorn servers on one
database (as behind a load balancer), a code used for a sign-in through one is refused
through the other. allauth marks used codes in Django's cache, which Suunta keeps in
the database (settings.CACHES). The servers run on the real clock, so the codes are
computed from it (time-machine's escape hatch), not from the suite's travelled one."""

import time_machine
from django.utils.translation import gettext, override

from tests.test_two_servers import production_env, production_site, start_gunicorn, through  # noqa: F401

from .two_factor import PASSWORD, secret_on_page, totp

REUSED = "This code has already been used. Wait for the next code and type it."


def real_now() -> float:
    return time_machine.escape_hatch.time.time()


def signed_in_with_password(served, url: str):
    browser = through(served.browser(), served, url)
    browser.get("/accounts/login/")
    response = browser.post("/accounts/login/", {"username": "valmistelija", "password": PASSWORD})
    assert response.status == 302, response.text[:2000]
    return browser, response


def test_a_code_used_through_one_server_is_refused_through_the_other(production_site):  # noqa: F811
    served = production_site
    env = production_env()
    served.collect_static(env=env)
    first_url, second_url = start_gunicorn(served, env, "gunicorn A", "gunicorn B")

    user, _ = signed_in_with_password(served, first_url)
    secret = secret_on_page(user.get("/accounts/security/two-factor/").text)
    enabled = user.post("/accounts/security/two-factor/", {"code": totp(secret, at=real_now())})
    assert enabled.status == 200 and "recovery-codes" in enabled.text

    code = totp(secret, step=1, at=real_now())
    first, response = signed_in_with_password(served, first_url)
    assert response.headers["Location"].endswith("/accounts/login/code/")
    assert first.post("/accounts/login/code/", {"code": code}).status == 302
    assert first.get("/").history == []  # signed in

    second, _ = signed_in_with_password(served, second_url)
    refused = second.post("/accounts/login/code/", {"code": code})
    assert refused.status == 200
    with override("fi"):
        assert gettext(REUSED) in refused.text
    assert second.get("/").history  # sent to the login: not signed in
    served.check()
