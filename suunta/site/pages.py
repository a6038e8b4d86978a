"""What the front page shows a user: per organization the current plans (this year's and
later ones, and earlier ones with something due for the user), each with its status and
handlings, and how many plans there are in all, the list of them a link away; the user's
next actions; and the first plans to make. A fixed number of queries whatever the
number of plans, and the rows read do not grow with years of plans.

The organization's list of all plans, newest first, a page at a time, is `plan_list`."""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q

from suunta import policies
from suunta.agreements.models import DirectorAgreement, GoalPlan, PlanVersion
from suunta.discussions.services import actions_for
from suunta.followup import due
from suunta.governance.models import Handling
from suunta.organizations.models import Organization

PLANS_PER_PAGE = 25


def _with_versions(plans):
    """Plans with their organization, executive and versions with their handlings."""
    return plans.select_related("agreement__organization", "agreement__executive").prefetch_related(
        Prefetch(
            "versions",
            queryset=PlanVersion.objects.order_by("number").prefetch_related(
                Prefetch("handlings", queryset=Handling.objects.select_related("body"))
            ),
        )
    )


def _latest_visible(plan, user):
    versions = policies.scope_versions(plan.versions.all(), user, plan.agreement)
    return versions[-1] if versions else None


def front_page(user) -> dict:
    # The ids of every visible plan, read once: the scope's EXISTS as a subquery of
    # the queries below made PostgreSQL misjudge the rows at national scale.
    visible = list(GoalPlan.objects.for_user(user).values_list("pk", flat=True))
    # The due items of every visible plan (old approved plans can have follow-ups still
    # to do).
    due_items, _overviews = due.overview(visible, matrices=False)
    mine = due.for_user(due_items, user)
    current = Q(period_end__gte=due.current_since()) | Q(pk__in={item.plan_id for item in mine})
    rows_of = {}  # organization id -> rows
    for plan in _with_versions(GoalPlan.objects.filter(current, pk__in=visible)).order_by(
        "-period_start", "id"
    ):
        version = _latest_visible(plan, user)
        if version is not None:
            rows_of.setdefault(plan.agreement.organization_id, []).append({"plan": plan, "version": version})
    # Every organization where the user sees a plan, with the number of them: the
    # organization's list of plans shows exactly these.
    organizations = (
        Organization.objects.filter(agreements__plans__in=visible)
        .annotate(plan_count=Count("agreements__plans"))
        .order_by("name", "pk")
    )
    groups = [
        {"organization": org, "rows": rows_of.get(org.pk, []), "plan_count": org.plan_count}
        for org in organizations
    ]
    # A new agreement has no plan yet: its preparer starts here (later years are made
    # from the previous plan on its own page).
    first_plans = [
        agreement
        for agreement in DirectorAgreement.objects.for_user(user)
        .filter(plans__isnull=True)
        .select_related("organization", "executive")
        if policies.can(user, policies.CREATE_PLAN, agreement)
    ]
    return {
        "groups": groups,
        "due_items": mine,
        "discussion_items": actions_for(user),
        "first_plans": first_plans,
    }


def plan_list(user, organization, page_number) -> dict:
    """Every plan of the organization the user sees, newest first, a page at a time (a
    count and a page of plans, whatever the page)."""
    plans = _with_versions(GoalPlan.objects.for_user(user).filter(agreement__organization=organization))
    page = Paginator(
        plans.order_by("-period_start", "agreement__executive__last_name", "id"), PLANS_PER_PAGE
    ).get_page(page_number)
    rows = [{"plan": plan, "version": _latest_visible(plan, user)} for plan in page.object_list]
    return {"organization": organization, "page": page, "rows": rows}
