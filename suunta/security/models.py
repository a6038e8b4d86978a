"""Sign-in security: the record of each signed-in session, and an organization's
requirement of a second factor from everyone. The TOTP secrets and recovery codes
themselves are allauth.mfa's Authenticator rows (suunta/security/two_factor.py)."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignInMethod(models.TextChoices):
    PASSWORD = "password", _("Password")
    TOTP = "password_totp", _("Password and authenticator code")
    RECOVERY_CODE = "password_recovery", _("Password and recovery code")
    SSO = "sso", _("Organization account (single sign-on)")


class UserSession(models.Model):
    """One signed-in session of a user (created on `user_logged_in`, whatever the way
    in). It points at Django's session row: ending it deletes that row, so the cookie
    stops working on its next request, and the row's deletion (logout, expiry sweep by
    `clearsessions`) removes this record with it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    last_seen = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    method = models.CharField(max_length=20, choices=SignInMethod.choices)

    class Meta:
        indexes = [models.Index(fields=["user", "-last_seen"])]

    def __str__(self) -> str:
        return f"session {self.pk} of user {self.user_id}"


class TwoFactorRequirement(models.Model):
    """The organization requires two-factor authentication from everyone with a role
    in it (not only from its admins). The row's presence is the requirement."""

    organization = models.OneToOneField(
        "organizations.Organization", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    required_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    required_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"two-factor requirement of organization {self.organization_id}"
