"""State changes of agreements and plans: the only code that writes them.

Each function checks the policy itself (views check too, but a service must be safe
to call from anywhere), runs in one transaction and locks the version row so two
editors cannot interleave order numbers or edit a version that just left draft.
"""

from django.db import transaction
from django.db.models import Max

from suunta import policies

from .models import Checkpoint, DirectorAgreement, GoalArea, GoalPlan, Metric, PlanVersion, VersionStatus


def _locked_version(user, version: PlanVersion) -> PlanVersion:
    locked = PlanVersion.objects.select_for_update().select_related("plan__agreement").get(pk=version.pk)
    policies.require(user, policies.EDIT_PLAN, locked)
    return locked


def _next_order(qs) -> int:
    return (qs.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def create_plan(user, agreement: DirectorAgreement, **fields) -> GoalPlan:
    policies.require(user, policies.CREATE_PLAN, agreement)
    plan = GoalPlan(agreement=agreement, **fields)
    plan.full_clean()
    plan.save()
    PlanVersion.objects.create(plan=plan, number=1, status=VersionStatus.DRAFT, created_by=user)
    return plan


# --- Goal areas -------------------------------------------------------------------------


@transaction.atomic
def add_goal_area(user, version: PlanVersion, **fields) -> GoalArea:
    version = _locked_version(user, version)
    goal = GoalArea(version=version, order=_next_order(version.goal_areas.all()), **fields)
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def update_goal_area(user, goal: GoalArea, **fields) -> GoalArea:
    _locked_version(user, goal.version)
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def delete_goal_area(user, goal: GoalArea) -> None:
    _locked_version(user, goal.version)
    goal.delete()


# --- Metrics ----------------------------------------------------------------------------


@transaction.atomic
def add_metric(user, goal: GoalArea, **fields) -> Metric:
    _locked_version(user, goal.version)
    metric = Metric(goal_area=goal, order=_next_order(goal.metrics.all()), **fields)
    metric.full_clean()
    metric.save()
    return metric


@transaction.atomic
def update_metric(user, metric: Metric, **fields) -> Metric:
    _locked_version(user, metric.goal_area.version)
    for name, value in fields.items():
        setattr(metric, name, value)
    metric.full_clean()
    metric.save()
    return metric


@transaction.atomic
def delete_metric(user, metric: Metric) -> None:
    _locked_version(user, metric.goal_area.version)
    metric.delete()


# --- Checkpoints ------------------------------------------------------------------------


@transaction.atomic
def add_checkpoint(user, version: PlanVersion, **fields) -> Checkpoint:
    version = _locked_version(user, version)
    checkpoint = Checkpoint(version=version, order=_next_order(version.checkpoints.all()), **fields)
    checkpoint.full_clean()
    checkpoint.save()
    return checkpoint


@transaction.atomic
def update_checkpoint(user, checkpoint: Checkpoint, **fields) -> Checkpoint:
    _locked_version(user, checkpoint.version)
    for name, value in fields.items():
        setattr(checkpoint, name, value)
    checkpoint.full_clean()
    checkpoint.save()
    return checkpoint


@transaction.atomic
def delete_checkpoint(user, checkpoint: Checkpoint) -> None:
    _locked_version(user, checkpoint.version)
    checkpoint.delete()


# --- Order ------------------------------------------------------------------------------


def _siblings(item):
    if isinstance(item, GoalArea):
        return item.version, GoalArea.objects.filter(version_id=item.version_id)
    if isinstance(item, Metric):
        return item.goal_area.version, Metric.objects.filter(goal_area_id=item.goal_area_id)
    if isinstance(item, Checkpoint):
        return item.version, Checkpoint.objects.filter(version_id=item.version_id)
    raise TypeError(f"Cannot reorder {type(item).__name__}")


@transaction.atomic
def move(user, item, offset: int) -> None:
    """Move a goal, metric or checkpoint up (-1) or down (+1) among its siblings.

    Renumbers the siblings 1..n so gaps and ties left by deletions disappear.
    """
    version, siblings = _siblings(item)
    _locked_version(user, version)
    ordered = list(siblings.order_by(*type(item)._meta.ordering))
    index = next(i for i, s in enumerate(ordered) if s.pk == item.pk)
    target = index + offset
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, sibling in enumerate(ordered, start=1):
        sibling.order = position
    type(item).objects.bulk_update(ordered, ["order"])
