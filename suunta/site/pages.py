"""What the front page shows a user: the plans by organization, each with its status
and handlings, the user's next actions, and the first plans to make. A fixed number of
queries whatever the number of plans."""

from itertools import groupby

from django.db.models import Prefetch

from suunta import policies
from suunta.agreements.models import DirectorAgreement, GoalPlan, PlanVersion
from suunta.discussions.services import actions_for
from suunta.followup import due
from suunta.governance.models import Handling


def _visible_plans(user) -> list[dict]:
    plans = (
        GoalPlan.objects.for_user(user)
        .select_related("agreement__organization", "agreement__executive")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=PlanVersion.objects.order_by("number").prefetch_related(
                    Prefetch("handlings", queryset=Handling.objects.select_related("body"))
                ),
            )
        )
        .order_by("agreement__organization__name", "-period_start")
    )
    rows = []
    for plan in plans:
        versions = policies.scope_versions(plan.versions.all(), user, plan.agreement)
        if versions:
            rows.append({"plan": plan, "version": versions[-1]})
    return rows


def front_page(user) -> dict:
    rows = _visible_plans(user)
    groups = [
        {"organization": org, "rows": list(items)}
        for org, items in groupby(rows, key=lambda row: row["plan"].agreement.organization)
    ]
    due_items, _overviews = due.overview([row["plan"] for row in rows], with_cells=False)
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
        "due_items": due.for_user(due_items, user),
        "discussion_items": actions_for(user),
        "first_plans": first_plans,
    }
