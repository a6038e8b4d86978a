from itertools import groupby

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET

from suunta import policies
from suunta.agreements.models import DirectorAgreement, GoalPlan, PlanVersion
from suunta.followup import due
from suunta.governance.models import Handling


@require_GET
def home(request):
    """What the user can see: plans by organization, each with its status and handlings."""
    plans = (
        GoalPlan.objects.for_user(request.user)
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
        versions = policies.scope_versions(plan.versions.all(), request.user, plan.agreement.organization_id)
        if versions:
            rows.append({"plan": plan, "version": versions[-1]})
    groups = [
        {"organization": org, "rows": list(items)}
        for org, items in groupby(rows, key=lambda row: row["plan"].agreement.organization)
    ]
    due_items, _overviews = due.overview([row["plan"] for row in rows])
    # A new agreement has no plan yet: its preparer starts here (later years are made
    # from the previous plan on its own page).
    first_plans = [
        agreement
        for agreement in DirectorAgreement.objects.for_user(request.user)
        .filter(plans__isnull=True)
        .select_related("organization", "executive")
        if policies.can(request.user, policies.CREATE_PLAN, agreement)
    ]
    from suunta.discussions.services import actions_for

    return render(
        request,
        "site/home.html",
        {
            "groups": groups,
            "due_items": due.for_user(due_items, request.user),
            "discussion_items": actions_for(request.user),
            "first_plans": first_plans,
        },
    )


@login_not_required
@require_GET
def accessibility_statement(request):
    """The accessibility statement (saavutettavuusseloste) that the law on digital
    services (306/2019, § 15) requires: open to everyone, also before logging in. The
    installation's own details (provider, feedback channel, dates, supervisory
    authority) come from settings; the assessment itself is the product's."""
    return render(
        request,
        "site/accessibility.html",
        {
            "provider": settings.ACCESSIBILITY_PROVIDER,
            "feedback_email": settings.ACCESSIBILITY_FEEDBACK_EMAIL,
            "feedback_url": settings.ACCESSIBILITY_FEEDBACK_URL,
            "statement_date": parse_date(settings.ACCESSIBILITY_STATEMENT_DATE),
            "reviewed_date": parse_date(settings.ACCESSIBILITY_REVIEWED_DATE),
            "supervisor_email": settings.ACCESSIBILITY_SUPERVISOR_EMAIL,
            "supervisor_phone": settings.ACCESSIBILITY_SUPERVISOR_PHONE,
            "supervisor_url": settings.ACCESSIBILITY_SUPERVISOR_URL,
        },
    )
