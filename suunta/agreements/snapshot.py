"""A version's content as canonical data: the frozen snapshot and readable diffs.

The snapshot is canonical JSON text (sorted keys, no insignificant white space) and
its SHA-256, stored as text with the approval so the hash can always be recomputed
from exactly the bytes that were hashed.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db.models import Prefetch

from suunta.strategy.models import BudgetTarget, Objective

from .models import Metric, PlanVersion


def with_content(goals):
    """A goal query set with what version_content reads prefetched: the metrics (with
    the budget indicator they follow) and the goal's strategy objectives and budget
    targets. Three queries for any number of goals."""
    return goals.prefetch_related(
        Prefetch(
            "metrics",
            queryset=Metric.objects.select_related("budget_indicator__target").order_by("order", "id"),
        ),
        Prefetch("objectives", queryset=Objective.objects.select_related("strategy", "theme")),
        Prefetch("budget_targets", queryset=BudgetTarget.objects.select_related("body")),
    )


def version_content(version: PlanVersion, goals=None, checkpoints=None) -> dict:
    """The content of a version. `goals` (with metrics prefetched) and `checkpoints` may
    be given when the caller loaded several versions at once."""
    plan = version.plan
    if goals is None:
        goals = with_content(version.goal_areas.order_by("order", "id"))
    if checkpoints is None:
        checkpoints = version.checkpoints.order_by("order", "window_start", "id")
    return {
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "title_sv": plan.title_sv,
            "period": [plan.period_start.isoformat(), plan.period_end.isoformat()],
        },
        "version": version.number,
        "goals": [
            {
                "lineage": str(goal.lineage),
                "title": goal.title,
                "title_sv": goal.title_sv,
                "description": goal.description,
                "description_sv": goal.description_sv,
                "metrics": [_metric(m) for m in sorted(goal.metrics.all(), key=lambda m: (m.order, m.pk))],
                # Added only when set, so snapshots of plans without them stay as they were.
                **({"weight": goal.weight} if goal.weight is not None else {}),
                **_links(goal),
                **({"serves": str(goal.serves)} if goal.serves else {}),
            }
            for goal in goals
        ],
        "checkpoints": [
            {
                "label": c.label,
                "label_sv": c.label_sv,
                "window": [c.window_start.isoformat(), c.window_end.isoformat()],
                # Added only for the year's evaluation, so earlier snapshots stay as they were.
                **({"kind": c.kind} if c.is_evaluation else {}),
            }
            for c in checkpoints
        ],
    }


def _links(goal) -> dict:
    """What the goal comes from, only where linked (earlier snapshots stay as they were).
    A link names the exact objective row (one strategy version) and budget target."""
    links = {}
    objectives = sorted(goal.objectives.all(), key=lambda o: o.pk)
    if objectives:
        links["strategy_objectives"] = [
            {"id": o.pk, "number": o.number, "title": o.title, "strategy_version": o.strategy.version}
            for o in objectives
        ]
    targets = sorted(goal.budget_targets.all(), key=lambda t: t.pk)
    if targets:
        links["budget_targets"] = [{"id": t.pk, "year": t.year, "title": t.title} for t in targets]
    return links


def _metric(metric) -> dict:
    content = {"lineage": str(metric.lineage), "text": metric.text, "text_sv": metric.text_sv}
    if metric.budget_indicator_id is not None:
        content["budget_indicator"] = {"id": metric.budget_indicator_id, "text": metric.budget_indicator.text}
    # Weight and scoring inside the goal, only where set (earlier snapshots stay as they were).
    if metric.weight is not None:
        content["weight"] = metric.weight
    if metric.scoring != "rating":
        content["scoring"] = metric.scoring
    if metric.is_quantitative:
        # The measure is part of the approved goal: unit, baseline, target and direction.
        content["measure"] = {
            "unit": metric.unit,
            "baseline": None if metric.baseline is None else format(metric.baseline.normalize(), "f"),
            "target": format(metric.target.normalize(), "f"),
            "direction": metric.direction,
        }
    return content


def canonical_text(content: dict) -> str:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def snapshot(version: PlanVersion) -> tuple[str, str]:
    """(canonical JSON text, its SHA-256 hex) of the version as it is now."""
    text = canonical_text(version_content(version))
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Change:
    kind: str  # "goal", "metric", "checkpoint"
    action: str  # "added", "removed", "changed", "moved"
    before: str = ""
    after: str = ""
    goal: str = ""  # the goal a metric belongs to


def diff_versions(old: dict, new: dict) -> list[Change]:
    """What changed from `old` to `new` (version_content dicts), goal by goal."""
    changes: list[Change] = []
    old_goals = {g["lineage"]: g for g in old["goals"]}
    new_goals = {g["lineage"]: g for g in new["goals"]}
    old_order = [lineage for lineage in old_goals if lineage in new_goals]
    new_order = [g["lineage"] for g in new["goals"] if g["lineage"] in old_goals]
    for goal in new["goals"]:
        before = old_goals.get(goal["lineage"])
        if before is None:
            changes.append(Change("goal", "added", after=goal["title"]))
            changes += [
                Change("metric", "added", after=m["text"], goal=goal["title"]) for m in goal["metrics"]
            ]
            continue
        if before["title"] != goal["title"]:
            changes.append(Change("goal", "changed", before=before["title"], after=goal["title"]))
        if before["description"] != goal["description"]:
            changes.append(
                Change(
                    "goal",
                    "changed",
                    before=before["description"],
                    after=goal["description"],
                    goal=goal["title"],
                )
            )
        changes += _metric_changes(before["metrics"], goal["metrics"], goal["title"])
    changes += [
        Change("goal", "removed", before=g["title"]) for g in old["goals"] if g["lineage"] not in new_goals
    ]
    if old_order != new_order:
        changes.append(
            Change("goal", "moved", after=" → ".join(new_goals[lineage]["title"] for lineage in new_order))
        )
    old_cps, new_cps = old["checkpoints"], new["checkpoints"]
    for index in range(max(len(old_cps), len(new_cps))):
        a = old_cps[index] if index < len(old_cps) else None
        b = new_cps[index] if index < len(new_cps) else None
        if a is None:
            changes.append(Change("checkpoint", "added", after=_checkpoint_text(b)))
        elif b is None:
            changes.append(Change("checkpoint", "removed", before=_checkpoint_text(a)))
        elif a != b:
            changes.append(
                Change("checkpoint", "changed", before=_checkpoint_text(a), after=_checkpoint_text(b))
            )
    return changes


def _metric_changes(old: list, new: list, goal_title: str) -> list[Change]:
    changes = []
    old_by = {m["lineage"]: m for m in old}
    new_by = {m["lineage"]: m for m in new}
    for metric in new:
        before = old_by.get(metric["lineage"])
        if before is None:
            changes.append(Change("metric", "added", after=metric["text"], goal=goal_title))
        elif before["text"] != metric["text"]:
            changes.append(
                Change("metric", "changed", before=before["text"], after=metric["text"], goal=goal_title)
            )
    changes += [
        Change("metric", "removed", before=m["text"], goal=goal_title)
        for m in old
        if m["lineage"] not in new_by
    ]
    return changes


def _checkpoint_text(checkpoint: dict) -> str:
    start, end = checkpoint["window"]
    return f"{checkpoint['label']} ({_fi_date(start)}–{_fi_date(end)})"


def _fi_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{int(day)}.{int(month)}.{year}"
