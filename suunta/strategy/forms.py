"""The strategy and budget management pages' forms. They parse what was typed; the
services check the rest and the views show their refusals next to the fields."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from suunta.agreements.forms import DateInput
from suunta.lib.clock import today
from suunta.lib.numbers import LocalDecimalField
from suunta.organizations.models import Body, BodyKind, Organization

from . import budget_import
from .models import NUMBER_MAX, TEXT_MAX, TITLE_MAX, BudgetTargetKind, Theme

YEAR_MIN, YEAR_MAX = budget_import.YEARS
TARGET_YEARS_MAX = 12  # target columns of an indicator form


def _text(label, max_length=TITLE_MAX, required=False, **kwargs):
    return forms.CharField(label=label, max_length=max_length, required=required, **kwargs)


def _long_text(label):
    return forms.CharField(
        label=label, max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class StrategyForm(forms.Form):
    title = _text(_("Title"), required=True)
    title_sv = _text(_("Title in Swedish"))
    term_start = forms.DateField(label=_("Council term starts"), widget=DateInput())
    term_end = forms.DateField(label=_("Council term ends"), widget=DateInput())
    vision = _long_text(_("Vision"))
    vision_sv = _long_text(_("Vision in Swedish"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("term_start"), cleaned.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", _("The term cannot end before it starts."))
        return cleaned


class ThemeForm(forms.Form):
    number = _text(_("Number"), max_length=NUMBER_MAX, help_text=_("For example 1."))
    title = _text(_("Theme"), required=True)
    title_sv = _text(_("Theme in Swedish"))


class ObjectiveForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.none(), required=False, empty_label=_("(no theme)")
    )
    number = _text(_("Number"), max_length=NUMBER_MAX, help_text=_("As the strategy numbers it, e.g. 1.2."))
    title = _text(_("Objective"), required=True)
    title_sv = _text(_("Objective in Swedish"))
    description = _long_text(_("Description"))
    description_sv = _long_text(_("Description in Swedish"))

    def __init__(self, *args, strategy, themes=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["theme"]
        field.queryset = strategy.themes.all()
        if themes is not None:  # the page has them already: no query to list them
            field.choices = [("", field.empty_label)] + [(t.pk, str(t)) for t in themes]


def target_years(strategy, indicator=None) -> list[int]:
    """The years an indicator form asks targets for: the council term's years, and any
    year the indicator has a target for."""
    years = set(range(strategy.term_start.year, strategy.term_end.year + 1))
    years = set(sorted(years)[:TARGET_YEARS_MAX])
    if indicator is not None:
        years |= {target.year for target in indicator.targets.all()}
    return sorted(years)


class IndicatorForm(forms.Form):
    text = _text(_("Indicator"), required=True)
    text_sv = _text(_("Indicator in Swedish"))
    unit = _text(_("Unit"), max_length=30, help_text=_("For example %, € or persons."))

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            self.fields[f"target_{year}"] = LocalDecimalField(
                label=_("Target %(year)s") % {"year": year}, required=False
            )

    def targets(self) -> dict[int, object]:
        return {year: self.cleaned_data.get(f"target_{year}") for year in self.years}

    def fields_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("text", "text_sv", "unit")}

    def target_fields(self):
        return [self[f"target_{year}"] for year in self.years]

    def text_fields(self):
        return [self[name] for name in ("text", "text_sv", "unit")]


class ApprovalForm(forms.Form):
    decided_by = forms.ModelChoiceField(label=_("Approved by"), queryset=Body.objects.none())
    decided_on = forms.DateField(label=_("Date of the decision"), widget=DateInput())
    decision_section = _text(_("Section (§)"), max_length=20)
    decision_case_number = _text(_("Case number"), max_length=60)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = list(organization.bodies.all())
        field = self.fields["decided_by"]
        field.queryset = organization.bodies.all()
        field.choices = [("", field.empty_label)] + [(b.pk, b.display_name) for b in bodies]
        council = next((b for b in bodies if b.kind == BodyKind.COUNCIL), None)
        if council is not None and not self.is_bound:
            self.initial.setdefault("decided_by", council.pk)

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day > today() + datetime.timedelta(days=366):
            raise ValidationError(_("Check the date: it is more than a year ahead."))
        return day


# --- Budget ----------------------------------------------------------------------------------


class BudgetTargetForm(forms.Form):
    year = forms.IntegerField(label=_("Budget year"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none())
    service_area = _text(_("Service area"), max_length=200, help_text=_("Optional."))
    kind = forms.ChoiceField(label=_("Kind"), choices=BudgetTargetKind.choices)
    title = _text(_("Binding target"), required=True)
    title_sv = _text(_("Binding target in Swedish"))

    def __init__(self, *args, organization, bodies=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["body"]
        field.queryset = organization.bodies.all()
        if bodies is not None:
            field.choices = [("", field.empty_label)] + [(b.pk, b.display_name) for b in bodies]


class BudgetIndicatorForm(forms.Form):
    text = _text(_("Indicator"), required=True)
    text_sv = _text(_("Indicator in Swedish"))
    unit = _text(_("Unit"), max_length=30)
    target_value = LocalDecimalField(label=_("Target value"), required=False)


class RealisationForm(forms.Form):
    measured_on = forms.DateField(label=_("Date"), widget=DateInput())
    value = LocalDecimalField(label=_("Realisation"))


class BudgetUploadForm(forms.Form):
    """The file to read; reading it gives `self.read` (budget_import.Read)."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (semicolons or commas) or Excel (.xlsx), the column names on the first row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > budget_import.MAX_BYTES:
            raise ValidationError(_("The file is too large: at most 2 MB."))
        try:
            self.read = budget_import.read_upload(upload.read(), upload.name)
        except budget_import.FileProblem as problem:
            raise ValidationError(problem.message) from None
        return upload


class BudgetSaveForm(forms.Form):
    """The preview's rows, carried back as JSON: `cleaned_data["rows"]` is the list."""

    rows = forms.CharField(widget=forms.HiddenInput, max_length=4 * 1024 * 1024)

    def clean_rows(self):
        try:
            return budget_import.rows_from_json(self.cleaned_data["rows"])
        except budget_import.FileProblem as problem:
            raise ValidationError(problem.message) from None


class StrategyOptionsForm(forms.Form):
    public_page = forms.BooleanField(
        label=_("Public goals page"),
        required=False,
        help_text=Organization._meta.get_field("public_page").help_text,
    )
    annex_shows_objectives = forms.BooleanField(
        label=_("Strategy objectives in the annex"),
        required=False,
        help_text=Organization._meta.get_field("annex_shows_objectives").help_text,
    )
