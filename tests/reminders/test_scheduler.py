"""The scheduler sends each reminder once: run twice, run by cron in two processes at
the same moment (a real database, tests/served.py), and the command's output; bad input
(issue 25)."""

import asyncio
import datetime as dt
import io
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command

from suunta.mail.models import OutgoingMail
from suunta.reminders import periodic, schedule, services
from suunta.reminders.models import Reminder, ReminderState
from suunta.site.worker import Heartbeat
from tests.conftest import _Inbox
from tests.mail.common import deliver_queued

D = dt.date
OPENS = D(2027, 1, 1)  # the chief's and Pikkujärvi's January follow-ups open
LINES = {
    "kansliapaallikko window_opens checkpoint:{chief}:2",
    "pormestari window_opens checkpoint:{chief}:2",
    "apulaispormestari window_opens checkpoint:{chief}:2",
    "valtuuston-pj window_opens checkpoint:{chief}:2",
    "pikku-johtaja window_opens checkpoint:{pikku}:2",
    "pikku-kh-pj window_opens checkpoint:{pikku}:2",
    "pikku-kh-vpj window_opens checkpoint:{pikku}:2",
    "pikku-kv-pj window_opens checkpoint:{pikku}:2",
}


def expected_lines(demo) -> set[str]:
    pikku = Reminder._meta.apps.get_model("agreements", "GoalPlan").objects.get(
        title="Kunnanjohtajan tavoitteet 2026"
    )
    return {line.format(chief=demo.current.pk, pikku=pikku.pk) for line in LINES}


def command(*args) -> list[str]:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return [line for line in out.getvalue().splitlines() if line]


def test_the_command_prints_each_reminder_once_and_sync_delivers(demo, smtp_server):
    assert set(command("--today", "2027-01-01")) == expected_lines(demo)
    assert command("--today", "2027-01-01") == []  # the second run: nothing
    assert command("--today", "2027-01-01", "--sync") == []
    assert OutgoingMail.objects.filter(kind="reminder", status="queued").count() == 8
    assert smtp_server.messages == []  # without --sync the worker delivers

    # --sync delivers in the process: the "about to close" a week before 31.1.
    lines = command("--today", "2027-01-24", "--sync")
    assert set(lines) == {
        f"{u} window_closes {line.split()[2]}"
        for line in expected_lines(demo)
        if "pikku" in line
        for u in [line.split()[0]]
    }
    assert sorted(m["X-Envelope-To"] for m in smtp_server.messages) == sorted(
        f"{u}@pikkujarvi.example" for u in ("pikku-johtaja", "pikku-kh-pj", "pikku-kh-vpj", "pikku-kv-pj")
    )


def test_the_clocks_today_is_the_default_and_a_bad_date_is_refused(demo, fixed_today):
    fixed_today.move_to(dt.datetime(2027, 1, 1, 6, 0, tzinfo=dt.UTC))
    assert set(command()) == expected_lines(demo)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        command("--today", "1.1.2027")


def test_a_user_without_an_address_and_a_mail_server_that_is_down(demo, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.MAIL_RETRY_DELAYS = [60]
    nobody = demo.user("pikku-kv-pj")
    nobody.email = ""
    nobody.save()
    written = services.run(OPENS)
    assert len(written) == 8
    assert Reminder.objects.get(user=nobody).state == ReminderState.NO_ADDRESS
    assert Reminder.objects.get(user=nobody).mail is None
    # Refused, then tried again once, then failed: no crash, and never sent twice.
    assert set(deliver_queued()) == {"queued"}
    assert set(deliver_queued()) == {"failed"}
    assert deliver_queued() == []
    assert services.run(OPENS) == []
    failed = OutgoingMail.objects.filter(kind="reminder")
    assert failed.count() == 7 and {m.status for m in failed} == {"failed"}
    assert all("ConnectionRefusedError" in m.last_error for m in failed)


def test_the_weekly_digest_goes_once_in_the_recipients_language(demo, smtp_server):
    deputy = demo.user("apulaispormestari")
    deputy.preferred_language = "sv"
    deputy.save()
    services.save_preferences(deputy, kinds_off=[], digest=True)
    friday = D(2027, 1, 1)
    assert [(r.kind, r.state) for r in services.run(friday) if r.user_id == deputy.pk] == [
        ("window_opens", ReminderState.WAITING)
    ]
    monday = D(2027, 1, 4)
    first = [r for r in services.run(monday) if r.user_id == deputy.pk]
    assert [(r.kind, r.object_key) for r in first] == [("digest", "week:2027-01-04")]
    assert services.run(monday) == []  # the same Monday again: nothing
    deliver_queued()
    (mail,) = [
        m for m in smtp_server.messages if m["X-Envelope-To"] == "apulaispormestari@esimerkkikunta.example"
    ]
    assert mail["X-Suunta-Reminder"] == "digest"
    assert OutgoingMail.objects.get(to="apulaispormestari@esimerkkikunta.example").language == "sv"
    html = mail.get_payload(1).get_payload(decode=True).decode()
    assert '<html lang="sv">' in html
    assert Reminder.objects.get(user=deputy, kind="window_opens").state == ReminderState.IN_DIGEST


def test_the_worker_runs_the_days_reminders_once_after_the_hour_when_asked(
    demo, settings, fixed_today, monkeypatch
):
    # The beat closes the thread's connection when done: here that is the test's own
    # (PostgreSQL would lose the test's transaction), so it stays open.
    monkeypatch.setattr("suunta.site.worker.close_old_connections", lambda: None)
    heartbeat = Heartbeat("test-worker")
    fixed_today.move_to(dt.datetime(2027, 1, 1, 8, 0, tzinfo=dt.UTC))  # 10.00 in Helsinki
    heartbeat.beat_once()
    assert not Reminder.objects.exists()  # off unless an hour is set
    settings.REMINDER_HOUR = 11
    heartbeat.beat_once()
    assert not Reminder.objects.exists()  # not yet
    fixed_today.move_to(dt.datetime(2027, 1, 1, 9, 30, tzinfo=dt.UTC))
    heartbeat.beat_once()
    assert Reminder.objects.count() == 8
    assert periodic.maybe_run() is None  # once a day in this process
    periodic._done.clear()  # another worker (or a restart) the same day: nothing new
    assert periodic.maybe_run() == []


class _Bouncing(_Inbox):
    """A mail server that refuses one address (550) and is slow to take the rest."""

    def __init__(self, refused: str, delay: float = 0):
        super().__init__()
        self.refused, self.delay = refused, delay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # aiosmtpd's hook name
        if address == self.refused:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def bouncing(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Bouncing("pormestari@esimerkkikunta.example")
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.MAIL_RETRY_DELAYS = [60]
    try:
        yield inbox
    finally:
        controller.stop()


def test_an_address_that_bounces_and_a_slow_mail_server(demo, bouncing, settings):
    services.run(OPENS)
    assert set(deliver_queued()) == {"sent", "queued"}
    mayor = OutgoingMail.objects.get(to="pormestari@esimerkkikunta.example")
    assert mayor.status == "queued" and "SMTPRecipientsRefused" in mayor.last_error
    assert deliver_queued() == ["failed"]
    assert len(bouncing.messages) == 7  # the others, once each
    # Slower than the timeout: queued again with the reason (the server may have kept a
    # copy after all: delivery is at least once, docs/operations.md), then sent.
    bouncing.delay, settings.EMAIL_TIMEOUT = 1.5, 0.5
    services.run(D(2027, 2, 21))
    statuses = deliver_queued()
    assert statuses and set(statuses) == {"queued"}
    slow = OutgoingMail.objects.filter(status="queued").exclude(to="pormestari@esimerkkikunta.example")
    assert slow.count() == 3 and all("timed out" in m.last_error for m in slow)
    bouncing.delay = 0
    assert "sent" in set(deliver_queued())


def test_finding_what_is_due_reads_a_bounded_number_of_queries(demo, django_assert_max_num_queries):
    # Memberships, checkpoints, follow-ups, goals, assessments, settings, participants,
    # surveys (with their recipients) and answers: at most these, however many plans.
    for day in (D(2026, 11, 27), OPENS, D(2027, 2, 27), D(2027, 6, 1)):
        with django_assert_max_num_queries(10):
            schedule.due(day)


def test_a_deactivated_account_gets_no_reminders(demo):
    mayor = demo.user("pormestari")
    mayor.is_active = False
    mayor.save()
    written = services.run(OPENS)
    assert len(written) == 7 and mayor.pk not in {r.user_id for r in written}
