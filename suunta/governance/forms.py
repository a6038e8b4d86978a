import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from suunta.agreements.forms import DateInput
from suunta.agreements.models import DESCRIPTION_MAX
from suunta.lib.clock import today
from suunta.organizations import people
from suunta.organizations.models import Membership, Role

from .models import Outcome, WorkflowStep
from .services import earliest_plausible


class PersonChoiceField(forms.ModelChoiceField):
    disqualified_pk = None  # the executive: never a choice, and a forged one is told why

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username

    def to_python(self, value):
        forged = value not in self.empty_values and str(value) == str(self.disqualified_pk)
        if self.disqualified_pk is not None and forged:
            raise ValidationError(
                _(
                    "The executive is disqualified in matters of his or her own goals and cannot present them."
                ),
                code="disqualified",
            )
        return super().to_python(value)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class StepForm(forms.Form):
    """The decision record of a step. Which fields show depends on the step; people are
    chosen among the organization's current members (never an id from elsewhere)."""

    meeting_date = forms.DateField(label=_("Meeting date"), widget=DateInput())
    section = forms.CharField(label=_("Section (§)"), max_length=20, required=False)
    case_number = forms.CharField(
        label=_("Case number"),
        max_length=60,
        required=False,
        help_text=_("As your case system writes it, e.g. 154/02.02.00/2025"),
    )
    presenter = PersonChoiceField(label=_("Presenting official"), queryset=None, required=False)
    text = forms.CharField(
        label=_("Decision text"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=DESCRIPTION_MAX,
        required=False,
    )
    disqualified = PeopleChoiceField(
        label=_("Others disqualified who left the room"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    meeting_changes = forms.CharField(
        label=_("Changes made in the meeting (optional)"),
        help_text=_(
            "A technical change made in the meeting (tekninen muutos); it is part of the approved version."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=DESCRIPTION_MAX,
        required=False,
    )
    # Shown only when the date sent is in the future or long before the plan's period
    # (governance.services refuses such a date unless confirmed).
    date_confirmed = forms.BooleanField(label=_("The date is correct"), required=False)
    # What the user saw: a step taken meanwhile (in another tab, by someone else) makes
    # this one stale. The handlings count tells a step that keeps the status (tabling).
    expected_status = forms.CharField(widget=forms.HiddenInput)
    expected_handlings = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def _unusual_date_sent(self) -> bool:
        """A date sent that the service asks to confirm: in the future, or more than a
        year before the plan's period."""
        try:
            sent = datetime.date.fromisoformat(self.data.get("meeting_date", ""))
        except (TypeError, ValueError):
            return False
        return sent > today() or (self.plan is not None and sent < earliest_plausible(self.plan))

    def __init__(self, *args, step: WorkflowStep, agreement, plan=None, **kwargs):
        self.plan = plan
        super().__init__(*args, **kwargs)
        self.step = step
        members = (
            get_user_model()
            .objects.filter(
                memberships__in=Membership.objects.valid_on().filter(
                    organization_id=agreement.organization_id
                )
            )
            .exclude(pk=agreement.executive_id)
            .distinct()
            .order_by("last_name", "first_name")
        )
        # The agreement's evaluators (not those of the organization's other agreements).
        self.fields["presenter"].queryset = members.filter(
            memberships__in=Membership.objects.valid_on().filter(
                people.for_agreement(agreement), role=Role.EVALUATOR
            )
        )
        self.fields["presenter"].disqualified_pk = agreement.executive_id
        self.fields["disqualified"].queryset = members
        if self._unusual_date_sent():
            self.order_fields(["meeting_date", "date_confirmed"])
        else:
            del self.fields["date_confirmed"]
        if not step.records_handling:
            self.fields.pop("date_confirmed", None)
            for name in (
                "meeting_date",
                "section",
                "case_number",
                "presenter",
                "text",
                "disqualified",
                "meeting_changes",
            ):
                del self.fields[name]
            return
        if step.requires_section:
            self.fields["section"].required = True
        if step.outcome != Outcome.APPROVED:
            del self.fields["meeting_changes"]


class CorrectionForm(forms.Form):
    """A corrected date, § or case number of a recorded decision, and why."""

    meeting_date = forms.DateField(label=_("Meeting date"), widget=DateInput())
    section = forms.CharField(label=_("Section (§)"), max_length=20, required=False)
    case_number = forms.CharField(label=_("Case number"), max_length=60, required=False)
    reason = forms.CharField(
        label=_("Why is the record corrected?"),
        help_text=_("E.g. “The § was mistyped; the minutes say § 46.” The original stays visible."),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=DESCRIPTION_MAX,
    )
