from django import forms
from django.utils.translation import gettext_lazy as _

from suunta.agreements.forms import DateInput
from suunta.agreements.models import Scoring
from suunta.lib.numbers import LocalDecimalField

from .models import COMMENT_MAX, SOURCE_MAX


class MetricValueForm(forms.Form):
    measured_on = forms.DateField(label=_("Date"), widget=DateInput())
    value = LocalDecimalField(label=_("Value"))
    comment = forms.CharField(label=_("Comment (optional)"), max_length=COMMENT_MAX, required=False)
    source = forms.CharField(
        label=_("Source (optional)"),
        max_length=SOURCE_MAX,
        required=False,
        help_text=_("e.g. monthly financial report"),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_(
            "One value per row: date; value; comment (optional). Dates as 31.1.2025 or 2025-01-31, "
            "decimal comma or point. A header row is allowed."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    text = forms.CharField(
        label=_("…or paste the rows here"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def clean(self):
        cleaned = super().clean()
        # An empty file already has its own error ("The submitted file is empty.").
        if not cleaned.get("file") and not (cleaned.get("text") or "").strip() and not self.has_error("file"):
            self.add_error("file", _("Choose a CSV file or paste the rows."))
        return cleaned


class WeightsForm(forms.Form):
    """One weight per goal, together 100; where each metric is rated, also each metric's
    weight within its goal (all empty: split evenly) and how a metric with a numeric
    target is scored."""

    def __init__(self, *args, goals, per_metric: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        self.per_metric = per_metric
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = forms.IntegerField(
                label=goal.display_title,
                min_value=0,
                max_value=100,
                initial=goal.weight,
                widget=forms.NumberInput(attrs={"class": "input--short"}),
            )
            for metric in self.metrics_of(goal):
                self.fields[f"metric_{metric.pk}"] = forms.IntegerField(
                    label=_("Weight within the goal: %(metric)s") % {"metric": metric.display_text},
                    min_value=0,
                    max_value=100,
                    required=False,
                    initial=metric.weight,
                    help_text=_("Leave every metric of the goal empty to split the goal evenly."),
                    widget=forms.NumberInput(attrs={"class": "input--short"}),
                )
                if metric.is_quantitative:
                    self.fields[f"scoring_{metric.pk}"] = forms.ChoiceField(
                        label=_("Scored how: %(metric)s") % {"metric": metric.display_text},
                        choices=Scoring.choices,
                        initial=metric.scoring,
                        help_text=_(
                            "From its values: the share of the way to the target, at most 100 points."
                        ),
                    )

    def metrics_of(self, goal) -> list:
        return list(goal.metrics.all()) if self.per_metric else []

    def clean(self):
        cleaned = super().clean()
        values = [cleaned.get(f"goal_{g.pk}") for g in self.goals]
        if self.goals and all(v is not None for v in values) and sum(values) != 100:
            raise forms.ValidationError(
                _("The weights must sum to 100; now they sum to %(total)s.") % {"total": sum(values)}
            )
        return cleaned

    def weights(self) -> dict[int, int]:
        return {g.pk: self.cleaned_data[f"goal_{g.pk}"] for g in self.goals}

    def metric_weights(self) -> dict[int, int | None] | None:
        if not self.per_metric:
            return None
        return {m.pk: self.cleaned_data.get(f"metric_{m.pk}") for g in self.goals for m in self.metrics_of(g)}

    def scoring(self) -> dict[int, str] | None:
        if not self.per_metric:
            return None
        return {
            m.pk: self.cleaned_data.get(f"scoring_{m.pk}") or Scoring.RATING
            for g in self.goals
            for m in self.metrics_of(g)
        }
