"""Delivering the queued mail in a test: the mail task's body, as the worker runs it.

The worker process itself (manage.py run_worker, a real SMTP server started and
stopped) is tested in tests/mail/test_worker.py; the other tests call the task's body
directly so they stay fast."""

from suunta.mail import services
from suunta.mail.models import MailStatus, OutgoingMail


def deliver_queued() -> list[str]:
    """Deliver every queued mail once; returns their statuses afterwards."""
    queued = OutgoingMail.objects.filter(status=MailStatus.QUEUED).order_by("id").values_list("pk", flat=True)
    return [services.deliver(pk) for pk in list(queued)]
