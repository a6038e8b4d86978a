"""Reminders: one row per (recipient, kind, object, due date), written once.

The unique constraint is the scheduler's idempotence: a second run, or a run on another
server at the same moment, meets the row the first wrote (IntegrityError) and sends
nothing. A row holds no text of its own: the mail is made from the objects it points to
when it leaves, in the recipient's language, and never carries a restricted text, a
rating or an assessment.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from suunta.lib.models import TimestampedModel


class ReminderKind(models.TextChoices):
    WINDOW_OPENS = "window_opens", _("A follow-up opens")
    WINDOW_CLOSES = "window_closes", _("A follow-up is about to close")
    VIEWS_TURN = "views_turn", _("The evaluators' turn: the self-assessment is in")
    AGREE_TURN = "agree_turn", _("Every view is in: agree in the meeting")
    REPORT_TURN = "report_turn", _("A follow-up is agreed: report it to the board")
    CONFIRM_MEMO = "confirm_memo", _("A discussion memo waits for your confirmation")
    SURVEY = "survey", _("You are asked for views before a discussion")
    DIGEST = "digest", _("Weekly digest")


# The kinds a person may turn off (the digest is a way of receiving, not a kind).
CHOOSABLE = [k for k in ReminderKind if k != ReminderKind.DIGEST]


class ReminderState(models.TextChoices):
    MAILED = "mailed", _("mail queued")
    WAITING = "waiting", _("waiting for the weekly digest")
    IN_DIGEST = "in_digest", _("sent in the weekly digest")
    NO_ADDRESS = "no_address", _("not sent: no e-mail address")


def default_days() -> list[int]:
    return [7, 1]


class OrganizationReminderSettings(TimestampedModel):
    """An organization's defaults; each person may choose otherwise."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, related_name="reminder_settings"
    )
    days_before = models.JSONField(_("days before a follow-up closes"), default=default_days)
    kinds_off = models.JSONField(_("reminders off by default"), default=list, blank=True)
    digest = models.BooleanField(_("weekly digest instead of single mails"), default=False)

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")


class ReminderPreference(TimestampedModel):
    """A person's own choices (None: the organization's default) and the secret of the
    personal calendar feed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    kinds_off = models.JSONField(_("reminders turned off"), null=True, blank=True)
    digest = models.BooleanField(_("weekly digest instead of single mails"), null=True, blank=True)
    # The calendar feed's secret: shown to its owner, replaced by "renew".
    feed_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")


class Reminder(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    # What it is about, stable across a plan's amendments: "checkpoint:<plan>:<order>",
    # "discussion:<id>", "survey:<id>", "week:<monday>".
    object_key = models.CharField(max_length=80)
    due_on = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=12, choices=ReminderState.choices)
    plan = models.ForeignKey("agreements.GoalPlan", on_delete=models.CASCADE, null=True, related_name="+")
    checkpoint = models.ForeignKey(
        "agreements.Checkpoint", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    discussion = models.ForeignKey(
        "discussions.Discussion", on_delete=models.CASCADE, null=True, related_name="+"
    )
    mail = models.ForeignKey(
        "mail.OutgoingMail", on_delete=models.SET_NULL, null=True, blank=True, related_name="reminders"
    )
    # A reminder waiting for the weekly digest points to the digest that carried it.
    digest = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="items")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "object_key", "due_on"], name="reminder_once"),
        ]
        indexes = [
            models.Index(fields=["organization", "-created_at"]),
            models.Index(fields=["user", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.object_key} {self.due_on}"
