"""The checkpoint page: each person's part of one follow-up, and where it stands."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from suunta import policies
from suunta.agreements import access
from suunta.agreements.models import Checkpoint, GoalArea
from suunta.documents.content import followup_decision
from suunta.evidence.forms import evidence_form
from suunta.lib.forms import apply_validation_error
from suunta.measures.weights import overall_result
from suunta.organizations.models import Body, BodyKind

from . import services
from .forms import AssessmentForm, CloseStepForm, MarkAgreedForm, ReportForm
from .models import Assessment, AssessmentKind, FollowUp, FollowUpStatus, Rating
from .scale import ensure_scale


class _Rollback(Exception):
    pass


def _context(request, pk: int, checkpoint_id: int):
    plan = access.plan(request.user, pk)
    return plan, access.checkpoint(request.user, plan, access.versions(request.user, plan), checkpoint_id)


def _own_kind(user, checkpoint) -> str | None:
    if policies.can(user, policies.WRITE_SELF_ASSESSMENT, checkpoint):
        return AssessmentKind.SELF
    if policies.can(user, policies.WRITE_VIEW, checkpoint):
        return AssessmentKind.VIEW
    return None


def _page(
    request,
    plan,
    checkpoint,
    *,
    own_forms=None,
    agreed_forms=None,
    conflict=None,
    action_forms=None,
    evidence_forms=None,
):
    user = request.user
    agreement = plan.agreement
    followup = services.followup_of(checkpoint)
    ensure_scale(agreement.organization)  # organizations set up without the demo get the default
    ratings = Rating.objects.filter(organization_id=agreement.organization_id)
    goals = list(
        GoalArea.objects.filter(version_id=checkpoint.version_id)
        .prefetch_related("metrics")
        .order_by("order", "id")
    )
    assessments = list(
        Assessment.objects.filter(checkpoint=checkpoint)
        .select_related("rating", "author")
        .prefetch_related("metric_notes", "evidence")
    )
    visible = policies.visible_assessments(user, assessments, agreement, followup.status)
    previous = (
        Checkpoint.objects.filter(version_id=checkpoint.version_id, order__lt=checkpoint.order)
        .order_by("-order")
        .first()
    )
    earlier_agreed = {}
    if previous is not None:
        earlier = Assessment.objects.filter(checkpoint=previous, kind=AssessmentKind.AGREED).select_related(
            "rating"
        )
        earlier_status = FollowUp.objects.filter(checkpoint=previous).values_list("status", flat=True).first()
        earlier_agreed = {
            a.goal_area_id: a
            for a in policies.visible_assessments(
                user, list(earlier), agreement, earlier_status or FollowUpStatus.OPEN
            )
        }
    problem = services.writable_problem(checkpoint, followup)
    own_kind = _own_kind(user, checkpoint) if not problem else None
    can_agree = not problem and policies.can(user, policies.WRITE_AGREED, checkpoint)
    own = {a.goal_area_id: a for a in assessments if a.author_id == user.pk and a.kind == own_kind}
    agreed = {a.goal_area_id: a for a in visible if a.kind == AssessmentKind.AGREED}
    if own_kind and own_forms is None:
        own_forms = {g.pk: _own_form(g, own.get(g.pk), ratings, own_kind) for g in goals}
    if can_agree and agreed_forms is None:
        agreed_forms = {}
    if can_agree:
        for goal in goals:
            if goal.pk not in agreed_forms:
                current = agreed.get(goal.pk)
                agreed_forms[goal.pk] = AssessmentForm(
                    prefix=f"agreed-{goal.pk}",
                    ratings=ratings,
                    initial={
                        "rating": current.rating_id if current else None,
                        "text": current.text if current else "",
                        # 0: "none saved yet", so a first save made meanwhile conflicts too.
                        "revision": current.revision if current else 0,
                    },
                )
    rows = []
    for goal in goals:
        rows.append(
            {
                "goal": goal,
                "earlier": earlier_agreed.get(goal.pk),
                "self": next(
                    (a for a in visible if a.goal_area_id == goal.pk and a.kind == AssessmentKind.SELF), None
                ),
                "views": [a for a in visible if a.goal_area_id == goal.pk and a.kind == AssessmentKind.VIEW],
                "agreed": agreed.get(goal.pk),
                "own_form": (own_forms or {}).get(goal.pk),
                "agreed_form": (agreed_forms or {}).get(goal.pk),
                # Evidence: own items with a remove button, and the form to add more.
                "own_evidence": list(own[goal.pk].evidence.all()) if own_kind and goal.pk in own else [],
                "evidence_form": (evidence_forms or {}).get(goal.pk)
                or (evidence_form(goal.pk) if own_kind else None),
            }
        )
    action_forms = action_forms or {}
    can_close = (
        not problem
        and followup.status in (FollowUpStatus.OPEN, FollowUpStatus.SELF_ASSESSED)
        and policies.can(user, policies.CLOSE_FOLLOWUP_STEP, checkpoint)
    )
    can_mark = followup.status == FollowUpStatus.VIEWS_IN and policies.can(
        user, policies.MARK_AGREED, checkpoint
    )
    can_report = followup.status == FollowUpStatus.AGREED and policies.can(
        user, policies.REPORT_FOLLOWUP, checkpoint
    )
    progress = _progress(checkpoint, goals, assessments)
    overall = overall_result(goals, agreed) if agreement.organization.use_weights else None
    return render(
        request,
        "followup/followup.html",
        {
            "organization": agreement.organization,
            "agreement": agreement,
            "plan": plan,
            "checkpoint": checkpoint,
            "followup": followup,
            "skipped": list(followup.skipped_steps.select_related("closed_by")),
            "rows": rows,
            "own_kind": own_kind,
            "problem": problem,
            "conflict": conflict,
            "progress": progress,
            "overall": overall,
            "close_form": action_forms.get("close") or (CloseStepForm(prefix="close") if can_close else None),
            "mark_form": action_forms.get("mark") or (MarkAgreedForm(prefix="mark") if can_mark else None),
            "report_form": action_forms.get("report")
            or (
                ReportForm(prefix="report", initial={"text": followup_decision(agreement, checkpoint)})
                if can_report
                else None
            ),
            "statuses": list(FollowUpStatus),
            # Self-assessments and views are for insiders; readers see only agreed follow-ups.
            "insider": policies.is_insider(user, agreement),
        },
    )


def _own_form(goal, assessment, ratings, kind, data=None):
    metrics = goal.metrics.all() if kind == AssessmentKind.SELF else ()
    initial = {}
    if assessment is not None:
        initial = {"rating": assessment.rating_id, "text": assessment.text, "revision": assessment.revision}
        for note in assessment.metric_notes.all():
            initial[f"note_{note.metric_id}"] = note.text
    return AssessmentForm(data, prefix=f"own-{goal.pk}", ratings=ratings, metrics=metrics, initial=initial)


def _progress(checkpoint, goals, assessments) -> dict:
    goal_count = len(goals)
    submitted = [a for a in assessments if a.submitted_at is not None]
    evaluators = services.current_evaluators(checkpoint)
    views_done = sum(
        1
        for e in evaluators
        if sum(1 for a in submitted if a.kind == AssessmentKind.VIEW and a.author_id == e) >= goal_count
    )
    return {
        "goals": goal_count,
        "self_done": len({a.goal_area_id for a in submitted if a.kind == AssessmentKind.SELF}),
        "evaluators": len(evaluators),
        "views_done": views_done,
        "agreed_done": len({a.goal_area_id for a in assessments if a.kind == AssessmentKind.AGREED}),
    }


@require_GET
def followup(request, pk: int, checkpoint_id: int):
    plan, checkpoint = _context(request, pk, checkpoint_id)
    return _page(request, plan, checkpoint)


@require_POST
def save_own(request, pk: int, checkpoint_id: int):
    """Save (or submit) the user's own self-assessment or view of every goal at once."""
    plan, checkpoint = _context(request, pk, checkpoint_id)
    kind = _own_kind(request.user, checkpoint)
    if kind is None:
        policies.require(request.user, policies.WRITE_VIEW, checkpoint)  # refused and audited
    submit = "submit" in request.POST
    ratings = Rating.objects.filter(organization_id=plan.agreement.organization_id)
    goals = list(
        GoalArea.objects.filter(version_id=checkpoint.version_id)
        .prefetch_related("metrics")
        .order_by("order", "id")
    )
    mine = {
        a.goal_area_id: a
        for a in Assessment.objects.filter(
            checkpoint=checkpoint, kind=kind, author=request.user
        ).prefetch_related("metric_notes")
    }
    forms = {g.pk: _own_form(g, mine.get(g.pk), ratings, kind, data=request.POST) for g in goals}
    if all(form.is_valid() for form in forms.values()):
        try:
            with transaction.atomic():  # all goals or none
                failed = False
                for goal in goals:
                    form = forms[goal.pk]
                    try:
                        services.save_assessment(
                            request.user,
                            checkpoint,
                            goal,
                            kind,
                            rating=form.cleaned_data["rating"],
                            text=form.cleaned_data["text"],
                            submit=submit,
                            metric_notes=form.metric_notes() if kind == AssessmentKind.SELF else None,
                        )
                    except ValidationError as error:
                        apply_validation_error(form, error)
                        failed = True
                if failed:
                    raise _Rollback
        except _Rollback:
            pass
        else:
            messages.success(
                request, _("Submitted. Thank you.") if submit else _("Saved as a draft. Submit when ready.")
            )
            return redirect(reverse("followup", args=[plan.pk, checkpoint.pk]))
    return _page(request, plan, checkpoint, own_forms=forms)


@require_POST
def save_agreed(request, pk: int, checkpoint_id: int, goal_id: int):
    """Record the agreed follow-up of one goal; optimistic locking against parallel edits."""
    plan, checkpoint = _context(request, pk, checkpoint_id)
    policies.require(request.user, policies.WRITE_AGREED, checkpoint)
    goal = policies.get_scoped_or_404(
        GoalArea.objects.filter(version_id=checkpoint.version_id), request.user, pk=goal_id
    )
    ratings = Rating.objects.filter(organization_id=plan.agreement.organization_id)
    form = AssessmentForm(request.POST, prefix=f"agreed-{goal.pk}", ratings=ratings)
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
            )
        except services.ConflictError as error:
            conflict = {"goal": goal, "theirs": error.assessment}
            # Keep the user's text in the form; the next save overwrites knowingly.
            data = request.POST.copy()
            data[f"agreed-{goal.pk}-revision"] = error.assessment.revision
            form = AssessmentForm(data, prefix=f"agreed-{goal.pk}", ratings=ratings)
            form.is_valid()
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("The agreed follow-up was saved: %(goal)s.") % {"goal": goal.display_title}
            )
            return redirect(reverse("followup", args=[plan.pk, checkpoint.pk]) + f"#goal-{goal.pk}")
    return _page(request, plan, checkpoint, agreed_forms={goal.pk: form}, conflict=conflict)


@require_http_methods(["POST"])
def followup_action(request, pk: int, checkpoint_id: int, action: str):
    plan, checkpoint = _context(request, pk, checkpoint_id)
    form_class, prefix = {
        "close": (CloseStepForm, "close"),
        "mark": (MarkAgreedForm, "mark"),
        "report": (ReportForm, "report"),
    }[action]
    permission = {
        "close": policies.CLOSE_FOLLOWUP_STEP,
        "mark": policies.MARK_AGREED,
        "report": policies.REPORT_FOLLOWUP,
    }[action]
    policies.require(request.user, permission, checkpoint)
    form = form_class(request.POST, prefix=prefix)
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
            else:
                services.report_to_board(request.user, checkpoint, **data)
                message = _("The report to the board was recorded.")
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, message)
            return redirect(reverse("followup", args=[plan.pk, checkpoint.pk]))
    return _page(request, plan, checkpoint, action_forms={action: form})


@require_GET
def rating_styles(request):
    """Each organization's rating colours as CSS classes: colours configured per
    organization reach the page through a stylesheet (CSP: no inline styles)."""
    from django.http import HttpResponse

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
    from suunta.agreements.models import GoalPlan
    from suunta.organizations.models import Organization

    from .due import overview

    organization = policies.get_scoped_or_404(
        Organization.objects.for_user(request.user), request.user, slug=slug
    )
    plans = GoalPlan.objects.for_user(request.user).filter(agreement__organization=organization)
    items, overviews = overview(plans, request.user)
    show_items = bool(policies.roles_in(request.user, organization.pk) & policies.FULL_READERS)
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
