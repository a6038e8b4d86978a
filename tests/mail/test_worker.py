"""The whole way of a mail: a real server process queues it, a real worker process
(`manage.py run_worker`, as `make run` starts it) delivers it to a real SMTP server,
and tries again while that server is stopped (issue 14, finding 5)."""

import re
import socket
import time

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import _Inbox

INVITE = "/organizations/esimerkkikunta/members/invite/"
MEMBERS = "/organizations/esimerkkikunta/members/"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(served, condition, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        served.check()  # a worker that died fails the test with its output
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"{what} did not happen in {timeout} s:\n{served.output('manage.py run_worker')[-4000:]}")


def mail_state(served):
    return served.sql("SELECT status, attempts, last_error FROM mail_outgoingmail ORDER BY id")


def test_a_worker_process_delivers_tries_again_and_the_admin_resends(served):
    port = free_port()  # nothing listens here yet: the mail server is down
    served.start(
        "manage.py",
        "run_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.1",
        env={"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "SUUNTA_MAIL_RETRY_DELAYS": "1,1"},
    )
    admin = served.login("paakayttaja")
    form = admin.get(INVITE)
    response = admin.post(
        INVITE,
        {
            "csrfmiddlewaretoken": admin.cookie("csrftoken"),
            **form.hidden_fields(""),
            "first_name": "Ville",
            "last_name": "Uusitalo",
            "email": "ville@esimerkkikunta.fi",
            "language": "fi",
            "role": "board_member",
            "valid_from": "2026-12-01",
        },
    )
    assert response.status == 302, response.page_text[:3000]  # saved although no mail can leave

    # Three attempts a second apart, then failed with the mail server's answer.
    wait_for(served, lambda: mail_state(served)[0][0] == "failed", "giving up on the mail")
    ((_status, attempts, error),) = mail_state(served)
    assert attempts == 3
    assert "ConnectionRefusedError" in error
    listing = admin.get(MEMBERS).page_text
    assert "epäonnistui: ConnectionRefusedError" in listing

    inbox = _Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        invitation = served.scalar("SELECT id FROM organizations_invitation")
        resend = admin.post(
            f"/organizations/esimerkkikunta/invitations/{invitation}/resend/",
            {"csrfmiddlewaretoken": admin.cookie("csrftoken")},
        )
        assert resend.status == 302
        wait_for(served, lambda: inbox.messages, "the mail's delivery")
        # The worker marks the mail sent after the server has taken it: wait for the commit.
        wait_for(served, lambda: mail_state(served)[0][0] == "sent", "the mail marked sent")
        time.sleep(1.5)  # the worker goes on polling: a delivered mail never leaves again
        assert len(inbox.messages) == 1
        assert inbox.messages[0]["X-Envelope-To"] == "ville@esimerkkikunta.fi"
        link = re.search(r"https?://[^/\s]+(/invitations/\S+/)", inbox.body()).group(1)
    finally:
        smtp.stop()
    assert "lähetetty" in admin.get(MEMBERS).page_text

    # The person accepts with a new account through the same server.
    visitor = served.browser()
    page = visitor.get(link)
    assert page.status == 200
    accepted = visitor.post(
        link,
        {
            **page.hidden_fields(""),
            "username": "ville",
            "password1": "Ville-salasana-88",
            "password2": "Ville-salasana-88",
        },
    )
    assert accepted.status == 302, accepted.page_text[:3000]
    assert (
        served.scalar(
            "SELECT count(*) FROM organizations_membership m JOIN accounts_user u ON u.id = m.user_id "
            "WHERE u.username = 'ville' AND m.role = 'board_member'"
        )
        == 1
    )
