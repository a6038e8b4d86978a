"""A plan as plain data (the `export_plan` JSON). Format: docs/export-format.md.

Keys only ever get added; existing ones keep their meaning. The annual salary behind
the performance pay (personal data) is never exported.
"""

from django.db.models import Prefetch

from suunta import policies
from suunta.followup.evaluation import checkpoint_result, points_list
from suunta.followup.models import Assessment, AssessmentKind
from suunta.governance.models import Handling

from . import integrity
from .models import Checkpoint, GoalArea, GoalPlan, PlanVersion
from .snapshot import with_content

FORMAT_VERSION = 1


def plans_for_export(queryset=None):
    """Plans with everything the export reads, in a fixed number of queries (where the
    organization rates each metric, each agreed follow-up's metric scores take one more)."""

    queryset = GoalPlan.objects.all() if queryset is None else queryset
    return (
        queryset.select_related("agreement__organization", "agreement__executive")
        .prefetch_related(
            "metric_values",
            Prefetch(
                "versions",
                queryset=PlanVersion.objects.order_by("number").prefetch_related(
                    Prefetch(
                        "goal_areas",
                        queryset=with_content(GoalArea.objects.all()),
                    ),
                    Prefetch(
                        "checkpoints",
                        queryset=Checkpoint.objects.select_related(
                            "followup", "performance_pay"
                        ).prefetch_related(
                            Prefetch(
                                "assessments",
                                queryset=Assessment.objects.select_related("rating", "author").order_by(
                                    "kind", "id"
                                ),
                            )
                        ),
                    ),
                    Prefetch(
                        "handlings",
                        queryset=Handling.objects.select_related("body", "presenter").prefetch_related(
                            "disqualified", "corrections__corrected_by"
                        ),
                    ),
                ),
            ),
        )
        .order_by("id")
    )


def plan_to_dict(plan: GoalPlan) -> dict:
    """Raises integrity.IntegrityError when the latest version is approved and its rows
    no longer match the approval's snapshot."""
    version = plan.latest_version()
    agreement = plan.agreement
    all_handlings = list(version.handlings.all()) if version else []
    # The version's own lifecycle; follow-up reports are listed under their checkpoint.
    handlings = [h for h in all_handlings if h.checkpoint_id is None]
    # The board's decision on each follow-up is its report (a return is none).
    by_id = {h.pk: h for h in all_handlings}
    approval = next((h for h in handlings if h.snapshot_sha256), None)
    checkpoints = list(version.checkpoints.all()) if version else []
    if version is not None:
        # Never export changed rows of an approved version as approved content.
        version.plan = plan
        integrity.verify(
            version, goals=version.goal_areas.all(), checkpoints=checkpoints, handlings=all_handlings
        )
    assessments = _assessments_by_goal(checkpoints)
    organization = agreement.organization
    values: dict = {}
    for value in sorted(plan.metric_values.all(), key=lambda v: (v.measured_on, v.pk)):
        values.setdefault(value.metric_lineage, []).append(value)
    return {
        "format": FORMAT_VERSION,
        "id": plan.pk,
        "organization": {
            "name": organization.name,
            "name_sv": organization.name_sv,
            "slug": organization.slug,
        },
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
                "weight": goal.weight,
                "metrics": [_metric(metric, values.get(metric.lineage, [])) for metric in goal.metrics.all()],
                "followups": assessments.get(goal.pk, []),
                **_links(goal),
                # The goal cascade: the lineage of the goal it serves in a plan above.
                "serves": str(goal.serves) if goal.serves else None,
            }
            for goal in (version.goal_areas.all() if version else [])
        ],
        "checkpoints": [
            {
                "label": checkpoint.label,
                "label_sv": checkpoint.label_sv,
                "kind": checkpoint.kind,
                "start": checkpoint.window_start.isoformat(),
                "end": checkpoint.window_end.isoformat(),
                "status": getattr(getattr(checkpoint, "followup", None), "status", "open"),
                "agreed_on": _iso(getattr(getattr(checkpoint, "followup", None), "agreed_on", None)),
                "report": _report(checkpoint, by_id),
                **_weighted(checkpoint, list(version.goal_areas.all())),
            }
            for checkpoint in checkpoints
        ],
        "performance_pay": _performance_pay(checkpoints),
        "handling": [_handling(handling) for handling in handlings],
        "snapshot": (
            {"sha256": approval.snapshot_sha256, "decision": approval.reference} if approval else None
        ),
    }


def _metric(metric, values: list) -> dict:
    return {
        "lineage": str(metric.lineage),
        "text": metric.text,
        "text_sv": metric.text_sv,
        "unit": metric.unit,
        "baseline": _number(metric.baseline),
        "target": _number(metric.target),
        "direction": metric.direction,
        "weight": metric.weight,
        "scoring": metric.scoring,
        "values": [
            {
                "date": v.measured_on.isoformat(),
                "value": _number(v.value),
                "comment": v.comment,
                "source": v.source,
            }
            for v in values
        ],
    }


def _links(goal) -> dict:
    """What the goal serves (prefetched with the goals by with_content): the strategy
    objectives in the strategy's order and the budget's binding targets by year."""
    objectives = sorted(
        goal.objectives.all(), key=lambda o: (o.strategy.term_start, o.strategy.version, o.order, o.pk)
    )
    targets = sorted(goal.budget_targets.all(), key=lambda t: (t.year, t.order, t.pk))
    return {
        "strategy_objectives": [
            {
                "number": objective.number,
                "title": objective.title,
                "strategy": objective.strategy.title,
                "version": objective.strategy.version,
            }
            for objective in objectives
        ],
        "budget_targets": [
            {"year": target.year, "body": target.body.name, "title": target.title} for target in targets
        ],
    }


def _number(value) -> str | None:
    # Decimals as strings: exact, and the same in every JSON reader.
    return None if value is None else format(value.normalize(), "f")


def _report(checkpoint, handlings_by_id: dict) -> dict | None:
    report_id = getattr(getattr(checkpoint, "followup", None), "report_id", None)
    return _handling(handlings_by_id[report_id]) if report_id in handlings_by_id else None


def _weighted(checkpoint, goals: list) -> dict:
    """The weighted result of an agreed follow-up, its formula as users see it and each
    goal's and rated metric's points (followup/evaluation.py); null (and no points)
    where the organization does not weigh its goals or the follow-up is not agreed yet."""
    status = getattr(getattr(checkpoint, "followup", None), "status", None)
    overall = None
    if checkpoint.version.plan.agreement.organization.use_weights and status in policies.SETTLED_FOLLOWUP:
        agreed = {a.goal_area_id: a for a in checkpoint.assessments.all() if a.kind == AssessmentKind.AGREED}
        overall = checkpoint_result(checkpoint, goals, agreed)
    if overall is None or overall.result is None:
        return {"weighted_result": None, "formula": None, "points": []}
    return {
        "weighted_result": format(overall.result, "f"),
        "formula": overall.formula,
        "points": points_list(overall),
    }


def _performance_pay(checkpoints: list) -> dict | None:
    """The year's evaluation as the board decided it (its stored copy, never
    recomputed), without the annual salary; null until decided."""
    for checkpoint in checkpoints:
        row = getattr(checkpoint, "performance_pay", None) if checkpoint.is_evaluation else None
        if row is None or row.snapshot is None:
            continue
        snapshot = row.snapshot
        inputs = {key: value for key, value in snapshot.get("inputs", {}).items() if key != "annual_salary"}
        calculated = snapshot.get("calculated") or {}
        return {
            "rules": snapshot.get("rules"),
            "inputs": inputs,
            "calculated": {"points": calculated.get("points"), "amount": calculated.get("amount")},
            "result": snapshot.get("result"),
            "amended": bool(snapshot.get("amended")),
            "decision": snapshot.get("decision"),
        }
    return None


def _handling(handling) -> dict:
    return {
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
        "corrections": [
            {
                "at": correction.created_at.isoformat(),
                "by": _name(correction.corrected_by),
                "before": correction.before_reference,
                "after": correction.after_reference,
                "changes": correction.changes,
                "reason": correction.reason,
            }
            for correction in handling.corrections.all()
        ],
    }


def _assessments_by_goal(checkpoints) -> dict[int, list]:
    """Submitted self-assessments, views and agreed follow-ups, per goal, by checkpoint.

    (Prefetched per plan in plans_for_export; drafts are never exported.)"""
    result: dict[int, list] = {}
    for checkpoint in checkpoints:
        for assessment in checkpoint.assessments.all():
            if assessment.submitted_at is None:
                continue
            result.setdefault(assessment.goal_area_id, []).append(
                {
                    "checkpoint": checkpoint.label,
                    "kind": assessment.kind,
                    "author": _name(assessment.author),
                    "rating": assessment.rating.code if assessment.rating else None,
                    "rating_label": assessment.rating.label if assessment.rating else None,
                    "text": assessment.text,
                }
            )
    return result


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _name(user) -> str | None:
    return (user.get_full_name() or user.username) if user else None
