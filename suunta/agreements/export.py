"""A plan as plain data (the `export_plan` JSON). Format: docs/export-format.md.

Keys only ever get added; existing ones keep their meaning.
"""

from django.db.models import Prefetch

from .models import Checkpoint, GoalArea, GoalPlan, Metric, PlanVersion

FORMAT_VERSION = 1


def plans_for_export(queryset=None):
    """Plans with everything the export reads, in a fixed number of queries."""
    from suunta.governance.models import Handling

    queryset = GoalPlan.objects.all() if queryset is None else queryset
    return queryset.select_related("agreement__organization", "agreement__executive").prefetch_related(
        Prefetch(
            "versions",
            queryset=PlanVersion.objects.order_by("number").prefetch_related(
                Prefetch(
                    "goal_areas",
                    queryset=GoalArea.objects.prefetch_related(
                        Prefetch("metrics", queryset=Metric.objects.order_by("order", "id"))
                    ),
                ),
                Prefetch("checkpoints", queryset=Checkpoint.objects.all()),
                Prefetch(
                    "handlings",
                    queryset=Handling.objects.select_related("body", "presenter").prefetch_related("disqualified"),
                ),
            ),
        )
    ).order_by("id")


def plan_to_dict(plan: GoalPlan) -> dict:
    version = plan.latest_version()
    agreement = plan.agreement
    handlings = list(version.handlings.all()) if version else []
    approval = next((h for h in handlings if h.snapshot_sha256), None)
    organization = agreement.organization
    return {
        "format": FORMAT_VERSION,
        "id": plan.pk,
        "organization": {"name": organization.name, "name_sv": organization.name_sv, "slug": organization.slug},
        "agreement": {
            "executive": _name(agreement.executive),
            "position": agreement.position_title,
            "position_sv": agreement.position_title_sv,
            "position_genitive": agreement.position_genitive,
            "legal_basis": agreement.legal_basis,
        },
        "title": plan.title,
        "title_sv": plan.title_sv,
        "period": {"start": plan.period_start.isoformat(), "end": plan.period_end.isoformat()},
        "version": version.number if version else None,
        "status": version.status if version else None,
        "goals": [
            {
                "lineage": str(goal.lineage),
                "title": goal.title,
                "title_sv": goal.title_sv,
                "description": goal.description,
                "description_sv": goal.description_sv,
                "metrics": [
                    {"lineage": str(metric.lineage), "text": metric.text, "text_sv": metric.text_sv}
                    for metric in goal.metrics.all()
                ],
            }
            for goal in (version.goal_areas.all() if version else [])
        ],
        "checkpoints": [
            {
                "label": checkpoint.label,
                "label_sv": checkpoint.label_sv,
                "start": checkpoint.window_start.isoformat(),
                "end": checkpoint.window_end.isoformat(),
            }
            for checkpoint in (version.checkpoints.all() if version else [])
        ],
        "handling": [
            {
                "body": handling.body.name,
                "body_short": handling.body.short_name,
                "date": handling.meeting_date.isoformat(),
                "section": handling.section,
                "case_number": handling.case_number,
                "text": handling.text,
                "outcome": handling.outcome,
                "reference": handling.reference,
                "presenter": _name(handling.presenter),
                "disqualified": sorted(_name(u) for u in handling.disqualified.all()),
                "meeting_changes": handling.meeting_changes,
            }
            for handling in handlings
        ],
        "snapshot": (
            {"sha256": approval.snapshot_sha256, "decision": approval.reference} if approval else None
        ),
    }


def _name(user) -> str | None:
    return (user.get_full_name() or user.username) if user else None
