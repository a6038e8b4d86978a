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
from suunta.organizations.models import Body, BodyKind, Organization

from . import pages, performance, services
from .due import overview
from .forms import CloseStepForm, MarkAgreedForm, SalaryForm
from .models import AssessmentKind, Rating


def _context(request, pk: int, checkpoint_id: int):
    plan = access.plan(request.user, pk)
    return plan, access.checkpoint(request.user, plan, access.versions(request.user, plan), checkpoint_id)


def render_page(request, plan, checkpoint, **forms):
    """The checkpoint page; given forms (with errors) replace the fresh ones."""
    return render(
        request, "followup/followup.html", pages.checkpoint_page(request.user, plan, checkpoint, **forms)
    )


@require_GET
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


@require_http_methods(["POST"])
def followup_action(request, pk: int, checkpoint_id: int, action: str):
    plan, checkpoint = _context(request, pk, checkpoint_id)
    permission = {
        "close": policies.CLOSE_FOLLOWUP_STEP,
        "mark": policies.MARK_AGREED,
        "report": policies.REPORT_FOLLOWUP,
        "salary": policies.ENTER_SALARY,
    }[action]
    policies.require(request.user, permission, checkpoint)
    if action == "report":
        # The year's evaluation asks for the board's figures where it amends them.
        pay_in_use = (
            checkpoint.is_evaluation and performance.rules_for(plan.agreement.organization) is not None
        )
        form = pages.report_form(checkpoint, pay_in_use, data=request.POST)
    else:
        form_class = {"close": CloseStepForm, "mark": MarkAgreedForm, "salary": SalaryForm}[action]
        form = form_class(request.POST, prefix=action)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "close":
                services.close_step(request.user, checkpoint, data["reason"])
                message = _("The step was closed and the reason recorded.")
            elif action == "mark":
                body = Body.objects.filter(
                    organization_id=plan.agreement.organization_id, kind=BodyKind.PREPARATORY
                ).first()
                services.mark_agreed(request.user, checkpoint, data["meeting_date"], body)
                message = _("The follow-up is agreed.")
            elif action == "salary":
                performance.set_salary(request.user, checkpoint, data["annual_salary"])
                message = _("The annual salary was saved.")
            else:
                services.report_to_board(request.user, checkpoint, **data)
                message = _("The report to the board was recorded.")
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
def dashboard(request, slug: str):
    """The organization's follow-up dashboard: everyone's next actions and the goals ×
    checkpoints matrix of each plan in force."""

    organization = policies.get_scoped_or_404(
        Organization.objects.for_user(request.user), request.user, slug=slug
    )
    plans = GoalPlan.objects.for_user(request.user).filter(agreement__organization=organization)
    items, overviews = overview(plans, request.user)
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
