from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app (or, at sign-in, a recovery code)."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, label=None, help_text=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["code"].label = label
        if help_text:
            self.fields["code"].help_text = help_text


def login_code_form(data=None) -> CodeForm:
    return CodeForm(
        data,
        label=_("Code"),
        help_text=_(
            "The six-digit code your authenticator app shows now, or one of your eight-digit recovery codes."
        ),
    )


class RequirementForm(forms.Form):
    required = forms.BooleanField(
        label=_("Require two-factor authentication from everyone"),
        required=False,
        help_text=_(
            "Everyone with a role in the organization must set up an authenticator app before "
            "signing in with a password. Admins must always do so."
        ),
    )
