"""Finding what a user asked for by id: agreements, plans, their visible versions,
checkpoints and metrics.

Every id that comes from a request goes through the user's scoped query set
(policies.get_scoped_or_404): outside it the answer is a 404, and an id that exists in
another scope is audited. Pages, documents and (later) the API find their objects here,
and no app imports another app's views to do it.
"""

from django.db.models import Prefetch
from django.http import Http404

from suunta import policies
from suunta.governance.models import Handling
from suunta.organizations.models import Organization

from .models import Checkpoint, DirectorAgreement, GoalPlan, Metric, PlanVersion


def organization(user, slug: str) -> Organization:
    return policies.get_scoped_or_404(Organization.objects.for_user(user), user, slug=slug)


def agreement(user, pk: int) -> DirectorAgreement:
    qs = DirectorAgreement.objects.for_user(user).select_related("organization", "executive", "decided_by")
    return policies.get_scoped_or_404(qs, user, pk=pk)


def plan(user, pk: int) -> GoalPlan:
    qs = GoalPlan.objects.for_user(user).select_related("agreement__organization", "agreement__executive")
    return policies.get_scoped_or_404(qs, user, pk=pk)


def versions(user, plan: GoalPlan) -> list[PlanVersion]:
    """The plan's versions the user may read, oldest first, with their handlings. Each
    version's `plan` is the given plan, so policy checks on it make no query."""
    # The body and the presenter joined to each handling: one query for the handlings
    # instead of three, and one for the disqualified members.
    handlings = Handling.objects.select_related("body", "presenter")
    rows = list(
        PlanVersion.objects.filter(plan=plan)
        .prefetch_related(Prefetch("handlings", queryset=handlings), "handlings__disqualified")
        .order_by("number")
    )
    for version in rows:
        version.plan = plan
    return policies.scope_versions(rows, user, plan.agreement)


def plan_with_versions(user, pk: int) -> tuple[GoalPlan, list[PlanVersion]]:
    """The plan and its visible versions; a plan whose versions the user may read none
    of is as good as missing (404)."""
    found = plan(user, pk)
    visible = versions(user, found)
    if not visible:
        raise Http404
    return found, visible


def checkpoint(user, plan: GoalPlan, visible: list[PlanVersion], checkpoint_id: int) -> Checkpoint:
    """A checkpoint of one of the plan's visible versions."""
    qs = Checkpoint.objects.filter(version__in=visible).select_related("version")
    found = policies.get_scoped_or_404(qs, user, pk=checkpoint_id)
    found.version.plan = plan
    return found


def metric(user, plan: GoalPlan, visible: list[PlanVersion], metric_id: int) -> Metric:
    """A metric of one of the plan's visible versions."""
    qs = Metric.objects.filter(goal_area__version__in=visible).select_related("goal_area__version")
    found = policies.get_scoped_or_404(qs, user, pk=metric_id)
    found.goal_area.version.plan = plan
    return found


def handling(user, pk: int) -> Handling:
    """A handling of a version of a plan in the user's scope, the version visible to the
    user (else 404, as the plan's history page would not show it)."""
    qs = Handling.objects.filter(version__plan__in=GoalPlan.objects.for_user(user)).select_related(
        "version__plan__agreement__organization", "body", "presenter", "recorded_by", "checkpoint"
    )
    found = policies.get_scoped_or_404(qs, user, pk=pk)
    if not policies.scope_versions([found.version], user, found.version.plan.agreement):
        raise Http404
    return found
