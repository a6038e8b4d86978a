"""What the API shows: built from the same access functions, scoped query sets and
policy questions as the pages (suunta/agreements/access.py, policies.scope_*,
policies.visible_assessments). Discussions are not part of the API at all."""

import base64
import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from suunta import policies
from suunta.agreements import access
from suunta.agreements.models import Checkpoint, DirectorAgreement, GoalArea, GoalPlan, Metric, PlanVersion
from suunta.documents.content import public_objectives
from suunta.followup.models import Assessment, FollowUp, FollowUpStatus
from suunta.governance.models import Handling
from suunta.lib.publicity import Publicity
from suunta.measures.models import MetricValue
from suunta.organizations.models import Organization
from suunta.strategy.models import BudgetIndicator, Objective

FOUR_PLACES = Decimal("0.0001")  # as stored (DecimalField with 4 decimal places)

# --- Cursor pagination -------------------------------------------------------------------


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except ValueError:
        raise HttpError(422, _("The cursor is not valid.")) from None


def page(qs, cursor: str | None, limit: int | None) -> tuple[list, str | None]:
    """Rows after the cursor in id order, and the cursor of the next page (None at the end)."""
    size = max(1, min(limit or settings.API_PAGE_SIZE, settings.API_PAGE_SIZE))
    rows = list(qs.filter(pk__gt=decode_cursor(cursor)).order_by("pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (encode_cursor(rows[-1].pk) if more and rows else None)


# --- Organizations and agreements ---------------------------------------------------------


def organization_out(org: Organization) -> dict:
    return {"slug": org.slug, "name": org.name, "business_id": org.business_id, "kind": org.kind}


def organizations(user):
    return Organization.objects.for_user(user)


def agreements(user, organization: str | None):
    qs = DirectorAgreement.objects.for_user(user).select_related("organization", "executive", "decided_by")
    if organization:
        qs = qs.filter(organization__slug=organization)
    return qs


def agreement_out(agreement: DirectorAgreement) -> dict:
    decision = ""
    if agreement.decided_by_id and agreement.decided_on:
        decision = f"{agreement.decided_by.display_short} {agreement.decided_on:%-d.%-m.%Y}"
        if agreement.decision_section:
            decision += f" § {agreement.decision_section}"
    return {
        "id": agreement.pk,
        "organization": agreement.organization.slug,
        "position_title": agreement.display_position,
        "executive": str(agreement.executive),
        "starts_on": agreement.starts_on,
        "signed_on": agreement.signed_on,
        "decision": decision,
    }


# --- Plans, versions and handlings ---------------------------------------------------------


def _handlings_prefetch():
    return Prefetch(
        "handlings", queryset=Handling.objects.select_related("body").order_by("meeting_date", "id")
    )


def plans(user, *, organization=None, agreement=None, period=None, status=None):
    qs = (
        GoalPlan.objects.for_user(user)
        .select_related("agreement__organization")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=PlanVersion.objects.order_by("number").prefetch_related(_handlings_prefetch()),
            )
        )
    )
    if organization:
        qs = qs.filter(agreement__organization__slug=organization)
    if agreement:
        qs = qs.filter(agreement_id=agreement)
    if period:
        qs = qs.filter(
            period_start__lte=datetime.date(period, 12, 31), period_end__gte=datetime.date(period, 1, 1)
        )
    if status:
        qs = qs.filter(Exists(PlanVersion.objects.filter(plan=OuterRef("pk"), status=status)))
    return qs


def handling_out(handling: Handling, number: int) -> dict:
    public = handling.publicity == Publicity.PUBLIC
    return {
        "id": handling.pk,
        "version": number,
        "body": handling.body.display_name,
        "reference": handling.reference,
        "outcome": handling.outcome,
        "meeting_date": handling.meeting_date,
        "section": handling.section,
        "case_number": handling.case_number,
        "decision_text": handling.text if public else "",
        "checkpoint_id": handling.checkpoint_id,
    }


def plan_out(user, plan: GoalPlan, status: str | None = None) -> dict | None:
    """The plan with the versions the user may read (None when none, or none in the
    asked status: the pages show nothing of such a plan either)."""
    versions = policies.scope_versions(list(plan.versions.all()), user, plan.agreement)
    if not versions or (status and not any(v.status == status for v in versions)):
        return None
    return {
        "id": plan.pk,
        "organization": plan.agreement.organization.slug,
        "agreement_id": plan.agreement_id,
        "title": plan.display_title,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "versions": [
            {
                "number": v.number,
                "status": v.status,
                "handlings": [handling_out(h, v.number) for h in v.handlings.all()],
            }
            for v in versions
        ],
    }


def visible_version(user, plan_id: int, number: int | None = None) -> tuple[GoalPlan, list, PlanVersion]:
    plan, visible = access.plan_with_versions(user, plan_id)
    if number is None:
        return plan, visible, visible[-1]
    for version in visible:
        if version.number == number:
            return plan, visible, version
    raise Http404


def _public(items) -> list:
    return [i for i in items if i.publicity == Publicity.PUBLIC]


def version_out(user, plan: GoalPlan, version: PlanVersion) -> dict:
    goals = GoalArea.objects.filter(version=version).prefetch_related(
        Prefetch("metrics", queryset=Metric.objects.order_by("order", "id")),
        Prefetch("objectives", queryset=Objective.objects.select_related("strategy")),
        "budget_targets",
    )
    checkpoints = list(Checkpoint.objects.filter(version=version))
    statuses = dict(
        FollowUp.objects.filter(checkpoint__version=version).values_list("checkpoint_id", "status")
    )
    return {
        "plan_id": plan.pk,
        "number": version.number,
        "status": version.status,
        "goals": [
            {
                "id": goal.pk,
                "lineage": str(goal.lineage),
                "title": goal.display_title,
                "description": goal.display_description,
                "weight": goal.weight,
                "metrics": [metric_out(m) for m in goal.metrics.all()],
                "objectives": [
                    {"id": o.pk, "number": o.number, "title": o.display_title}
                    # As the annex shows them: public objectives of public strategies.
                    for o in public_objectives(goal)
                ],
                "budget_targets": [
                    {"id": t.pk, "year": t.year, "title": t.display_title}
                    for t in _public(goal.budget_targets.all())
                ],
            }
            for goal in goals
        ],
        "checkpoints": [
            {
                "id": c.pk,
                "kind": c.kind,
                "label": c.display_label,
                "window_start": c.window_start,
                "window_end": c.window_end,
                "followup_status": statuses.get(c.pk, FollowUpStatus.OPEN),
            }
            for c in checkpoints
        ],
        "handlings": [handling_out(h, version.number) for h in version.handlings.all()],
    }


def metric_out(metric: Metric) -> dict:
    return {
        "id": metric.pk,
        "lineage": str(metric.lineage),
        "text": metric.display_text,
        "unit": metric.unit,
        "baseline": metric.baseline,
        "target": metric.target,
        "direction": metric.direction,
        "budget_indicator_id": metric.budget_indicator_id,
    }


# --- Follow-ups and values -------------------------------------------------------------------


def followup_out(user, plan: GoalPlan, visible: list, checkpoint_id: int) -> dict:
    """The assessments of a checkpoint that the follow-up page shows this user."""
    checkpoint = access.checkpoint(user, plan, visible, checkpoint_id)
    agreement = plan.agreement
    status = FollowUp.objects.filter(checkpoint=checkpoint).values_list("status", flat=True).first()
    status = status or FollowUpStatus.OPEN
    assessments = Assessment.objects.filter(checkpoint=checkpoint).select_related("author", "rating")
    shown = policies.visible_assessments(
        user, list(assessments.order_by("goal_area_id", "kind", "id")), agreement, status
    )
    return {
        "checkpoint_id": checkpoint.pk,
        "status": status,
        "assessments": [
            {
                "goal_id": a.goal_area_id,
                "kind": a.kind,
                "author": str(a.author),
                "rating": a.rating.code if a.rating_id else None,
                "text": a.text,
                "submitted": a.submitted_at is not None,
            }
            for a in shown
        ],
    }


def metric_values(plan: GoalPlan, metric: Metric, since=None, until=None):
    qs = MetricValue.objects.filter(plan=plan, metric_lineage=metric.lineage)
    if since:
        qs = qs.filter(measured_on__gte=since)
    if until:
        qs = qs.filter(measured_on__lte=until)
    return qs


def value_out(value: MetricValue) -> dict:
    return {
        "id": value.pk,
        "plan_id": value.plan_id,
        "metric_lineage": str(value.metric_lineage),
        "measured_on": value.measured_on,
        "value": Decimal(value.value).quantize(FOUR_PLACES),
        "comment": value.comment,
        "source": value.source,
    }


def metric_for_values(user, plan: GoalPlan, visible: list, metric_id: int) -> Metric:
    """The metric asked for, as it stands in the version in force when it has one
    (values belong to the metric's lineage in the plan)."""
    metric = access.metric(user, plan, visible, metric_id)
    in_force = [v for v in visible if v.status == "approved"]
    if in_force and in_force[-1].pk != metric.goal_area.version_id:
        current = (
            Metric.objects.filter(goal_area__version=in_force[-1], lineage=metric.lineage)
            .select_related("goal_area__version")
            .first()
        )
        if current is not None:
            current.goal_area.version.plan = plan
            return current
    return metric


# --- Budget --------------------------------------------------------------------------------


def budget_indicators(user, slug: str):
    org = access.organization(user, slug)
    return BudgetIndicator.objects.filter(
        Q(target__organization=org) & Q(target__publicity=Publicity.PUBLIC)
    ).select_related("target")


def budget_indicator(user, pk: int) -> BudgetIndicator:
    qs = BudgetIndicator.objects.filter(
        target__organization__in=Organization.objects.for_user(user)
    ).select_related("target__organization")
    return policies.get_scoped_or_404(qs, user, pk=pk)


def indicator_out(indicator: BudgetIndicator) -> dict:
    return {
        "id": indicator.pk,
        "year": indicator.target.year,
        "target": indicator.target.display_title,
        "text": indicator.display_text,
        "unit": indicator.unit,
        "target_value": indicator.target_value,
    }
