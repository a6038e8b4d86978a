"""State changes of agreements and plans: the only code that writes them.

Each function checks the policy itself (views check too, but a service must be safe
to call from anywhere), runs in one transaction, locks the version row so two editors
cannot interleave order numbers or edit a version that just left draft, and writes
its audit event in the same transaction. A refusal is raised as audit.Refused and
written by @recording_refusals after the rollback.

Create once: a plan for a period, the next period's plan and an amendment exist at
most once. Their services lock the parent row (the agreement; for an amendment the
latest version with its plan and agreement) and look for the object before creating
it, so of two concurrent requests the second waits and then finds what the first made: `get_or_create_plan`, `get_or_create_next_period_plan` and
`get_or_start_amendment` return it with created=False (the views say so). On SQLite
the lock is the IMMEDIATE transaction itself (settings). The unique constraints stay
as the last line of defence: a violation is answered with the existing object too.
"""

import datetime
import re
import uuid
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from suunta import policies
from suunta.audit import services as audit
from suunta.evidence import uploads
from suunta.organizations import people
from suunta.strategy import services as strategy_services

from . import cascade
from .models import Checkpoint, DirectorAgreement, GoalArea, GoalPlan, Metric, PlanVersion, VersionStatus
from .snapshot import with_content


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


def _locked_agreement(agreement_id: int) -> DirectorAgreement:
    """The agreement row locked until the transaction ends: plans of one agreement are
    created one at a time. NO KEY UPDATE: rows that only refer to the agreement are not
    held up. (The version services lock version, plan and agreement in one statement,
    in that order; nothing here holds the agreement and then waits for a version.)"""
    return DirectorAgreement.objects.select_for_update(no_key=True).get(pk=agreement_id)


def _save_once(instance, find_existing):
    """Save a new row; when a unique constraint says it exists already (a writer that
    bypassed the lock), the existing row instead: (row, created)."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        existing = find_existing()
        if existing is None:
            raise ValidationError(
                _("This was saved by someone else a moment ago. Reload the page.")
            ) from None
        return existing, False
    return instance, True


AGREEMENT_FIELDS = (
    "executive",
    "position_title",
    "position_title_sv",
    "position_genitive",
    "position_genitive_sv",
    "legal_basis",
    "starts_on",
    "signed_on",
    "decided_by",
    "decided_on",
    "decision_section",
    "decision_case_number",
)


@audit.recording_refusals
@transaction.atomic
def create_agreement(user, organization, **fields) -> DirectorAgreement:
    """A director agreement of the organization, made by its admin. The executive is
    one of the organization's people holding the executive role; evaluators are then
    given the role for this agreement on the people page."""
    organization = type(organization).objects.select_for_update().get(pk=organization.pk)
    policies.require(user, policies.CREATE_AGREEMENT, organization)
    executive = fields.get("executive")
    if executive is None or not people.executives(organization.pk).filter(pk=executive.pk).exists():
        # Never trust an id: only the organization's own executives are offered or accepted.
        raise ValidationError(
            {"executive": _("Choose a person who holds the executive role in the organization.")}
        )
    agreement = DirectorAgreement(organization=organization, **fields)
    agreement.full_clean()
    agreement.save()
    audit.record(
        "agreement.create",
        actor=user,
        organization=organization,
        obj=agreement,
        changes=audit.diff({}, audit.snapshot(agreement, AGREEMENT_FIELDS)),
    )
    return agreement


# What the admin may correct later; the executive stays (a new executive has an agreement
# of his or her own).
EDITABLE_AGREEMENT_FIELDS = AGREEMENT_FIELDS[1:]
SIGNED_FILE_FIELDS = ("signed_file_name", "signed_file_size", "signed_file_sha256")


def _agreement_facts(agreement: DirectorAgreement) -> dict:
    """What an edit may change, for the audit event's diff (the stored name is left out:
    the checksum names the file)."""
    return audit.snapshot(agreement, EDITABLE_AGREEMENT_FIELDS) | {
        name: getattr(agreement, name) for name in SIGNED_FILE_FIELDS
    }


def update_agreement(user, agreement: DirectorAgreement, *, signed_file=None, **fields) -> DirectorAgreement:
    """Correct the agreement's details and attach the signed agreement as a PDF,
    replacing an earlier one (whose file goes once the change is committed). All or
    nothing: a refused file leaves the details unsaved too, and a file written for a
    change that did not go through is removed."""
    written: list[str] = []
    try:
        return _update_agreement(user, agreement, signed_file, fields, written)
    except BaseException:
        for stored_name in written:
            uploads.delete(stored_name)
        raise


@audit.recording_refusals
@transaction.atomic
def _update_agreement(user, agreement, upload, fields: dict, written: list) -> DirectorAgreement:
    agreement = DirectorAgreement.objects.select_for_update().get(pk=agreement.pk)
    policies.require(user, policies.EDIT_AGREEMENT, agreement)
    if set(fields) - set(EDITABLE_AGREEMENT_FIELDS):
        raise ValueError(f"Not editable: {sorted(set(fields) - set(EDITABLE_AGREEMENT_FIELDS))}")
    before = _agreement_facts(agreement)
    for name, value in fields.items():
        setattr(agreement, name, value)
    replaced = agreement.signed_file if upload is not None else ""
    if upload is not None:
        _attach_signed_file(agreement, upload, written)
    agreement.full_clean()
    agreement.save()
    changes = audit.diff(before, _agreement_facts(agreement))
    if changes:
        audit.record(
            "agreement.update",
            actor=user,
            organization=agreement.organization_id,
            obj=agreement,
            changes=changes,
        )
    if replaced:
        transaction.on_commit(partial(uploads.delete, replaced), robust=True)
    return agreement


def _attach_signed_file(agreement: DirectorAgreement, upload, written: list) -> None:
    try:
        info = uploads.check(upload)
    except ValidationError as error:
        raise ValidationError({"signed_file": error.messages}) from None
    if info.content_type != uploads.PDF_TYPE.content_type:
        raise ValidationError(
            {
                "signed_file": _("“%(name)s” is not a PDF file. Attach the signed agreement as a PDF.")
                % {"name": info.name}
            }
        )
    stored_name, sha256, size = uploads.store(upload)
    written.append(stored_name)
    if size != info.size:  # changed while being read: refuse rather than guess
        raise ValidationError({"signed_file": _("“%(name)s” could not be read.") % {"name": info.name}})
    agreement.signed_file = stored_name
    agreement.signed_file_name = info.name
    agreement.signed_file_size = size
    agreement.signed_file_sha256 = sha256


def create_plan(user, agreement: DirectorAgreement, **fields) -> GoalPlan:
    """A new draft plan; the existing one when the agreement has a plan for exactly
    this period already (see get_or_create_plan)."""
    return get_or_create_plan(user, agreement, **fields)[0]


@audit.recording_refusals
@transaction.atomic
def get_or_create_plan(user, agreement: DirectorAgreement, **fields) -> tuple[GoalPlan, bool]:
    """(plan, created). A plan for exactly this period is returned as it is (a second
    click, another tab); an overlapping period is a ValidationError."""
    policies.require(user, policies.CREATE_PLAN, agreement)
    agreement = _locked_agreement(agreement.pk)

    def same_period():
        return GoalPlan.objects.filter(
            agreement=agreement, period_start=fields.get("period_start"), period_end=fields.get("period_end")
        ).first()

    existing = same_period()
    if existing is not None:
        return existing, False
    plan = GoalPlan(agreement=agreement, **fields)
    plan.full_clean()
    plan, created = _save_once(plan, same_period)
    if not created:
        return plan, False
    version = PlanVersion.objects.create(plan=plan, number=1, status=VersionStatus.DRAFT, created_by=user)
    audit.record(
        "plan.create",
        actor=user,
        organization=agreement.organization_id,
        obj=plan,
        changes=audit.diff({}, {**audit.snapshot(plan), "version": version.number}),
    )
    return plan, True


# --- Goal areas -------------------------------------------------------------------------


# update_goal_area's `serves` when the caller leaves the link as it is.
UNCHANGED = object()


@audit.recording_refusals
@transaction.atomic
def add_goal_area(
    user, version: PlanVersion, *, objectives=None, budget_targets=None, serves=None, **fields
) -> GoalArea:
    """A new goal. `serves`: the lineage (a UUID) of the goal it serves in an approved
    plan above (see cascade.py), or None."""
    version = _locked_version(user, version)
    goal = GoalArea(version=version, order=_next_order(version.goal_areas.all()), **fields)
    goal.serves = _checked_serves(version, goal.lineage, serves)
    goal = _create(user, version, "goal.create", goal)
    _link(user, goal, objectives, budget_targets)
    return goal


@audit.recording_refusals
@transaction.atomic
def update_goal_area(
    user, goal: GoalArea, *, objectives=None, budget_targets=None, serves=UNCHANGED, **fields
) -> GoalArea:
    """Change a goal. `serves`: the lineage of the goal it serves, None to serve none,
    or left out to keep the link as it is. Only a changed link is checked: a link kept
    from the plan it was copied from stays, as linked strategy objectives do."""
    version = _locked_version(user, goal.version)
    if serves is not UNCHANGED:
        stored, lineage = GoalArea._base_manager.filter(pk=goal.pk).values_list("serves", "lineage").get()
        wanted = _as_lineage(serves)
        fields["serves"] = wanted if wanted == stored else _checked_serves(version, lineage, wanted)
    goal = _update(user, version, "goal.update", goal, fields)
    _link(user, goal, objectives, budget_targets)
    return goal


def _as_lineage(value) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationError({"serves": _("Choose one of the goals offered.")}) from None


def _checked_serves(version: PlanVersion, goal_lineage, serves) -> uuid.UUID | None:
    """The lineage a goal of the version is to serve, once cascade.serves_problem finds
    nothing against it: a goal of an approved plan above, in the same organization,
    never the goal itself, its own agreement's or one below (a cycle)."""
    lineage = _as_lineage(serves)
    if lineage is None:
        return None
    problem = cascade.serves_problem(version.plan, lineage, goal_lineage=goal_lineage)
    if problem:
        raise ValidationError({"serves": problem})
    return lineage


def _link(user, goal: GoalArea, objectives, budget_targets) -> None:
    """The strategy objectives and budget targets the goal serves, where the form had
    them (None: left as they are)."""
    if objectives is None and budget_targets is None:
        return
    strategy_services.link_goal(
        user,
        goal,
        objectives=goal.objectives.all() if objectives is None else objectives,
        budget_targets=goal.budget_targets.all() if budget_targets is None else budget_targets,
    )


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
    _check_indicator(version, fields)
    metric = Metric(goal_area=goal, order=_next_order(goal.metrics.all()), **fields)
    metric = _create(user, version, "metric.create", metric)
    strategy_services.copy_realisations(user, metric)
    return metric


@audit.recording_refusals
@transaction.atomic
def update_metric(user, metric: Metric, **fields) -> Metric:
    version = _locked_version(user, metric.goal_area.version)
    _check_indicator(version, fields)
    metric = _update(user, version, "metric.update", metric, fields)
    strategy_services.copy_realisations(user, metric)  # idempotent: the figures by date
    return metric


def _check_indicator(version: PlanVersion, fields: dict) -> None:
    problem = strategy_services.indicator_problem(version.plan, fields.get("budget_indicator"))
    if problem:
        raise ValidationError({"budget_indicator": problem})


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
    checkpoint = _create(user, version, "checkpoint.create", checkpoint)
    _order_checkpoints_by_date(version)
    return checkpoint


@audit.recording_refusals
@transaction.atomic
def update_checkpoint(user, checkpoint: Checkpoint, **fields) -> Checkpoint:
    version = _locked_version(user, checkpoint.version)
    checkpoint = _update(user, version, "checkpoint.update", checkpoint, fields)
    _order_checkpoints_by_date(version)
    return checkpoint


def _order_checkpoints_by_date(version: PlanVersion) -> None:
    """Checkpoints follow the calendar, whatever order they were entered in (a later
    move may still reorder them by hand)."""
    ordered = list(Checkpoint.objects.filter(version=version).order_by("window_start", "window_end", "id"))
    changed = [c for position, c in enumerate(ordered, start=1) if c.order != position]
    for position, checkpoint in enumerate(ordered, start=1):
        checkpoint.order = position
    Checkpoint.objects.bulk_update(changed, ["order"])


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
    """Copy goals and metrics (keeping lineage) and checkpoints into `target`.

    An amendment keeps the goals' links. A next-year plan keeps the strategy objectives
    whose council term reaches its period, and leaves the budget targets and the metrics'
    budget indicators behind: they belong to one budget year."""
    goals = list(with_content(source.goal_areas.order_by("order", "id")))
    period_start = target.plan.period_start
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
            serves=goal.serves,
        )
        copy.objectives.set([o for o in goal.objectives.all() if o.strategy.term_end >= period_start])
        if not shift_years:
            copy.budget_targets.set(goal.budget_targets.all())
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
                weight=m.weight,
                scoring=m.scoring,
                publicity=m.publicity,
                budget_indicator_id=None if shift_years else m.budget_indicator_id,
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
            kind=c.kind,
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


def amend(user, plan: GoalPlan) -> PlanVersion:
    """Start version N+1 as a draft from the approved version N (lineage kept); the
    amendment already started, if there is one (see get_or_start_amendment)."""
    return get_or_start_amendment(user, plan)[0]


@audit.recording_refusals
@transaction.atomic
def get_or_start_amendment(user, plan: GoalPlan) -> tuple[PlanVersion, bool]:
    """(version, created): version N+1 started as a draft copy of the approved version
    N, or the amendment started a moment ago (a version after the approved one that is
    not approved yet) for whoever may amend the plan."""
    # The latest version with its plan and agreement locked, in the order every version
    # service locks them. A second request waits here for the first one's commit...
    locked = (
        PlanVersion.objects.select_for_update()
        .select_related("plan__agreement")
        .filter(plan=plan)
        .order_by("-number")
        .first()
    )
    plan = locked.plan
    # ...and then reads the versions again, so it sees the one the first request added.
    latest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    approved = (
        PlanVersion.objects.filter(plan=plan, status=VersionStatus.APPROVED).order_by("-number").first()
    )
    for version in (latest, approved):
        if version is not None:
            version.plan = plan
    if approved is not None and latest.number > approved.number:
        policies.require(user, policies.AMEND_PLAN, approved)
        return latest, False
    policies.require(user, policies.AMEND_PLAN, latest)
    draft = PlanVersion(plan=plan, number=latest.number + 1, status=VersionStatus.DRAFT, created_by=user)
    draft, created = _save_once(
        draft, lambda: PlanVersion.objects.filter(plan=plan, number=latest.number + 1).first()
    )
    if not created:
        return draft, False
    _copy_content(latest, draft)
    audit.record(
        "plan.amend",
        actor=user,
        organization=plan.agreement.organization_id,
        obj=draft,
        changes={"version": [latest.number, draft.number]},
    )
    return draft, True


def create_next_period_plan(user, plan: GoalPlan) -> GoalPlan:
    """Next period's plan from an approved or closed one; the one made a moment ago,
    if there is one (see get_or_create_next_period_plan)."""
    return get_or_create_next_period_plan(user, plan)[0]


def next_period_plan(plan: GoalPlan) -> GoalPlan | None:
    """The plan that follows this one: the agreement's first plan after its period
    (as the policy reads "the next period's plan already exists")."""
    return (
        GoalPlan.objects.filter(agreement_id=plan.agreement_id, period_start__gt=plan.period_end)
        .order_by("period_start", "id")
        .first()
    )


@audit.recording_refusals
@transaction.atomic
def get_or_create_next_period_plan(user, plan: GoalPlan) -> tuple[GoalPlan, bool]:
    """(plan, created): next period's plan from an approved or closed one, goals and
    metrics copied with their lineage, checkpoints proposed one year on, the new plan a
    draft. If the next period's plan exists already (made a moment ago in another tab
    or by a second click), that plan, for whoever may create plans for the agreement."""
    agreement = _locked_agreement(plan.agreement_id)
    plan = GoalPlan.objects.get(pk=plan.pk)
    plan.agreement = agreement
    existing = next_period_plan(plan)
    if existing is not None:
        policies.require(user, policies.CREATE_PLAN, agreement)
        return existing, False
    source = (
        PlanVersion.objects.select_related("plan__agreement")
        .filter(plan=plan, status__in=[VersionStatus.APPROVED, VersionStatus.CLOSED])
        .order_by("-number")
        .first()
    ) or plan.latest_version()
    policies.require(user, policies.CREATE_NEXT_PLAN, source)
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
    new_plan, created = _save_once(new_plan, lambda: next_period_plan(plan))
    if not created:
        return new_plan, False
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
    return new_plan, True
