from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from suunta.agreements.forms import DateInput

from .models import EvaluatorTitle, Role


class MembershipForm(forms.Form):
    """Add a person to the organization in a role. The organization comes from the URL,
    never from the form; the person is named by username, never by an id."""

    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and . @ + - _ only. An existing user keeps their password."),
        error_messages={"invalid": _("Use only letters, digits and . @ + - _ in the username.")},
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("A new user gets a link for setting a password to this address."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    title = forms.ChoiceField(
        label=_("Title (evaluators)"),
        choices=[("", _("– none –")), *EvaluatorTitle.choices],
        required=False,
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to (optional)"), widget=DateInput(), required=False)

    def clean(self):
        cleaned = super().clean()
        role, title = cleaned.get("role"), cleaned.get("title")
        if role == Role.EVALUATOR and not title:
            self.add_error("title", _("An evaluator needs a title, e.g. mayor or council chair."))
        if role and role != Role.EVALUATOR and title:
            self.add_error("title", _("Only evaluators carry a title."))
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end date cannot be before the start date."))
        username = cleaned.get("username")
        if username and not get_user_model().objects.filter(username=username).exists():
            for name in ("first_name", "last_name"):
                if not (cleaned.get(name) or "").strip():
                    self.add_error(name, _("A new user needs a first and last name."))
        return cleaned


class EndMembershipForm(forms.Form):
    valid_to = forms.DateField(label=_("Last day in the role"), widget=DateInput())
