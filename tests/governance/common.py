"""Helpers shared by the lifecycle tests: find a step, take it, read the audit log."""

import datetime as dt

from suunta.agreements import services as plan_services
from suunta.agreements.models import GoalArea, Metric, PlanVersion
from suunta.audit.chain import chain_key
from suunta.audit.models import AuditEvent
from suunta.audit.services import changes_of
from suunta.governance import workflow
from suunta.governance.models import WorkflowStep
from suunta.lib.clock import today

from ..dom import parse

D = dt.date


def meeting(k: int) -> dt.date:
    """The k-th meeting day of a test (k < 20): weekly, all in the past, whatever the
    demo's "today" is."""
    assert 0 <= k < 20
    return today() - dt.timedelta(days=7 * (20 - k))


def fi_date(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def set_checkpoints(user, version, year: int) -> None:
    """Replace a draft's checkpoints by the seed's two, in `year` and the next."""
    for checkpoint in list(version.checkpoints.all()):
        plan_services.delete_checkpoint(user, checkpoint)
    plan_services.add_checkpoint(
        user,
        version,
        label=f"elokuu {year}",
        label_sv=f"augusti {year}",
        window_start=D(year, 8, 1),
        window_end=D(year, 8, 31),
    )
    plan_services.add_checkpoint(
        user,
        version,
        label=f"tammikuu/helmikuu {year + 1}",
        label_sv=f"januari/februari {year + 1}",
        window_start=D(year + 1, 1, 1),
        window_end=D(year + 1, 2, 15),
    )


def latest(plan) -> PlanVersion:
    return PlanVersion.objects.filter(plan=plan).order_by("-number").first()


def step_for(version: PlanVersion, action: str, body_kind: str | None = None) -> WorkflowStep:
    """The organization's step `action` from the version's current status."""
    found = [s for s in workflow.steps_from(version) if s.action == action]
    if body_kind is not None:
        found = [s for s in found if s.body is not None and s.body.kind == body_kind]
    assert len(found) == 1, f"expected one {action!r} step from {version.status!r}, found {found}"
    return found[0]


def events(organization, action: str | None = None, **filters) -> list[AuditEvent]:
    qs = AuditEvent.objects.filter(chain=chain_key(organization.pk), **filters)
    if action is not None:
        qs = qs.filter(action=action)
    return list(qs.order_by("sequence"))


def last_event(organization) -> AuditEvent:
    return AuditEvent.objects.filter(chain=chain_key(organization.pk)).order_by("-sequence").first()


def event_changes(event: AuditEvent) -> dict:
    return changes_of(event)


def lineages(version: PlanVersion) -> tuple[list[str], list[str]]:
    """(goal lineages, metric lineages) of a version, in the annex order."""
    goals = [
        str(g)
        for g in GoalArea.objects.filter(version=version)
        .order_by("order", "id")
        .values_list("lineage", flat=True)
    ]
    metrics = [
        str(m)
        for m in Metric.objects.filter(goal_area__version=version)
        .order_by("goal_area__order", "goal_area_id", "order", "id")
        .values_list("lineage", flat=True)
    ]
    return goals, metrics


def squash(text: str) -> str:
    return " ".join(text.split())


def visible_text(element) -> str:
    """The text a sighted user reads: without the visually-hidden helper texts."""
    parts = []
    for child in element.children:
        if isinstance(child, str):
            parts.append(child)
        elif "visually-hidden" not in child.classes:
            parts.append(visible_text(child))
    return squash("".join(parts))


def offered_actions(content) -> list[str]:
    """The buttons and links of the plan page's "What you can do now" list."""

    doc = parse(content)
    sections = doc.find_all(lambda e: e.attrs.get("aria-labelledby") == "actions-heading")
    if not sections:
        return []
    assert len(sections) == 1
    return [squash(e.text()) for e in sections[0].find_all(lambda e: e.tag in ("a", "button"))]
