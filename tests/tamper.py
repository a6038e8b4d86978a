"""Changes made beside the application: raw SQL on an approved version's rows, as an
operator's script or a database console would make them (issue 14, finding 6)."""

import datetime as dt
import html
from dataclasses import dataclass

from django.db import connection
from django.utils import translation

from suunta.agreements.models import Checkpoint, GoalArea, Metric, PlanVersion

PAGE_ERROR = (
    "The content of this approved version differs from what was approved (%(reference)s). "
    "Contact the service's operator; nothing on this page can be trusted as approved."
)
DOCUMENT_ERROR = (
    "The content of this approved version differs from what was approved (%(reference)s). "
    "The document is not made from it; contact the service's operator."
)


def message(msgid: str, language: str = "fi", reference: str = "KH 31.3.2025 § 45") -> str:
    """The error as an HTML page shows it (escaped) in `language`."""
    with translation.override(language):
        return html.escape(translation.gettext(msgid) % {"reference": reference})


@dataclass
class Tampering:
    version: PlanVersion
    shown: str  # how the changed value would read on a page or in a document


def sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def approved_version(plan) -> PlanVersion:
    version = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    assert version.is_frozen, version.status
    return version


def change_goal_title(plan) -> Tampering:
    version = approved_version(plan)
    goal = GoalArea.objects.filter(version=version).order_by("order", "id")[1]
    sql(
        "UPDATE agreements_goalarea SET title = %s WHERE id = %s",
        ["Tavoite jota hallitus ei hyväksynyt", goal.pk],
    )
    return Tampering(version, "Tavoite jota hallitus ei hyväksynyt")


def change_metric_text(plan) -> Tampering:
    version = approved_version(plan)
    metric = Metric.objects.filter(goal_area__version=version).order_by("goal_area__order", "order", "id")[0]
    sql(
        "UPDATE agreements_metric SET text = %s WHERE id = %s",
        ["Mittari jota kukaan ei päättänyt", metric.pk],
    )
    return Tampering(version, "Mittari jota kukaan ei päättänyt")


def change_checkpoint_date(plan) -> Tampering:
    version = approved_version(plan)
    checkpoint = Checkpoint.objects.filter(version=version).order_by("order", "window_start", "id")[0]
    sql(
        "UPDATE agreements_checkpoint SET window_end = %s WHERE id = %s",
        [dt.date(2025, 9, 29), checkpoint.pk],
    )
    return Tampering(version, "29.9.2025")


CHANGES = {
    "goal title": change_goal_title,
    "metric text": change_metric_text,
    "checkpoint date": change_checkpoint_date,
}
