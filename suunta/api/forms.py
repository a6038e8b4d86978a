from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Scope

EXPIRY_CHOICES = [(30, _("30 days")), (90, _("90 days")), (365, _("a year"))]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “Power BI report”.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple, initial=[Scope.READ]
    )
    expires = forms.TypedChoiceField(label=_("Expires in"), choices=EXPIRY_CHOICES, coerce=int, initial=90)
