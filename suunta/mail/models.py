"""Outgoing mail: every message Suunta sends is a row here first, delivered by a task.

A mail is queued in the same transaction as the change it tells about, so no mail
leaves for a change that was rolled back, and an unreachable SMTP server never turns
a saved change into an error page. The row stores no secret: links with tokens
(invitations, password resets) are made when the mail is delivered.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MailKind(models.TextChoices):
    INVITATION = "invitation", _("Invitation")
    PASSWORD_RESET = "password_reset", _("Password reset")
    REMINDER = "reminder", _("Reminder")
    REMINDER_DIGEST = "reminder_digest", _("Weekly digest of reminders")


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class OutgoingMail(models.Model):
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    kind = models.CharField(_("kind"), max_length=32, choices=MailKind.choices)
    to = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=8, default="fi")
    # The address the links in the mail point to (the service as its user reached it).
    base_url = models.CharField(_("service address"), max_length=200)
    # The organization the mail is about (invitations, reminders): its mail leaves and
    # comes back with it (suunta/infomgmt/transfer.py finds a model's organization by its
    # first foreign key that leads there, so this one comes before the invitation).
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    invitation = models.ForeignKey(
        "organizations.Invitation", on_delete=models.CASCADE, null=True, blank=True, related_name="mails"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to} ({self.get_status_display()})"
