"""The goal cascade: the goals a goal may serve, the goal it serves and the goals serving.

The chief of staff's goals are the top of a tree: a sector director's goal serves one of
them (`GoalArea.serves`, the served goal's lineage, so the link survives the served
plan's amendments and next-year plans). Which agreements are "above" is read from the
evaluators: an agreement is above agreement X when its executive holds a valid evaluator
membership on X (the chief evaluates the sector director), and so on up the chain (the
sector director may evaluate a unit head). Only the organization's own agreements, and
only memberships that name their agreement, make the chain.

A goal may serve a goal of an approved (or closed) plan above its agreement, in the same
organization, whose period overlaps its own plan's: each plan's latest frozen version,
never a draft or a proposal. Everything here runs a fixed number of queries, whatever
the size of the tree. Reading only: the services check with `serves_problem` and write.
"""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from suunta.lib.clock import today
from suunta.organizations.models import Membership, Role

from .models import DirectorAgreement, GoalArea, PlanVersion
from .statuses import FROZEN_STATUSES, VersionStatus

# The statuses a served plan's latest frozen version may have: approved or closed (a
# superseded version always has a later one).
SERVABLE_STATUSES = frozenset({VersionStatus.APPROVED, VersionStatus.CLOSED})
# How far up a chain of served goals the cycle check looks (a real tree is 2–4 deep).
CHAIN_DEPTH = 12


# --- The chain of agreements -------------------------------------------------------------


@dataclass
class Chain:
    """The organization's agreements and who evaluates whom: `direct_above[x]` holds the
    agreements whose executive evaluates agreement x."""

    executives: dict[int, int] = field(default_factory=dict)  # agreement id → executive's user id
    direct_above: dict[int, set[int]] = field(default_factory=dict)

    def above(self, agreement_id: int) -> set[int]:
        """The agreements above, transitively (never the agreement itself)."""
        return self._walk(agreement_id, self.direct_above)

    def below(self, agreement_id: int) -> set[int]:
        """The agreements below, transitively (never the agreement itself)."""
        direct_below: dict[int, set[int]] = {}
        for below, aboves in self.direct_above.items():
            for above in aboves:
                direct_below.setdefault(above, set()).add(below)
        return self._walk(agreement_id, direct_below)

    def agreements_of(self, user_id: int) -> set[int]:
        return {pk for pk, executive in self.executives.items() if executive == user_id}

    @staticmethod
    def _walk(start: int, edges: dict[int, set[int]]) -> set[int]:
        seen: set[int] = set()
        frontier = set(edges.get(start, ()))
        while frontier:
            seen |= frontier
            frontier = {nxt for pk in frontier for nxt in edges.get(pk, ())} - seen
        seen.discard(start)
        return seen


def chain(organization_id: int, *, day: datetime.date | None = None, ongoing: bool = False) -> Chain:
    """Who evaluates whom in the organization on `day` (today): two queries.

    `ongoing`: the memberships in force on the day or starting later (confirmed, not
    ended before the day), for checking a new grant against the chain it would join."""
    day = day or today()
    if ongoing:
        memberships = Membership.objects.filter(awaiting_confirmation=False).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )
    else:
        memberships = Membership.objects.valid_on(day)
    memberships = memberships.filter(
        organization_id=organization_id,
        role=Role.EVALUATOR,
        agreement__isnull=False,
        agreement__organization_id=organization_id,
    )
    executives = dict(
        DirectorAgreement.objects.filter(organization_id=organization_id).values_list("pk", "executive_id")
    )
    by_executive: dict[int, set[int]] = {}
    for pk, executive in executives.items():
        by_executive.setdefault(executive, set()).add(pk)
    direct_above: dict[int, set[int]] = {}
    for agreement_id, user_id in memberships.values_list("agreement_id", "user_id"):
        aboves = by_executive.get(user_id, set()) - {agreement_id}
        if aboves:
            direct_above.setdefault(agreement_id, set()).update(aboves)
    return Chain(executives=executives, direct_above=direct_above)


# --- The goals a goal may serve ------------------------------------------------------------


def servable_goals(plan, *, tree: Chain | None = None) -> list[GoalArea]:
    """The goals a goal of `plan` may serve: of the approved or closed plans of the
    agreements above the plan's agreement, in the same organization, whose period
    overlaps the plan's; each plan's latest frozen version. One goal per lineage (the
    latest plan's, where two such plans overlap the period), in the plans' order, each
    with `version.plan` loaded. Three queries, whatever the number of plans and goals."""
    agreement = plan.agreement
    tree = tree or chain(agreement.organization_id)
    above = tree.above(agreement.pk)
    if not above:
        return []
    latest_frozen = (
        PlanVersion.objects.filter(plan_id=OuterRef("version__plan_id"), status__in=FROZEN_STATUSES)
        .order_by("-number")
        .values("pk")[:1]
    )
    rows = (
        GoalArea.objects.filter(
            version__plan__agreement_id__in=above,
            version__plan__agreement__organization_id=agreement.organization_id,
            version__status__in=SERVABLE_STATUSES,
            version__plan__period_start__lte=plan.period_end,
            version__plan__period_end__gte=plan.period_start,
        )
        .filter(version_id=Subquery(latest_frozen))
        .select_related("version__plan")
        .order_by("-version__plan__period_start", "version__plan__agreement_id", "order", "id")
    )
    by_lineage: dict[uuid.UUID, GoalArea] = {}
    for goal in rows:
        by_lineage.setdefault(goal.lineage, goal)
    return sorted(
        by_lineage.values(),
        key=lambda g: (g.version.plan.agreement_id, g.version.plan.period_start, g.order, g.pk),
    )


def choice_label(goal: GoalArea) -> str:
    """How a served goal is named in the picker: "<goal> – <its plan>"."""
    return f"{goal.display_title} – {goal.version.plan.display_title}"


# --- The goal served, the goals serving ----------------------------------------------------


def _overlaps(plan, period) -> bool:
    return period is not None and plan.period_start <= period[1] and plan.period_end >= period[0]


def served_goals(
    lineages: Iterable[uuid.UUID], *, organization_id: int, period: tuple | None = None
) -> dict[uuid.UUID, GoalArea]:
    """{lineage: the served goal's latest frozen row, with `version.plan`}: one query for
    any number of lineages. Where `period` (start, end) is given, a row whose plan
    overlaps it comes first (a goal of a 2025 plan serves the chief's 2025 goal, though
    the same lineage lives on in the chief's 2026 plan)."""
    wanted = {lineage for lineage in lineages if lineage}
    if not wanted:
        return {}
    rows = GoalArea.objects.filter(
        lineage__in=wanted,
        version__status__in=FROZEN_STATUSES,
        version__plan__agreement__organization_id=organization_id,
    ).select_related("version__plan")
    best: dict[uuid.UUID, tuple] = {}
    for goal in rows:
        plan = goal.version.plan
        rank = (_overlaps(plan, period), plan.period_start, goal.version.number, goal.pk)
        if goal.lineage not in best or rank > best[goal.lineage][0]:
            best[goal.lineage] = (rank, goal)
    return {lineage: goal for lineage, (_rank, goal) in best.items()}


def served_goal(goal: GoalArea) -> GoalArea | None:
    """The goal this goal serves: its latest frozen row by lineage (preferring the one
    whose plan overlaps this goal's plan), with `version.plan`; None when it serves none."""
    if not goal.serves:
        return None
    plan = goal.version.plan
    found = served_goals(
        [goal.serves],
        organization_id=plan.agreement.organization_id,
        period=(plan.period_start, plan.period_end),
    )
    return found.get(goal.serves)


# --- What may not be served, and why --------------------------------------------------------


def serves_problem(plan, lineage: uuid.UUID, *, goal_lineage: uuid.UUID | None = None) -> str | None:
    """Why a goal (of lineage `goal_lineage`) of `plan` may not serve the goal of
    `lineage`, or None when it may. The services ask this before saving."""
    if goal_lineage is not None and lineage == goal_lineage:
        return _("A goal cannot serve itself.")
    agreement = plan.agreement
    organization_id = agreement.organization_id
    tree = chain(organization_id)
    if any(goal.lineage == lineage for goal in servable_goals(plan, tree=tree)):
        if goal_lineage is not None and _leads_back(lineage, goal_lineage, organization_id):
            return _cycle()
        return None
    rows = list(
        GoalArea.objects.filter(lineage=lineage).values_list(
            "version__plan__agreement_id",
            "version__plan__agreement__organization_id",
            "version__plan__period_start",
            "version__plan__period_end",
            "version__status",
        )
    )
    if not rows:
        return _("Choose one of the goals offered.")
    own = [row for row in rows if row[1] == organization_id]
    if not own:
        return _("That goal is another organization's: a goal serves only goals of its own organization.")
    if any(row[0] == agreement.pk or row[0] in tree.below(agreement.pk) for row in own):
        return _cycle()
    above = tree.above(agreement.pk)
    own_above = [row for row in own if row[0] in above]
    if not own_above:
        return _(
            "That goal is not in a plan of an agreement above this one: a goal serves the goals "
            "of the agreements whose executive evaluates this one."
        )
    not_approved = _("That goal is not in an approved plan: a goal serves only goals of approved plans.")
    if not any(status in FROZEN_STATUSES for *_row, status in own_above):
        return not_approved  # only in drafts or proposals
    if not any(start <= plan.period_end and end >= plan.period_start for _a, _o, start, end, _s in own_above):
        return _("That goal's plan is for another period than this plan.")
    return not_approved  # e.g. only in a draft amendment of this period's plan


def _cycle() -> str:
    return _("That goal is this agreement's own or below it in the chain: serving it would make a cycle.")


def _leads_back(lineage: uuid.UUID, goal_lineage: uuid.UUID, organization_id: int) -> bool:
    """Whether the chain of goals served from `lineage` upwards reaches `goal_lineage`
    (a link made when the evaluators were set up differently). One query per level."""
    seen, frontier = {lineage}, {lineage}
    for _level in range(CHAIN_DEPTH):
        served = set(
            GoalArea.objects.filter(
                lineage__in=frontier,
                serves__isnull=False,
                version__plan__agreement__organization_id=organization_id,
            ).values_list("serves", flat=True)
        )
        if goal_lineage in served:
            return True
        frontier = served - seen
        if not frontier:
            return False
        seen |= frontier
    return False


# --- Evaluator grants -----------------------------------------------------------------------


def grant_problem(agreement, person, *, day: datetime.date | None = None) -> str | None:
    """Why `person` may not be made an evaluator of `agreement`, or None: the agreement's
    own executive never evaluates his or her own goals, and nobody evaluates an agreement
    whose executive already evaluates him or her, directly or through the chain below."""
    if person.pk == agreement.executive_id:
        return _("The executive cannot evaluate his or her own goals.")
    tree = chain(agreement.organization_id, day=day, ongoing=True)
    own = tree.agreements_of(person.pk)
    if any(agreement.pk in tree.above(pk) for pk in own):
        return _(
            "%(executive)s evaluates the goals of %(person)s already, directly or through the "
            "chain: an evaluator cannot sit below the goals he or she evaluates."
        ) % {"executive": agreement.executive, "person": person}
    return None
