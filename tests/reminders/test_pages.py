"""The pages: one's own reminder choices and calendar address, the stop link of a mail,
the preparer's log of what was sent and what failed, the organization's defaults."""

import datetime as dt
import socket

from django.test import Client
from django.utils import translation

from suunta.mail.models import OutgoingMail
from suunta.organizations.models import Membership
from suunta.reminders import pages as reminder_pages
from suunta.reminders import services
from suunta.reminders.models import OrganizationReminderSettings, Reminder, ReminderPreference
from tests.mail.common import deliver_queued

D = dt.date
OPENS = D(2027, 1, 1)


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_a_user_chooses_the_reminders_and_gets_a_calendar_address(demo):
    chief = demo.user("kansliapaallikko")
    client = english(demo.client("kansliapaallikko"))
    page = client.get("/accounts/reminders/")
    assert page.status_code == 200
    assert 'value="window_opens"' in page.content.decode()
    response = client.post("/accounts/reminders/", {"kinds": ["window_opens", "survey"], "digest": "on"})
    assert response.status_code == 302
    preference = ReminderPreference.objects.get(user=chief)
    assert preference.digest is True
    assert set(preference.kinds_off) == {
        "window_closes",
        "views_turn",
        "agree_turn",
        "report_turn",
        "confirm_memo",
    }
    # The choice holds: no "about to close" for him, and the opening waits for the digest.
    written = services.run(OPENS)
    mine = [r for r in written if r.user_id == chief.pk]
    assert [(r.kind, r.state) for r in mine] == [("window_opens", "waiting")]

    assert client.post("/accounts/reminders/calendar/").status_code == 302
    token = ReminderPreference.objects.get(user=chief).feed_token
    assert token and f"/calendar/{token}.ics" in client.get("/accounts/reminders/").content.decode()
    # The settings page leads here.
    assert "/accounts/reminders/" in client.get("/accounts/preferences/").content.decode()


def test_the_stop_link_works_without_a_login_and_asks_before_a_get_changes_anything(demo):
    mayor = demo.user("pormestari")
    token = services.stop_token(mayor.pk, "window_closes")
    client = english(Client(enforce_csrf_checks=True))
    page = client.get(f"/reminders/stop/{token}/")
    assert page.status_code == 200 and "Stop these reminders" in page.content.decode()
    assert not ReminderPreference.objects.filter(user=mayor).exists()  # a GET changes nothing
    # A mail program's one-click POST (RFC 8058): no cookie, no CSRF token.
    assert client.post(f"/reminders/stop/{token}/", {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert ReminderPreference.objects.get(user=mayor).kinds_off == ["window_closes"]
    assert client.post(f"/reminders/stop/{token}/").status_code == 200  # again: still the same
    assert ReminderPreference.objects.get(user=mayor).kinds_off == ["window_closes"]
    # A changed or made-up token is not found.
    assert client.get(f"/reminders/stop/{token[:-2]}xx/").status_code == 404
    assert client.post("/reminders/stop/nonsense/").status_code == 404
    # The organization's default off-list is kept when the first stop writes the user's own.
    OrganizationReminderSettings.objects.create(organization=demo.org, kinds_off=["survey"])
    chief = demo.user("kansliapaallikko")
    client.post(f"/reminders/stop/{services.stop_token(chief.pk, 'views_turn')}/")
    assert ReminderPreference.objects.get(user=chief).kinds_off == ["survey", "views_turn"]


def test_the_preparer_sees_what_was_sent_and_what_failed_without_the_mails_contents(
    demo, settings, smtp_server, django_assert_num_queries
):
    live_port = settings.EMAIL_PORT
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.MAIL_RETRY_DELAYS = []
    nobody = demo.user("apulaispormestari")
    nobody.email = ""
    nobody.save()
    services.run(OPENS)
    deliver_queued()  # the server is down: failed at once (no retries set)
    assert Reminder.objects.filter(organization=demo.org).count() == 4

    client = english(demo.client("valmistelija"))
    client.get("/organizations/esimerkkikunta/reminders/")  # warm the session
    # The data generations (the session and the user are then in memory), roles,
    # organization, the rows.
    with django_assert_num_queries(4):
        page = client.get("/organizations/esimerkkikunta/reminders/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Not delivered" in text
    assert "failed: ConnectionRefusedError" in text
    assert "not sent: no e-mail address" in text
    assert "Kansliapäällikön tavoitteet 2026" in text and "tammikuu/helmikuu 2027" in text
    # Only the organization's own people: Pikkujärvi's reminders are not listed.
    assert Reminder.objects.filter(user=demo.user("pikku-johtaja")).exists()
    assert str(demo.user("pikku-johtaja")) not in text
    # No body of any mail on the page: only who, what, when and the state.
    assert "Hello" not in text and "/reminders/stop/" not in text
    # The mail server is back: the preparer sends the mayor's mail again, once.
    failed = Reminder.objects.get(organization=demo.org, user=demo.user("pormestari"))
    settings.EMAIL_PORT = live_port
    resend = f"/organizations/esimerkkikunta/reminders/{failed.pk}/resend/"
    assert client.post(resend).status_code == 302
    assert deliver_queued() == ["sent"]
    assert [m["X-Envelope-To"] for m in smtp_server.messages] == ["pormestari@esimerkkikunta.example"]
    # Delivered now: no longer among the undelivered (a sent mail has an attempt too).
    listed = {row.pk: row.failed for row in reminder_pages.log(demo.org)}
    assert listed[failed.pk] is False
    assert any(listed.values())  # the others' mails still failed
    assert client.post(resend).status_code == 302  # sent: not again
    assert deliver_queued() == []
    # Another organization's reminder is not found here.
    other = Reminder.objects.get(user=demo.user("pikku-johtaja"))
    assert client.post(f"/organizations/esimerkkikunta/reminders/{other.pk}/resend/").status_code == 404
    # More reminders: the same number of queries.
    services.run(D(2027, 2, 21))
    with django_assert_num_queries(4):
        client.get("/organizations/esimerkkikunta/reminders/")
    # Someone whose roles there were removed is no longer listed.
    Membership.objects.filter(user=nobody, organization=demo.org).delete()
    assert (
        "not sent: no e-mail address"
        not in client.get("/organizations/esimerkkikunta/reminders/").content.decode()
    )


def test_the_admin_sets_the_organizations_defaults(demo):
    client = english(demo.client("paakayttaja"))
    assert client.get("/organizations/esimerkkikunta/reminders/settings/").status_code == 200
    bad = client.post("/organizations/esimerkkikunta/reminders/settings/", {"days_before": "seven"})
    assert bad.status_code == 200 and "whole numbers" in bad.content.decode()
    response = client.post(
        "/organizations/esimerkkikunta/reminders/settings/",
        {"days_before": "14, 3", "kinds": ["window_opens", "window_closes"], "digest": ""},
    )
    assert response.status_code == 302
    defaults = OrganizationReminderSettings.objects.get(organization=demo.org)
    assert defaults.days_before == [14, 3]
    assert "views_turn" in defaults.kinds_off
    # Two weeks and three days before the January/February window closes (28.2.2027).
    assert {r.kind for r in services.run(D(2027, 2, 14))} == {"window_closes"}
    assert services.run(D(2027, 2, 21)) == []
    assert {r.due_on for r in services.run(D(2027, 2, 25))} == {D(2027, 2, 25)}
    assert OutgoingMail.objects.filter(kind="reminder").exists()
    with translation.override("en"):
        assert client.get("/organizations/esimerkkikunta/reminders/").status_code == 200
