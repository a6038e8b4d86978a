from django import forms
from django.utils.translation import gettext_lazy as _

from suunta.agreements.forms import DateInput
from suunta.agreements.models import DESCRIPTION_MAX
from suunta.governance.models import Outcome
from suunta.lib.numbers import LocalDecimalField

from . import pay
from .models import PayBasis, PayScale


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

    def __init__(self, *args, ratings, metrics=(), rated_metrics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].queryset = ratings
        self.metrics = list(metrics)
        # Where each metric is rated (the agreed follow-up): a rating per metric rated by
        # hand, and the goal's own rating is optional.
        self.rated_metrics = list(rated_metrics)
        for metric in self.rated_metrics:
            self.fields[f"metric_{metric.pk}"] = RatingChoiceField(
                label=_("Rating of the metric: %(metric)s") % {"metric": metric.display_text},
                queryset=ratings,
                required=False,
                widget=forms.RadioSelect,
                empty_label=None,
                error_messages={"invalid_choice": _("Choose a rating from the scale.")},
            )
        if self.rated_metrics:
            self.fields["rating"].label = _("Rating of the goal as a whole (optional)")
            # The metrics' ratings come first: the goal's text sums them up.
            self.order_fields([f"metric_{m.pk}" for m in self.rated_metrics] + ["text", "rating", "revision"])
        for metric in self.metrics:
            self.fields[f"note_{metric.pk}"] = forms.CharField(
                label=_("Note on the metric: %(metric)s") % {"metric": metric.display_text},
                widget=forms.Textarea(attrs={"rows": 1}),
                max_length=DESCRIPTION_MAX,
                required=False,
            )

    def metric_ratings(self) -> dict:
        return {m.pk: self.cleaned_data.get(f"metric_{m.pk}") for m in self.rated_metrics}

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

    def __init__(self, *args, evaluation: bool = False, pay: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not evaluation:
            return
        # The year's evaluation: the board approves the result (and the pay), amends it
        # with figures of its own, or returns it.
        self.fields["outcome"].choices = [
            (Outcome.APPROVED, _("Approved the result as proposed")),
            (Outcome.AMENDED, _("Approved the result as amended")),
            (Outcome.RETURNED, _("Returned the result for re-preparation")),
        ]
        self.fields["outcome"].initial = Outcome.APPROVED
        self.fields["amended_points"] = LocalDecimalField(
            label=_("Amended points (only if amended)"), max_digits=5, decimal_places=1, required=False
        )
        if pay:
            self.fields["amended_amount"] = LocalDecimalField(
                label=_("Amended performance pay in euros (only if amended)"),
                max_digits=12,
                decimal_places=2,
                required=False,
            )
        self.order_fields(["meeting_date", "outcome", "amended_points", "amended_amount"])


class SalaryForm(forms.Form):
    annual_salary = LocalDecimalField(
        label=_("Annual salary (euros)"),
        max_digits=12,
        decimal_places=2,
        help_text=_(
            "Seen by the preparer, the organization's admin and the executive; by board members once the results are on the board's agenda."
        ),
    )


class CloseStepForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the step closed?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=DESCRIPTION_MAX,
    )


class EvaluationSettingsForm(forms.Form):
    """How the organization evaluates the goals: weights, ratings per metric and
    performance pay (all optional, off by default)."""

    use_weights = forms.BooleanField(
        label=_("Goals carry weights summing to 100"),
        required=False,
        help_text=_("Each follow-up then shows an overall result computed from the agreed ratings."),
    )
    assess_metrics = forms.BooleanField(
        label=_("The agreed follow-up rates each metric"),
        required=False,
        help_text=_(
            "A goal's points come from its metrics, split evenly unless weights are given in the plan."
        ),
    )
    pay_enabled = forms.BooleanField(
        label=_("Performance pay is calculated from the year's evaluation"), required=False
    )
    basis = forms.ChoiceField(label=_("Maximum pay as"), choices=PayBasis.choices, widget=forms.RadioSelect)
    maximum = LocalDecimalField(
        label=_("Maximum pay"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("Per cent of the annual salary (e.g. 8) or euros (e.g. 5 000)."),
    )
    threshold = LocalDecimalField(
        label=_("Threshold (points)"),
        max_digits=4,
        decimal_places=1,
        help_text=_("No pay under this many points, e.g. 50. 0: no threshold."),
    )
    scale = forms.ChoiceField(label=_("Scale"), choices=PayScale.choices, widget=forms.RadioSelect)
    steps = forms.CharField(
        label=_("Steps of a stepped scale"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One step per line: points from–to and the share of the maximum, e.g. 50–74,9: 50 %."),
    )

    def clean_steps(self):
        try:
            return pay.parse_steps(self.cleaned_data["steps"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
