from django import forms
from django.utils.translation import gettext_lazy as _

from suunta.agreements.forms import DateInput
from suunta.agreements.models import DESCRIPTION_MAX
from suunta.governance.models import Outcome


class RatingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_label


class AssessmentForm(forms.Form):
    """One goal's rating and text (own self-assessment, own view, or the agreed one)."""

    rating = RatingChoiceField(
        label=_("Rating"),
        queryset=None,
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a rating from the scale.")},
    )
    text = forms.CharField(
        label=_("Assessment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=DESCRIPTION_MAX,
        required=False,
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, ratings, metrics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].queryset = ratings
        self.metrics = list(metrics)
        for metric in self.metrics:
            self.fields[f"note_{metric.pk}"] = forms.CharField(
                label=_("Note on the metric: %(metric)s") % {"metric": metric.display_text},
                widget=forms.Textarea(attrs={"rows": 1}),
                max_length=DESCRIPTION_MAX,
                required=False,
            )

    def metric_notes(self) -> dict[int, str]:
        return {m.pk: self.cleaned_data.get(f"note_{m.pk}", "") for m in self.metrics}

    def assessment_values(self, kind: str) -> dict:
        """What services.save_assessment(s) takes from this form."""
        return {
            "rating": self.cleaned_data["rating"],
            "text": self.cleaned_data["text"],
            "metric_notes": self.metric_notes() if kind == "self" else None,
        }


class MarkAgreedForm(forms.Form):
    meeting_date = forms.DateField(label=_("Meeting date"), widget=DateInput())


class ReportForm(forms.Form):
    meeting_date = forms.DateField(label=_("Board meeting date"), widget=DateInput())
    outcome = forms.ChoiceField(
        label=_("The board's decision"),
        choices=[
            (Outcome.NOTED, _("Took the follow-up for information")),
            (Outcome.APPROVED, _("Approved the follow-up")),
            (Outcome.RETURNED, _("Returned the follow-up for re-preparation")),
        ],
        widget=forms.RadioSelect,
        initial=Outcome.NOTED,
    )
    section = forms.CharField(label=_("Section (§)"), max_length=20, required=False)
    case_number = forms.CharField(label=_("Case number"), max_length=60, required=False)
    text = forms.CharField(
        label=_("Decision text"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=DESCRIPTION_MAX,
        required=False,
    )


class CloseStepForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the step closed?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=DESCRIPTION_MAX,
    )
