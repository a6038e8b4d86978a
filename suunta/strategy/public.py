"""The public goals page (/julkinen/<slug>/ and the same as JSON): an organization's
approved goals with their metrics, the strategy objectives each serves and the
follow-ups reported to the board with their agreed assessments. No login; shown only
where the organization has turned its public page on.

What may be shown to anyone is decided in one place, `is_public`: a version approved
by the board (never a draft or a version only proposed), a follow-up reported to the
board (never one only agreed), an agreed assessment (never a self-assessment or an
evaluator's view), and of every row that holds text a user wrote only the public ones.
Rows of kinds the rule does not name are never shown. The page reads the same building
blocks as the strategy map (map.py): the strategy in force and its objectives by
lineage, each plan's version in force, its content and the integrity check (a version
whose rows differ from what the board approved is left out).

`public_goals` returns plain data (strings, numbers, dates, lists and dicts): the HTML
page and the JSON render the same dict.
"""

from collections import defaultdict
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F
from django.http import Http404
from django.utils import formats
from django.utils.translation import get_language

from suunta.agreements import integrity
from suunta.agreements.models import (
    FROZEN_STATUSES,
    Checkpoint,
    DirectorAgreement,
    GoalArea,
    GoalPlan,
    Metric,
    PlanVersion,
)
from suunta.followup.models import Assessment, AssessmentKind, FollowUp, FollowUpStatus, Rating
from suunta.governance.models import Handling
from suunta.lib.publicity import Publicity
from suunta.organizations.models import Organization

from .map import (
    DECIDED_STRATEGY,
    choose_strategy,
    decided_strategies,
    in_force,
    load_content,
    outline,
    served,
    shown_versions,
    versions_by_plan,
)
from .models import Objective, Strategy, Theme

# Follow-ups the public sees: those reported to the board (the minutes publish them).
PUBLISHED_FOLLOWUPS = frozenset({FollowUpStatus.REPORTED})


def _public_text(row) -> bool:
    return row.publicity == Publicity.PUBLIC


_RULES = {
    Organization: lambda o: o.public_page,
    DirectorAgreement: _public_text,
    GoalPlan: _public_text,
    PlanVersion: lambda v: v.status in FROZEN_STATUSES,
    GoalArea: _public_text,
    Metric: _public_text,
    Checkpoint: _public_text,
    FollowUp: lambda f: f.status in PUBLISHED_FOLLOWUPS,
    Assessment: lambda a: a.kind == AssessmentKind.AGREED and _public_text(a),
    Handling: _public_text,
    Strategy: lambda s: s.status in DECIDED_STRATEGY and _public_text(s),
    Theme: lambda t: True,
    Objective: _public_text,
    Rating: lambda r: True,
}


def is_public(row) -> bool:
    """May this row be shown to anyone, without signing in? The public page's one rule
    (see the module's docstring); a kind of row it does not name never is."""
    rule = _RULES.get(type(row))
    return bool(rule is not None and rule(row))


def organization(slug: str) -> Organization:
    """The organization whose public page is on, else 404 (whether it exists or not)."""
    found = Organization.objects.filter(slug=slug).first()
    if found is None or not is_public(found):
        raise Http404
    return found


class JSONEncoder(DjangoJSONEncoder):
    """Dates as ISO 8601, decimals as exact strings without needless zeros ("80", "3.8")."""

    def default(self, o):
        if isinstance(o, Decimal):
            return format(o.normalize(), "f")
        return super().default(o)


def _date(day) -> str:
    return formats.date_format(day, "j.n.Y")


def _strategy(strategy: Strategy | None) -> dict | None:
    if strategy is None:
        return None
    decision = ""
    if strategy.decided_by_id and strategy.decided_on:
        decision = f"{strategy.decided_by.display_short} {_date(strategy.decided_on)}"
        if strategy.decision_section:
            decision += f" § {strategy.decision_section}"
    return {
        "title": strategy.display_title,
        "vision": strategy.display_vision,
        "version": strategy.version,
        "term_start": strategy.term_start,
        "term_end": strategy.term_end,
        "decision": decision,
    }


def _reported(frozen: dict[int, list[PlanVersion]]) -> dict[tuple, list[dict]]:
    """{(plan id, goal lineage): the goal's reported follow-ups, oldest first}, over the
    plan's frozen versions (an amendment keeps the earlier version's follow-ups)."""
    version_of = {v.pk: v for versions in frozen.values() for v in versions}
    followups = {
        f.checkpoint_id: f
        for f in FollowUp.objects.filter(
            checkpoint__version_id__in=list(version_of), status__in=PUBLISHED_FOLLOWUPS
        ).select_related("checkpoint", "report__body")
        if is_public(f) and is_public(f.checkpoint)
    }
    agreed = (
        Assessment.objects.filter(
            checkpoint_id__in=list(followups), kind=AssessmentKind.AGREED, publicity=Publicity.PUBLIC
        )
        .select_related("rating")
        .annotate(goal_lineage=F("goal_area__lineage"), goal_publicity=F("goal_area__publicity"))
    )
    found = defaultdict(list)
    for assessment in agreed:
        if not is_public(assessment) or assessment.goal_publicity != Publicity.PUBLIC:
            continue
        followup = followups[assessment.checkpoint_id]
        checkpoint = followup.checkpoint
        version = version_of[checkpoint.version_id]
        report = followup.report if followup.report_id and is_public(followup.report) else None
        rank = (checkpoint.window_end, checkpoint.order, version.number)
        found[(version.plan_id, assessment.goal_lineage)].append(
            (
                rank,
                {
                    "checkpoint": checkpoint.display_label,
                    "reported_in": report.reference if report else "",
                    "reported_on": report.meeting_date if report else None,
                    "rating": assessment.rating.display_label if assessment.rating else "",
                    "text": assessment.text,
                },
            )
        )
    return {key: [entry for _rank, entry in sorted(rows, key=lambda r: r[0])] for key, rows in found.items()}


def _objectives(goal: GoalArea, index: dict) -> list[dict]:
    """The objectives the goal serves: as the strategy in force words them where it has
    them (by lineage), else the objective row the goal links to."""
    matched = served(goal, index)
    seen = {linked.pk for _entry, linked in matched}
    objectives = [entry.objective for entry, _linked in matched]
    objectives += [o for o in goal.objectives.all() if o.pk not in seen]
    result, numbers = [], set()
    for objective in objectives:
        key = (objective.strategy_id, objective.lineage)
        if key in numbers or not (is_public(objective) and is_public(objective.strategy)):
            continue
        numbers.add(key)
        theme = objective.theme
        result.append(
            {
                "number": objective.number,
                "title": objective.display_title,
                "theme": str(theme) if theme is not None and is_public(theme) else "",
                "strategy": objective.strategy.display_title,
            }
        )
    return result


def _goal(goal: GoalArea, index: dict, followups: list[dict]) -> dict:
    return {
        "title": goal.display_title,
        "description": goal.display_description,
        "metrics": [
            {"text": m.display_text, "unit": m.unit, "baseline": m.baseline, "target": m.target}
            for m in goal.metrics.all()
            if is_public(m)
        ],
        "objectives": _objectives(goal, index),
        "followups": followups,
    }


def _plan(version: PlanVersion, content, index: dict, reported: dict) -> dict:
    plan = version.plan
    approval = integrity.approval_of(version, content.handlings[version.pk])
    return {
        "title": plan.display_title,
        "position": plan.agreement.display_position,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "version": version.number,
        "status": version.status,
        "status_label": str(version.get_status_display()),
        "approval": approval.reference if approval is not None and is_public(approval) else "",
        "goals": [
            _goal(goal, index, reported.get((plan.pk, goal.lineage), []))
            for goal in content.goals[version.pk]
            if is_public(goal)
        ],
    }


def public_goals(organization: Organization) -> tuple[dict, list]:
    """(the public page's content as plain data, the integrity failures of the versions
    left out). A fixed number of queries."""
    strategy = choose_strategy(decided_strategies(organization))
    if strategy is not None and not is_public(strategy):
        strategy = None
    index = outline(strategy)[1] if strategy is not None else {}
    plans = [
        plan
        for plan in GoalPlan.objects.filter(agreement__organization=organization)
        .select_related("agreement")
        .order_by("-period_start", "agreement__position_title", "id")
        if is_public(plan) and is_public(plan.agreement)
    ]
    frozen = {
        pk: [v for v in versions if is_public(v)]
        for pk, versions in versions_by_plan(plans, status__in=FROZEN_STATUSES).items()
    }
    chosen = [in_force(frozen[plan.pk]) for plan in plans if frozen[plan.pk]]
    content = load_content(chosen)
    shown, failures = shown_versions(chosen, content)
    reported = _reported(frozen)
    return {
        "organization": {"name": organization.display_name, "slug": organization.slug},
        "language": get_language(),
        "strategy": _strategy(strategy),
        "plans": [_plan(version, content, index, reported) for version in shown],
    }, failures
