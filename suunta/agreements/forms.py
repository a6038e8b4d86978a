from django import forms
from django.utils.translation import gettext_lazy as _

from suunta.lib.numbers import LocalDecimalField

from .models import Checkpoint, CheckpointKind, DirectorAgreement, GoalArea, GoalPlan, Metric


class DateInput(forms.DateInput):
    """The browser's date picker; it always sends ISO dates, whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PlanForm(forms.ModelForm):
    class Meta:
        model = GoalPlan
        fields = ["title", "title_sv", "period_start", "period_end"]
        widgets = {"period_start": DateInput(), "period_end": DateInput()}

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        self.instance.agreement = agreement
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Empty: the position's goals and the period's year.")

    def clean(self):
        """The title follows the period: left empty, or left as the default title of
        another year (the form suggested one, then the period was changed), it becomes
        the default title of the period's year."""
        cleaned = super().clean()
        start, title = cleaned.get("period_start"), (cleaned.get("title") or "").strip()
        if start is not None:
            default = self.agreement.default_plan_title
            if not title or any(title == default(year) for year in range(start.year - 5, start.year + 6)):
                cleaned["title"] = default(start.year)
                self.instance.title = cleaned["title"]
        return cleaned

    def validate_constraints(self, exclude=None):
        # GoalPlan.clean() checks overlapping periods, which covers the unique constraint
        # with a clearer message.
        return None

    def _update_errors(self, errors):
        # Exactly this period taken is no error here: services.get_or_create_plan answers
        # with that plan (made a moment ago in another tab, or by a second click). An
        # overlapping period is.
        if hasattr(errors, "error_dict"):
            for name, field_errors in list(errors.error_dict.items()):
                kept = [error for error in field_errors if error.code != "same_period"]
                if kept:
                    errors.error_dict[name] = kept
                else:
                    del errors.error_dict[name]
            if not errors.error_dict:
                return
        super()._update_errors(errors)


class GoalAreaForm(forms.ModelForm):
    class Meta:
        model = GoalArea
        fields = ["title", "description", "title_sv", "description_sv"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_sv": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "title_sv": _("Goal in Swedish (optional)"),
            "description_sv": _("Description in Swedish (optional)"),
        }


class MetricForm(forms.ModelForm):
    # A metric becomes quantitative with a target: then it takes dated values and shows
    # progress and a chart. Finnish decimal commas are accepted.
    baseline = LocalDecimalField(label=_("Baseline (optional)"), required=False)
    target = LocalDecimalField(
        label=_("Target (optional)"),
        required=False,
        help_text=_(
            "Give a target to follow the metric as numbers; leave empty for a metric assessed in words."
        ),
    )

    class Meta:
        model = Metric
        fields = ["text", "text_sv", "unit", "baseline", "target", "direction"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "text_sv": forms.Textarea(attrs={"rows": 2})}
        labels = {
            "text_sv": _("Metric in Swedish (optional)"),
            "unit": _("Unit (optional)"),
            "direction": _("Which way is better"),
        }
        help_texts = {
            # xgettext:no-python-format
            "unit": _("e.g. €, % or residents")
        }

    def _update_errors(self, errors):
        # A field the form already rejected (a target that is not a number) reaches
        # Metric.clean() as empty; its "give a target" would be a second, wrong message.
        if hasattr(errors, "error_dict"):
            for name in [n for n in errors.error_dict if n in self._errors]:
                del errors.error_dict[name]
            if not errors.error_dict:
                return
        super()._update_errors(errors)


class CheckpointForm(forms.ModelForm):
    class Meta:
        model = Checkpoint
        fields = ["label", "kind", "window_start", "window_end", "label_sv"]
        widgets = {"window_start": DateInput(), "window_end": DateInput(), "kind": forms.RadioSelect}
        labels = {"label_sv": _("Label in Swedish (optional)")}
        help_texts = {
            "label": _("As the column heading reads, e.g. elokuu 2025."),
            "kind": _("The year's evaluation comes after the period; the board approves its result."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A checkpoint is a follow-up unless said otherwise (older forms and clients send no kind).
        self.fields["kind"].required = False

    def clean_kind(self):
        return self.cleaned_data.get("kind") or CheckpointKind.FOLLOWUP

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("window_start"), cleaned.get("window_end")
        if start and end and end < start:
            self.add_error("window_end", _("The window cannot close before it opens."))
        return cleaned

    def validate_constraints(self, exclude=None):
        # The check constraint is validated in clean() with a message next to the field.
        return None


class AgreementForm(forms.ModelForm):
    """A new director agreement: only the organization's executives and bodies are offered."""

    class Meta:
        model = DirectorAgreement
        fields = [
            "executive",
            "position_title",
            "position_title_sv",
            "position_genitive",
            "position_genitive_sv",
            "starts_on",
            "decided_by",
            "decided_on",
            "decision_section",
            "decision_case_number",
            "signed_on",
            "legal_basis",
        ]
        widgets = {
            "starts_on": DateInput(),
            "decided_on": DateInput(),
            "signed_on": DateInput(),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "executive": _(
                "The people who hold the executive role in the organization. Someone else? "
                "Give the role first on the people page."
            ),
            "decided_by": _("The body whose decision approved the agreement, e.g. the council."),
        }

    def __init__(self, *args, organization, executives, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.organization = organization
        if "executive" in self.fields:
            self.fields["executive"].queryset = executives
            self.fields["executive"].label_from_instance = lambda user: (
                user.get_full_name() or user.get_username()
            )
        self.fields["decided_by"].queryset = organization.bodies.all()
        self.fields["decided_by"].label_from_instance = lambda body: body.display_name


class AgreementEditForm(AgreementForm):
    """Corrections to an agreement, and its signed copy as a PDF. The executive stays."""

    signed_file = forms.FileField(
        label=_("The signed agreement (PDF)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
        help_text=_("Optional. A new file replaces the earlier one."),
    )

    class Meta(AgreementForm.Meta):
        fields = [name for name in AgreementForm.Meta.fields if name != "executive"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, organization=organization, executives=None, **kwargs)
