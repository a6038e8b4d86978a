"""Retention rules and legal holds (the organization's admin), and the data subject's copy."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from suunta import policies
from suunta.agreements.models import DirectorAgreement
from suunta.lib import clock
from suunta.lib.forms import apply_validation_error
from suunta.organizations.models import Membership, Organization

from . import disposal, pages, services, subject
from .forms import HoldForm, SubjectCopyForm


def _organization(request, slug: str, action: str) -> Organization:
    organization = policies.get_scoped_or_404(
        Organization.objects.for_user(request.user), request.user, slug=slug
    )
    policies.require(request.user, action, organization)
    return organization


@require_http_methods(["GET", "POST"])
def retention_rules(request, slug: str):
    organization = _organization(request, slug, policies.MANAGE_RETENTION)
    forms = pages.rule_forms(organization, request.POST if request.method == "POST" else None)
    if request.method == "POST" and all(form.is_valid() for form in forms):
        try:
            with transaction.atomic():
                for form in forms:
                    if form.has_changed():
                        services.save_rule(request.user, organization, form.record_type, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(forms[0], error)
        else:
            messages.success(request, _("The retention rules were saved."))
            return redirect("retention_rules", slug=organization.slug)
    context = {
        "organization": organization,
        "forms": forms,
        "agreements": pages.agreements_with_holds(organization),
        "due": disposal.plan(organization.pk),
    }
    return render(request, "infomgmt/retention.html", context)


@require_POST
def legal_hold(request, slug: str, agreement_id: int):
    organization = _organization(request, slug, policies.MANAGE_RETENTION)
    agreement = policies.get_scoped_or_404(
        DirectorAgreement.objects.for_user(request.user).filter(organization=organization),
        request.user,
        pk=agreement_id,
    )
    form = HoldForm(request.POST)
    if not form.is_valid():  # a reason too long: said, and nothing placed
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    elif form.cleaned_data.get("release"):
        services.release_hold(request.user, agreement)
        messages.success(request, _("The legal hold was released."))
    else:
        services.place_hold(request.user, agreement, form.cleaned_data.get("reason") or _("Legal hold"))
        messages.success(request, _("The agreement is on legal hold: nothing of it is disposed of."))
    return redirect("retention_rules", slug=organization.slug)


def _zip(data: bytes, person) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    name = f"suunta-{person.username}-{clock.today().isoformat()}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def my_data(request):
    """The signed-in person's own copy: no id comes from the request."""
    return _zip(subject.produce(request.user, request.user), request.user)


@require_http_methods(["GET", "POST"])
def subject_copy(request, slug: str):
    """An admin produces a member's copy for a request made by other means."""
    organization = _organization(request, slug, policies.PRODUCE_SUBJECT_COPY)
    member_ids = Membership.objects.filter(organization=organization).values("user_id")
    people = (
        get_user_model().objects.filter(pk__in=member_ids).order_by("last_name", "first_name", "username")
    )
    form = SubjectCopyForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        return _zip(subject.produce(request.user, person, organization), person)
    return render(request, "infomgmt/subject_copy.html", {"organization": organization, "form": form})
