"""API tokens and the keys that make API writes idempotent.

A token is `suunta_<prefix>_<secret>`: the prefix finds the row, the secret's SHA-256
is what is stored (the token itself is shown once). A personal token acts as its user;
a service token's user is the organization's service principal (an account that never
signs in; policies.act_as_service gives it a board member's reading rights and, with
the `write:values` scope, the right to record metric values and budget figures).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from suunta.lib.clock import now
from suunta.organizations.models import Organization


class Scope(models.TextChoices):
    READ = "read", _("Read")
    WRITE_VALUES = "write:values", _("Write metric values and budget figures")


class ApiToken(models.Model):
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_sha256 = models.CharField(max_length=64, editable=False)
    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    # Set on a service token: the organization whose service principal `user` is.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens"
    )
    scopes = models.CharField(_("scopes"), max_length=100)  # space-separated Scope values
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def is_service(self) -> bool:
        return self.organization_id is not None

    def is_valid(self, moment=None) -> bool:
        moment = moment or now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > moment)


class WriteKey(models.Model):
    """A client's key of one metric value written through the API: the same key again
    answers with that value instead of writing twice (retries are safe)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    # What was asked with the key: the same key with other content is a conflict.
    fingerprint = models.CharField(max_length=64)
    metric_value = models.ForeignKey("measures.MetricValue", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_write_key_unique")]

    def __str__(self) -> str:
        return self.key
