import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from suunta import policies
from suunta.agreements import access
from suunta.agreements.models import GoalPlan, VersionStatus
from suunta.lib import once
from suunta.lib.forms import apply_validation_error
from suunta.organizations import people

from . import services
from .forms import CorrectionForm, StepForm
from .models import Handling, WorkflowStep


@require_http_methods(["GET", "POST"])
def step_form(request, pk: int, step_id: int):
    plan = access.plan(request.user, pk)
    versions = access.versions(request.user, plan)
    if not versions:
        return redirect("plan_detail", pk=plan.pk)
    version = versions[-1]
    agreement = plan.agreement
    step = policies.get_scoped_or_404(
        WorkflowStep.objects.filter(organization_id=agreement.organization_id).select_related("body"),
        request.user,
        pk=step_id,
    )
    if request.method != "POST":
        policies.require(request.user, policies.TAKE_STEP, (version, step))
        return _page(request, plan, version, step, _step_form(version, step, None))
    with once.submission(request) as submission:
        if submission.replayed:  # the same form sent twice: the first one's result
            return submission.replay()
        stale = _stale_tab(request, plan, version, step)
        if stale is not None:
            return stale
        policies.require(request.user, policies.TAKE_STEP, (version, step))
        form = _step_form(version, step, request.POST)
        if form.is_valid():
            try:
                services.take_step(request.user, version, step, **form.cleaned_data)
            except services.StaleStepError as error:
                messages.error(request, error.messages[0])
                return redirect("plan_detail", pk=plan.pk)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                status = VersionStatus(step.to_status).label
                messages.success(request, _("Saved. The plan is now “%(status)s”.") % {"status": status})
                return submission.done(redirect("plan_detail", pk=plan.pk))
        return _page(request, plan, version, step, form)


def _stale_tab(request, plan, version, step):
    """Another tab took a step a moment ago: a clear message, not a bare 403."""
    seen = request.POST.get("expected_status")
    if not seen or seen == version.status or seen != step.from_status:
        return None
    as_seen = copy.copy(version)
    as_seen.status = seen
    if not policies.can(request.user, policies.TAKE_STEP, (as_seen, step)):
        return None
    messages.error(request, services.StaleStepError.for_version(version).messages[0])
    return redirect("plan_detail", pk=plan.pk)


def _step_form(version, step, data) -> StepForm:
    agreement = version.plan.agreement
    return StepForm(
        data,
        step=step,
        agreement=agreement,
        plan=version.plan,
        initial={
            "expected_status": version.status,
            "expected_handlings": services.workflow_handlings(version).count(),
            "text": services.decision_draft(version, step, get_language() or "fi"),
            # A decision is presented by the presenting position's holder; a preparatory handling has none.
            "presenter": _presenter_id(agreement) if step.outcome not in ("", "handled") else None,
        },
    )


def _page(request, plan, version, step, form):
    return render(
        request,
        "governance/step_form.html",
        {
            "organization": plan.agreement.organization,
            "agreement": plan.agreement,
            "plan": plan,
            "version": version,
            "step": step,
            "form": form,
        },
    )


def _presenter_id(agreement):
    presenter = people.default_presenter(agreement)
    return presenter.pk if presenter else None


@require_http_methods(["GET", "POST"])
def handling_correct(request, pk: int):
    """Correct a recorded decision's date, § or case number, with the reason."""
    readable = Handling.objects.filter(version__plan__in=GoalPlan.objects.for_user(request.user))
    handling = policies.get_scoped_or_404(
        readable.select_related("body", "version__plan__agreement__organization"), request.user, pk=pk
    )
    policies.require(request.user, policies.CORRECT_DECISION, handling)
    initial = {
        "meeting_date": handling.meeting_date,
        "section": handling.section,
        "case_number": handling.case_number,
    }
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_handling(request.user, handling, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The record was corrected. The original stays in the history."))
            return redirect("plan_history", pk=handling.version.plan_id)
    plan = handling.version.plan
    context = {"handling": handling, "plan": plan, "organization": plan.agreement.organization, "form": form}
    return render(request, "governance/handling_correct.html", context)
