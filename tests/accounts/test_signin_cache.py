"""Issue 23: the session and the signed-in user kept in memory (suunta/security/
signin_cache.py). A request of a signed-in person reads neither row again while neither
table changed; whatever ends a session or an account's right to sign in, done by any
process on the shared database, takes effect on the very next request."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from suunta.lib import generations
from suunta.security import signin_cache

from .test_sessions import ended

PAGE = reverse("accessibility")  # a page that reads nothing of its own


def queries_of(client: Client, url: str = PAGE) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in queries.captured_queries]


def signed_in(demo, username="kansliapaallikko") -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": "suunta-demo"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def reads_sign_in(sql: list[str]) -> bool:
    return any('"django_session"' in q or '"accounts_user"' in q for q in sql)


def test_a_second_request_reads_neither_the_session_nor_the_user(demo):
    client = signed_in(demo)
    first = queries_of(client)
    again = queries_of(client)
    assert reads_sign_in(first)
    assert not reads_sign_in(again), again
    assert again == ["SELECT app, token FROM suunta_lib_datageneration"]
    response = client.get(reverse("home"))
    assert response.status_code == 200 and response.wsgi_request.user.username == "kansliapaallikko"


def test_each_request_gets_a_user_object_of_its_own(demo):
    client = signed_in(demo)
    client.get(PAGE)
    first = client.get(PAGE).wsgi_request.user
    first.first_name = "Muutettu vain muistissa"
    second = client.get(PAGE).wsgi_request.user
    assert second is not first._wrapped and second.first_name != "Muutettu vain muistissa"


def test_a_session_ended_elsewhere_ends_at_once(demo):
    """The row deleted as another app server's sign-out, or the security page's "end
    session", does it."""
    client = signed_in(demo)
    queries_of(client)
    queries_of(client)  # from memory now
    with transaction.atomic():
        Session.objects.filter(session_key=client.session.session_key).delete()
    assert ended(client)


def test_a_sign_out_ends_the_session(demo):
    client = signed_in(demo)
    queries_of(client)
    other_tab = Client()  # the same session cookie, kept from before the sign-out
    other_tab.cookies[settings.SESSION_COOKIE_NAME] = client.session.session_key
    queries_of(other_tab)
    assert client.post(reverse("logout")).status_code == 302
    assert ended(other_tab)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda user: setattr(user, "is_active", False), id="account closed"),
        pytest.param(lambda user: user.set_password("toinen-salasana-123"), id="password changed"),
    ],
)
def test_an_account_change_elsewhere_signs_out_at_once(demo, change):
    client = signed_in(demo)
    queries_of(client)
    queries_of(client)
    user = get_user_model().objects.get(username="kansliapaallikko")
    change(user)
    with transaction.atomic():
        user.save()
    assert ended(client)


def test_another_users_session_never_gets_this_user(demo):
    executive, mayor = signed_in(demo), signed_in(demo, "pormestari")
    for _ in range(2):
        assert executive.get(PAGE).wsgi_request.user.username == "kansliapaallikko"
        assert mayor.get(PAGE).wsgi_request.user.username == "pormestari"


def test_an_expired_session_is_not_taken_from_memory(demo, monkeypatch):
    client = signed_in(demo)
    queries_of(client)
    queries_of(client)
    expires = Session.objects.get(session_key=client.session.session_key).expire_date
    later = expires + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert ended(client)


def test_nothing_is_kept_outside_a_request(demo):
    """A management command or the tasks worker reads the database every time."""
    # As in such a process: no request is being served (a streaming answer an earlier
    # test left unread would still count as one in this thread). The generations'
    # receiver only: the signal's other receivers would close the test's connection.
    generations._request_finished(sender=None)
    assert generations.current() is None
    store = signin_cache.SessionStore()
    store.create()
    with CaptureQueriesContext(connection) as queries:
        signin_cache.SessionStore(store.session_key).load()
        signin_cache.SessionStore(store.session_key).load()
    assert sum('"django_session"' in q["sql"] for q in queries.captured_queries) == 2


def test_another_session_saving_itself_leaves_this_one_in_memory(demo):
    """Every active session saves itself now and then (its last-seen time): that changes
    the token of its own bucket of keys only, not every session's."""
    client = signed_in(demo)
    mine = generations.session_bucket(client.session.session_key)
    for _ in range(20):  # a session in another bucket (one in 64 shares mine)
        other = signed_in(demo, "pormestari")
        if generations.session_bucket(other.session.session_key) != mine:
            break
    queries_of(client)
    assert not reads_sign_in(queries_of(client))
    session = other.session
    session["saved-by-the-test"] = 1
    session.save()
    assert not reads_sign_in(queries_of(client))
    # The other session's own next request reads its row again, with what was saved.
    assert other.get(PAGE).wsgi_request.session.get("saved-by-the-test") == 1


def test_a_write_to_the_sessions_not_by_key_reads_every_session_again(demo):
    """An expiry sweep (manage.py clearsessions) or any write not naming its sessions'
    keys changes the token of the whole table."""
    client = signed_in(demo)
    queries_of(client)
    assert not reads_sign_in(queries_of(client))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            'UPDATE "django_session" SET "expire_date" = "expire_date" WHERE "expire_date" < %s',
            [timezone.now() + dt.timedelta(days=365)],
        )
    assert any('"django_session"' in q for q in queries_of(client))
