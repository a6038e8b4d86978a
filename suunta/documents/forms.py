from django import forms
from django.utils.translation import gettext_lazy as _

from . import texts
from .models import DocumentTexts, RecordSettings

LISTS = ("purpose", "purpose_sv", "evaluation", "evaluation_sv")


class DocumentTextsForm(forms.ModelForm):
    """The organization's document texts; {genitive} is filled in per agreement."""

    class Meta:
        model = DocumentTexts
        fields = list(texts.FIELDS)
        widgets = {name: forms.Textarea(attrs={"rows": 6 if name in LISTS else 8}) for name in texts.FIELDS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in texts.FIELDS:
            if name in LISTS:
                self.fields[name].help_text = _(
                    "One item per line. {genitive}: the position in the genitive."
                )
            elif not name.startswith("appeal"):
                self.fields[name].help_text = _(
                    "{genitive} is replaced by the agreement's position in the genitive, e.g. “kunnanjohtajan”."
                )


class RecordSettingsForm(forms.ModelForm):
    """The record metadata a case system asks for, as the agenda items print them."""

    class Meta:
        model = RecordSettings
        fields = ["publicity", "secrecy_basis", "secrecy_period", "personal_data", "task_class", "retention"]
        help_texts = {
            "task_class": _(
                "From your information management plan (tiedonohjaussuunnitelma), e.g. 00.01.02."
            ),
            "retention": _("E.g. “pysyvä” or “10 vuotta”."),
        }
