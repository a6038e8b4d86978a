"""Adding, removing and downloading evidence. The follow-up page shows it."""

import unicodedata
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from suunta import policies
from suunta.agreements import access
from suunta.agreements.models import GoalArea, GoalPlan
from suunta.audit import services as audit
from suunta.followup import pages as followup_pages
from suunta.lib import once
from suunta.lib.forms import apply_validation_error

from . import services, uploads
from .forms import evidence_form
from .models import Evidence


def _followup_url(plan_id: int, checkpoint_id: int, goal_id: int) -> str:
    return reverse("followup", args=[plan_id, checkpoint_id]) + f"#goal-{goal_id}"


@require_POST
def evidence_add(request, pk: int, checkpoint_id: int, goal_id: int):
    plan = access.plan(request.user, pk)
    checkpoint = access.checkpoint(request.user, plan, access.versions(request.user, plan), checkpoint_id)
    policies.require(request.user, policies.ATTACH_EVIDENCE, checkpoint)
    goal = policies.get_scoped_or_404(
        GoalArea.objects.filter(version_id=checkpoint.version_id), request.user, pk=goal_id
    )
    with once.submission(request) as submission:
        if submission.replayed:
            return submission.replay()
        form = evidence_form(goal.pk, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["files"]:
                    added = services.attach_files(request.user, checkpoint, goal, data["files"])
                else:
                    added = [services.attach_link(request.user, checkpoint, goal, data["url"], data["title"])]
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                names = ", ".join(f"“{item.display_name}”" for item in added)
                messages.success(
                    request,
                    _("Evidence added to “%(goal)s”: %(names)s.")
                    % {"goal": goal.display_title, "names": names},
                )
                return submission.done(redirect(_followup_url(plan.pk, checkpoint.pk, goal.pk)))
        context = followup_pages.checkpoint_page(
            request.user, plan, checkpoint, evidence_forms={goal.pk: form}
        )
        return render(request, "followup/followup.html", context)


def _record_refusal(request, action: str, evidence: Evidence, outcome: str = "denied") -> None:
    # As policies.get_scoped_or_404 does: a refusal is written in a transaction of its
    # own, which cannot be opened inside someone else's (then there is nothing to write).
    if not audit.in_transaction():
        audit.record_refusal(
            action,
            actor=request.user,
            organization=policies.organization_of(evidence.assessment.checkpoint),
            obj=evidence,
            outcome=outcome,
            request=request,
        )


def _readable_evidence(request, evidence_id: int, denied_action: str) -> Evidence:
    """The evidence, if the user may read it; otherwise 404. A plan outside the user's
    scope is audited by get_scoped_or_404, an assessment the user may not read here."""
    evidence = Evidence.objects.with_context().filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404
    plan_id = evidence.assessment.checkpoint.version.plan_id
    policies.get_scoped_or_404(GoalPlan.objects.for_user(request.user), request.user, pk=plan_id)
    if not policies.can(request.user, policies.READ_EVIDENCE, evidence):
        _record_refusal(request, denied_action, evidence)
        raise Http404
    return evidence


@require_POST
def evidence_remove(request, evidence_id: int):
    evidence = _readable_evidence(request, evidence_id, "evidence.remove.denied")
    checkpoint = evidence.assessment.checkpoint
    target = _followup_url(checkpoint.version.plan_id, checkpoint.pk, evidence.assessment.goal_area_id)
    try:
        services.remove(request.user, evidence)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Removed: “%(name)s”.") % {"name": evidence.display_name})
    return redirect(target)


def content_disposition(name: str) -> str:
    """attachment with an ASCII fallback name and the real one per RFC 5987/6266."""
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(ch for ch in fallback if ch.isprintable() and ch not in '"\\;') or "evidence"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_GET
def evidence_download(request, evidence_id: int):
    evidence = _readable_evidence(request, evidence_id, "evidence.download.denied")
    if not evidence.is_file:
        raise Http404  # links are followed in the browser, not downloaded through here
    try:
        handle = uploads.open_stored(evidence.stored_name)  # FileResponse closes it
    except (OSError, ValueError):
        _record_refusal(request, "evidence.download.missing", evidence, outcome="failed")
        raise Http404 from None
    response = FileResponse(handle, content_type=evidence.content_type)
    response["Content-Disposition"] = content_disposition(evidence.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    audit.record(
        "evidence.download",
        actor=request.user,
        organization=policies.organization_of(evidence.assessment.checkpoint),
        obj=evidence,
        changes={"original_name": [None, evidence.original_name], "size": [None, evidence.size]},
        restricted=services.restricted_fields(evidence),
        request=request,
    )
    return response
