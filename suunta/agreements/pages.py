"""What the agreement and plan pages show, for a user: the annex as a table, the
versions and handlings, the steps the user may take, the documents. Read only; the
number of queries does not grow with the goals, metrics or checkpoints.

The plan page, its htmx annex fragment and the weights form (measures) build on
`plan_page`; the annex is shown only while an approved version's rows still match
the snapshot the board approved (integrity.check).
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from suunta import policies
from suunta.discussions.models import Discussion
from suunta.followup.models import Assessment, FollowUp
from suunta.governance import workflow
from suunta.governance.models import HandlingCorrection
from suunta.lib.clock import today
from suunta.measures.forms import WeightsForm

from . import cascade, integrity
from .checks import first_year_followups_warning
from .models import Checkpoint, GoalArea, GoalPlan, PlanVersion
from .snapshot import Change, diff_versions, version_content, with_content


@dataclass
class Editing:
    """Which part of the annex shows a form: kind, the item (or its parent for new ones)."""

    kind: str = ""
    mode: str = ""  # "new", "edit" or "delete"
    item_id: int | None = None
    parent_id: int | None = None
    form: Any = None


def agreement_page(user, agreement) -> dict:
    """The agreement: its plans the user may see and its discussions."""
    plans = (
        GoalPlan.objects.for_user(user)
        .filter(agreement=agreement)
        .prefetch_related(Prefetch("versions", queryset=PlanVersion.objects.order_by("number")))
    )
    discussions = list(Discussion.objects.for_user(user).filter(agreement=agreement))
    can_create_discussion = policies.can(user, policies.CREATE_DISCUSSION, agreement)
    return {
        "agreement": agreement,
        "organization": agreement.organization,
        "plans": plans,
        "can_create_plan": policies.can(user, policies.CREATE_PLAN, agreement),
        "can_edit_agreement": policies.can(user, policies.EDIT_AGREEMENT, agreement),
        "discussions": discussions,
        "show_discussions": bool(discussions) or can_create_discussion,
        "can_create_discussion": can_create_discussion,
        "can_view_restricted_use": policies.can(user, policies.VIEW_RESTRICTED_USE, agreement),
    }


def followup_statuses(version) -> dict[int, str]:
    """Each checkpoint's follow-up status by checkpoint id (one query; none for a draft,
    which has no follow-ups). A checkpoint without a follow-up row is "open"."""
    if version.status == "draft":
        return {}
    return dict(FollowUp.objects.filter(checkpoint__version=version).values_list("checkpoint_id", "status"))


def document_links(user, plan, version, checkpoints, statuses=None) -> list[dict]:
    """The documents of the plan the user may read: the annex, each agreed follow-up's
    report, and the agenda item drafts. `statuses`: followup_statuses(version), read
    here when not given."""
    if statuses is None:
        statuses = followup_statuses(version)
    base = reverse("document_preview", args=[plan.pk, "annex"])
    links = []
    if policies.can(user, policies.READ_DOCUMENT, (version, "annex", None)):
        links.append({"label": _("Goals annex"), "url": base})
    if policies.can(user, policies.READ_DOCUMENT, (version, "agenda", None)):
        links.append(
            {
                "label": _("Agenda item: approval of the goals"),
                "url": reverse("document_preview", args=[plan.pk, "agenda"]),
            }
        )
    for number, checkpoint in enumerate(checkpoints, start=1):
        status = statuses.get(checkpoint.pk, "open")
        for kind, label in (
            ("followup-report", _("Follow-up report %(label)s")),
            ("agenda", _("Agenda item: follow-up %(label)s")),
        ):
            if status in policies.SETTLED_FOLLOWUP and policies.can(
                user, policies.READ_DOCUMENT, (version, kind, status)
            ):
                links.append(
                    {
                        "label": label % {"label": checkpoint.display_label},
                        "url": reverse("document_preview", args=[plan.pk, kind]) + f"?checkpoint={number}",
                    }
                )
    return links


def annex_context(user, plan: GoalPlan, version: PlanVersion, editing: Editing | None = None) -> dict:
    goals = list(with_content(GoalArea.objects.filter(version=version)))
    checkpoints = list(Checkpoint.objects.filter(version=version))
    # An approved version is shown only while its rows still hash to the approval's
    # snapshot; computed from the rows just loaded, without further queries.
    version.plan = plan
    failure = integrity.check(version, goals=goals, checkpoints=checkpoints)
    if failure is not None:
        return {
            "plan": plan,
            "version": version,
            "goals": [],
            "checkpoints": [],
            "can_edit": False,
            "editing": Editing(),
            "integrity_failure": failure,
            "integrity_error": failure.page_message(),
        }
    _attach_served(plan, goals)
    statuses = followup_statuses(version)
    return {
        "integrity_failure": None,
        "followup_statuses": statuses,
        "agreed_cells": agreed_cells(user, plan, version, statuses),
        "plan": plan,
        "version": version,
        "goals": goals,
        "checkpoints": checkpoints,
        "column_count": 2 + len(checkpoints),
        "can_edit": policies.can(user, policies.EDIT_PLAN, version),
        "editing": editing or Editing(),
    }


def _attach_served(plan: GoalPlan, goals: list) -> None:
    """Each goal's `served`: the goal of the plan above it serves (its title and plan's
    title are shown to whoever reads this plan, also to a reader who cannot read the
    plan above), or None. One query for all of them, none when no goal serves one."""
    lineages = {goal.serves for goal in goals if goal.serves}
    served = (
        cascade.served_goals(
            lineages,
            organization_id=plan.agreement.organization_id,
            period=(plan.period_start, plan.period_end),
        )
        if lineages
        else {}
    )
    for goal in goals:
        goal.served = served.get(goal.serves) if goal.serves else None


def agreed_cells(user, plan: GoalPlan, version: PlanVersion, statuses=None) -> dict:
    """The agreed follow-ups the user may read, by (goal, checkpoint): the annex's Seuranta
    cells. `statuses`: followup_statuses(version), read here when not given."""
    if version.status == "draft":
        return {}
    if statuses is None:
        statuses = followup_statuses(version)
    agreed = Assessment.objects.filter(checkpoint__version=version, kind="agreed").select_related("rating")
    return {
        (a.goal_area_id, a.checkpoint_id): a
        for a in agreed
        if policies.visible_assessments(user, [a], plan.agreement, statuses.get(a.checkpoint_id, "open"))
    }


def plan_page(
    user, plan, versions, version=None, *, editing=None, focus=None, weights_form=None, annex_only=False
) -> dict:
    """The plan page (or only its annex, for htmx): the version asked for, else the
    latest visible one. `context["integrity_failure"]` says when an approved version's
    rows no longer match its approval: then nothing of it is offered as approved (no
    steps, amendment, next period's plan or documents; both would copy the changed rows)."""
    if version is None:
        version = versions[-1]
    context = annex_context(user, plan, version, editing)
    # After a change, keyboard focus goes to the changed item (see static/js/suunta.js).
    context["focus_kind"], context["focus_id"] = focus or ("", None)
    if annex_only:
        return context
    latest = versions[-1]
    is_latest = version == latest
    failure = context["integrity_failure"]
    context.update(
        {
            "organization": plan.agreement.organization,
            "agreement": plan.agreement,
            "versions": versions,
            "is_latest": is_latest,
        }
    )
    if failure is not None:
        context.update({"approval": failure.approval, "documents": []})
        return context
    context.update(
        {
            "steps": workflow.available_steps(user, version) if is_latest else [],
            "can_amend": is_latest and policies.can(user, policies.AMEND_PLAN, latest),
            "can_create_next": policies.can(user, policies.CREATE_NEXT_PLAN, latest),
            "approval": next((h for h in version.handlings.all() if h.snapshot_sha256), None),
            "first_year_warning": first_year_followups_warning(plan) if context["can_edit"] else "",
            "documents": (
                document_links(user, plan, version, context["checkpoints"], context["followup_statuses"])
                if is_latest
                else []
            ),
        }
    )
    if plan.agreement.organization.use_weights:
        goals = context["goals"]
        context["weights_total"] = sum(g.weight or 0 for g in goals)
        context["weights_complete"] = bool(goals) and all(g.weight is not None for g in goals)
        if weights_form is None and policies.can(user, policies.SET_WEIGHTS, version):
            weights_form = WeightsForm(goals=goals, per_metric=plan.agreement.organization.assess_metrics)
        context["weights_form"] = weights_form
    return context


def plan_history(plan, versions: list[PlanVersion]) -> list[tuple[PlanVersion, list[Change] | None]]:
    """Each version with its diff to the previous one, in a fixed number of queries.
    Each version's `integrity_failure` says whether a frozen one still matches its
    approval (the versions' handlings should be prefetched)."""

    ids = [v.pk for v in versions]
    goals_by_version: dict[int, list] = {pk: [] for pk in ids}
    for goal in with_content(GoalArea.objects.filter(version_id__in=ids)):
        goals_by_version[goal.version_id].append(goal)
    checkpoints_by_version: dict[int, list] = {pk: [] for pk in ids}
    for checkpoint in Checkpoint.objects.filter(version_id__in=ids).order_by("order", "window_start", "id"):
        checkpoints_by_version[checkpoint.version_id].append(checkpoint)

    corrections: dict[int, list] = {}
    for correction in HandlingCorrection.objects.filter(handling__version_id__in=ids).select_related(
        "corrected_by"
    ):
        corrections.setdefault(correction.handling_id, []).append(correction)

    history, previous = [], None
    for version in versions:
        version.plan = plan
        for handling in version.handlings.all():
            handling.correction_list = corrections.get(handling.pk, [])
        goals, checkpoints = goals_by_version[version.pk], checkpoints_by_version[version.pk]
        content = version_content(version, goals, checkpoints)
        # A frozen version whose rows no longer match its approval (see integrity.py).
        version.integrity_failure = integrity.check(version, goals=goals, checkpoints=checkpoints)
        history.append((version, diff_versions(previous, content) if previous else None))
        previous = content
    return history


def suggested_year(agreement) -> int:
    """The year a new plan is most likely for: the one after the agreement's last plan,
    or this year."""
    last = agreement.plans.order_by("-period_end").values_list("period_end", flat=True).first()
    return last.year + 1 if last else today().year
