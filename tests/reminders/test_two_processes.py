"""Two cron runs of `send_reminders` on two servers at the same moment, on a real
database (tests/served.py: a SQLite file with WAL, or PostgreSQL), then the tasks worker
as a real process delivering to a real SMTP server: each reminder once (issue 25)."""

import socket
import time

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import _Inbox


def _wait(condition, what: str, served, timeout: float = 40):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        served.check()
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} did not happen in {timeout} s:\n{served.output('manage.py run_worker')[-3000:]}")


def test_two_processes_at_once_send_each_reminder_once_and_the_worker_delivers(served):
    """Two cron runs on two servers at the same moment, on the real database (SQLite
    file with WAL or PostgreSQL): the unique key lets one of them write each reminder."""
    day = served.scalar(
        "SELECT c.window_start FROM agreements_checkpoint c JOIN agreements_planversion v ON v.id = c.version_id"
        " WHERE v.status = 'approved' ORDER BY c.window_start DESC LIMIT 1"
    )
    day = day if isinstance(day, str) else day.isoformat()
    first = served.start("manage.py", "send_reminders", "--today", day, name="cron 1")
    second = served.start("manage.py", "send_reminders", "--today", day, name="cron 2")
    assert first.wait() == 0 and second.wait() == 0, served.output("cron 1") + served.output("cron 2")
    lines = served.output("cron 1").splitlines() + served.output("cron 2").splitlines()
    lines = [line for line in lines if line.strip()]
    rows = served.sql("SELECT user_id, kind, object_key, due_on FROM reminders_reminder")
    assert lines and len(lines) == len(set(lines)) == len(rows)  # each printed once, by one of them
    mails = served.scalar("SELECT count(*) FROM mail_outgoingmail WHERE kind = 'reminder'")
    assert mails == len(rows)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        served.start(
            "manage.py", "run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1",
            env={"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)},
        )  # fmt: skip
        _wait(lambda: len(inbox.messages) >= mails, "delivering the reminders", served)
        time.sleep(0.5)
        recipients = [m["X-Envelope-To"] for m in inbox.messages]
        assert len(recipients) == len(set(recipients)) == mails
        assert all(r.endswith(".example") for r in recipients)
    finally:
        smtp.stop()
