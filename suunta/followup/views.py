"""The checkpoint page: each person's part of one follow-up, and where it stands."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from suunta import policies
from suunta.agreements import access
from suunta.agreements.models import GoalArea, GoalPlan
from suunta.lib.forms import apply_validation_error
from suunta.lib.pagecache import cached_page
from suunta.organizations.models import Body, BodyKind, Organization

from . import pages, pay, performance, services
from .due import current_since, overview
from .forms import EvaluationSettingsForm
from .models import AssessmentKind, PayRules, Rating


def _context(request, pk: int, checkpoint_id: int):
    plan = access.plan(request.user, pk)
    return plan, access.checkpoint(request.user, plan, access.versions(request.user, plan), checkpoint_id)


def render_page(request, plan, checkpoint, **forms):
    """The checkpoint page; given forms (with errors) replace the fresh ones."""
    return render(
        request, "followup/followup.html", pages.checkpoint_page(request.user, plan, checkpoint, **forms)
    )


@require_GET
@cached_page
def followup(request, pk: int, checkpoint_id: int):
    plan, checkpoint = _context(request, pk, checkpoint_id)
    return render_page(request, plan, checkpoint)


@require_POST
def save_own(request, pk: int, checkpoint_id: int):
    """Save (or submit) the user's own self-assessment or view of every goal at once."""
    plan, checkpoint = _context(request, pk, checkpoint_id)
    kind = pages.own_kind(request.user, checkpoint)
    if kind is None:
        policies.require(request.user, policies.WRITE_VIEW, checkpoint)  # refused and audited
    submit = "submit" in request.POST
    goals, forms = pages.own_forms(request.user, checkpoint, kind, data=request.POST)
    if all(form.is_valid() for form in forms.values()):
        entries = {goal: forms[goal.pk].assessment_values(kind) for goal in goals}
        try:
            services.save_assessments(request.user, checkpoint, kind, entries, submit=submit)
        except services.AssessmentErrors as errors:
            for goal_id, error in errors.by_goal.items():
                apply_validation_error(forms[goal_id], error)
        else:
            messages.success(
                request, _("Submitted. Thank you.") if submit else _("Saved as a draft. Submit when ready.")
            )
            return redirect(reverse("followup", args=[plan.pk, checkpoint.pk]))
    return render_page(request, plan, checkpoint, given_own=forms)


@require_POST
def save_agreed(request, pk: int, checkpoint_id: int, goal_id: int):
    """Record the agreed follow-up of one goal; optimistic locking against parallel edits."""
    plan, checkpoint = _context(request, pk, checkpoint_id)
    policies.require(request.user, policies.WRITE_AGREED, checkpoint)
    goal = policies.get_scoped_or_404(
        GoalArea.objects.filter(version_id=checkpoint.version_id), request.user, pk=goal_id
    )
    organization = plan.agreement.organization
    ratings = Rating.objects.filter(organization_id=organization.pk)
    form = pages.agreed_form(organization, goal, ratings, data=request.POST)
    conflict = None
    if form.is_valid():
        try:
            services.save_assessment(
                request.user,
                checkpoint,
                goal,
                AssessmentKind.AGREED,
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
                revision=form.cleaned_data["revision"],
                metric_ratings=form.metric_ratings(),
            )
        except services.ConflictError as error:
            conflict = {"goal": goal, "theirs": error.assessment}
            # Keep the user's text in the form; the next save overwrites knowingly.
            data = request.POST.copy()
            data[f"agreed-{goal.pk}-revision"] = error.assessment.revision
            form = pages.agreed_form(organization, goal, ratings, data=data)
            form.is_valid()
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("The agreed follow-up was saved: %(goal)s.") % {"goal": goal.display_title}
            )
            return redirect(reverse("followup", args=[plan.pk, checkpoint.pk]) + f"#goal-{goal.pk}")
    return render_page(request, plan, checkpoint, agreed_forms={goal.pk: form}, conflict=conflict)


def _mark(user, plan, checkpoint, data) -> str:
    body = Body.objects.filter(
        organization_id=plan.agreement.organization_id, kind=BodyKind.PREPARATORY
    ).first()
    services.mark_agreed(user, checkpoint, data["meeting_date"], body)
    return _("The follow-up is agreed.")


def _close(user, plan, checkpoint, data) -> str:
    services.close_step(user, checkpoint, data["reason"])
    return _("The step was closed and the reason recorded.")


def _report(user, plan, checkpoint, data) -> str:
    services.report_to_board(user, checkpoint, **data)
    return _("The report to the board was recorded.")


def _salary(user, plan, checkpoint, data) -> str:
    performance.set_salary(user, checkpoint, data["annual_salary"])
    return _("The annual salary was saved.")


# The checkpoint's actions: who may take each (policy) and the service that takes it.
ACTIONS = {
    "close": (policies.CLOSE_FOLLOWUP_STEP, _close),
    "mark": (policies.MARK_AGREED, _mark),
    "report": (policies.REPORT_FOLLOWUP, _report),
    "salary": (policies.ENTER_SALARY, _salary),
}


@require_http_methods(["POST"])
def followup_action(request, pk: int, checkpoint_id: int, action: str):
    plan, checkpoint = _context(request, pk, checkpoint_id)
    permission, take = ACTIONS[action]
    policies.require(request.user, permission, checkpoint)
    form = pages.action_form(plan, checkpoint, action, request.POST)
    if form.is_valid():
        try:
            message = take(request.user, plan, checkpoint, form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, message)
            return redirect(reverse("followup", args=[plan.pk, checkpoint.pk]))
    return render_page(request, plan, checkpoint, action_forms={action: form})


@require_GET
def rating_styles(request):
    """Each organization's rating colours as CSS classes: colours configured per
    organization reach the page through a stylesheet (CSP: no inline styles)."""

    organizations = list(policies.roles_by_organization(request.user))
    lines = [
        f".{r.css_class} {{ background: {r.background}; color: {r.text_colour}; }}"
        for r in Rating.objects.filter(organization_id__in=organizations)
    ]
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
@cached_page
def dashboard(request, slug: str):
    """The organization's follow-up dashboard: everyone's next actions and the goals ×
    checkpoints matrix of each plan in force (this year's and later ones, and earlier ones
    with something due); every plan is on the organization's list of plans."""

    organization = policies.get_scoped_or_404(
        Organization.objects.for_user(request.user), request.user, slug=slug
    )
    plans = GoalPlan.objects.for_user(request.user).filter(agreement__organization=organization)
    items, overviews = overview(plans.values_list("pk", flat=True), request.user, since=current_since())
    roles = policies.roles_in(request.user, organization.pk)
    show_items = bool(roles & policies.FULL_READERS or policies.evaluated_agreements(roles))
    return render(
        request,
        "followup/dashboard.html",
        {
            "organization": organization,
            "items": items if show_items else [],
            "overviews": overviews,
            "show_items": show_items,
        },
    )


@require_http_methods(["GET", "POST"])
def evaluation_settings(request, slug: str):
    """How the organization evaluates the goals: weights, a rating per metric and the
    performance pay rules (organization admins)."""
    organization = policies.get_scoped_or_404(
        Organization.objects.for_user(request.user), request.user, slug=slug
    )
    policies.require(request.user, policies.SET_PAY_RULES, organization)
    rules = PayRules.objects.filter(organization=organization).first() or PayRules(organization=organization)
    initial = {
        "use_weights": organization.use_weights,
        "assess_metrics": organization.assess_metrics,
        "pay_enabled": rules.enabled,
        "basis": rules.basis,
        "maximum": rules.maximum,
        "threshold": rules.threshold,
        "scale": rules.scale,
        "steps": pay.steps_text(rules.steps),
    }
    form = EvaluationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            performance.save_settings(
                request.user,
                organization,
                use_weights=data["use_weights"],
                assess_metrics=data["assess_metrics"],
                enabled=data["pay_enabled"],
                basis=data["basis"],
                maximum=data["maximum"],
                threshold=data["threshold"],
                scale=data["scale"],
                steps=data["steps"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The evaluation settings were saved."))
            return redirect("evaluation_settings", slug=organization.slug)
    return render(request, "followup/evaluation_settings.html", {"organization": organization, "form": form})
