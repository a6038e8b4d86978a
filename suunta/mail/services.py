"""Queueing and delivering mail: the only code that sends it.

`queue_*` write an OutgoingMail row and enqueue its delivery task in the caller's
transaction, so nothing leaves for a change that was rolled back. `deliver` (the task)
claims the row, makes the message (links with fresh tokens) and sends it over SMTP; a
failure is tried again after settings.MAIL_RETRY_DELAYS, then the row is marked failed
with its reason, for the admin to see and resend. A delivered mail is never sent again.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from suunta.lib.clock import now

from . import messages
from .models import MailKind, MailStatus, OutgoingMail
from .tasks import deliver as deliver_task

logger = logging.getLogger(__name__)
ERROR_MAX = 500


def queue(kind: str, *, to: str, base_url: str, language: str, **refs) -> OutgoingMail:
    """Store a mail and enqueue its delivery, inside the caller's transaction."""
    mail = OutgoingMail.objects.create(kind=kind, to=to, base_url=base_url, language=language, **refs)
    _enqueue(mail)
    return mail


def queue_invitation(invitation, *, base_url: str, language: str) -> OutgoingMail:
    return queue(
        MailKind.INVITATION,
        to=invitation.email,
        base_url=base_url,
        language=language,
        invitation=invitation,
        organization_id=invitation.organization_id,
    )


def queue_password_reset(user, *, to: str, base_url: str, language: str) -> OutgoingMail:
    return queue(MailKind.PASSWORD_RESET, to=to, base_url=base_url, language=language, user=user)


def _enqueue(mail: OutgoingMail, delay: int = 0) -> None:
    task = deliver_task
    if delay:
        mail.next_attempt_at = now() + dt.timedelta(seconds=delay)
        mail.save(update_fields=["next_attempt_at", "updated_at"])
        task = task.using(run_after=mail.next_attempt_at)
    task.enqueue(mail.pk)


@transaction.atomic
def retry(mail: OutgoingMail) -> OutgoingMail:
    """Send a failed mail again (the admin's "resend"). A queued mail is on its way and
    a sent one is never sent twice."""
    mail = OutgoingMail.objects.select_for_update().get(pk=mail.pk)
    if not can_retry(mail):
        raise ValueError(f"Only a failed mail is sent again, not a {mail.status} one.")
    mail.status = MailStatus.QUEUED
    mail.attempts = 0
    mail.next_attempt_at = None
    mail.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
    _enqueue(mail)
    return mail


# A worker that died in the middle of a delivery leaves its mail "being sent".
STALE_SENDING = dt.timedelta(minutes=10)


def can_retry(mail: OutgoingMail) -> bool:
    """A failed mail, or one a dead worker left half-sent, may be sent again."""
    return mail.status == MailStatus.FAILED or (
        mail.status == MailStatus.SENDING and mail.updated_at < now() - STALE_SENDING
    )


def interrupted(mail_id: int) -> None:
    """The worker delivering this mail died (suunta/site/worker.py): its task runs again.
    A mail left "being sent" is queued again, so that run sends it; one already sent is
    left alone (never twice). Runs in the transaction that hands the task back."""
    mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
    if mail is not None and mail.status == MailStatus.SENDING:
        mail.status = MailStatus.QUEUED
        mail.last_error = "Interrupted: the worker stopped while sending."
        mail.save(update_fields=["status", "last_error", "updated_at"])


def deliver(mail_id: int) -> str:
    """Send one queued mail. Returns its status afterwards."""
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().filter(pk=mail_id).first()
        if mail is None or mail.status != MailStatus.QUEUED:
            # Sent already (never twice), failed for good, or being sent by another worker.
            return mail.status if mail else "missing"
        mail.status = MailStatus.SENDING
        mail.attempts += 1
        mail.save(update_fields=["status", "attempts", "updated_at"])
        # The message's links are made now, in this transaction (invitation tokens are
        # stored as hashes): no secret waits in the queue.
        message = messages.build(mail)
    # The SMTP conversation happens outside any transaction: it may take seconds and
    # must not hold the database (SQLite has one writer).
    try:
        message.send()
    except Exception as error:  # any failure of the mail server or the network
        return _failed(mail, error)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=MailStatus.SENT, sent_at=now(), last_error="", next_attempt_at=None, updated_at=now()
    )
    return MailStatus.SENT


def _failed(mail: OutgoingMail, error: Exception) -> str:
    reason = f"{type(error).__name__}: {error}"[:ERROR_MAX]
    logger.warning("Mail %s to %s failed (attempt %s): %s", mail.pk, mail.to, mail.attempts, reason)
    delays = settings.MAIL_RETRY_DELAYS
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().get(pk=mail.pk)
        mail.last_error = reason
        if mail.attempts <= len(delays):
            mail.status = MailStatus.QUEUED
            mail.save(update_fields=["status", "last_error", "updated_at"])
            _enqueue(mail, delay=delays[mail.attempts - 1])
        else:
            mail.status = MailStatus.FAILED
            mail.next_attempt_at = None
            mail.save(update_fields=["status", "last_error", "next_attempt_at", "updated_at"])
    return mail.status


def is_failing(mail: OutgoingMail) -> bool:
    """Failed for good, or queued again after a failed attempt (a delivered mail has an
    attempt too: attempts alone do not tell)."""
    return mail.status == MailStatus.FAILED or (mail.status == MailStatus.QUEUED and mail.attempts > 0)


def status_text(mail: OutgoingMail | None) -> str:
    """The mail's state as the member list says it."""
    if mail is None:
        return _("no mail")
    if mail.status == MailStatus.QUEUED and mail.attempts:
        return _("queued: trying again (attempt %(n)d failed: %(reason)s)") % {
            "n": mail.attempts,
            "reason": mail.last_error,
        }
    if mail.status == MailStatus.FAILED:
        return _("failed: %(reason)s") % {"reason": mail.last_error}
    return mail.get_status_display()
