"""What the checkpoint page shows, for a user: each person's part of one follow-up and
where it stands. Read only: nothing here writes (a follow-up not yet started is shown
as open without a row being made for it).

Pages, the evidence views (which show this page again with a form's errors) and, later,
the API build on `checkpoint_page`; its number of queries does not grow with the goals
or the assessments.
"""

from suunta import policies
from suunta.agreements.models import Checkpoint, GoalArea, Scoring
from suunta.documents.content import followup_decision
from suunta.evidence.forms import evidence_form
from suunta.organizations import people

from . import performance, services
from .forms import AssessmentForm, CloseStepForm, MarkAgreedForm, ReportForm, SalaryForm
from .models import Assessment, AssessmentKind, FollowUp, FollowUpStatus, MetricScore, Rating


def own_kind(user, checkpoint) -> str | None:
    """Which assessment the user writes at this checkpoint: a self-assessment, a view or none."""
    if policies.can(user, policies.WRITE_SELF_ASSESSMENT, checkpoint):
        return AssessmentKind.SELF
    if policies.can(user, policies.WRITE_VIEW, checkpoint):
        return AssessmentKind.VIEW
    return None


def ratings(organization_id: int):
    return Rating.objects.filter(organization_id=organization_id)


def goals(checkpoint) -> list[GoalArea]:
    return list(
        GoalArea.objects.filter(version_id=checkpoint.version_id)
        .prefetch_related("metrics")
        .order_by("order", "id")
    )


def own_form(goal, assessment, scale, kind, data=None) -> AssessmentForm:
    """The user's own self-assessment or view of one goal, filled from what was saved."""
    metrics = goal.metrics.all() if kind == AssessmentKind.SELF else ()
    initial = {}
    if assessment is not None:
        initial = {"rating": assessment.rating_id, "text": assessment.text, "revision": assessment.revision}
        for note in assessment.metric_notes.all():
            initial[f"note_{note.metric_id}"] = note.text
    return AssessmentForm(data, prefix=f"own-{goal.pk}", ratings=scale, metrics=metrics, initial=initial)


def own_forms(user, checkpoint, kind, data=None) -> tuple[list[GoalArea], dict[int, AssessmentForm]]:
    """The goals and, for each, the form of the user's own assessment (bound to `data`)."""
    scale = ratings(checkpoint.version.plan.agreement.organization_id)
    goal_list = goals(checkpoint)
    mine = {
        a.goal_area_id: a
        for a in Assessment.objects.filter(checkpoint=checkpoint, kind=kind, author=user).prefetch_related(
            "metric_notes"
        )
    }
    return goal_list, {g.pk: own_form(g, mine.get(g.pk), scale, kind, data) for g in goal_list}


def _earlier_agreed(user, checkpoint, agreement) -> dict:
    """The previous checkpoint's agreed texts the user may read, by goal."""
    previous = (
        Checkpoint.objects.filter(version_id=checkpoint.version_id, order__lt=checkpoint.order)
        .order_by("-order")
        .first()
    )
    if previous is None:
        return {}
    earlier = Assessment.objects.filter(checkpoint=previous, kind=AssessmentKind.AGREED).select_related(
        "rating"
    )
    status = FollowUp.objects.filter(checkpoint=previous).values_list("status", flat=True).first()
    return {
        a.goal_area_id: a
        for a in policies.visible_assessments(user, list(earlier), agreement, status or FollowUpStatus.OPEN)
    }


def rated_metrics(organization, goal) -> list:
    """The goal's metrics the agreed follow-up rates by hand (from the prefetched metrics)."""
    if not (organization.use_weights and organization.assess_metrics):
        return []
    return [m for m in goal.metrics.all() if m.scoring == Scoring.RATING]


def agreed_form(organization, goal, scale, data=None, initial=None) -> AssessmentForm:
    return AssessmentForm(
        data,
        prefix=f"agreed-{goal.pk}",
        ratings=scale,
        rated_metrics=rated_metrics(organization, goal),
        initial=initial,
    )


def _agreed_forms(organization, checkpoint, goal_list, agreed, scale, given) -> dict:
    forms = dict(given or {})
    missing = [g for g in goal_list if g.pk not in forms]
    stored = {}
    if missing and organization.use_weights and organization.assess_metrics:
        stored = dict(
            MetricScore.objects.filter(checkpoint=checkpoint, rating__isnull=False).values_list(
                "metric_id", "rating_id"
            )
        )
    for goal in missing:
        current = agreed.get(goal.pk)
        initial = {
            "rating": current.rating_id if current else None,
            "text": current.text if current else "",
            # 0: "none saved yet", so a first save made meanwhile conflicts too.
            "revision": current.revision if current else 0,
        }
        initial.update({f"metric_{m.pk}": stored.get(m.pk) for m in rated_metrics(organization, goal)})
        forms[goal.pk] = agreed_form(organization, goal, scale, initial=initial)
    return forms


def _rows(goal_list, visible, agreed, earlier, own, kind, forms) -> list[dict]:
    rows = []
    for goal in goal_list:
        rows.append(
            {
                "goal": goal,
                "earlier": earlier.get(goal.pk),
                "self": next(
                    (a for a in visible if a.goal_area_id == goal.pk and a.kind == AssessmentKind.SELF), None
                ),
                "views": [a for a in visible if a.goal_area_id == goal.pk and a.kind == AssessmentKind.VIEW],
                "agreed": agreed.get(goal.pk),
                "own_form": forms["own"].get(goal.pk),
                "agreed_form": forms["agreed"].get(goal.pk),
                # Evidence: own items with a remove button, and the form to add more.
                "own_evidence": list(own[goal.pk].evidence.all()) if kind and goal.pk in own else [],
                "evidence_form": forms["evidence"].get(goal.pk) or (evidence_form(goal.pk) if kind else None),
            }
        )
    return rows


def _progress(checkpoint, goal_list, assessments) -> dict:
    goal_count = len(goal_list)
    submitted = [a for a in assessments if a.submitted_at is not None]
    evaluators = people.evaluator_ids(checkpoint.version.plan.agreement)
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


def _action_forms(user, checkpoint, followup, problem, agreement, given, result) -> dict:
    """The forms for closing a step, marking the follow-up agreed and reporting it."""
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
    report = given.get("report")
    if report is None and can_report:
        report = report_form(
            checkpoint,
            result.rules is not None,
            initial={"text": followup_decision(agreement, checkpoint, result)},
        )
    salary = given.get("salary")
    if (
        salary is None
        and result.rules is not None
        and result.decided is None
        and policies.can(user, policies.ENTER_SALARY, checkpoint)
    ):
        salary = SalaryForm(prefix="salary", initial={"annual_salary": result.calculation.salary})
    return {
        "close_form": given.get("close") or (CloseStepForm(prefix="close") if can_close else None),
        "mark_form": given.get("mark") or (MarkAgreedForm(prefix="mark") if can_mark else None),
        "report_form": report,
        "salary_form": salary,
    }


def report_form(checkpoint, pay_in_use: bool, data=None, initial=None) -> ReportForm:
    return ReportForm(
        data, prefix="report", initial=initial, evaluation=checkpoint.is_evaluation, pay=pay_in_use
    )


def action_form(plan, checkpoint, action: str, data):
    """The posted form of one checkpoint action (bound to `data`)."""
    if action == "report":
        # The year's evaluation asks for the board's figures where it amends them.
        pay_in_use = (
            checkpoint.is_evaluation and performance.rules_for(plan.agreement.organization) is not None
        )
        return report_form(checkpoint, pay_in_use, data=data)
    form_class = {"close": CloseStepForm, "mark": MarkAgreedForm, "salary": SalaryForm}[action]
    return form_class(data, prefix=action)


def year_result(user, checkpoint, goal_list, agreed):
    """The checkpoint's weighted result and, at the year's evaluation, the pay: with the
    salary (its read audited) for those who may see it."""
    if not checkpoint.is_evaluation:
        return performance.evaluation(checkpoint, goal_list, agreed, row=None)
    row = performance.pay_row(checkpoint)
    salary = performance.read_salary(user, checkpoint, row) if row is not None else None
    return performance.evaluation(checkpoint, goal_list, agreed, salary=salary, row=row)


def checkpoint_page(
    user,
    plan,
    checkpoint,
    *,
    given_own=None,
    agreed_forms=None,
    conflict=None,
    action_forms=None,
    evidence_forms=None,
) -> dict:
    """Everything the checkpoint page shows the user. Forms given (bound, with errors)
    replace the fresh ones for their goal or action."""
    agreement = plan.agreement
    followup = services.followup_state(checkpoint)
    scale = ratings(agreement.organization_id)
    goal_list = goals(checkpoint)
    assessments = list(
        Assessment.objects.filter(checkpoint=checkpoint)
        .select_related("rating", "author")
        .prefetch_related("metric_notes", "evidence")
    )
    visible = policies.visible_assessments(user, assessments, agreement, followup.status)
    problem = services.writable_problem(checkpoint, followup)
    kind = own_kind(user, checkpoint) if not problem else None
    can_agree = not problem and policies.can(user, policies.WRITE_AGREED, checkpoint)
    own = {a.goal_area_id: a for a in assessments if a.author_id == user.pk and a.kind == kind}
    agreed = {a.goal_area_id: a for a in visible if a.kind == AssessmentKind.AGREED}
    if kind and given_own is None:
        given_own = {g.pk: own_form(g, own.get(g.pk), scale, kind) for g in goal_list}
    forms = {
        "own": given_own or {},
        # A form sent back with an error stays, with what was typed, even when the
        # follow-up can no longer be agreed (it was agreed or closed meanwhile).
        "agreed": _agreed_forms(agreement.organization, checkpoint, goal_list, agreed, scale, agreed_forms)
        if can_agree
        else dict(agreed_forms or {}),
        "evidence": evidence_forms or {},
    }
    earlier = _earlier_agreed(user, checkpoint, agreement)
    result = year_result(user, checkpoint, goal_list, agreed)
    return {
        "organization": agreement.organization,
        "agreement": agreement,
        "plan": plan,
        "checkpoint": checkpoint,
        "followup": followup,
        "skipped": list(followup.skipped_steps.select_related("closed_by")) if followup.pk else [],
        "rows": _rows(goal_list, visible, agreed, earlier, own, kind, forms),
        "own_kind": kind,
        "problem": problem,
        "conflict": conflict,
        "progress": _progress(checkpoint, goal_list, assessments),
        "overall": result.overall,
        "result": result,
        # Whether the calculation's salary line may be shown (also a decided one after the
        # organization has turned its pay rules off).
        "salary_visible": checkpoint.is_evaluation and policies.can(user, policies.READ_SALARY, checkpoint),
        **_action_forms(user, checkpoint, followup, problem, agreement, action_forms or {}, result),
        "statuses": list(FollowUpStatus),
        # Self-assessments and views are for insiders; readers see only agreed follow-ups.
        "insider": policies.is_insider(user, agreement),
    }
