"""Follow-up state changes: the only code that writes assessments and checkpoint states.

Statuses move forward: open → self-assessed → views in → agreed → reported. The first
two advance by themselves when everyone has submitted; a step someone never completes
is closed by the preparer or a position with the right, with a recorded reason.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from suunta import policies
from suunta.agreements.models import Checkpoint, GoalArea, Metric, Scoring, VersionStatus
from suunta.audit import services as audit
from suunta.governance.models import Handling, Outcome
from suunta.lib.clock import now, today
from suunta.measures.weights import score_from_value, to_decimal
from suunta.organizations import people
from suunta.organizations.models import Body, BodyKind

from . import evaluation, performance
from .models import (
    Assessment,
    AssessmentKind,
    FollowUp,
    FollowUpStatus,
    MetricNote,
    MetricScore,
    Rating,
    SkippedStep,
)
from .scale import ensure_scale

WRITE_ACTION = {
    AssessmentKind.SELF: policies.WRITE_SELF_ASSESSMENT,
    AssessmentKind.VIEW: policies.WRITE_VIEW,
    AssessmentKind.AGREED: policies.WRITE_AGREED,
}


class ConflictError(Exception):
    """Someone saved the same text since this form was opened. Carries both versions so
    the user can see them side by side; nothing was saved."""

    def __init__(self, assessment: Assessment, mine_text: str, mine_rating_id: int | None):
        super().__init__("conflict")
        self.assessment = assessment
        self.mine_text = mine_text
        self.mine_rating_id = mine_rating_id


def followup_of(checkpoint: Checkpoint) -> FollowUp:
    """The checkpoint's follow-up row, made when first written to."""
    followup, _ = FollowUp.objects.get_or_create(checkpoint=checkpoint)
    return followup


def followup_state(checkpoint: Checkpoint) -> FollowUp:
    """The follow-up as it stands, for reading: one that nobody has written to yet is
    open, and no row is made for it (a page view never writes)."""
    return FollowUp.objects.filter(checkpoint=checkpoint).first() or FollowUp(
        checkpoint=checkpoint, status=FollowUpStatus.OPEN
    )


def _org(checkpoint: Checkpoint) -> int:
    return checkpoint.version.plan.agreement.organization_id


def _lock(checkpoint: Checkpoint) -> tuple[Checkpoint, FollowUp]:
    checkpoint = Checkpoint.objects.select_related("version__plan__agreement__organization").get(
        pk=checkpoint.pk
    )
    # An organization set up without the default rating scale gets it with its first follow-up.
    ensure_scale(checkpoint.version.plan.agreement.organization)
    followup_of(checkpoint)
    followup = FollowUp.objects.select_for_update().get(checkpoint=checkpoint)
    return checkpoint, followup


def writable_problem(checkpoint: Checkpoint, followup: FollowUp) -> str:
    """Why assessments of this checkpoint cannot be written now ("" when they can)."""
    if checkpoint.version.status != VersionStatus.APPROVED:
        return _("Follow-ups are written on an approved plan; this version is “%(status)s”.") % {
            "status": checkpoint.version.get_status_display()
        }
    if today() < checkpoint.window_start:
        return _("This follow-up opens on %(date)s.") % {
            "date": formats.date_format(checkpoint.window_start, "SHORT_DATE_FORMAT")
        }
    if followup.reached(FollowUpStatus.AGREED):
        return _("This follow-up has already been agreed.")
    return ""


@audit.recording_refusals
@transaction.atomic
def save_assessment(
    user,
    checkpoint: Checkpoint,
    goal_area: GoalArea,
    kind: str,
    *,
    rating: Rating | None,
    text: str,
    submit: bool = False,
    revision: int | None = None,
    metric_notes: dict[int, str] | None = None,
    metric_ratings: dict[int, Rating | None] | None = None,
) -> Assessment:
    checkpoint, followup = _lock(checkpoint)
    policies.require(user, WRITE_ACTION[kind], checkpoint)
    problem = writable_problem(checkpoint, followup)
    if problem:
        raise ValidationError(problem)
    if goal_area.version_id != checkpoint.version_id:
        raise ValidationError(_("This goal does not belong to the checkpoint's plan."))
    if rating is not None and rating.organization_id != _org(checkpoint):
        raise ValidationError({"rating": _("Choose a rating from the scale.")})
    text = (text or "").strip()
    # Where each metric is rated, the agreed follow-up rates the goal's metrics (those
    # rated by hand) and the goal's own rating is optional.
    per_metric = kind == AssessmentKind.AGREED and rates_metrics(checkpoint, goal_area)
    rated_metrics = hand_rated_metrics(checkpoint, goal_area) if per_metric else []
    if per_metric:
        metric_ratings = metric_ratings or {}
        errors = {
            f"metric_{m.pk}": _("Choose a rating for the metric: %(metric)s.") % {"metric": m.display_text}
            for m in rated_metrics
            if metric_ratings.get(m.pk) is None
        }
        if not text:
            errors["text"] = _("Write the assessment before submitting.")
        for m in rated_metrics:
            given = metric_ratings.get(m.pk)
            if given is not None and given.organization_id != _org(checkpoint):
                errors[f"metric_{m.pk}"] = _("Choose a rating from the scale.")
        if errors:
            raise ValidationError(errors)
    # The agreed follow-up counts as submitted once saved: it needs both, too.
    elif (submit or kind == AssessmentKind.AGREED) and (rating is None or not text):
        errors = {}
        if rating is None:
            errors["rating"] = _("Choose a rating before submitting.")
        if not text:
            errors["text"] = _("Write the assessment before submitting.")
        raise ValidationError(errors)

    lookup = {"checkpoint": checkpoint, "goal_area": goal_area, "kind": kind}
    if kind != AssessmentKind.AGREED:
        lookup["author"] = user
    existing = Assessment.objects.select_for_update().filter(**lookup).first()
    if existing is not None and revision is not None and existing.revision != revision:
        raise ConflictError(existing, text, rating.pk if rating else None)
    before = audit.snapshot(existing, ["rating", "text", "submitted_at"]) if existing else {}
    assessment = existing or Assessment(**{**lookup, "author": user})
    assessment.rating = rating
    assessment.text = text
    if kind == AssessmentKind.AGREED:
        assessment.author = user  # who recorded the agreed text last
        assessment.submitted_at = assessment.submitted_at or now()
    elif submit:
        assessment.submitted_at = now()
    if existing is not None:
        assessment.revision = existing.revision + 1
    assessment.full_clean()
    assessment.save()
    if metric_notes is not None and kind == AssessmentKind.SELF:
        _save_metric_notes(assessment, goal_area, metric_notes)
    changes = audit.diff(before, audit.snapshot(assessment, ["rating", "text", "submitted_at"]))
    if rated_metrics:
        changes.update(_save_metric_ratings(user, checkpoint, rated_metrics, metric_ratings))
    audit.record(
        f"assessment.{kind}.{'submit' if submit else 'save'}",
        actor=user,
        organization=_org(checkpoint),
        obj=assessment,
        changes=changes,
    )
    _advance(checkpoint, followup, user)
    return assessment


class AssessmentErrors(ValidationError):
    """Some goals of an all-or-nothing save were refused; nothing was saved.
    `by_goal`: {goal id: the ValidationError of that goal}."""

    def __init__(self, by_goal: dict):
        super().__init__([message for error in by_goal.values() for message in error.messages])
        self.by_goal = by_goal


@audit.recording_refusals
@transaction.atomic
def save_assessments(user, checkpoint: Checkpoint, kind: str, entries: dict, *, submit: bool = False) -> list:
    """The user's own self-assessment or view of every goal at once: all goals or none.
    entries: {goal: {"rating": …, "text": …, "metric_notes": {…} or None}}."""
    errors, saved = {}, []
    for goal, values in entries.items():
        try:
            # save_assessment is atomic, so nested here it is a savepoint per goal: a
            # refused goal's own writes go, the others' stay until the whole is known.
            saved.append(save_assessment(user, checkpoint, goal, kind, submit=submit, **values))
        except ValidationError as error:
            errors[goal.pk] = error
    if errors:
        raise AssessmentErrors(errors)
    return saved


def rates_metrics(checkpoint: Checkpoint, goal_area: GoalArea) -> bool:
    """Whether the agreed follow-up of this goal rates its metrics rather than the goal:
    the organization rates each metric and the goal has metrics."""
    organization = checkpoint.version.plan.agreement.organization
    return bool(
        organization.use_weights
        and organization.assess_metrics
        and Metric.objects.filter(goal_area=goal_area).exists()
    )


def hand_rated_metrics(checkpoint: Checkpoint, goal_area: GoalArea) -> list[Metric]:
    """The goal's metrics the agreed follow-up rates by hand."""
    return list(Metric.objects.filter(goal_area=goal_area, scoring=Scoring.RATING).order_by("order", "id"))


def _save_metric_ratings(user, checkpoint, metrics: list[Metric], ratings: dict) -> dict:
    """Store each metric's agreed rating; returns the audit's changes by metric."""
    changes = {}
    stored = {s.metric_id: s for s in MetricScore.objects.filter(checkpoint=checkpoint, metric__in=metrics)}
    for metric in metrics:
        rating = ratings[metric.pk]
        row = stored.get(metric.pk)
        if row is not None and row.rating_id == rating.pk:
            continue
        changes[f"metric {metric.display_text}"] = [
            str(row.rating) if row and row.rating else None,
            str(rating),
        ]
        MetricScore.objects.update_or_create(
            checkpoint=checkpoint, metric=metric, defaults={"rating": rating, "author": user}
        )
    return changes


def _store_value_scores(user, checkpoint: Checkpoint) -> None:
    """On agreeing: the points of each metric scored from its values, from the latest
    value by the checkpoint's closing day, kept so that later values change nothing."""
    metrics = list(
        Metric.objects.filter(
            goal_area__version_id=checkpoint.version_id, scoring=Scoring.VALUES, target__isnull=False
        )
    )
    latest = evaluation.latest_values(checkpoint, metrics)
    for metric in metrics:
        value = latest.get(metric.pk)
        points = score_from_value(metric, value.value) if value is not None else None
        MetricScore.objects.update_or_create(
            checkpoint=checkpoint,
            metric=metric,
            defaults={
                "points": to_decimal(points, Decimal("0.0001")) if points is not None else None,
                "value": value.value if value else None,
                "measured_on": value.measured_on if value else None,
                "author": user,
            },
        )


def _save_metric_notes(assessment: Assessment, goal_area: GoalArea, notes: dict[int, str]) -> None:
    metrics = {m.pk for m in Metric.objects.filter(goal_area=goal_area)}
    for metric_id, note in notes.items():
        if metric_id not in metrics:
            raise ValidationError(_("This metric does not belong to the goal."))
        note = (note or "").strip()
        if note:
            MetricNote.objects.update_or_create(
                assessment=assessment, metric_id=metric_id, defaults={"text": note}
            )
        else:
            MetricNote.objects.filter(assessment=assessment, metric_id=metric_id).delete()


def _advance(checkpoint: Checkpoint, followup: FollowUp, user) -> None:
    """Move on by itself once everyone has submitted."""
    goals = set(GoalArea.objects.filter(version_id=checkpoint.version_id).values_list("pk", flat=True))
    submitted = Assessment.objects.filter(checkpoint=checkpoint, submitted_at__isnull=False)
    if followup.status == FollowUpStatus.OPEN:
        done = set(submitted.filter(kind=AssessmentKind.SELF).values_list("goal_area_id", flat=True))
        if goals and done >= goals:
            _set_status(followup, FollowUpStatus.SELF_ASSESSED, user)
    if followup.status == FollowUpStatus.SELF_ASSESSED:
        evaluators = people.evaluator_ids(checkpoint.version.plan.agreement)
        views = set(submitted.filter(kind=AssessmentKind.VIEW).values_list("author_id", "goal_area_id"))
        if evaluators and all((e, g) in views for e in evaluators for g in goals):
            _set_status(followup, FollowUpStatus.VIEWS_IN, user)


def _set_status(followup: FollowUp, status: str, user, **fields) -> None:
    before = followup.status
    followup.status = status
    for name, value in fields.items():
        setattr(followup, name, value)
    followup.save()
    audit.record(
        f"followup.{status}",
        actor=user,
        organization=_org(followup.checkpoint),
        obj=followup,
        changes={
            "status": [before, status],
            **{k: [None, str(v)] for k, v in fields.items() if k != "report"},
        },
    )


@audit.recording_refusals
@transaction.atomic
def close_step(user, checkpoint: Checkpoint, reason: str) -> FollowUp:
    """Close the current step (self-assessment or views) that someone never completed."""
    checkpoint, followup = _lock(checkpoint)
    policies.require(user, policies.CLOSE_FOLLOWUP_STEP, checkpoint)
    if not reason.strip():
        raise ValidationError({"reason": _("Write why the step is closed.")})
    following = {
        FollowUpStatus.OPEN: FollowUpStatus.SELF_ASSESSED,
        FollowUpStatus.SELF_ASSESSED: FollowUpStatus.VIEWS_IN,
    }
    if followup.status not in following:
        raise ValidationError(_("There is no open step to close at this point."))
    problem = writable_problem(checkpoint, followup)
    if problem:
        raise ValidationError(problem)
    to_status = following[followup.status]
    SkippedStep.objects.create(
        followup=followup,
        from_status=followup.status,
        to_status=to_status,
        reason=reason.strip(),
        closed_by=user,
    )
    before = followup.status
    followup.status = to_status
    followup.save()
    audit.record(
        "followup.step_closed",
        actor=user,
        organization=_org(checkpoint),
        obj=followup,
        changes={"status": [before, to_status], "reason": [None, reason.strip()]},
    )
    _advance(checkpoint, followup, user)  # the views may all be in already
    return followup


@audit.recording_refusals
@transaction.atomic
def mark_agreed(
    user, checkpoint: Checkpoint, meeting_date: datetime.date, body: Body | None = None
) -> FollowUp:
    checkpoint, followup = _lock(checkpoint)
    policies.require(user, policies.MARK_AGREED, checkpoint)
    if followup.status != FollowUpStatus.VIEWS_IN:
        raise ValidationError(
            _(
                "The follow-up is agreed after the self-assessment and the evaluators' views (or after closing those steps)."
            )
        )
    goals = set(GoalArea.objects.filter(version_id=checkpoint.version_id).values_list("pk", flat=True))
    agreed = Assessment.objects.filter(checkpoint=checkpoint, kind=AssessmentKind.AGREED).exclude(text="")
    organization = checkpoint.version.plan.agreement.organization
    if organization.use_weights and organization.assess_metrics:
        # A goal with metrics rated by hand needs each of them rated; one without, its own rating.
        hand_rated = Metric.objects.filter(
            goal_area__version_id=checkpoint.version_id, scoring=Scoring.RATING
        )
        rated = set(
            MetricScore.objects.filter(checkpoint=checkpoint, rating__isnull=False).values_list(
                "metric_id", flat=True
            )
        )
        missing = {m.goal_area_id for m in hand_rated if m.pk not in rated}
        with_metrics = set(
            Metric.objects.filter(goal_area__version_id=checkpoint.version_id).values_list(
                "goal_area_id", flat=True
            )
        )
        rated_goals = set(agreed.filter(rating__isnull=False).values_list("goal_area_id", flat=True))
        texts = set(agreed.values_list("goal_area_id", flat=True))
        complete = {g for g in texts if g not in missing and (g in with_metrics or g in rated_goals)}
        if goals - complete:
            raise ValidationError(
                _("Every goal needs its agreed text and a rating for each metric rated by hand first.")
            )
    elif goals - set(agreed.filter(rating__isnull=False).values_list("goal_area_id", flat=True)):
        raise ValidationError(_("Every goal needs an agreed rating and text first."))
    if meeting_date is None:
        raise ValidationError({"meeting_date": _("Enter the meeting date.")})
    if meeting_date > today():
        raise ValidationError({"meeting_date": _("The meeting date cannot be in the future.")})
    if meeting_date < checkpoint.window_start:
        raise ValidationError(
            {
                "meeting_date": _("The meeting date cannot be before the follow-up opened (%(date)s).")
                % {"date": formats.date_format(checkpoint.window_start, "SHORT_DATE_FORMAT")}
            }
        )
    if organization.use_weights and organization.assess_metrics:
        _store_value_scores(user, checkpoint)
    _set_status(followup, FollowUpStatus.AGREED, user, agreed_on=meeting_date, agreed_body=body)
    return followup


@audit.recording_refusals
@transaction.atomic
def report_to_board(
    user,
    checkpoint: Checkpoint,
    *,
    meeting_date: datetime.date,
    section: str = "",
    case_number: str = "",
    text: str = "",
    outcome: str = Outcome.NOTED,
    amended_points: Decimal | None = None,
    amended_amount: Decimal | None = None,
) -> Handling:
    """Record the board's decision on an agreed follow-up as decided: taken for
    information or approved (the follow-up is then reported), or returned (it stays
    agreed, to be reported again). The year's evaluation is approved, approved as
    amended (with the board's own points and pay) or returned; an approval stores the
    result and the pay calculation as decided."""
    checkpoint, followup = _lock(checkpoint)
    policies.require(user, policies.REPORT_FOLLOWUP, checkpoint)
    if followup.status != FollowUpStatus.AGREED:
        raise ValidationError(_("Only an agreed follow-up is reported to the board."))
    agreement = checkpoint.version.plan.agreement
    board = Body.objects.filter(organization_id=agreement.organization_id, kind=BodyKind.BOARD).first()
    if board is None:
        raise ValidationError(_("The organization has no board to report to."))
    errors = {}
    if meeting_date is None:
        errors["meeting_date"] = _("Enter the meeting date.")
    elif followup.agreed_on and meeting_date < followup.agreed_on:
        errors["meeting_date"] = _(
            "The board meeting cannot be before the follow-up was agreed (%(date)s)."
        ) % {"date": formats.date_format(followup.agreed_on, "SHORT_DATE_FORMAT")}
    elif meeting_date > today():
        errors["meeting_date"] = _("The meeting date cannot be in the future.")
    if outcome not in (EVALUATION_OUTCOMES if checkpoint.is_evaluation else REPORT_OUTCOMES):
        errors["outcome"] = _("Choose what the board decided.")
    result, amended = None, None
    if checkpoint.is_evaluation and outcome in (Outcome.APPROVED, Outcome.AMENDED):
        result, amended = _evaluation_decision(checkpoint, outcome, amended_points, amended_amount, errors)
    if errors:
        raise ValidationError(errors)
    handling = Handling.objects.create(
        version=checkpoint.version,
        checkpoint=checkpoint,
        body=board,
        outcome=outcome,
        meeting_date=meeting_date,
        section=section.strip(),
        case_number=case_number.strip(),
        text=text.strip(),
        recorded_by=user,
    )
    handling.disqualified.set([agreement.executive_id])
    if outcome == Outcome.RETURNED:
        audit.record(
            "followup.returned",
            actor=user,
            organization=_org(checkpoint),
            obj=followup,
            changes={"handling": [None, handling.history_text], "text": [None, handling.text]},
        )
    else:
        _set_status(followup, FollowUpStatus.REPORTED, user, report=handling)
        if result is not None and (result.overall is not None or result.rules is not None):
            performance.decide(user, checkpoint, handling, result, amended=amended)
    return handling


def _evaluation_decision(checkpoint, outcome, amended_points, amended_amount, errors: dict):
    """The year's evaluation as the board approves it: the result and pay calculated now
    and, where the board amended them, its own figures (checked, errors into `errors`)."""
    result = performance.stored_evaluation(checkpoint)
    if outcome == Outcome.AMENDED:
        if amended_points is None:
            errors["amended_points"] = _("Enter the points the board decided.")
        elif not 0 <= amended_points <= 100:
            errors["amended_points"] = _("The points are between 0 and 100.")
        if result.rules is not None:
            if amended_amount is None:
                errors["amended_amount"] = _("Enter the performance pay the board decided, in euros.")
            elif amended_amount < 0:
                errors["amended_amount"] = _("The pay cannot be negative.")
        amended = {
            "points": format(amended_points.quantize(Decimal("0.1")), "f")
            if amended_points is not None
            else None,
            "amount": format(amended_amount.quantize(Decimal("0.01")), "f")
            if amended_amount is not None
            else None,
        }
        return result, amended
    if result.calculation is not None and result.calculation.problem:
        errors["outcome"] = result.calculation.problem
    elif result.overall is not None and result.overall.result is None:
        errors["outcome"] = _("The result is approved once the agreed follow-up gives a weighted result.")
    return result, None


# What the board may decide on a follow-up report, and on the year's evaluation.
REPORT_OUTCOMES = (Outcome.NOTED, Outcome.APPROVED, Outcome.RETURNED)
EVALUATION_OUTCOMES = (Outcome.APPROVED, Outcome.AMENDED, Outcome.RETURNED)
