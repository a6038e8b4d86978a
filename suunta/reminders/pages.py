"""What the reminder pages show, in a fixed number of queries."""

from django.db.models import Exists, OuterRef
from django.utils import formats

from suunta.mail.services import can_retry, is_failing, status_text
from suunta.organizations.models import Membership

from .models import Reminder, ReminderState

LOG_ROWS = 300


def log(organization) -> list[Reminder]:
    """The organization's reminders, newest first, each with its mail's state: who got
    what and when, what failed. One query."""
    rows = list(log_rows(organization).order_by("-created_at", "-id")[:LOG_ROWS])
    for row in rows:
        row.about = about(row)
        if row.state == ReminderState.MAILED:
            row.delivery = status_text(row.mail)
            row.failed = row.mail is not None and is_failing(row.mail)
            row.can_resend = row.mail is not None and can_retry(row.mail)
        else:
            row.delivery = row.get_state_display()
            row.failed = row.state == ReminderState.NO_ADDRESS
    return rows


def log_rows(organization):
    """The organization's reminders to its own people (a reminder of someone whose roles
    there have all been removed is hidden with them)."""
    return (
        Reminder.objects.filter(organization=organization)
        .filter(Exists(Membership.objects.filter(organization=organization, user=OuterRef("user"))))
        .select_related("user", "mail", "plan", "checkpoint", "discussion__agreement")
    )


def about(row: Reminder) -> str:
    """The object, in a few words: a plan and checkpoint or a discussion's date."""
    if row.discussion_id:
        discussion = row.discussion
        return f"{discussion.agreement.display_genitive}: {formats.date_format(discussion.held_on, 'SHORT_DATE_FORMAT')}"
    if row.plan_id:
        label = row.checkpoint.display_label if row.checkpoint_id else ""
        return f"{row.plan.display_title} {label}".strip()
    return ""
