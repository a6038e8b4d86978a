"""Reminders end to end: cron's `send_reminders` on a real database, the tasks worker
as a real process delivering to a real SMTP server, then in the browser the preparer's
log of what was sent and a recipient's one-click stop from the mail (issue 25)."""

import re
import socket
import time

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from tests.conftest import _Inbox
from tests.reminders.common import parts

from .browser import assert_accessible, login


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_worker_delivers_the_days_reminders_and_the_preparer_sees_them(served, page):
    served.serve()
    port = _free_port()
    inbox = _Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        served.start(
            "manage.py", "run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1",
            env={"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "SUUNTA_SITE_URL": served.url},
        )  # fmt: skip
        # The day the latest approved follow-up window opens.
        day = str(
            served.scalar(
                "SELECT c.window_start FROM agreements_checkpoint c JOIN agreements_planversion v"
                " ON v.id = c.version_id WHERE v.status = 'approved' ORDER BY c.window_start DESC LIMIT 1"
            )
        )[:10]
        lines = served.run("manage.py", "send_reminders", "--today", day, env={"SUUNTA_SITE_URL": served.url})
        printed = [line for line in lines.stdout.splitlines() if line.strip()]
        assert printed
        deadline = time.monotonic() + 30
        while len(inbox.messages) < len(printed) and time.monotonic() < deadline:
            served.check()
            time.sleep(0.1)
        assert len(inbox.messages) == len(printed), served.output("manage.py run_worker")[-3000:]
    finally:
        smtp.stop()

    # The preparer's log: every reminder sent, nothing failed.
    login(page, served.url, "valmistelija")
    page.goto(f"{served.url}/organizations/esimerkkikunta/")
    page.locator("main a[href$='/reminders/']").click()
    rows = page.locator("main table tbody tr")
    expect(rows.first).to_be_visible()
    sent_in_esimerkki = served.scalar(
        "SELECT count(*) FROM reminders_reminder r JOIN organizations_organization o ON o.id = r.organization_id"
        " WHERE o.slug = 'esimerkkikunta'"
    )
    expect(rows).to_have_count(sent_in_esimerkki)
    assert (
        page.locator("main table tbody td:last-child").all_inner_texts() == ["lähetetty"] * sent_in_esimerkki
    )
    assert_accessible(page, "reminders-log")

    # A recipient stops the kind from the mail's link, without logging in.
    context = page.context
    context.clear_cookies()
    text, _html = parts(inbox.messages[0])
    stop = re.search(r"(http://\S+/reminders/stop/\S+/)", text).group(1)
    assert stop.startswith(served.url)
    page.goto(stop)
    assert_accessible(page, "reminders-stop")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main h1")).to_be_visible()
    user = inbox.messages[0]["X-Envelope-To"].split("@")[0]
    kinds_off = served.scalar(
        "SELECT p.kinds_off FROM reminders_reminderpreference p JOIN accounts_user u ON u.id = p.user_id"
        " WHERE u.username = %s",
        (user,),
    )
    assert "window_opens" in str(kinds_off)


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="fi-FI", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context
    context.close()
