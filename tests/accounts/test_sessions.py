"""Active sessions: listed on the user's security page, ended by the user (others only,
their own only), by an admin ending a membership and by an operator deactivating the
user. An ended session's next request is sent to the login."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext, override

from suunta.audit.models import AuditEvent
from suunta.lib.clock import today
from suunta.organizations.models import Membership
from suunta.security.models import SignInMethod, UserSession

from .two_factor import SECURITY, logged_in


def fi(msgid: str) -> str:
    with override("fi"):
        return gettext(msgid)


def ended(client: Client) -> bool:
    response = client.get("/")
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_page_lists_the_sessions_and_marks_this_one(demo):
    phone = logged_in("valmistelija")
    laptop = Client(HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/133.0")
    laptop.post("/accounts/login/", {"username": "valmistelija", "password": "suunta-demo"})
    page = laptop.get(SECURITY).content.decode()
    assert page.count("<tr") == 3  # the header and two sessions
    assert "Firefox, Windows" in page
    assert fi("this session") in page
    records = UserSession.objects.filter(user__username="valmistelija")
    assert {r.method for r in records} == {SignInMethod.PASSWORD}
    assert records.get(session_id=laptop.session.session_key).ip_address == "127.0.0.1"
    assert not ended(phone)


def test_ending_another_session_signs_it_out(demo):
    phone = logged_in("valmistelija")
    laptop = logged_in("valmistelija")
    other = UserSession.objects.get(session_id=phone.session.session_key)
    response = laptop.post(f"/accounts/security/sessions/{other.pk}/end/")
    assert response["Location"] == SECURITY
    assert fi("The session was ended.") in laptop.get(SECURITY).content.decode()
    assert ended(phone)
    assert not Session.objects.filter(session_key=other.session_id).exists()
    assert not UserSession.objects.filter(pk=other.pk).exists()
    assert not ended(laptop)
    event = AuditEvent.objects.get(action="auth.session_ended")
    assert event.actor.username == "valmistelija"
    assert '"reason":[null,"ended_by_user"]' in event.changes
    assert other.session_id not in event.payload


def test_this_session_is_ended_by_signing_out(demo):
    client = logged_in("valmistelija")
    this = UserSession.objects.get(session_id=client.session.session_key)
    client.post(f"/accounts/security/sessions/{this.pk}/end/")
    assert not ended(client)
    client.post("/accounts/logout/")
    assert not UserSession.objects.filter(pk=this.pk).exists()


def test_ending_all_others(demo):
    clients = [logged_in("valmistelija") for _ in range(3)]
    keeper = logged_in("valmistelija")
    colleague = logged_in("pormestari")
    keeper.post("/accounts/security/sessions/end-others/")
    assert all(ended(client) for client in clients)
    assert not ended(keeper) and not ended(colleague)
    assert UserSession.objects.filter(user__username="valmistelija").count() == 1


def test_another_users_session_cannot_be_ended(demo):
    victim = logged_in("pormestari")
    theirs = UserSession.objects.get(session_id=victim.session.session_key)
    attacker = logged_in("valmistelija")
    assert attacker.post(f"/accounts/security/sessions/{theirs.pk}/end/").status_code == 404
    assert str(theirs.pk) not in attacker.get(SECURITY).content.decode().split("sessions/")[-1][:5]
    assert not ended(victim)
    assert not AuditEvent.objects.filter(action="auth.session_ended").exists()


def test_an_admin_ending_a_membership_ends_the_persons_sessions(demo):
    preparer = logged_in("valmistelija")
    membership = Membership.objects.get(user__username="valmistelija", organization=demo.org)
    admin = demo.client("paakayttaja")
    response = admin.post(
        f"/organizations/esimerkkikunta/members/{membership.pk}/end/",
        {"valid_to": (today() - dt.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 302
    assert ended(preparer)
    event = AuditEvent.objects.get(action="auth.session_ended")
    assert event.organization_id == demo.org.pk and event.actor.username == "paakayttaja"
    assert '"reason":[null,"membership_ended"]' in event.changes


def test_deactivating_a_user_ends_the_users_sessions(demo):
    preparer = logged_in("valmistelija")
    operator = get_user_model().objects.create_superuser("operaattori", "op@example.fi", "x")
    admin = Client()
    admin.force_login(operator)
    user = demo.user("valmistelija")
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "date_joined_0": user.date_joined.date().isoformat(),
        "date_joined_1": "10:00:00",
        "preferred_language": "",
    }  # is_active left out: unchecked
    response = admin.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ended(preparer)
    event = AuditEvent.objects.get(action="auth.session_ended")
    assert event.actor == operator and '"reason":[null,"user_deactivated"]' in event.changes


def test_last_seen_moves_at_most_every_five_minutes(demo, fixed_today):
    client = logged_in("valmistelija")
    record = UserSession.objects.get(session_id=client.session.session_key)
    client.get("/")
    fixed_today.shift(dt.timedelta(minutes=2))
    client.get("/")
    record.refresh_from_db()
    assert record.last_seen == record.created_at
    fixed_today.shift(dt.timedelta(minutes=4))
    client.get("/")
    record.refresh_from_db()
    assert record.last_seen > record.created_at + dt.timedelta(minutes=5)


def test_a_password_change_keeps_the_session_listed(demo):
    client = logged_in("valmistelija")
    client.post(
        "/accounts/password_change/",
        {
            "old_password": "suunta-demo",
            "new_password1": "uusi-salasana-42",
            "new_password2": "uusi-salasana-42",
        },
    )
    client.get("/")
    assert UserSession.objects.filter(session_id=client.session.session_key).exists()


def queries_of_the_page(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(SECURITY).status_code == 200
    return len(queries)


def test_the_page_reads_the_same_number_of_queries_with_many_sessions(demo):
    client = logged_in("valmistelija")
    client.get(SECURITY)
    few = queries_of_the_page(client)
    for _ in range(25):
        logged_in("valmistelija")
    assert UserSession.objects.filter(user__username="valmistelija").count() == 26
    # The sign-ins changed the sessions table: this session's row is read again once
    # (suunta/security/signin_cache.py), then the page is as before.
    client.get(SECURITY)
    assert queries_of_the_page(client) == few
