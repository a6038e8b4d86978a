from urllib.parse import urlsplit

from django.db import models
from django.utils.translation import gettext_lazy as _

from suunta.lib.models import TimestampedModel
from suunta.organizations.models import Organization


class OrganizationLogin(TimestampedModel):
    """An organization's OpenID Connect provider (Microsoft Entra ID or another).

    The allauth provider id is the organization's slug: the provider's redirect URI is
    /accounts/oidc/<slug>/login/callback/. The client secret is stored here and never
    shown back (the settings page says only that one is set)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="sso_login", verbose_name=_("organization")
    )
    issuer = models.URLField(_("issuer URL"), max_length=300)
    # Only when the discovery document is not at <issuer>/.well-known/openid-configuration
    # (Entra ID B2C user flows, for example).
    discovery_url = models.URLField(_("discovery document URL"), max_length=500, blank=True)
    client_id = models.CharField(_("client ID"), max_length=200)
    client_secret = models.CharField(_("client secret"), max_length=500)
    allowed_domains = models.JSONField(_("allowed e-mail domains"), default=list, blank=True)
    require_sso = models.BooleanField(
        _("members must sign in with the organization's account"), default=False
    )
    enabled = models.BooleanField(_("in use"), default=False)
    # The provider's authorization endpoint as its discovery document last gave it: the
    # login page lets its forms go there (Content-Security-Policy form-action).
    authorization_endpoint = models.URLField(max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = _("organization's single sign-on")
        verbose_name_plural = _("organizations' single sign-on")

    def __str__(self) -> str:
        return f"{self.organization} ({self.issuer})"

    @property
    def provider_id(self) -> str:
        return self.organization.slug

    @property
    def server_url(self) -> str:
        """Where the discovery document is fetched."""
        return self.discovery_url or self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def origins(self) -> set[str]:
        """The origins a browser is sent to when the sign-in starts."""
        found = set()
        for url in (self.issuer, self.authorization_endpoint):
            parts = urlsplit(url)
            if parts.scheme and parts.netloc:
                found.add(f"{parts.scheme}://{parts.netloc}")
        return found

    def allows_email(self, email: str) -> bool:
        if not self.allowed_domains:
            return True
        domain = email.rpartition("@")[2].strip().lower()
        return "@" in email and domain in {d.lower() for d in self.allowed_domains}
