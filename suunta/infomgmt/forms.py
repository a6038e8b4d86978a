from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Trigger
from .retention import FIXED_PERMANENT


class RuleForm(forms.Form):
    """One record type's rule; the form's prefix is the record type."""

    trigger = forms.ChoiceField(label=_("Retention ends"), choices=Trigger.choices)
    years = forms.IntegerField(label=_("Years"), min_value=1, max_value=200, required=False)
    task_class = forms.CharField(label=_("Task class"), max_length=60, required=False)

    def __init__(self, *args, record_type: str, **kwargs):
        super().__init__(*args, prefix=record_type, **kwargs)
        self.record_type = record_type
        if record_type in FIXED_PERMANENT:
            self.fields["trigger"].choices = [(Trigger.PERMANENT.value, Trigger.PERMANENT.label)]
            self.fields["years"].disabled = True

    def clean(self):
        data = super().clean()
        if data.get("trigger") and data["trigger"] != Trigger.PERMANENT and not data.get("years"):
            self.add_error("years", _("Give the retention period in years."))
        return data


class HoldForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the legal hold"), max_length=200, required=False)
    release = forms.BooleanField(required=False, widget=forms.HiddenInput)


class SubjectCopyForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=None)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
