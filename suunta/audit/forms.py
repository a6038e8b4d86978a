from django import forms
from django.utils.translation import gettext_lazy as _

from suunta.agreements.forms import DateInput

from .models import Outcome


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=_("Action"),
        max_length=64,
        required=False,
        help_text=_("Beginning of the code, e.g. plan or goal.update"),
    )
    actor = forms.CharField(label=_("Username"), max_length=150, required=False)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", _("All")), *Outcome.choices], required=False
    )
    date_from = forms.DateField(label=_("From"), widget=DateInput(), required=False)
    date_to = forms.DateField(label=_("To"), widget=DateInput(), required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return cleaned
