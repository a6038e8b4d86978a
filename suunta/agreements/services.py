"""State changes of agreements and plans: the only code that writes them.

Each function checks the policy itself (views check too, but a service must be safe
to call from anywhere), runs in one transaction, locks the version row so two editors
cannot interleave order numbers or edit a version that just left draft, and writes
its audit event in the same transaction. A refusal is raised as audit.Refused and
written by @recording_refusals after the rollback.
"""

import datetime
import re

from django.db import transaction
from django.db.models import Max

from suunta import policies
from suunta.audit import services as audit

from .models import Checkpoint, DirectorAgreement, GoalArea, GoalPlan, Metric, PlanVersion, VersionStatus


def _locked_version(user, version: PlanVersion) -> PlanVersion:
    locked = PlanVersion.objects.select_for_update().select_related("plan__agreement").get(pk=version.pk)
    policies.require(user, policies.EDIT_PLAN, locked)
    return locked


def _org(version: PlanVersion) -> int:
    return version.plan.agreement.organization_id


def _next_order(qs) -> int:
    return (qs.aggregate(m=Max("order"))["m"] or 0) + 1


def _create(user, version, action: str, instance):
    instance.full_clean()
    instance.save()
    audit.record(
        action,
        actor=user,
        organization=_org(version),
        obj=instance,
        changes=audit.diff({}, audit.snapshot(instance)),
    )
    return instance


def _update(user, version, action: str, instance, fields: dict):
    # "Before" comes from the stored row: the caller's instance may already carry the new
    # values (a ModelForm writes them onto its instance while validating).
    stored = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
    before = audit.snapshot(stored)
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.full_clean()
    stored.save()
    changes = audit.diff(before, audit.snapshot(stored))
    if changes:
        audit.record(action, actor=user, organization=_org(version), obj=stored, changes=changes)
    return stored


def _delete(user, version, action: str, instance) -> None:
    changes = audit.diff(audit.snapshot(instance), {})
    audit.record(action, actor=user, organization=_org(version), obj=instance, changes=changes)
    instance.delete()


@audit.recording_refusals
@transaction.atomic
def create_plan(user, agreement: DirectorAgreement, **fields) -> GoalPlan:
    policies.require(user, policies.CREATE_PLAN, agreement)
    plan = GoalPlan(agreement=agreement, **fields)
    plan.full_clean()
    plan.save()
    version = PlanVersion.objects.create(plan=plan, number=1, status=VersionStatus.DRAFT, created_by=user)
    audit.record(
        "plan.create",
        actor=user,
        organization=agreement.organization_id,
        obj=plan,
        changes=audit.diff({}, {**audit.snapshot(plan), "version": version.number}),
    )
    return plan


# --- Goal areas -------------------------------------------------------------------------


@audit.recording_refusals
@transaction.atomic
def add_goal_area(user, version: PlanVersion, **fields) -> GoalArea:
    version = _locked_version(user, version)
    goal = GoalArea(version=version, order=_next_order(version.goal_areas.all()), **fields)
    return _create(user, version, "goal.create", goal)


@audit.recording_refusals
@transaction.atomic
def update_goal_area(user, goal: GoalArea, **fields) -> GoalArea:
    version = _locked_version(user, goal.version)
    return _update(user, version, "goal.update", goal, fields)


@audit.recording_refusals
@transaction.atomic
def delete_goal_area(user, goal: GoalArea) -> None:
    version = _locked_version(user, goal.version)
    _delete(user, version, "goal.delete", goal)


# --- Metrics ----------------------------------------------------------------------------


@audit.recording_refusals
@transaction.atomic
def add_metric(user, goal: GoalArea, **fields) -> Metric:
    version = _locked_version(user, goal.version)
    metric = Metric(goal_area=goal, order=_next_order(goal.metrics.all()), **fields)
    return _create(user, version, "metric.create", metric)


@audit.recording_refusals
@transaction.atomic
def update_metric(user, metric: Metric, **fields) -> Metric:
    version = _locked_version(user, metric.goal_area.version)
    return _update(user, version, "metric.update", metric, fields)


@audit.recording_refusals
@transaction.atomic
def delete_metric(user, metric: Metric) -> None:
    version = _locked_version(user, metric.goal_area.version)
    _delete(user, version, "metric.delete", metric)


# --- Checkpoints ------------------------------------------------------------------------


@audit.recording_refusals
@transaction.atomic
def add_checkpoint(user, version: PlanVersion, **fields) -> Checkpoint:
    version = _locked_version(user, version)
    checkpoint = Checkpoint(version=version, order=_next_order(version.checkpoints.all()), **fields)
    return _create(user, version, "checkpoint.create", checkpoint)


@audit.recording_refusals
@transaction.atomic
def update_checkpoint(user, checkpoint: Checkpoint, **fields) -> Checkpoint:
    version = _locked_version(user, checkpoint.version)
    return _update(user, version, "checkpoint.update", checkpoint, fields)


@audit.recording_refusals
@transaction.atomic
def delete_checkpoint(user, checkpoint: Checkpoint) -> None:
    version = _locked_version(user, checkpoint.version)
    _delete(user, version, "checkpoint.delete", checkpoint)


# --- Order ------------------------------------------------------------------------------

KIND_OF = {GoalArea: "goal", Metric: "metric", Checkpoint: "checkpoint"}


def _siblings(item):
    if isinstance(item, GoalArea):
        return item.version, GoalArea.objects.filter(version_id=item.version_id)
    if isinstance(item, Metric):
        return item.goal_area.version, Metric.objects.filter(goal_area_id=item.goal_area_id)
    if isinstance(item, Checkpoint):
        return item.version, Checkpoint.objects.filter(version_id=item.version_id)
    raise TypeError(f"Cannot reorder {type(item).__name__}")


@audit.recording_refusals
@transaction.atomic
def move(user, item, offset: int) -> None:
    """Move a goal, metric or checkpoint up (-1) or down (+1) among its siblings.

    Renumbers the siblings 1..n so gaps and ties left by deletions disappear.
    """
    version, siblings = _siblings(item)
    version = _locked_version(user, version)
    ordered = list(siblings.order_by(*type(item)._meta.ordering))
    index = next(i for i, s in enumerate(ordered) if s.pk == item.pk)
    target = index + offset
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, sibling in enumerate(ordered, start=1):
        sibling.order = position
    type(item).objects.bulk_update(ordered, ["order"])
    audit.record(
        f"{KIND_OF[type(item)]}.move",
        actor=user,
        organization=_org(version),
        obj=item,
        changes={"order": [index + 1, target + 1]},
    )


# --- Amendments and next year -------------------------------------------------------------


def _copy_content(source: PlanVersion, target: PlanVersion, shift_years: int = 0) -> None:
    """Copy goals and metrics (keeping lineage) and checkpoints into `target`."""
    goals = list(source.goal_areas.prefetch_related("metrics").order_by("order", "id"))
    for goal in goals:
        copy = GoalArea.objects.create(
            version=target,
            lineage=goal.lineage,
            title=goal.title,
            title_sv=goal.title_sv,
            description=goal.description,
            description_sv=goal.description_sv,
            order=goal.order,
            weight=goal.weight,
            publicity=goal.publicity,
        )
        Metric.objects.bulk_create(
            Metric(
                goal_area=copy,
                lineage=m.lineage,
                text=m.text,
                text_sv=m.text_sv,
                order=m.order,
                unit=m.unit,
                baseline=m.baseline,
                target=m.target,
                direction=m.direction,
                publicity=m.publicity,
            )
            for m in goal.metrics.all()
        )
    Checkpoint.objects.bulk_create(
        Checkpoint(
            version=target,
            label=shift_year_numbers(c.label, shift_years),
            label_sv=shift_year_numbers(c.label_sv, shift_years),
            window_start=add_years(c.window_start, shift_years),
            window_end=add_years(c.window_end, shift_years),
            order=c.order,
            publicity=c.publicity,
        )
        for c in source.checkpoints.order_by("order", "id")
    )


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def shift_year_numbers(text: str, years: int) -> str:
    """ "elokuu 2025" → "elokuu 2026": every four-digit year in a label moves on."""
    if not years:
        return text
    return re.sub(r"\b(19|20)\d{2}\b", lambda m: str(int(m.group(0)) + years), text)


@audit.recording_refusals
@transaction.atomic
def amend(user, plan: GoalPlan) -> PlanVersion:
    """Start version N+1 as a draft from the approved version N (lineage kept)."""
    latest = (
        PlanVersion.objects.select_for_update()
        .select_related("plan__agreement")
        .filter(plan=plan)
        .order_by("-number")
        .first()
    )
    policies.require(user, policies.AMEND_PLAN, latest)
    draft = PlanVersion.objects.create(
        plan=plan, number=latest.number + 1, status=VersionStatus.DRAFT, created_by=user
    )
    _copy_content(latest, draft)
    audit.record(
        "plan.amend",
        actor=user,
        organization=plan.agreement.organization_id,
        obj=draft,
        changes={"version": [latest.number, draft.number]},
    )
    return draft


@audit.recording_refusals
@transaction.atomic
def create_next_period_plan(user, plan: GoalPlan) -> GoalPlan:
    """Next period's plan from an approved or closed one: goals and metrics copied with
    their lineage, checkpoints proposed one year on; the new plan is a draft."""
    source = (
        PlanVersion.objects.select_related("plan__agreement")
        .filter(plan=plan, status__in=[VersionStatus.APPROVED, VersionStatus.CLOSED])
        .order_by("-number")
        .first()
    ) or plan.latest_version()
    policies.require(user, policies.CREATE_NEXT_PLAN, source)
    agreement = plan.agreement
    start, end = add_years(plan.period_start, 1), add_years(plan.period_end, 1)
    new_plan = GoalPlan(
        agreement=agreement,
        title=shift_year_numbers(plan.title, 1)
        if re.search(r"\d{4}", plan.title)
        else agreement.default_plan_title(start.year),
        title_sv=shift_year_numbers(plan.title_sv, 1),
        period_start=start,
        period_end=end,
        publicity=plan.publicity,
    )
    new_plan.full_clean()
    new_plan.save()
    version = PlanVersion.objects.create(plan=new_plan, number=1, status=VersionStatus.DRAFT, created_by=user)
    _copy_content(source, version, shift_years=1)
    audit.record(
        "plan.create_next",
        actor=user,
        organization=agreement.organization_id,
        obj=new_plan,
        changes={
            "from_plan": [plan.pk, new_plan.pk],
            "period_start": [plan.period_start.isoformat(), start.isoformat()],
        },
    )
    return new_plan
