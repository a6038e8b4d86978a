"""Two-factor authentication: setting it up on the settings page, the second step of a
password sign-in, reused and wrong codes, recovery codes, the lockout, and who must
have it. TOTP codes are computed here from the key the page shows (tests/accounts/two_factor.py)."""

import datetime as dt
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache.backends.db import DatabaseCache
from django.test import Client
from django.utils.translation import gettext, override

from suunta.audit.models import AuditEvent
from suunta.security.models import SignInMethod, TwoFactorRequirement, UserSession

from .two_factor import (
    ENABLE,
    LOGIN_CODE,
    SECURITY,
    enable,
    logged_in,
    login,
    recovery_codes_on_page,
    secret_on_page,
    totp,
    wrong_code,
)

WRONG = "The code is not correct. Check the time on your phone and type the code it shows now."
REUSED = "This code has already been used. Wait for the next code and type it."


def fi(msgid: str) -> str:
    with override("fi"):
        return gettext(msgid)


def events(action: str):
    return AuditEvent.objects.filter(action=action).order_by("sequence")


def test_the_settings_page_shows_the_key_and_a_qr_code_and_a_code_turns_it_on(demo):
    client = logged_in("valmistelija")
    page = client.get(ENABLE).content.decode()
    secret = secret_on_page(page)
    assert len(secret) == 32
    assert '<svg role="img"' in page and "<?xml" not in page  # inline, no external asset
    # The same algorithm as allauth's own helper (a cross-check, not the source of the code).
    assert totp(secret) == format_hotp_value(hotp_value(secret, int(time.time()) // 30))

    response = client.post(ENABLE, {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert fi(WRONG) in response.content.decode()
    assert not Authenticator.objects.filter(user__username="valmistelija").exists()
    assert secret_on_page(response.content.decode()) == secret  # the same key, to try again

    secret_again, codes = enable(client)
    assert secret_again == secret
    assert len(set(codes)) == 10
    event = events("auth.mfa_enabled").get()
    assert event.actor.username == "valmistelija"
    assert secret not in event.payload and not any(code in event.payload for code in codes)
    assert client.get(ENABLE)["Location"] == SECURITY  # already on


def test_a_password_sign_in_waits_for_the_code(demo):
    secret, _codes = enable(logged_in("valmistelija"))
    client = Client()
    response = login(client, "valmistelija")
    assert response["Location"] == LOGIN_CODE
    assert client.get("/").status_code == 302  # not signed in yet
    page = client.get(LOGIN_CODE).content.decode()
    assert (
        fi("Your password was correct. Type the code from your authenticator app to finish signing in.")
        in page
    )

    response = client.post(LOGIN_CODE, {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert fi(WRONG) in response.content.decode()
    failed = events("auth.mfa_failed").get()
    assert failed.outcome == "failed" and failed.object_id == str(demo.user("valmistelija").pk)
    assert client.get("/").status_code == 302

    response = client.post(LOGIN_CODE, {"code": totp(secret, step=1)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert events("auth.mfa_login").get().actor.username == "valmistelija"
    session = UserSession.objects.get(session_id=client.session.session_key)
    assert session.method == SignInMethod.TOTP


def test_a_code_is_accepted_once_also_on_another_app_server(demo):
    secret, _codes = enable(logged_in("valmistelija"))
    code = totp(secret, step=1)
    first = Client()
    login(first, "valmistelija")
    assert first.post(LOGIN_CODE, {"code": code}).status_code == 302

    second = Client()
    login(second, "valmistelija")
    response = second.post(LOGIN_CODE, {"code": code})
    assert response.status_code == 200
    assert fi(REUSED) in response.content.decode()
    assert second.get("/").status_code == 302
    # The mark is in the database cache every app server reads: a fresh cache object (as
    # in another server's process) finds it and cannot add it again.
    other_server = DatabaseCache("suunta_cache", {})
    user_id = demo.user("valmistelija").pk
    assert other_server.add(f"allauth.mfa.totp.used?user={user_id}&code={code}", "y", 90) is False


def test_a_recovery_code_signs_in_once(demo):
    _secret, codes = enable(logged_in("valmistelija"))
    client = Client()
    login(client, "valmistelija")
    response = client.post(LOGIN_CODE, {"code": codes[3]})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert UserSession.objects.get(session_id=client.session.session_key).method == SignInMethod.RECOVERY_CODE
    used = events("auth.recovery_code_used").get()
    assert used.changes == '{"unused_left":[null,9]}'
    assert codes[3] not in used.payload

    again = Client()
    login(again, "valmistelija")
    response = again.post(LOGIN_CODE, {"code": codes[3]})
    assert response.status_code == 200 and fi(WRONG) in response.content.decode()
    assert again.post(LOGIN_CODE, {"code": codes[4]}).status_code == 302


def test_five_wrong_codes_lock_the_username_and_address_like_passwords(demo, settings):
    secret, _codes = enable(logged_in("valmistelija"))
    client = Client()
    login(client, "valmistelija")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(LOGIN_CODE, {"code": wrong_code(secret)}).status_code == 200
    response = client.post(LOGIN_CODE, {"code": wrong_code(secret)})
    assert response.status_code == 429
    assert fi("Too many failed logins") in response.content.decode()
    # Even the right code, and the right password, are refused now.
    assert client.post(LOGIN_CODE, {"code": totp(secret, step=1)}).status_code == 429
    assert client.get("/").status_code == 302
    assert login(Client(), "valmistelija").status_code == 429
    assert events("auth.mfa_failed").count() == settings.AXES_FAILURE_LIMIT


def test_the_second_step_expires(demo, fixed_today):
    secret, _codes = enable(logged_in("valmistelija"))
    client = Client()
    login(client, "valmistelija")
    fixed_today.shift(dt.timedelta(minutes=6))
    response = client.post(LOGIN_CODE, {"code": totp(secret)})
    assert response["Location"] == "/accounts/login/"
    assert (
        fi("The sign-in took too long or was not started. Sign in again.")
        in client.get(response["Location"]).content.decode()
    )
    assert Client().get(LOGIN_CODE)["Location"] == "/accounts/login/"  # nothing pending


def test_an_admin_must_set_it_up_before_anything_else(demo, settings):
    settings.TWO_FACTOR_FOR_ADMINS = True
    client = logged_in("paakayttaja")
    for path in ("/", "/organizations/esimerkkikunta/members/", SECURITY):
        assert client.get(path)["Location"] == ENABLE
    page = client.get(ENABLE).content.decode()
    assert fi("Your role requires two-factor authentication. Set it up to continue.") in page
    enable(client)
    assert client.get("/").status_code == 200
    # A test client's force_login is never held (the suite's other tests).
    assert demo.client("paakayttaja").get("/").status_code == 200


def test_an_operator_must_set_it_up_too(demo, settings):
    settings.TWO_FACTOR_FOR_ADMINS = True
    user = demo.user("hallitus")
    user.is_superuser = True
    user.save()
    assert logged_in("hallitus").get("/")["Location"] == ENABLE


def test_an_organization_requires_it_of_everyone(demo):
    admin = demo.client("paakayttaja")
    members = "/organizations/esimerkkikunta/members/"
    assert fi("Require two-factor authentication from everyone") in admin.get(members).content.decode()
    response = admin.post("/organizations/esimerkkikunta/two-factor/", {"required": "on"})
    assert response["Location"] == members
    assert TwoFactorRequirement.objects.filter(organization=demo.org).exists()
    event = events("organization.two_factor_requirement").get()
    assert event.organization_id == demo.org.pk and event.changes == '{"two_factor_required":[false,true]}'

    assert logged_in("valmistelija").get("/")["Location"] == ENABLE
    assert logged_in("toinen-valmistelija").get("/").status_code == 200  # another organization
    # Only the organization's admin sets it.
    assert (
        demo.client("valmistelija").post("/organizations/esimerkkikunta/two-factor/", {}).status_code == 403
    )
    assert (
        demo.client("toinen-paakayttaja").post("/organizations/esimerkkikunta/two-factor/", {}).status_code
        == 404
    )
    assert TwoFactorRequirement.objects.filter(organization=demo.org).exists()

    admin.post("/organizations/esimerkkikunta/two-factor/", {})
    assert not TwoFactorRequirement.objects.exists()
    assert logged_in("valmistelija").get("/").status_code == 200


def test_turning_it_off_needs_a_code_and_is_refused_where_required(demo, settings):
    client = logged_in("valmistelija")
    secret, _codes = enable(client)
    response = client.post("/accounts/security/two-factor/off/", {"disable-code": wrong_code(secret)})
    assert response.status_code == 200 and fi(WRONG) in response.content.decode()
    assert Authenticator.objects.filter(user__username="valmistelija").count() == 2

    response = client.post("/accounts/security/two-factor/off/", {"disable-code": totp(secret, step=1)})
    assert response["Location"] == SECURITY
    assert not Authenticator.objects.filter(user__username="valmistelija").exists()
    assert events("auth.mfa_disabled").get().actor.username == "valmistelija"
    assert login(Client(), "valmistelija")["Location"] == "/"  # a password is enough again

    settings.TWO_FACTOR_FOR_ADMINS = True
    admin = demo.client("paakayttaja")
    secret, _codes = enable(admin)
    assert (
        fi("Your role requires two-factor authentication, so it cannot be turned off.")
        in admin.get(SECURITY).content.decode()
    )
    response = admin.post("/accounts/security/two-factor/off/", {"disable-code": totp(secret, step=1)})
    assert response.status_code == 403
    assert Authenticator.objects.filter(user__username="paakayttaja").count() == 2
    assert events("disable_two_factor.denied").count() == 1


def test_new_recovery_codes_need_a_code_and_replace_the_old(demo):
    client = logged_in("valmistelija")
    secret, old = enable(client)
    response = client.post("/accounts/security/recovery-codes/", {"regenerate-code": old[0]})
    assert response.status_code == 200 and fi(WRONG) in response.content.decode()
    response = client.post("/accounts/security/recovery-codes/", {"regenerate-code": totp(secret, step=1)})
    new = recovery_codes_on_page(response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert events("auth.recovery_codes_regenerated").count() == 1

    fresh = Client()
    login(fresh, "valmistelija")
    assert fresh.post(LOGIN_CODE, {"code": old[1]}).status_code == 200
    assert fresh.post(LOGIN_CODE, {"code": new[1]}).status_code == 302


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_code_page_speaks_the_users_language(demo, language):
    secret, _codes = enable(logged_in("valmistelija"))
    client = Client()
    client.cookies["django_language"] = language
    login(client, "valmistelija")
    response = client.post(LOGIN_CODE, {"code": wrong_code(secret)})
    with override(language):
        assert gettext(WRONG) in response.content.decode()


def test_the_code_that_turned_it_on_does_not_sign_in(demo):
    owner = logged_in("valmistelija")
    secret = secret_on_page(owner.get(ENABLE).content.decode())
    code = totp(secret)
    assert owner.post(ENABLE, {"code": code}).status_code == 200
    assert Authenticator.objects.filter(user__username="valmistelija", type="totp").exists()
    client = Client()
    login(client, "valmistelija")
    response = client.post(LOGIN_CODE, {"code": code})
    assert fi(REUSED) in response.content.decode()
    assert client.get("/").status_code == 302
