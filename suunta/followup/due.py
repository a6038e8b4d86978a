"""What is due, for whom, and where every goal stands, in a fixed number of queries.

`overview(plans, user)` looks at the latest approved version of each plan and returns
the due items of everyone (the organization dashboard) and the goals × checkpoints
matrix of the current plans and of those with something due; `for_user` keeps the
items that are the given user's to do.
"""

import collections
import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from suunta import policies
from suunta.agreements.models import Checkpoint, GoalArea, PlanVersion, VersionStatus
from suunta.lib.clock import today
from suunta.organizations.models import Membership, Role

from .models import Assessment, AssessmentKind, FollowUp, FollowUpStatus

# A checkpoint shows up this many days before its window opens.
HEADS_UP_DAYS = 14


@dataclass
class DueItem:
    text: str
    due: datetime.date | None
    url: str
    plan_title: str
    organization_id: int
    plan_id: int | None = None  # the plan whose follow-up this is
    agreement: object = None  # the DirectorAgreement: roles and rights are read for it
    assignees: set[int] = field(default_factory=set)  # user ids whose job this is
    roles: frozenset = frozenset()  # or anyone with one of these roles or position rights
    overdue: bool = False
    who: str = ""  # for the dashboard: whose turn it is, in words
    summary: str = ""  # for the dashboard: the same in the third person


@dataclass
class PlanOverview:
    plan: object
    version: PlanVersion
    goals: list
    checkpoints: list
    cells: dict  # (goal id, checkpoint id) -> agreed Assessment
    followups: dict  # checkpoint id -> FollowUp


def overview(
    plans, user=None, *, since: datetime.date | None = None, matrices: bool = True
) -> tuple[list[DueItem], list[PlanOverview]]:
    """The due items of the approved versions of `plans` (plans or their ids) and the
    matrices of the plans that are current: whose period ends on `since` or later (every
    plan when None), and any plan with something due.

    However many years of plans there are, only the checkpoints and follow-ups of every
    approved version are read; the goals only of versions shown or with something that
    can still be due, the submitted assessments only of checkpoints that can still be
    due, the agreed cells only of the matrices shown. matrices=False (the front page)
    makes no matrices at all. (The callers read the ids of the visible plans first: as a
    subquery with the scope's EXISTS, PostgreSQL misjudged the rows at national scale and
    read whole tables.)"""
    plans = list(plans)
    if not plans:
        return [], []
    day = today()
    heads_up = day + datetime.timedelta(HEADS_UP_DAYS)
    versions = list(
        PlanVersion.objects.filter(plan__in=plans, status=VersionStatus.APPROVED)
        .select_related("plan__agreement__executive")
        .order_by("plan__agreement__organization_id", "-plan__period_start", "plan_id")
    )
    checkpoints_of = defaultdict(list)  # version id -> checkpoints in the plan's order
    for checkpoint in Checkpoint.objects.filter(version_id__in=[v.pk for v in versions]).order_by(
        "order", "window_start", "id"
    ):
        checkpoints_of[checkpoint.version_id].append(checkpoint)
    checkpoint_ids = [c.pk for cs in checkpoints_of.values() for c in cs]
    followups = {f.checkpoint_id: f for f in FollowUp.objects.filter(checkpoint_id__in=checkpoint_ids)}
    # The checkpoints that can be due (the same test as in the loop below).
    open_ids = [
        c.pk
        for cs in checkpoints_of.values()
        for c in cs
        if getattr(followups.get(c.pk), "status", FollowUpStatus.OPEN) != FollowUpStatus.REPORTED
        and c.window_start <= heads_up
    ]
    open_set = set(open_ids)
    with_due = {v.pk for v in versions if any(c.pk in open_set for c in checkpoints_of[v.pk])}
    shown = [
        v for v in versions if matrices and (since is None or v.plan.period_end >= since or v.pk in with_due)
    ]
    goals_of = defaultdict(list)  # version id -> goals in the plan's order
    for goal in (
        GoalArea.objects.filter(version_id__in=with_due | {v.pk for v in shown})
        .only("id", "version_id", "title", "title_sv", "order")
        .order_by("order", "id")
    ):
        goals_of[goal.version_id].append(goal)
    submitted = defaultdict(set)  # checkpoint -> {(kind, author, goal)}
    for kind, author_id, goal_id, checkpoint_id in Assessment.objects.filter(
        checkpoint_id__in=open_ids, submitted_at__isnull=False
    ).values_list("kind", "author_id", "goal_area_id", "checkpoint_id"):
        submitted[checkpoint_id].add((kind, author_id, goal_id))
    agreed = {}
    for assessment in Assessment.objects.filter(
        checkpoint_id__in=[c.pk for v in shown for c in checkpoints_of[v.pk]], kind=AssessmentKind.AGREED
    ).select_related("rating"):
        agreed[(assessment.goal_area_id, assessment.checkpoint_id)] = assessment
    org_ids = {v.plan.agreement.organization_id for v in versions}
    # Evaluators by (organization, agreement); None: of every agreement (older data).
    evaluators = defaultdict(dict)  # (org, agreement or None) -> {user id: name}
    agreers = defaultdict(list)  # the same -> names of held positions that mark follow-ups agreed
    for membership in (
        Membership.objects.valid_on(day)
        .filter(organization_id__in=org_ids, role=Role.EVALUATOR)
        .select_related("user", "position")
        .order_by("position__order", "pk")
    ):
        key = (membership.organization_id, membership.agreement_id)
        evaluators[key][membership.user_id] = str(membership.user)
        position = membership.position
        if position and position.may_mark_agreed and position.display_name not in agreers[key]:
            agreers[key].append(position.display_name)

    def of_agreement(table, agreement):
        return table[(agreement.organization_id, None)], table[(agreement.organization_id, agreement.pk)]

    shown_ids = {v.pk for v in shown}
    items, overviews = [], []
    for version in versions:
        plan = version.plan
        agreement = plan.agreement
        goals = goals_of[version.pk]
        checkpoints = checkpoints_of[version.pk]
        goal_ids = {g.pk for g in goals}
        if version.pk in shown_ids:
            cells = {(g, c): a for (g, c), a in agreed.items() if g in goal_ids}
            if user is not None:
                status_of = {
                    c.pk: getattr(followups.get(c.pk), "status", FollowUpStatus.OPEN) for c in checkpoints
                }
                cells = {
                    key: a
                    for key, a in cells.items()
                    if policies.visible_assessments(user, [a], agreement, status_of[key[1]])
                }
            overviews.append(PlanOverview(plan, version, goals, checkpoints, cells, followups))
        for checkpoint in checkpoints:
            status = getattr(followups.get(checkpoint.pk), "status", FollowUpStatus.OPEN)
            if checkpoint.pk not in open_set:
                continue
            items += _items_for(
                checkpoint,
                status,
                plan,
                agreement,
                goal_ids,
                submitted[checkpoint.pk],
                dict(collections.ChainMap(*of_agreement(evaluators, agreement))),
                list(dict.fromkeys(itertools.chain(*of_agreement(agreers, agreement)))),
                day,
            )
    items.sort(key=lambda i: (i.due or datetime.date.max, i.plan_title))
    return items, overviews


def _items_for(
    checkpoint, status, plan, agreement, goal_ids, done, evaluators, agreers, day
) -> list[DueItem]:
    url = reverse("followup", args=[plan.pk, checkpoint.pk])
    label = checkpoint.display_label
    end = checkpoint.window_end
    end_text = formats.date_format(end, "SHORT_DATE_FORMAT")
    common = {
        "url": url,
        "plan_title": plan.display_title,
        "organization_id": agreement.organization_id,
        "plan_id": plan.pk,
        "agreement": agreement,
    }
    if day < checkpoint.window_start:
        start = formats.date_format(checkpoint.window_start, "SHORT_DATE_FORMAT")
        return [
            DueItem(
                _("Follow-up %(label)s opens on %(start)s.") % {"label": label, "start": start},
                checkpoint.window_start,
                assignees={agreement.executive_id, *evaluators},
                roles=frozenset({Role.PREPARER}),
                who=_("everyone"),
                summary=_("Follow-up %(label)s opens on %(start)s.") % {"label": label, "start": start},
                **common,
            )
        ]
    overdue = day > end
    items = []
    if status == FollowUpStatus.OPEN:
        written = {
            g for kind, author, g in done if kind == AssessmentKind.SELF and author == agreement.executive_id
        }
        if goal_ids - written:
            items.append(
                DueItem(
                    _("Write the self-assessment for follow-up %(label)s (open until %(end)s).")
                    % {"label": label, "end": end_text},
                    end,
                    assignees={agreement.executive_id},
                    overdue=overdue,
                    who=str(agreement.executive),
                    summary=_("Follow-up %(label)s: the self-assessment is missing (open until %(end)s).")
                    % {"label": label, "end": end_text},
                    **common,
                )
            )
    if status in (FollowUpStatus.OPEN, FollowUpStatus.SELF_ASSESSED):
        for evaluator_id, name in evaluators.items():
            if evaluator_id == agreement.executive_id:
                continue
            have = {g for kind, author, g in done if kind == AssessmentKind.VIEW and author == evaluator_id}
            if goal_ids - have:
                items.append(
                    DueItem(
                        _("Write your view for follow-up %(label)s (by %(end)s).")
                        % {"label": label, "end": end_text},
                        end,
                        assignees={evaluator_id},
                        overdue=overdue,
                        who=name,
                        summary=_("Follow-up %(label)s: a view is missing (by %(end)s).")
                        % {"label": label, "end": end_text},
                        **common,
                    )
                )
    if status == FollowUpStatus.VIEWS_IN or (overdue and status != FollowUpStatus.AGREED):
        items.append(
            DueItem(
                _("Agree on follow-up %(label)s in the meeting and record it.") % {"label": label},
                end,
                roles=frozenset({Role.PREPARER, policies.MARK_AGREED_RIGHT}),
                overdue=overdue,
                # In the organization's own words: "preparer or board chair".
                who=_("preparer or %(positions)s")
                % {"positions": ", ".join(name.lower() for name in agreers)}
                if agreers
                else _("preparer"),
                summary=_("Follow-up %(label)s: not agreed yet.") % {"label": label},
                **common,
            )
        )
    if status == FollowUpStatus.AGREED:
        items.append(
            DueItem(
                _("Report follow-up %(label)s to the board.") % {"label": label},
                None,
                roles=frozenset({Role.PREPARER}),
                who=_("preparer"),
                summary=_("Follow-up %(label)s: not reported to the board yet.") % {"label": label},
                **common,
            )
        )
    return items


def current_since() -> datetime.date:
    """The front page and the dashboard show the plans whose period ends on this day or
    later (this year's and the next), besides those with something due; the rest are on
    the organization's list of plans."""
    return datetime.date(today().year, 1, 1)


def for_user(items: list[DueItem], user) -> list[DueItem]:
    """The items that are this user's to do: named, or by role in that agreement's matters."""
    return [
        item
        for item in items
        if user.pk in item.assignees or item.roles & policies.roles_for(user, item.agreement)
    ]
