"""The import page's forms: the document to read, and the preview's rows to correct.

The preview carries what was read in the form itself (each row's fields, and the
source lines as a hidden JSON list for showing beside the rows): the uploaded file is
read once and never stored.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from suunta.agreements.forms import DateInput, PlanForm
from suunta.agreements.models import TEXT_MAX
from suunta.lib.numbers import LocalDecimalField

from . import readers
from .draft import CHECKPOINT, GOAL, METRIC, SKIP
from .source import Unreadable

PASTE_MAX = 200_000  # characters: a goals annex is a few pages
SOURCE_LINES_MAX = 3000


class ReadForm(forms.Form):
    """A file or pasted text; reading it gives the Source (`self.source`)."""

    file = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("Word (DOCX), PDF, Excel (XLSX), OpenDocument (ODS) or CSV."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.pdf,.xlsx,.ods,.csv,.txt"}),
    )
    text = forms.CharField(
        label=_("Or paste the text"),
        required=False,
        max_length=PASTE_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("For example the goals from the board's minutes, copied as text."),
    )

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), (cleaned.get("text") or "")
        if self.errors:
            return cleaned
        if upload and text.strip():
            raise ValidationError(_("Give either a file or pasted text, not both."))
        if not upload and not text.strip():
            self.add_error("file", _("Choose a file, or paste the text below."))
            return cleaned
        try:
            if upload:
                self.source = readers.read_upload(upload.read(), upload.name)
            else:
                self.source = readers.read_text(text)
        except Unreadable as problem:
            self.add_error("file" if upload else "text", problem.message)
        return cleaned


class ImportPlanForm(PlanForm):
    """The plan's title and period. Unlike the plan form, a period that has a plan
    already is refused: an import makes a new plan or nothing."""

    def _update_errors(self, errors):
        forms.ModelForm._update_errors(self, errors)


KIND_CHOICES = [
    (GOAL, _("Goal")),
    (METRIC, _("Metric")),
    (CHECKPOINT, _("Follow-up")),
    (SKIP, _("Leave out")),
]
DIRECTION_CHOICES = [("", "—"), ("higher", _("Higher is better")), ("lower", _("Lower is better"))]


class RowForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of row"), choices=KIND_CHOICES)
    text = forms.CharField(
        label=_("Text"),
        max_length=PASTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    join = forms.BooleanField(label=_("Join to the row above"), required=False)
    weight = forms.IntegerField(label=_("Weight (%)"), required=False, min_value=0, max_value=100)
    target = LocalDecimalField(label=_("Target"), required=False)
    unit = forms.CharField(label=_("Unit"), required=False, max_length=30)
    direction = forms.ChoiceField(label=_("Direction"), choices=DIRECTION_CHOICES, required=False)
    start = forms.DateField(label=_("Window opens"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Window closes"), required=False, widget=DateInput())
    evaluation = forms.BooleanField(label=_("Year's evaluation"), required=False)
    target_text = forms.CharField(required=False, widget=forms.HiddenInput, max_length=TEXT_MAX)
    lines = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def clean_lines(self) -> list[int]:
        value = self.cleaned_data.get("lines") or ""
        try:
            return [int(part) for part in value.split(",") if part.strip()]
        except ValueError:
            return []


RowFormSet = forms.formset_factory(RowForm, extra=0, max_num=600, absolute_max=600, validate_max=True)


def source_lines(value: str) -> dict[int, str]:
    """The hidden copy of the source lines, checked: {number: text}."""
    try:
        data = json.loads(value or "[]")
    except ValueError:
        return {}
    if not isinstance(data, list):
        return {}
    lines = {}
    for entry in data[:SOURCE_LINES_MAX]:
        if (
            isinstance(entry, list)
            and len(entry) == 2
            and isinstance(entry[0], int)
            and isinstance(entry[1], str)
        ):
            lines[entry[0]] = entry[1][: TEXT_MAX * 4]
    return lines
