import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from suunta.agreements.forms import DateInput
from suunta.lib.clock import today

from .models import MEMO_MAX, DevelopmentItem, Discussion

FAR_FROM_TODAY = datetime.timedelta(days=180)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class PeopleField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class PlansField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.display_title


class DiscussionForm(forms.ModelForm):
    participants = PeopleField(queryset=None, label=_("Participants"))
    plans = PlansField(queryset=None, label=_("Plans discussed"), required=False)
    date_confirmed = forms.BooleanField(
        label=_("Yes, the date is right"), required=False, widget=forms.CheckboxInput
    )
    # The confirmation belongs next to the date it confirms (and its warning).
    field_order = ["kind", "held_on", "date_confirmed"]

    class Meta:
        model = Discussion
        fields = ["kind", "held_on", "starts_at", "duration_minutes", "place"]
        widgets = {"held_on": DateInput(), "starts_at": TimeInput()}

    def __init__(self, *args, people, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = people
        self.fields["plans"].queryset = plans
        self.fields["date_confirmed"].widget = (
            forms.HiddenInput() if not self._far() else forms.CheckboxInput()
        )

    def _far(self) -> bool:
        value = self.data.get(self.add_prefix("held_on")) if self.is_bound else None
        try:
            day = datetime.date.fromisoformat(value) if value else None
        except ValueError:
            return False
        return day is not None and abs(day - today()) > FAR_FROM_TODAY

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("held_on")
        if day and abs(day - today()) > FAR_FROM_TODAY and not cleaned.get("date_confirmed"):
            # A warning the user can pass: typing 2052 for 2025 happens.
            self.add_error(
                "held_on",
                _(
                    "The date is more than six months from today. Check it, and tick “Yes, the date is right”."
                ),
            )
        return cleaned

    def validate_constraints(self, exclude=None):
        return None


class SectionForm(forms.Form):
    text = forms.CharField(
        label=_("Memo"), required=False, max_length=MEMO_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    revision = forms.IntegerField(widget=forms.HiddenInput())


class DevelopmentItemForm(forms.ModelForm):
    class Meta:
        model = DevelopmentItem
        fields = ["need", "action", "responsible", "due_on", "status"]
        widgets = {"due_on": DateInput(), "action": forms.Textarea(attrs={"rows": 2})}


class CloseMemoForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for closing without every confirmation"), widget=forms.Textarea(attrs={"rows": 2})
    )


class SurveyForm(forms.Form):
    recipients = PeopleField(queryset=None, label=_("Ask for views from"))
    closes_on = forms.DateField(label=_("Answers by"), widget=DateInput())
    anonymous = forms.BooleanField(
        label=_("Anonymous answers"),
        required=False,
        help_text=_("Participants see the answers without the names of who gave them."),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = people


class SurveyAnswerForm(forms.Form):
    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = forms.CharField(
                label=goal.display_title,
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def answers(self) -> dict:
        return {g: self.cleaned_data.get(f"goal_{g.pk}", "") for g in self.goals}


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class ShareItemsForm(forms.Form):
    """Share the development items one may share with someone outside their circle,
    e.g. an evaluator of a new council term."""

    person = PersonField(
        queryset=None,
        label=_("Share with"),
        help_text=_(
            "The person can then read these development items on the discussions they take part in. "
            "The executive sees every share and can withdraw it."
        ),
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
