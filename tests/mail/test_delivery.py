"""Mail leaves through a task: a mail server that is down never turns a saved change
into an error page, a failed mail is tried again and then shown as failed with its
reason, and a delivered mail is never sent twice. A real SMTP server (aiosmtpd) on a
port that is first closed, then open."""

import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext, override
from django_tasks_db.models import DBTaskResult

from suunta.lib.clock import now
from suunta.mail import services
from suunta.mail.models import OutgoingMail
from suunta.organizations.models import Invitation
from tests.conftest import _Inbox
from tests.helpers import fi

from .common import deliver_queued

INVITE = reverse("member_invite", args=["esimerkkikunta"])
MEMBERS = reverse("member_list", args=["esimerkkikunta"])
INVITATION = {
    "first_name": "Ville",
    "last_name": "Uusitalo",
    "email": "ville@esimerkkikunta.fi",
    "language": "sv",
    "role": "board_member",
    "title": "",
    "valid_from": "2026-06-01",
    "valid_to": "",
    "basis": "",
}


@pytest.fixture
def closed_port(settings):
    """A local port where no mail server listens (yet): connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.MAIL_RETRY_DELAYS = [60, 300]
    return port


def test_with_the_mail_server_down_the_invitation_is_saved_and_shown_as_failed_then_resent(demo, closed_port):
    admin = demo.client("paakayttaja")
    response = admin.post(INVITE, INVITATION)
    assert response.status_code == 302  # saved; the mail is queued, not sent in the request
    assert Invitation.objects.count() == 1
    mail = OutgoingMail.objects.get()
    assert (mail.status, mail.to, mail.language) == ("queued", "ville@esimerkkikunta.fi", "sv")
    assert DBTaskResult.objects.filter(task_path="suunta.mail.tasks.deliver").count() == 1

    # First attempt: refused, tried again after the first delay.
    assert deliver_queued() == ["queued"]
    mail.refresh_from_db()
    assert mail.attempts == 1
    assert "ConnectionRefusedError" in mail.last_error
    assert 59 <= (mail.next_attempt_at - now()).total_seconds() <= 60
    retry = (
        DBTaskResult.objects.filter(task_path="suunta.mail.tasks.deliver").order_by("-enqueued_at").first()
    )
    assert retry.run_after == mail.next_attempt_at
    listing = admin.get(MEMBERS).content.decode()
    assert "ConnectionRefusedError" in listing
    assert fi("Send again") not in listing  # still trying by itself

    # Out of attempts: failed, with the reason, and a resend button.
    assert deliver_queued() == ["queued"]
    assert deliver_queued() == ["failed"]
    assert deliver_queued() == []  # a failed mail is not tried again by itself
    listing = admin.get(MEMBERS).content.decode()
    assert fi("failed: %(reason)s", reason="ConnectionRefusedError")[:30] in listing
    assert fi("Send again") in listing

    # The mail server is back; the admin resends and the mail leaves once.
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=closed_port)
    controller.start()
    try:
        invitation = Invitation.objects.get()
        resend = admin.post(reverse("invitation_resend", args=["esimerkkikunta", invitation.pk]))
        assert resend.status_code == 302
        assert deliver_queued() == ["sent"]
        assert len(inbox.messages) == 1
        # In Swedish, as the admin chose for the invitation.
        assert "Exempelkommun" in inbox.body()
        with override("sv"):
            assert gettext("Board member") in inbox.body()
        mail.refresh_from_db()
        assert mail.status == "sent"
        # Delivered: never sent again, whatever runs the task again.
        assert services.deliver(mail.pk) == "sent"
        assert deliver_queued() == []
        assert len(inbox.messages) == 1
    finally:
        controller.stop()
    assert fi("sent") in admin.get(MEMBERS).content.decode()


def test_a_password_reset_with_the_mail_server_down_is_no_error_page(demo, closed_port):
    user = demo.user("pormestari")
    user.email = "aino@esimerkkikunta.fi"
    user.save()
    response = Client().post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert deliver_queued() == ["queued"]
    assert "ConnectionRefusedError" in OutgoingMail.objects.get().last_error


def test_a_rolled_back_change_sends_no_mail(demo, closed_port):
    """The mail and its task commit with the change, or not at all."""
    response = demo.client("paakayttaja").post(INVITE, {**INVITATION, "valid_to": "2020-01-01"})
    assert response.status_code == 200
    assert not OutgoingMail.objects.exists()
    assert not DBTaskResult.objects.exists()
