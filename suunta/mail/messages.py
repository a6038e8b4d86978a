"""The messages themselves: plain text and HTML, in the recipient's language, with a
direct link and nothing confidential."""

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from suunta.lib.clock import now

from .models import MailKind, OutgoingMail

# Other apps' messages (suunta/reminders registers its own in AppConfig.ready): kind ->
# a function of the mail returning (subject, template, context, extra headers).
BUILDERS: dict[str, Callable] = {}


def register(kind: str, builder: Callable) -> None:
    BUILDERS[kind] = builder


def build(mail: OutgoingMail) -> EmailMultiAlternatives:
    """The message for a mail, with fresh links. Runs inside the delivery's transaction."""
    headers = {}
    with translation.override(mail.language):
        if mail.kind == MailKind.INVITATION:
            subject, template, context = _invitation(mail)
        elif mail.kind == MailKind.PASSWORD_RESET:
            subject, template, context = _password_reset(mail)
        elif mail.kind in BUILDERS:
            subject, template, context, headers = BUILDERS[mail.kind](mail)
        else:
            raise ValueError(f"Unknown mail kind {mail.kind!r}")
        context = {**context, "language": mail.language}
        text = render_to_string(f"mail/{template}.txt", context)
        html = render_to_string(f"mail/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [mail.to], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invitation(mail):
    invitation = mail.invitation
    token = secrets.token_urlsafe(32)
    invitation.token_sha256 = token_digest(token)
    invitation.link_expires_at = now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.save(update_fields=["token_sha256", "link_expires_at", "updated_at"])
    context = {
        "invitation": invitation,
        "organization": invitation.organization.display_name,
        "role": invitation.role_label(),
        "link": mail.base_url + reverse("invitation_accept", args=[token]),
        "days": settings.INVITATION_VALID_DAYS,
    }
    return _("You are invited to Suunta"), "invitation", context


def _password_reset(mail):
    user = mail.user
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    context = {
        "user": user,
        "username": user.get_username(),
        "link": mail.base_url + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}),
    }
    return _("Set your Suunta password"), "password_reset", context
