from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from suunta import policies
from suunta.agreements.models import DirectorAgreement
from suunta.audit import services as audit
from suunta.governance.models import WorkflowStep
from suunta.lib import once
from suunta.lib.clock import today
from suunta.lib.forms import apply_validation_error
from suunta.mail import services as mail_services
from suunta.mail.models import MailStatus, OutgoingMail
from suunta.sso import services as sso

from . import services, setup
from .forms import (
    AcceptWithNewAccountForm,
    BodyFormSet,
    EndMembershipForm,
    InvitationForm,
    MembershipForm,
    PositionFormSet,
    PresetForm,
    WorkflowStepFormSet,
)
from .models import Invitation, InvitationStatus, Membership, Organization
from .presets import PRESETS


@require_GET
def organization_list(request):
    organizations = Organization.objects.for_user(request.user)
    return render(request, "organizations/organization_list.html", {"organizations": organizations})


@require_GET
def organization_detail(request, slug: str):
    organization = policies.get_scoped_or_404(
        Organization.objects.for_user(request.user), request.user, slug=slug
    )
    agreements = (
        DirectorAgreement.objects.for_user(request.user)
        .filter(organization=organization)
        .select_related("executive")
    )
    bodies = organization.bodies.all()
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "organization": organization,
            "agreements": agreements,
            "bodies": bodies,
            "can_manage_members": policies.can(request.user, policies.MANAGE_MEMBERS, organization),
            "can_set_up": policies.can(request.user, policies.SET_UP, organization),
            "positions": organization.positions.all(),
            "can_view_audit": policies.can(request.user, policies.VIEW_AUDIT, organization),
            "can_view_reminders": policies.can(request.user, policies.VIEW_REMINDER_LOG, organization),
        },
    )


# --- Set-up (organization admins) -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def positions(request, slug: str):
    """The organization's positions in its own words, and the rights each carries."""
    organization = policies.get_scoped_or_404(
        Organization.objects.for_user(request.user), request.user, slug=slug
    )
    policies.require(request.user, policies.SET_UP, organization)
    formset = PositionFormSet(request.POST or None, queryset=organization.positions.all(), prefix="positions")
    if request.method == "POST" and formset.is_valid():
        changed = [form.instance for form in formset.forms if form.has_changed() or form.instance.pk]
        try:
            services.save_positions(request.user, organization, changed)
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, _("The positions were saved."))
            return redirect("organization_positions", slug=organization.slug)
    return render(request, "organizations/positions.html", {"organization": organization, "formset": formset})


@require_http_methods(["GET", "POST"])
def process(request, slug: str):
    """The organization's bodies, its model (preset) and the workflow it gives."""
    organization = policies.get_scoped_or_404(
        Organization.objects.for_user(request.user), request.user, slug=slug
    )
    policies.require(request.user, policies.SET_UP, organization)
    posted = request.POST if request.method == "POST" else None
    saving_bodies = posted is not None and "bodies-TOTAL_FORMS" in posted
    bodies = BodyFormSet(
        posted if saving_bodies else None, queryset=organization.bodies.all(), prefix="bodies"
    )
    form = PresetForm(
        None if saving_bodies else posted, presets=PRESETS.values(), initial={"preset": organization.preset}
    )
    try:
        if saving_bodies and bodies.is_valid():
            changed = [f.instance for f in bodies.forms if f.has_changed() or f.instance.pk]
            services.save_bodies(request.user, organization, changed)
            messages.success(request, _("The bodies were saved."))
            return redirect("organization_process", slug=organization.slug)
        if posted is not None and not saving_bodies and form.is_valid():
            setup.change_preset(request.user, organization, form.cleaned_data["preset"])
            messages.success(request, _("The model was changed and the workflow made anew."))
            return redirect("organization_process", slug=organization.slug)
    except ValidationError as error:
        if saving_bodies:
            bodies._non_form_errors = bodies.error_class(error.messages)
        else:
            apply_validation_error(form, error)
    steps = WorkflowStep.objects.filter(organization=organization).select_related("body")
    context = {"organization": organization, "form": form, "bodies": bodies, "steps": steps}
    return render(request, "organizations/process.html", context)


@require_http_methods(["GET", "POST"])
def process_steps(request, slug: str):
    """The organization's workflow steps, edited one by one (added, changed, removed)."""
    organization = policies.get_scoped_or_404(
        Organization.objects.for_user(request.user), request.user, slug=slug
    )
    policies.require(request.user, policies.SET_UP, organization)
    steps = WorkflowStep.objects.filter(organization=organization).select_related("body")
    formset = WorkflowStepFormSet(
        request.POST or None, queryset=steps, prefix="steps", form_kwargs={"organization": organization}
    )
    if request.method == "POST" and formset.is_valid():
        removed = [form.instance for form in formset.deleted_forms if form.instance.pk]
        kept = [f.instance for f in formset.forms if f not in formset.deleted_forms and f.has_changed()]
        try:
            setup.save_workflow(request.user, organization, kept, removed)
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, _("The steps were saved."))
            return redirect("organization_process", slug=organization.slug)
    return render(
        request, "organizations/process_steps.html", {"organization": organization, "formset": formset}
    )


# --- Memberships (organization admins) ----------------------------------------------------


def _managed_organization(request, slug: str) -> Organization:
    organization = policies.get_scoped_or_404(
        Organization.objects.for_user(request.user), request.user, slug=slug
    )
    policies.require(request.user, policies.MANAGE_MEMBERS, organization)
    return organization


@require_GET
def member_list(request, slug: str):
    organization = _managed_organization(request, slug)
    day = today()
    memberships = list(
        Membership.objects.filter(organization=organization)
        .select_related("user", "granted_by", "position", "agreement")
        .order_by("user__last_name", "user__first_name", "valid_from")
    )
    waiting = [m for m in memberships if m.awaiting_confirmation]
    for membership in waiting:
        membership.can_confirm = policies.can(request.user, policies.CONFIRM_GRANT, membership)
    memberships = [m for m in memberships if not m.awaiting_confirmation]
    current = [m for m in memberships if m.valid_from <= day and (m.valid_to is None or m.valid_to >= day)]
    upcoming = [m for m in memberships if m.valid_from > day]
    past = [m for m in memberships if m.valid_to is not None and m.valid_to < day]
    return render(
        request,
        "organizations/member_list.html",
        {
            "organization": organization,
            "waiting": waiting,
            "invitations": _open_invitations(organization),
            "current": current,
            "upcoming": upcoming,
            "past": past,
        },
    )


def _open_invitations(organization) -> list[Invitation]:
    """Invitations waiting for acceptance, each with the state of its latest mail (two
    queries whatever their number)."""
    invitations = list(
        Invitation.objects.filter(organization=organization, status=InvitationStatus.OPEN)
        .select_related("invited_by", "position")
        .prefetch_related(Prefetch("mails", queryset=OutgoingMail.objects.order_by("-created_at", "-id")))
        .order_by("-created_at", "-id")
    )
    for invitation in invitations:
        mails = list(invitation.mails.all())
        invitation.mail = mails[0] if mails else None
        invitation.mail_status = mail_services.status_text(invitation.mail)
        invitation.can_resend = (
            invitation.mail is None
            or invitation.mail.status == MailStatus.SENT
            or (mail_services.can_retry(invitation.mail))
        )
    return invitations


def _agreements(organization):
    return organization.agreements.select_related("executive").order_by("pk")


def _base_url(request) -> str:
    return request.build_absolute_uri("/")[:-1]


@require_http_methods(["GET", "POST"])
def member_new(request, slug: str):
    """A role for someone already among the organization's people."""
    organization = _managed_organization(request, slug)
    people = services.organization_people(organization)
    if request.method != "POST":
        form = MembershipForm(
            people=people,
            positions=organization.positions.all(),
            agreements=_agreements(organization),
            initial={"valid_from": today()},
        )
        return _member_form(request, organization, form, inviting=False)
    form = MembershipForm(
        request.POST,
        people=people,
        positions=organization.positions.all(),
        agreements=_agreements(organization),
    )
    try:
        # A forbidden grant's refusal is written once the submission's transaction has
        # rolled back (recording_refusals outside it); the form then says why.
        with audit.recording_refusals(), once.submission(request) as submission:
            if submission.replayed:
                return submission.replay()
            if not form.is_valid():
                return _member_form(request, organization, form, inviting=False)
            try:
                membership = services.add_membership(request.user, organization, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
                return _member_form(request, organization, form, inviting=False)
            return submission.done(_added(request, organization, membership))
    except services.GrantRefused as refusal:
        form.add_error("person", refusal.message)
        return _member_form(request, organization, form, inviting=False, status=403)


def _added(request, organization, membership):
    if membership.awaiting_confirmation:
        message = _(
            "%(name)s is an organization admin: the role comes into force when another admin confirms it."
        ) % {"name": membership.user}
    else:
        message = _("%(name)s was added as %(role)s.") % {
            "name": membership.user,
            "role": membership.get_role_display().lower(),
        }
    messages.success(request, message)
    return redirect("member_list", slug=organization.slug)


@require_http_methods(["GET", "POST"])
def member_invite(request, slug: str):
    """A new person, invited by e-mail."""
    organization = _managed_organization(request, slug)
    if request.method != "POST":
        form = InvitationForm(
            positions=organization.positions.all(),
            agreements=_agreements(organization),
            initial={"valid_from": today()},
        )
        return _member_form(request, organization, form, inviting=True)
    with once.submission(request) as submission:
        if submission.replayed:
            return submission.replay()
        form = InvitationForm(
            request.POST, positions=organization.positions.all(), agreements=_agreements(organization)
        )
        if not form.is_valid():
            return _member_form(request, organization, form, inviting=True)
        try:
            invitation = services.invite(
                request.user, organization, **form.cleaned_data, base_url=_base_url(request)
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            return _member_form(request, organization, form, inviting=True)
        messages.success(
            request,
            _(
                "The invitation to %(email)s is queued and leaves in a moment. Its state shows in the list below."
            )
            % {"email": invitation.email},
        )
        return submission.done(redirect(reverse("member_list", args=[organization.slug]) + "#invitations"))


def _member_form(request, organization, form, *, inviting: bool, status: int = 200):
    return render(
        request,
        "organizations/member_form.html",
        {"organization": organization, "form": form, "inviting": inviting},
        status=status,
    )


def _invitation(request, organization, invitation_id: int) -> Invitation:
    return policies.get_scoped_or_404(
        Invitation.objects.filter(organization=organization), request.user, pk=invitation_id
    )


@require_POST
def invitation_resend(request, slug: str, invitation_id: int):
    organization = _managed_organization(request, slug)
    invitation = _invitation(request, organization, invitation_id)
    try:
        services.resend_invitation(
            request.user, invitation, base_url=_base_url(request), language=get_language() or "fi"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The invitation to %(email)s is queued again.") % {"email": invitation.email}
        )
    return redirect(reverse("member_list", args=[organization.slug]) + "#invitations")


@require_POST
def invitation_cancel(request, slug: str, invitation_id: int):
    organization = _managed_organization(request, slug)
    invitation = _invitation(request, organization, invitation_id)
    try:
        services.cancel_invitation(request.user, invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The invitation to %(email)s was cancelled; its link no longer works.")
            % {"email": invitation.email},
        )
    return redirect(reverse("member_list", args=[organization.slug]) + "#invitations")


def _waiting_membership(request, organization, membership_id: int) -> Membership:
    return policies.get_scoped_or_404(
        Membership.objects.filter(organization=organization, awaiting_confirmation=True).select_related(
            "user"
        ),
        request.user,
        pk=membership_id,
    )


@require_POST
def membership_confirm(request, slug: str, membership_id: int):
    organization = _managed_organization(request, slug)
    membership = _waiting_membership(request, organization, membership_id)
    services.confirm_membership(request.user, membership)
    messages.success(request, _("The role of %(name)s is now in force.") % {"name": membership.user})
    return redirect("member_list", slug=organization.slug)


@require_POST
def membership_reject(request, slug: str, membership_id: int):
    organization = _managed_organization(request, slug)
    membership = _waiting_membership(request, organization, membership_id)
    services.reject_membership(request.user, membership)
    messages.success(request, _("The role of %(name)s was not given.") % {"name": membership.user})
    return redirect("member_list", slug=organization.slug)


# --- Accepting an invitation (the link in the mail; no login needed to open it) -----------


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "organizations/invitation_invalid.html", status=404)
    form = AcceptWithNewAccountForm(request.POST or None) if not request.user.is_authenticated else None
    status = 200
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            _accept(request, invitation, form)
        except services.GrantRefused as refusal:
            messages.error(request, refusal.message)
            status = 403
        except ValidationError as error:
            if form is not None and hasattr(error, "error_dict"):
                apply_validation_error(form, error)
            else:
                messages.error(request, " ".join(error.messages))
        else:
            return redirect("home")
    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "form": form,
        "login_url": reverse("login") + "?" + urlencode({"next": request.path}),
        "token": token,
    }
    response = render(request, "organizations/invitation_accept.html", context, status=status)
    # Its "sign in with the organization's account" form may lead to the provider.
    return sso.allow_sign_in_forms(
        response, sso.enabled_logins().filter(organization=invitation.organization)
    )


def _accept(request, invitation, form) -> None:
    """The role taken with the account logged in, or with a new one made from the form
    (and logged in)."""
    if form is None:
        services.accept_invitation(request.user, invitation)
    else:
        data = form.cleaned_data
        user = services.create_account_and_accept(
            invitation, username=data["username"], password=data["password1"]
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        _("Welcome to Suunta. You now have the role %(role)s in %(organization)s.")
        % {"role": invitation.role_label().lower(), "organization": invitation.organization.display_name},
    )


@require_http_methods(["GET", "POST"])
def member_end(request, slug: str, membership_id: int):
    organization = _managed_organization(request, slug)
    membership = policies.get_scoped_or_404(
        Membership.objects.filter(organization=organization).select_related("user", "position"),
        request.user,
        pk=membership_id,
    )
    form = EndMembershipForm(request.POST or None, initial={"valid_to": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.end_membership(request.user, membership, form.cleaned_data["valid_to"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The role of %(name)s was ended.") % {"name": membership.user})
            return redirect("member_list", slug=organization.slug)
    return render(
        request,
        "organizations/member_end.html",
        {"organization": organization, "membership": membership, "form": form},
    )
