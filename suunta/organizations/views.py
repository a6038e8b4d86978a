from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from suunta import policies
from suunta.agreements.models import DirectorAgreement
from suunta.lib.clock import today
from suunta.lib.forms import apply_validation_error

from . import services
from .forms import EndMembershipForm, MembershipForm
from .models import Membership, Organization


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
            "can_view_audit": policies.can(request.user, policies.VIEW_AUDIT, organization),
        },
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
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "valid_from")
    )
    current = [m for m in memberships if m.valid_from <= day and (m.valid_to is None or m.valid_to >= day)]
    upcoming = [m for m in memberships if m.valid_from > day]
    past = [m for m in memberships if m.valid_to is not None and m.valid_to < day]
    return render(
        request,
        "organizations/member_list.html",
        {"organization": organization, "current": current, "upcoming": upcoming, "past": past},
    )


@require_http_methods(["GET", "POST"])
def member_new(request, slug: str):
    organization = _managed_organization(request, slug)
    form = MembershipForm(request.POST or None, initial={"valid_from": today()})
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.add_membership(
                request.user, organization, **form.cleaned_data, base_url=request.build_absolute_uri("/")[:-1]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was added as %(role)s.")
                % {"name": membership.user, "role": membership.get_role_display().lower()},
            )
            return redirect("member_list", slug=organization.slug)
    return render(request, "organizations/member_form.html", {"organization": organization, "form": form})


@require_http_methods(["GET", "POST"])
def member_end(request, slug: str, membership_id: int):
    organization = _managed_organization(request, slug)
    membership = policies.get_scoped_or_404(
        Membership.objects.filter(organization=organization).select_related("user"),
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
