"""Saving an imported plan: a new draft plan with every goal, metric and follow-up of
the corrected draft, in one transaction, through the plan editor's own services (the
same policy, the same validation, an audit event per item), or nothing.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from suunta import policies
from suunta.agreements import services as plans
from suunta.agreements.models import Checkpoint, CheckpointKind, Direction, GoalArea, GoalPlan, Metric
from suunta.audit import services as audit

from .draft import CHECKPOINT, GOAL, METRIC, Draft, Item

DIRECTIONS = {"higher": Direction.INCREASE, "lower": Direction.DECREASE, None: ""}
# A model field's error is shown next to the preview row's field of the same meaning.
ROW_FIELDS = {
    "title": "text",
    "text": "text",
    "label": "text",
    "weight": "weight",
    "target": "target",
    "unit": "unit",
    "direction": "direction",
    "window_start": "start",
    "window_end": "end",
    "kind": "evaluation",
}


class RowErrors(Exception):
    """Rows that cannot be saved: {row index: {row field: [messages]}}."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]):
        super().__init__(errors)
        self.errors = errors


def _goal_fields(item: Item) -> dict:
    return {"title": item.text, "weight": item.weight}


def _metric_fields(item: Item) -> dict:
    return {
        "text": item.text,
        "target": item.target,
        "unit": item.unit or "",
        "direction": DIRECTIONS.get(item.direction, ""),
    }


def _checkpoint_fields(item: Item) -> dict:
    return {
        "label": item.text,
        "window_start": item.start,
        "window_end": item.end,
        "kind": CheckpointKind.EVALUATION if item.evaluation else CheckpointKind.FOLLOWUP,
    }


def _row_errors(error: ValidationError) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, messages in error.message_dict.items():
        found.setdefault(ROW_FIELDS.get(name, "text"), []).extend(messages)
    return found


def _structure_errors(item: Item, seen_goal: bool) -> dict[str, list[str]]:
    if item.kind == METRIC and not seen_goal:
        return {"kind": [_("A metric belongs to the goal above it; this one has no goal above it.")]}
    if item.kind == CHECKPOINT and (item.start is None or item.end is None):
        return {"start": [_("Give the dates between which the follow-up is made.")]}
    return {}


def check(draft: Draft, period_end=None) -> dict[int, dict[str, list[str]]]:
    """Every row's problems at once, before anything is saved."""
    errors: dict[int, dict[str, list[str]]] = {}
    seen_goal = False
    evaluations = 0
    for index, item in enumerate(draft.items):
        problems = _structure_errors(item, seen_goal)
        seen_goal = seen_goal or item.kind == GOAL
        instance = None
        if item.kind == GOAL:
            instance = GoalArea(**_goal_fields(item))
        elif item.kind == METRIC:
            instance = Metric(**_metric_fields(item))
        elif item.kind == CHECKPOINT and not problems:
            instance = Checkpoint(**_checkpoint_fields(item))
            evaluations += item.evaluation
            if item.evaluation and period_end and item.start < period_end:
                problems["start"] = [
                    _("The year's evaluation comes after the period: it opens at its end or later.")
                ]
            elif item.evaluation and evaluations > 1:
                problems["evaluation"] = [_("A plan has one year's evaluation.")]
        if instance is not None:
            try:
                instance.full_clean(exclude=["version", "goal_area", "order"], validate_constraints=False)
            except ValidationError as error:
                for name, messages in _row_errors(error).items():
                    problems.setdefault(name, []).extend(messages)
        if problems:
            errors[index] = problems
    if not draft.goals():
        errors.setdefault(0, {}).setdefault("kind", []).append(
            _("Nothing here becomes a goal. Mark at least one row as a goal.")
        )
    return errors


@audit.recording_refusals
@transaction.atomic
def save_plan(user, agreement, draft: Draft, *, source_format: str, **plan_fields) -> GoalPlan:
    """A new draft plan holding the draft; RowErrors or ValidationError (the plan's own
    fields) and nothing saved when anything is wrong."""
    policies.require(user, policies.CREATE_PLAN, agreement)
    errors = check(draft, plan_fields.get("period_end"))
    if errors:
        raise RowErrors(errors)
    plan, created = plans.get_or_create_plan(user, agreement, **plan_fields)
    if not created:
        raise ValidationError(
            {
                "period_start": _("The agreement has a plan for this period already: %(title)s.")
                % {"title": plan}
            }
        )
    version = plan.latest_version()
    goal = None
    for index, item in enumerate(draft.items):
        try:
            if item.kind == GOAL:
                goal = plans.add_goal_area(user, version, **_goal_fields(item))
            elif item.kind == METRIC:
                plans.add_metric(user, goal, **_metric_fields(item))
            elif item.kind == CHECKPOINT:
                plans.add_checkpoint(user, version, **_checkpoint_fields(item))
        except ValidationError as error:
            raise RowErrors({index: _row_errors(error)}) from None
    audit.record(
        "plan.import",
        actor=user,
        organization=agreement.organization_id,
        obj=plan,
        changes={"format": [None, source_format], **{k: [None, v] for k, v in draft.counts().items()}},
    )
    return plan
