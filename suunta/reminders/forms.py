from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import CHOOSABLE, ReminderKind

KIND_CHOICES = [(k.value, k.label) for k in CHOOSABLE]


class PreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Reminders I get"), choices=KIND_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    digest = forms.BooleanField(
        label=ReminderKind.DIGEST.label,
        required=False,
        help_text=_("One mail on Mondays with the week's reminders, instead of a mail for each."),
    )

    def kinds_off(self) -> list[str]:
        return [k for k, _label in KIND_CHOICES if k not in self.cleaned_data["kinds"]]


class DefaultsForm(PreferenceForm):
    days_before = forms.CharField(
        label=_("Days before a follow-up closes"),
        max_length=40,
        help_text=_("A reminder this many days before the window closes, e.g. 7, 1."),
    )

    field_order = ["days_before", "kinds", "digest"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].label = _("Reminders on by default")
        self.fields["digest"].label = _("Weekly digest by default")

    def clean_days_before(self) -> list[int]:
        parts = [
            p.strip() for p in self.cleaned_data["days_before"].replace(";", ",").split(",") if p.strip()
        ]
        try:
            days = sorted({int(p) for p in parts}, reverse=True)
        except ValueError:
            raise ValidationError(_("Give whole numbers of days separated by commas.")) from None
        if not days or len(days) > 4 or any(not 1 <= d <= 60 for d in days):
            raise ValidationError(_("Give one to four numbers of days between 1 and 60."))
        return days
