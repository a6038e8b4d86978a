"""The strategy map: the organization's strategy (one approved or superseded version),
its themes and objectives, and the goals that serve them in the plans of one year, as
the user may see them. Read only, in a fixed number of queries whatever the number of
objectives, plans and goals.

Goals link to one strategy version's objective row; the map matches them to the shown
version's objectives by the objective's lineage, so a goal linked to an earlier (or
later) version's objective shows under the same objective, marked with the version it
links to. An objective with no goal behind it is a gap. Of each plan the map shows the
version the user may read on the plan page, preferring the one in force (approved, else
the latest closed). A goal's latest agreed follow-up shows only where the follow-up
policy lets the user read it (policies.visible_assessments).

The building blocks (strategy choice, outline, versions in force, their content and
integrity check) are shared with the public page (public.py).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q, prefetch_related_objects
from django.utils import formats
from django.utils.translation import gettext as _

from suunta import policies
from suunta.agreements import cascade, integrity
from suunta.agreements.models import Checkpoint, GoalArea, GoalPlan, PlanVersion, VersionStatus
from suunta.agreements.snapshot import with_content
from suunta.followup.models import Assessment, AssessmentKind, FollowUp
from suunta.governance.models import Handling
from suunta.lib.clock import today
from suunta.lib.numbers import format_decimal

from .models import (
    BudgetIndicator,
    BudgetRealisation,
    BudgetTarget,
    Objective,
    Strategy,
    StrategyStatus,
    Theme,
)

# The strategy versions a map or the public page may show: decided by the council.
DECIDED_STRATEGY = (StrategyStatus.APPROVED, StrategyStatus.SUPERSEDED)


# --- Building blocks (shared with public.py) ------------------------------------------------


def decided_strategies(organization) -> list[Strategy]:
    """The organization's approved and superseded strategy versions, newest term first."""
    return list(
        Strategy.objects.filter(organization=organization, status__in=DECIDED_STRATEGY).select_related(
            "decided_by"
        )
    )


def choose_strategy(choices: list[Strategy], wanted=None, day: datetime.date | None = None):
    """The strategy asked for (a pk or a Strategy) among `choices`, else the current
    approved one: the approved version whose term holds the day, else the newest
    approved, else the newest of the choices. None when there are no choices."""
    wanted_pk = getattr(wanted, "pk", wanted)
    for strategy in choices:
        if wanted_pk is not None and strategy.pk == wanted_pk:
            return strategy
    day = day or today()
    approved = [s for s in choices if s.status == StrategyStatus.APPROVED]
    current = [s for s in approved if s.term_start <= day <= s.term_end]
    return next(iter(current or approved or choices), None)


def term_years(strategy: Strategy) -> list[int]:
    return list(range(strategy.term_start.year, strategy.term_end.year + 1))


def choose_year(years: list[int], wanted=None, day: datetime.date | None = None) -> int:
    """The year asked for when it is one of the term's, else this year within the term."""
    if wanted in years:
        return wanted
    year = (day or today()).year
    return min(max(year, years[0]), years[-1])


@dataclass
class MapObjective:
    objective: Objective
    goals: list = field(default_factory=list)  # MapGoal

    @property
    def gap(self) -> bool:
        return not self.goals


@dataclass
class MapTheme:
    theme: Theme | None  # None: the objectives outside any theme
    objectives: list[MapObjective]

    @property
    def title(self) -> str:
        return str(self.theme) if self.theme is not None else _("Other objectives")


def outline(strategy: Strategy) -> tuple[list[MapTheme], dict]:
    """The strategy's themes with their objectives (two queries), and the objectives by
    lineage, for matching goals' links across versions."""
    themes = {theme.pk: MapTheme(theme, []) for theme in Theme.objects.filter(strategy=strategy)}
    loose = MapTheme(None, [])
    index = {}
    for objective in Objective.objects.filter(strategy=strategy):
        # Their strategy and theme are the ones at hand: reading them makes no query.
        objective.strategy = strategy
        objective.theme = themes[objective.theme_id].theme if objective.theme_id in themes else None
        entry = MapObjective(objective)
        index[objective.lineage] = entry
        themes.get(objective.theme_id, loose).objectives.append(entry)
    return [*themes.values(), *([loose] if loose.objectives else [])], index


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def versions_by_plan(plans, **filters) -> dict[int, list[PlanVersion]]:
    """Each plan's versions (oldest first) in one query; each version's `plan` is set."""
    plan_by_id = {plan.pk: plan for plan in plans}
    result: dict[int, list[PlanVersion]] = {pk: [] for pk in plan_by_id}
    for version in PlanVersion.objects.filter(plan_id__in=list(plan_by_id), **filters).order_by("number"):
        version.plan = plan_by_id[version.plan_id]
        result[version.plan_id].append(version)
    return result


def in_force(versions: list[PlanVersion]) -> PlanVersion | None:
    """The version of a plan to show: the approved one (in force), else the latest
    closed one, else the latest."""
    for status in (VersionStatus.APPROVED, VersionStatus.CLOSED):
        matching = [v for v in versions if v.status == status]
        if matching:
            return matching[-1]
    return versions[-1] if versions else None


@dataclass
class Content:
    """What was loaded of the versions shown: goals (metrics, objectives and budget
    targets prefetched), checkpoints and handlings, by version id."""

    goals: dict
    checkpoints: dict
    handlings: dict

    def failure(self, version: PlanVersion):
        """integrity.check on the rows loaded (no queries): an approved version whose rows
        no longer match its approval is not shown as approved anywhere."""
        return integrity.check(
            version,
            goals=self.goals[version.pk],
            checkpoints=self.checkpoints[version.pk],
            handlings=self.handlings[version.pk],
        )


def load_content(versions: list[PlanVersion]) -> Content:
    """Six queries for any number of versions."""
    ids = [v.pk for v in versions]
    content = Content(
        goals={pk: [] for pk in ids}, checkpoints={pk: [] for pk in ids}, handlings={pk: [] for pk in ids}
    )
    for goal in with_content(GoalArea.objects.filter(version_id__in=ids)).order_by("order", "id"):
        content.goals[goal.version_id].append(goal)
    for checkpoint in Checkpoint.objects.filter(version_id__in=ids).order_by("order", "window_start", "id"):
        content.checkpoints[checkpoint.version_id].append(checkpoint)
    for handling in Handling.objects.filter(version_id__in=ids).select_related("body"):
        content.handlings[handling.version_id].append(handling)
    return content


def shown_versions(chosen: list[PlanVersion], content: Content) -> tuple[list[PlanVersion], list]:
    """The versions whose rows may be shown, and the integrity failures of the others."""
    shown, failures = [], []
    for version in chosen:
        failure = content.failure(version)
        if failure is None:
            shown.append(version)
        else:
            failures.append(failure)
    return shown, failures


def served(goal: GoalArea, index: dict) -> list[tuple]:
    """(the shown strategy's objective entry, the objective row the goal links to) for
    each of the goal's links that the shown strategy has (by lineage)."""
    return [(index[o.lineage], o) for o in goal.objectives.all() if o.lineage in index]


# --- Budget targets ---------------------------------------------------------------------------


@dataclass
class Figure:
    """A budget indicator: its target value and latest realisation."""

    indicator: BudgetIndicator
    latest: BudgetRealisation | None

    @property
    def summary(self) -> str:
        unit = self.indicator.unit
        target = format_decimal(self.indicator.target_value, unit) or "–"
        if self.latest is None:
            return _("%(indicator)s: no realisation yet, target %(target)s") % {
                "indicator": self.indicator.display_text,
                "target": target,
            }
        return _("%(indicator)s: %(value)s (%(date)s), target %(target)s") % {
            "indicator": self.indicator.display_text,
            "value": format_decimal(self.latest.value, unit),
            "date": formats.date_format(self.latest.measured_on, "SHORT_DATE_FORMAT"),
            "target": target,
        }


@dataclass
class BudgetLine:
    target: BudgetTarget
    figures: list[Figure]

    @property
    def summary(self) -> str:
        figures = "; ".join(figure.summary for figure in self.figures)
        return f"{self.target.display_title} – {figures}" if figures else self.target.display_title


def budget_lines(organization, year: int, linked_ids) -> dict[int, BudgetLine]:
    """The budget targets of the year and those the goals link to, with their indicators
    and the latest realisation of each: three queries."""
    realisations = Prefetch("realisations", queryset=BudgetRealisation.objects.order_by("measured_on", "id"))
    targets = (
        BudgetTarget.objects.filter(organization=organization)
        .filter(Q(year=year) | Q(pk__in=list(linked_ids)))
        .select_related("body")
        .prefetch_related(
            Prefetch("indicators", queryset=BudgetIndicator.objects.prefetch_related(realisations))
        )
        .order_by("year", "order", "id")
    )
    lines = {}
    for target in targets:
        figures = []
        for indicator in target.indicators.all():
            measured = list(indicator.realisations.all())
            figures.append(Figure(indicator, measured[-1] if measured else None))
        lines[target.pk] = BudgetLine(target, figures)
    return lines


# --- The map -------------------------------------------------------------------------------------


@dataclass
class FollowUpMark:
    """A goal's latest agreed follow-up the user may read."""

    checkpoint: Checkpoint
    followup: FollowUp
    assessment: Assessment

    @property
    def rating(self):
        return self.assessment.rating

    @property
    def summary(self) -> str:
        rating = self.rating.display_label if self.rating else _("no rating")
        return _("%(rating)s (%(checkpoint)s, %(status)s)") % {
            "rating": rating,
            "checkpoint": self.checkpoint.display_label,
            "status": self.followup.get_status_display().lower(),
        }


@dataclass
class MapGoal:
    goal: GoalArea
    version: PlanVersion
    linked_version: int | None  # the strategy version the link points to, when not the shown one
    followup: FollowUpMark | None
    budget: list[BudgetLine]
    # The goal cascade: the shown goals of the agreements below that serve this goal.
    serving: list["MapGoal"] = field(default_factory=list)
    # False for a goal above the viewer's own (the chief's goal a director's goal serves):
    # shown by its title, as the plan page shows it, without its plan's content.
    readable: bool = True

    @property
    def plan(self) -> GoalPlan:
        return self.version.plan

    @property
    def position(self) -> str:
        return self.plan.agreement.display_position


@dataclass
class MapRow:
    """A row of the table view and the XLSX: an objective with one of its goals, or a gap."""

    theme: MapTheme
    objective: MapObjective
    goal: MapGoal | None
    serves: MapGoal | None = None  # a goal below: the goal it serves


def latest_agreed(user, visible: dict[int, list[PlanVersion]]) -> dict[tuple, FollowUpMark]:
    """{(plan id, goal lineage): the latest agreed follow-up of the goal the user may read}
    over the plan's visible versions (an amendment keeps the earlier version's follow-ups):
    two queries. Only follow-ups agreed or reported, and only as visible_assessments says."""
    version_of = {v.pk: v for versions in visible.values() for v in versions}
    followups = {
        f.checkpoint_id: f
        for f in FollowUp.objects.filter(
            checkpoint__version_id__in=list(version_of), status__in=policies.SETTLED_FOLLOWUP
        )
    }
    agreed = (
        Assessment.objects.filter(checkpoint__version_id__in=list(version_of), kind=AssessmentKind.AGREED)
        .select_related("rating", "checkpoint")
        .annotate(goal_lineage=F("goal_area__lineage"))
    )
    latest: dict[tuple, tuple] = {}
    for assessment in agreed:
        followup = followups.get(assessment.checkpoint_id)
        if followup is None:
            continue
        checkpoint = assessment.checkpoint
        version = version_of[checkpoint.version_id]
        agreement = version.plan.agreement
        if not policies.visible_assessments(user, [assessment], agreement, followup.status):
            continue
        key = (version.plan_id, assessment.goal_lineage)
        rank = (checkpoint.window_end, checkpoint.order, version.number)
        if key not in latest or rank > latest[key][0]:
            latest[key] = (rank, FollowUpMark(checkpoint, followup, assessment))
    return {key: mark for key, (_rank, mark) in latest.items()}


def _map_goals(shown, content, index, agreed, lines) -> dict[int, MapGoal]:
    """A MapGoal for each shown goal, by goal id, with the goals below that serve it
    (matched by the served goal's lineage: the link outlives amendments and new years)."""
    items, by_lineage = {}, {}
    for version in shown:
        for goal in content.goals[version.pk]:
            links = served(goal, index)
            item = MapGoal(
                goal=goal,
                version=version,
                linked_version=next(
                    (o.strategy.version for e, o in links if o.strategy_id != e.objective.strategy_id), None
                ),
                followup=agreed.get((version.plan_id, goal.lineage)),
                budget=[lines[t.pk] for t in goal.budget_targets.all() if t.pk in lines],
            )
            items[goal.pk] = item
            by_lineage.setdefault(goal.lineage, []).append(item)
    for item in items.values():
        for parent in by_lineage.get(item.goal.serves, ()) if item.goal.serves else ():
            if parent is not item:
                parent.serving.append(item)
    return items


def _goals_above(items: dict[int, MapGoal], organization, year: int, failures) -> list[MapGoal]:
    """The goals that shown goals serve but the viewer cannot read (a director sees the
    chief's goals his goals serve, not the chief's plan): by title, with the goals below
    them, so the tree still starts from the strategy. Three queries, none without them."""
    shown = {item.goal.lineage for item in items.values()}
    missing = {
        item.goal.serves for item in items.values() if item.goal.serves and item.goal.serves not in shown
    }
    found = cascade.served_goals(missing, organization_id=organization.pk, period=year_bounds(year))
    # A version whose rows no longer match its approval is shown nowhere, not even by title.
    failed = {failure.version.pk for failure in failures}
    goals = [goal for goal in found.values() if goal.version_id not in failed]
    prefetch_related_objects(
        goals,
        Prefetch("objectives", queryset=Objective.objects.select_related("strategy")),
        "version__plan__agreement",
    )
    above = []
    for goal in goals:
        parent = MapGoal(
            goal=goal, version=goal.version, linked_version=None, followup=None, budget=[], readable=False
        )
        parent.serving = [item for item in items.values() if item.goal.serves == goal.lineage]
        above.append(parent)
    return above


def _place_goals(items: list[MapGoal], index) -> None:
    """Put each goal under the objectives it links to (by lineage); the goals below reach
    the map through the goals they serve."""
    for item in items:
        for entry, _linked in served(item.goal, index):
            entry.goals.append(item)


def _rows(themes: list[MapTheme]) -> list[MapRow]:
    rows = []
    for theme in themes:
        for entry in theme.objectives:
            if not entry.goals:
                rows.append(MapRow(theme, entry, None))
            for goal in entry.goals:
                rows.append(MapRow(theme, entry, goal))
                rows += [MapRow(theme, entry, below, serves=parent) for parent, below in _below(goal)]
    return rows


def _below(goal: MapGoal, depth: int = 0):
    """(the served goal, the goal below) down the cascade, depth first. The services refuse
    cycles; the depth bound keeps a damaged tree from looping."""
    if depth > 10:
        return
    for child in goal.serving:
        yield goal, child
        yield from _below(child, depth + 1)


def _empty(organization, choices) -> dict:
    return {
        "organization": organization,
        "strategies": choices,
        "strategy": None,
        "years": [],
        "year": None,
        "themes": [],
        "rows": [],
        "versions": [],
        "objective_count": 0,
        "covered_count": 0,
        "gaps": [],
        "unlinked_targets": [],
        "integrity_failures": [],
        "cascade": False,
    }


def strategy_map(user, organization, *, strategy=None, year=None) -> dict:
    """The map of `strategy` (a pk or Strategy among the organization's approved and
    superseded versions; default the current approved one) in `year` (one of the term's
    years; default this year), as `user` may see it."""
    day = today()
    choices = decided_strategies(organization)
    shown_strategy = choose_strategy(choices, strategy, day)
    if shown_strategy is None:
        return _empty(organization, choices)
    years = term_years(shown_strategy)
    year = choose_year(years, year, day)
    themes, index = outline(shown_strategy)
    start, end = year_bounds(year)
    plans = list(
        GoalPlan.objects.for_user(user)
        .filter(agreement__organization=organization, period_start__lte=end, period_end__gte=start)
        .select_related("agreement")
        .order_by("period_start", "agreement__position_title", "id")
    )
    by_plan = versions_by_plan(plans)
    visible = {plan.pk: policies.scope_versions(by_plan[plan.pk], user, plan.agreement) for plan in plans}
    chosen = [in_force(versions) for versions in visible.values() if versions]
    content = load_content(chosen)
    shown, failures = shown_versions(chosen, content)
    linked_ids = {t.pk for v in shown for g in content.goals[v.pk] for t in g.budget_targets.all()}
    lines = budget_lines(organization, year, linked_ids)
    items = _map_goals(shown, content, index, latest_agreed(user, visible), lines)
    _place_goals([*items.values(), *_goals_above(items, organization, year, failures)], index)
    objectives = [entry for theme in themes for entry in theme.objectives]
    return {
        "organization": organization,
        "strategies": choices,
        "strategy": shown_strategy,
        "years": years,
        "year": year,
        "themes": themes,
        "rows": _rows(themes),
        "versions": shown,  # each plan's version shown, its `plan` set
        "objective_count": len(objectives),
        "covered_count": sum(1 for entry in objectives if not entry.gap),
        "gaps": [entry for entry in objectives if entry.gap],
        "unlinked_targets": [
            line for pk, line in lines.items() if line.target.year == year and pk not in linked_ids
        ],
        "integrity_failures": failures,
        # Goals of the agreements below are shown under the goals they serve; where the
        # cascade is in use, a goal that nothing below serves says so.
        "cascade": any(item.goal.serves for item in items.values()),
    }


def _number(text) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def map_page(user, organization, query) -> dict:
    """The map page's context from its GET parameters (`strategy`, `year`); values that
    are not among the choices fall back to the defaults."""
    context = strategy_map(
        user, organization, strategy=_number(query.get("strategy")), year=_number(query.get("year"))
    )
    context["strategy_options"] = [
        (
            s.pk,
            _("%(title)s, version %(number)s (%(status)s)")
            % {"title": s.display_title, "number": s.version, "status": s.get_status_display().lower()},
        )
        for s in context["strategies"]
    ]
    return context
