import re

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UsernameField
from django.utils.text import capfirst
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from suunta.agreements.forms import DateInput
from suunta.agreements.statuses import VersionStatus
from suunta.governance.models import WorkflowStep
from suunta.governance.workflow import ACTION_RULES, STEP_ROLES, shape_step, step_problems

from .models import CONFIDENTIAL_ROLES, Body, Position, Role

BASIS_HELP = _(
    "Required for evaluators and the executive, whose roles open confidential notes: e.g. "
    "“KH 12.1.2026 § 3, election of the board chair”. The executive sees it."
)


def agreement_label(agreement) -> str:
    return f"{capfirst(agreement.display_position)}: {agreement.executive}"


class RoleFields(forms.Form):
    """The role part of adding a person or inviting one. The organization comes from the
    URL, never from the form."""

    # No role is preselected: an executive's or an evaluator's role is never given by a
    # missed click.
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("– choose –")), *Role.choices])
    title = forms.ChoiceField(label=_("Position (evaluators)"), choices=[], required=False)
    agreement = forms.ModelChoiceField(
        label=_("Director agreement (evaluators)"),
        queryset=None,
        required=False,
        empty_label=_("– none –"),
        help_text=_("An evaluator evaluates one agreement's goals and sees only its plans and discussions."),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to (optional)"), widget=DateInput(), required=False)
    basis = forms.CharField(
        label=_("Decision the role rests on"), max_length=300, required=False, help_text=BASIS_HELP
    )

    def __init__(self, *args, positions, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        # The organization's own positions and agreements, in its own words.
        self.fields["title"].choices = [("", _("– none –")), *((p.code, p.display_name) for p in positions)]
        self.fields["agreement"].queryset = agreements
        self.fields["agreement"].label_from_instance = agreement_label
        only = list(agreements[:2])
        if len(only) == 1:  # the usual case: one agreement, chosen already
            self.fields["agreement"].initial = only[0].pk

    def clean(self):
        cleaned = super().clean()
        role, title = cleaned.get("role"), cleaned.get("title")
        if role == Role.EVALUATOR and not title:
            self.add_error("title", _("An evaluator holds a position, e.g. the board chair."))
        if role and role != Role.EVALUATOR and title:
            self.add_error("title", _("Only evaluators hold a position."))
        agreement = cleaned.get("agreement")
        if role == Role.EVALUATOR and agreement is None and "agreement" not in self.errors:
            self.add_error("agreement", _("Choose the director agreement the evaluator evaluates."))
        if role and role != Role.EVALUATOR:
            # The one agreement comes preselected; other roles are the organization's.
            cleaned["agreement"] = None
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end date cannot be before the start date."))
        if role in CONFIDENTIAL_ROLES and not (cleaned.get("basis") or "").strip():
            self.add_error(
                "basis",
                _(
                    "Name the decision this role rests on, e.g. the board’s election of its chair "
                    "(KH 12.1.2026 § 3)."
                ),
            )
        return cleaned


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class MembershipForm(RoleFields):
    """A role for someone already among the organization's people."""

    person = PersonChoiceField(queryset=None, label=_("Person"))
    field_order = ["person", "role", "title", "agreement", "valid_from", "valid_to", "basis"]

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class InvitationForm(RoleFields):
    """A new person, invited by e-mail: they accept with a new account or the one they
    already have."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("The invitation link goes to this address. It works once.")
    )
    language = forms.ChoiceField(label=_("Language of the invitation"))
    field_order = [
        "first_name",
        "last_name",
        "email",
        "language",
        "role",
        "title",
        "agreement",
        "valid_from",
        "valid_to",
        "basis",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ]
        self.fields["language"].initial = (get_language() or settings.LANGUAGE_CODE)[:2]


class AcceptWithNewAccountForm(forms.Form):
    username = UsernameField(
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and . @ + - _ only. You log in with it."),
    )
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if not re.fullmatch(r"[\w.@+-]+", username):
            raise forms.ValidationError(_("Use only letters, digits and . @ + - _ in the username."))
        return username

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("password1")
            and cleaned.get("password2")
            and cleaned["password1"] != cleaned["password2"]
        ):
            self.add_error("password2", _("The passwords differ. Type the same password twice."))
        return cleaned


class EndMembershipForm(forms.Form):
    valid_to = forms.DateField(label=_("Last day in the role"), widget=DateInput())


class PositionForm(forms.ModelForm):
    """One position: its names and the rights it carries. The code is made from the
    name when the position is added and never changes (memberships refer to it)."""

    class Meta:
        model = Position
        fields = [
            "name",
            "name_sv",
            "genitive",
            "genitive_sv",
            "presents",
            "may_mark_agreed",
            "may_close_memo",
            "may_create_survey",
            "asked_for_views",
        ]
        labels = {
            "name": _("Name"),
            "name_sv": _("Name in Swedish"),
            "genitive": _("Genitive (whose: e.g. “hallituksen puheenjohtajan”)"),
            "genitive_sv": _("Genitive in Swedish"),
        }

    RIGHTS = ("presents", "may_mark_agreed", "may_close_memo", "may_create_survey", "asked_for_views")

    def names(self):
        return [self[name] for name in ("name", "name_sv", "genitive", "genitive_sv")]

    def rights(self):
        return [self[name] for name in self.RIGHTS]


class BasePositionFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        # A row sent as existing must be one of the organization's positions: Django
        # would otherwise make a new position of a row whose id it cannot find.
        if any(form.instance._state.adding for form in self.initial_forms):
            raise forms.ValidationError(
                _("The positions changed since the page was opened. Open the page again.")
            )


PositionFormSet = forms.modelformset_factory(
    Position, form=PositionForm, formset=BasePositionFormSet, extra=1, can_delete=False
)


class PresetForm(forms.Form):
    """The organization's model: which preset its process follows."""

    preset = forms.ChoiceField(label=_("Model"), widget=forms.RadioSelect)

    def __init__(self, *args, presets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preset"].choices = [(p.code, p.label) for p in presets]
        self.descriptions = {p.code: p.description for p in presets}

    def options(self):
        """Each choice with the preset's description, for the page."""
        return [(radio, self.descriptions[radio.data["value"]]) for radio in self["preset"]]


class BodyForm(forms.ModelForm):
    class Meta:
        model = Body
        fields = ["name", "name_sv", "short_name", "short_name_sv", "kind"]
        labels = {"name": _("Name"), "name_sv": _("Name in Swedish")}


class BaseBodyFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        # As with positions: a row sent as existing must be one of the organization's.
        if any(form.instance._state.adding for form in self.initial_forms):
            raise forms.ValidationError(
                _("The bodies changed since the page was opened. Open the page again.")
            )


BodyFormSet = forms.modelformset_factory(
    Body, form=BodyForm, formset=BaseBodyFormSet, extra=1, can_delete=False
)


class WorkflowStepForm(forms.ModelForm):
    """One step of the organization's process. Where it leads and what it records follow
    from the action (governance/workflow.py); the admin chooses the action, where it
    starts, the body, who may take it and the button's text."""

    roles = forms.MultipleChoiceField(
        label=_("Who may take the step"),
        choices=[(role, Role(role).label) for role in STEP_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = WorkflowStep
        fields = ["action", "from_status", "body", "requires_section", "label", "label_sv", "order"]
        labels = {"from_status": _("Starts from"), "order": _("Order on the list")}
        help_texts = {"label": _("Empty: the action's own name.")}

    field_order = ["action", "from_status", "body", "roles", "requires_section", "label", "label_sv", "order"]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        starts = {status for rule in ACTION_RULES.values() for status in rule.from_statuses}
        self.fields["from_status"].choices = [("", "---------")] + [
            c for c in VersionStatus.choices if c[0] in starts
        ]
        self.fields["body"].queryset = organization.bodies.all()
        self.fields["body"].help_text = _("Only for steps that record a body's handling or decision.")
        self.fields["roles"].initial = sorted(self.instance.roles)

    def clean(self):
        cleaned = super().clean()
        step = self.instance
        step.allowed_roles = ",".join(cleaned.get("roles") or ())
        if cleaned.get("action") not in ACTION_RULES or not cleaned.get("from_status"):
            return cleaned
        step.action, step.from_status, step.body = (
            cleaned["action"],
            cleaned["from_status"],
            cleaned.get("body"),
        )
        shape_step(step)
        cleaned["body"] = step.body
        for field, message in step_problems(step).items():
            self.add_error("roles" if field == "allowed_roles" else field, message)
        return cleaned


class BaseWorkflowStepFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        if any(form.instance._state.adding for form in self.initial_forms):
            raise forms.ValidationError(
                _("The steps changed since the page was opened. Open the page again.")
            )


WorkflowStepFormSet = forms.modelformset_factory(
    WorkflowStep, form=WorkflowStepForm, formset=BaseWorkflowStepFormSet, extra=1, can_delete=True
)
