"""Issue 14, finding 7: one address trying many usernames is stopped, without locking
out a municipality whose people all reach Suunta from one NAT address.

django-axes pauses a username+address pair after AXES_FAILURE_LIMIT (5) failures. On
top of that, an address with LOGIN_ADDRESS_FAILURE_LIMIT (30) failures within the
cool-off (15 minutes), whatever the usernames, is refused for usernames that have not
logged in successfully from that address before; people who have go on logging in
(each still under the per-pair limit)."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext, override

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"  # the municipality's NAT address, or an attacker's
ELSEWHERE = "198.51.100.9"
PASSWORD = "suunta-demo"
ADDRESS_MESSAGE = (
    "Too many failed logins have come from your network address. Logging in from it is "
    "paused for 15 minutes for usernames that have not logged in from it before."
)
PAIR_MESSAGE = (
    "Logging in with this username has been paused for 15 minutes after several wrong "
    "passwords. Try again later, or set a new password."
)


def client(address: str, **extra) -> Client:
    return Client(REMOTE_ADDR=address, **extra)


def login(c: Client, username: str, password: str = "väärä"):
    return c.post(reverse("login"), {"username": username, "password": password})


def spray(address: str, count: int, prefix: str = "kayttaja") -> None:
    """`count` failed logins from `address`, each with another username: the ordinary
    wrong-password page until the address's limit, the lockout page from the failure
    that reaches it (as axes answers the failure that reaches a pair's limit)."""

    c = client(address)
    for number in range(count):
        response = login(c, f"{prefix}{number}")
        expected = 200 if number + 1 < settings.LOGIN_ADDRESS_FAILURE_LIMIT else 429
        assert response.status_code == expected, (number, response.status_code)


def text(msgid: str, language: str = "fi") -> str:
    with override(language):
        return gettext(msgid)


def test_the_threshold_is_much_higher_than_the_per_username_one(settings):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 30
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT >= 5 * settings.AXES_FAILURE_LIMIT


def test_many_usernames_from_one_address_are_refused_at_the_threshold(demo, settings):
    spray(ATTACKER, settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    response = login(client(ATTACKER), "vielayksi")
    assert response.status_code == 429
    assert text(ADDRESS_MESSAGE) in response.content.decode()
    # A correct password of someone who never logged in from here waits too.
    refused = client(ATTACKER)
    assert login(refused, "hallitus", PASSWORD).status_code == 429
    assert refused.get(reverse("home")).status_code == 302  # not logged in


def test_below_the_threshold_nothing_is_refused(demo, settings):
    spray(ATTACKER, settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1)
    assert login(client(ATTACKER), "hallitus", PASSWORD).status_code == 302


def test_another_address_is_not_affected(demo, settings):
    spray(ATTACKER, settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    assert login(client(ELSEWHERE), "kayttaja0").status_code == 200  # an ordinary wrong password
    assert login(client(ELSEWHERE), "hallitus", PASSWORD).status_code == 302


def test_someone_who_has_logged_in_from_the_address_still_gets_in(demo, settings):
    colleague = client(ATTACKER)
    assert login(colleague, "valmistelija", PASSWORD).status_code == 302
    colleague.post(reverse("logout"))
    spray(ATTACKER, settings.LOGIN_ADDRESS_FAILURE_LIMIT + 5)
    assert login(client(ATTACKER), "valmistelija", PASSWORD).status_code == 302
    # ... and is still protected by the per-username limit.
    again = client(ATTACKER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(again, "valmistelija")
    response = login(again, "valmistelija", PASSWORD)
    assert response.status_code == 429
    assert text(PAIR_MESSAGE) in response.content.decode()


def test_a_login_from_another_address_does_not_make_a_user_known_here(demo, settings):
    assert login(client(ELSEWHERE), "hallitus", PASSWORD).status_code == 302
    spray(ATTACKER, settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    assert login(client(ATTACKER), "hallitus", PASSWORD).status_code == 429


def test_the_per_username_lockout_still_works_below_the_address_threshold(demo, settings):
    c = client(ATTACKER)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(c, "pormestari")
    response = login(c, "pormestari", PASSWORD)
    assert response.status_code == 429
    assert text(PAIR_MESSAGE) in response.content.decode()
    assert text(ADDRESS_MESSAGE) not in response.content.decode()
    assert login(client(ATTACKER), "hallitus", PASSWORD).status_code == 302


def test_the_address_pause_ends_after_the_cool_off(demo, settings):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as traveller:
        spray(ATTACKER, settings.LOGIN_ADDRESS_FAILURE_LIMIT)
        assert login(client(ATTACKER), "hallitus", PASSWORD).status_code == 429
        traveller.shift(dt.timedelta(minutes=16))
        assert login(client(ATTACKER), "hallitus", PASSWORD).status_code == 302


def test_the_limit_is_configurable(demo, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    spray(ATTACKER, 8)
    assert login(client(ATTACKER), "hallitus", PASSWORD).status_code == 429


def test_the_message_is_in_swedish_for_a_swedish_browser(demo, settings):
    spray(ATTACKER, settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    response = login(client(ATTACKER, HTTP_ACCEPT_LANGUAGE="sv"), "vielayksi")
    assert response.status_code == 429
    assert text(ADDRESS_MESSAGE, "sv") in response.content.decode()
    assert text(ADDRESS_MESSAGE, "sv") != ADDRESS_MESSAGE
