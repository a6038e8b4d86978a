import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from suunta.organizations import services as organization_services

from . import services
from .models import OrganizationLogin
from .provider import SsoRefused

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class StartForm(forms.Form):
    """The login page's "Sign in with your organization's account": an e-mail address
    (the provider found from its domain) or the organization picked from the list."""

    email = forms.EmailField(label=_("Your work e-mail address"), required=False, max_length=254)
    organization = forms.ChoiceField(label=_("or choose your organization"), required=False)
    invitation = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100)
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args, logins=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.logins = list(services.enabled_logins() if logins is None else logins)
        self.fields["organization"].choices = [("", "—")] + [
            (ol.provider_id, ol.organization.display_name) for ol in self.logins
        ]
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        token = data.get("invitation") or ""
        chosen = next((ol for ol in self.logins if ol.provider_id == data.get("organization")), None)
        if token:
            invitation = organization_services.invitation_for_token(token)
            if invitation is None:
                raise ValidationError(services.REASONS["invitation"])
            chosen = next(
                (ol for ol in self.logins if ol.organization_id == invitation.organization_id), None
            )
            if chosen is None:
                raise ValidationError(_("This organization does not use single sign-on."))
        elif data.get("email") and not chosen:
            chosen = services.login_for_email(data["email"])
            if chosen is None:
                self.add_error(
                    "email",
                    _(
                        "No organization's single sign-on was found for this address. Choose your "
                        "organization below, or log in with your Suunta username and password."
                    ),
                )
                return data
        elif not chosen:
            self.add_error("email", _("Type your work e-mail address or choose your organization."))
            return data
        data["organization_login"] = chosen
        return data


def _domains(text: str) -> list[str]:
    return [d for d in re.split(r"[\s,;]+", text.strip().lower()) if d]


class SettingsForm(forms.ModelForm):
    """The organization admin's settings; the secret is typed, never shown."""

    issuer = forms.URLField(label=_("Issuer URL"), max_length=300, assume_scheme="https")
    discovery_url = forms.URLField(
        label=_("Discovery document URL"), max_length=500, required=False, assume_scheme="https"
    )
    new_secret = forms.CharField(
        label=_("Client secret"),
        required=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    domains = forms.CharField(
        label=_("Allowed e-mail domains"),
        required=False,
        max_length=2000,
        help_text=_("Separated by commas or spaces, e.g. kunta.fi. Empty: any address the provider gives."),
    )

    field_order = ["issuer", "discovery_url", "client_id", "new_secret", "domains", "require_sso", "enabled"]

    class Meta:
        model = OrganizationLogin
        fields = ["issuer", "discovery_url", "client_id", "require_sso", "enabled"]
        help_texts = {
            "issuer": _("For Microsoft Entra ID: https://login.microsoftonline.com/<tenant ID>/v2.0"),
            "discovery_url": _(
                "Only if the provider's discovery document is not at the issuer URL + "
                "/.well-known/openid-configuration."
            ),
            "client_id": _("The application (client) ID Entra ID gave Suunta's registration."),
            "require_sso": _(
                "The organization's members can no longer log in with a Suunta password (operators still can)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        has_secret = bool(self.instance.pk and self.instance.client_secret)
        self.fields["new_secret"].help_text = (
            _("A secret is set. Type a new one only to replace it.")
            if has_secret
            else _("The client secret value.")
        )
        self.initial.setdefault("domains", ", ".join(self.instance.allowed_domains or []))
        self.discovery = None

    def clean_domains(self):
        domains = _domains(self.cleaned_data.get("domains") or "")
        wrong = [d for d in domains if not DOMAIN.match(d)]
        if wrong:
            raise ValidationError(_("Not a domain: %(domains)s") % {"domains": ", ".join(wrong)})
        return sorted(set(domains))

    def clean(self):
        data = super().clean()
        if not (self.instance.client_secret or data.get("new_secret")):
            self.add_error("new_secret", _("Type the client secret."))
        if self.errors or not data.get("enabled"):
            return data
        # Turning it on: the provider must answer with its discovery document for this issuer.
        probe = OrganizationLogin(issuer=data["issuer"], discovery_url=data.get("discovery_url") or "")
        try:
            self.discovery = services.read_discovery(probe)
        except SsoRefused as refusal:
            message = (
                _("The provider's discovery document names another issuer than this one.")
                if refusal.reason == "wrong_issuer"
                else _("The provider's discovery document could not be read from %(url)s.")
                % {"url": probe.server_url}
            )
            self.add_error("discovery_url" if data.get("discovery_url") else "issuer", message)
        return data

    def save(self, commit=True):
        instance = super().save(commit=False)
        instance.allowed_domains = self.cleaned_data["domains"]
        if self.discovery:
            instance.authorization_endpoint = str(self.discovery.get("authorization_endpoint", ""))[:500]
        return instance
