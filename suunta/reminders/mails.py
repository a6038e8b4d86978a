"""The reminder mails, built when they leave (suunta/mail delivers them).

What a mail says comes from the objects' public parts only: the plan's title, the
checkpoint's label and dates, a discussion's date and the executive's position. Never
an assessment, a rating, a memo or a survey answer: those stay behind the link, where
the policies decide who reads them.
"""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from .models import Reminder, ReminderKind
from .services import stop_token


def _date(day) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def describe(reminder: Reminder) -> tuple[str, str]:
    """(sentence, link path) for one reminder, in the active language."""
    kind = reminder.kind
    if reminder.discussion_id:
        discussion = reminder.discussion
        held = {"date": _date(discussion.held_on), "position": discussion.agreement.display_genitive}
        if kind == ReminderKind.SURVEY:
            survey = discussion.survey
            text = _(
                "You are asked for your views before the discussion of %(position)s goals on %(date)s. "
                "Answers by %(closes)s."
            ) % {**held, "closes": _date(survey.closes_on)}
            return text, reverse("survey_answer", args=[survey.pk])
        text = (
            _("The memo of the discussion of %(position)s goals on %(date)s waits for your confirmation.")
            % held
        )
        return text, reverse("discussion_detail", args=[discussion.pk])
    plan, checkpoint = reminder.plan, reminder.checkpoint
    if checkpoint is None:  # the plan was amended since: its page shows the follow-ups
        return _("Follow-ups of the plan %(plan)s.") % {"plan": plan.display_title}, reverse(
            "plan_detail", args=[plan.pk]
        )
    values = {
        "label": checkpoint.display_label,
        "plan": plan.display_title,
        "start": _date(checkpoint.window_start),
        "end": _date(checkpoint.window_end),
    }
    texts = {
        ReminderKind.WINDOW_OPENS: _(
            "Follow-up %(label)s of the plan %(plan)s is open from %(start)s until %(end)s."
        ),
        ReminderKind.WINDOW_CLOSES: _(
            "Follow-up %(label)s of the plan %(plan)s closes on %(end)s and your part is not done yet."
        ),
        ReminderKind.VIEWS_TURN: _(
            "The self-assessment for follow-up %(label)s of the plan %(plan)s is in: write your view by %(end)s."
        ),
        ReminderKind.AGREE_TURN: _(
            "Every view for follow-up %(label)s of the plan %(plan)s is in: agree on it in the meeting "
            "and record it."
        ),
        ReminderKind.REPORT_TURN: _(
            "Follow-up %(label)s of the plan %(plan)s is agreed: report it to the board."
        ),
    }
    return texts[kind] % values, reverse("followup", args=[plan.pk, checkpoint.pk])


def _load(mail):
    return (
        mail.reminders.select_related(
            "plan", "checkpoint", "discussion__agreement", "discussion__survey", "user"
        )
        .order_by("pk")
        .first()
    )


def _common(mail, reminder, kind: str) -> tuple[dict, dict]:
    stop = mail.base_url + reverse("reminder_stop", args=[stop_token(reminder.user_id, kind)])
    context = {
        "user": reminder.user,
        "preferences": mail.base_url + reverse("reminder_preferences"),
        "stop": stop,
    }
    # RFC 2369 and RFC 8058: a mail program's own "unsubscribe" posts to the stop link.
    headers = {"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return context, headers


def single(mail):
    reminder = _load(mail)
    text, path = describe(reminder)
    context, headers = _common(mail, reminder, reminder.kind)
    context |= {"text": text, "link": mail.base_url + path, "kind": reminder.get_kind_display()}
    headers["X-Suunta-Reminder"] = reminder.kind  # for the recipient's mail filters
    subject = _("Suunta reminder: %(kind)s") % {"kind": reminder.get_kind_display()}
    return subject, "reminder", context, headers


def digest(mail):
    digest_row = _load(mail)
    items = []
    for item in digest_row.items.select_related(
        "plan", "checkpoint", "discussion__agreement", "discussion__survey"
    ).order_by("due_on", "pk"):
        text, path = describe(item)
        stop = mail.base_url + reverse("reminder_stop", args=[stop_token(item.user_id, item.kind)])
        items.append({"text": text, "link": mail.base_url + path, "stop": stop})
    context, headers = _common(mail, digest_row, ReminderKind.DIGEST)
    # Each item has its kind's stop link; the digest itself is a way of receiving, changed
    # on the settings page (no List-Unsubscribe: one click would only bring single mails).
    headers = {"X-Suunta-Reminder": ReminderKind.DIGEST}
    context |= {"items": items}
    return _("Suunta: your week's reminders"), "reminder_digest", context, headers
