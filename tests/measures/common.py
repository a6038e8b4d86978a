"""Shared helpers for the measured-goals tests (issue 6): the demo's two quantitative
metrics, URLs, the state of the value tables, and reading the pages."""

import datetime as dt
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import translation

from suunta.agreements.models import GoalArea, Metric, PlanVersion
from suunta.audit.chain import chain_key
from suunta.audit.models import AuditEvent
from suunta.audit.services import changes_of
from suunta.measures.models import MetricValue

from ..dom import Element, parse
from ..helpers import fi

__all__ = ["fi", "fi_plural"]

EXECUTIVE = "kansliapaallikko"
PREPARER = "valmistelija"
MAYOR = "pormestari"
BOARD_MEMBER = "hallitus"
AUDITOR = "tarkastaja"

BUDGET_TEXT = "Talousarvion mukaiset tavoitteet toteutuvat"
SAVINGS_TEXT = "Palveluiden järjestämisen edistäminen siten, että säästötavoitteet toteutuvat 2025"
NBSP = "\u00a0"

D = dt.date


def fi_plural(singular: str, plural: str, number: int, **params) -> str:
    """A plural message as a Finnish user reads it (the msgid until the catalogue has it)."""
    with translation.override("fi"):
        text = translation.ngettext(singular, plural, number)
    return text % params if params else text


def fi_date(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def squash(text: str) -> str:
    """Collapse the markup's line breaks and indentation; keep no-break spaces (they are
    part of "780 000 €")."""
    return re.sub(r"[ \t\n\r\f\v]+", " ", text).strip(" ")


# --- The demo's metrics --------------------------------------------------------------------


def approved_version(plan) -> PlanVersion:
    return PlanVersion.objects.filter(plan=plan, status="approved").order_by("-number").first()


def metric_in(version, text: str) -> Metric:
    return Metric.objects.get(goal_area__version=version, text=text)


def savings(plan) -> Metric:
    """ "…säästötavoitteet toteutuvat 2025": €, baseline 0, target 850 000, higher is better."""
    return metric_in(approved_version(plan) or plan.latest_version(), SAVINGS_TEXT)


def budget(plan) -> Metric:
    """ "Talousarvion mukaiset tavoitteet toteutuvat": %, baseline 103,4, target 100, lower is better."""
    return metric_in(approved_version(plan) or plan.latest_version(), BUDGET_TEXT)


def words_metric(version) -> Metric:
    """A metric assessed in words (no target)."""
    return Metric.objects.filter(goal_area__version=version, target__isnull=True).order_by("pk").first()


def goals_of(version) -> list[GoalArea]:
    return list(GoalArea.objects.filter(version=version).order_by("order", "id"))


# --- URLs ----------------------------------------------------------------------------------


def detail_url(plan, metric) -> str:
    return reverse("metric_detail", args=[plan.pk, metric.pk])


def add_url(plan, metric) -> str:
    return reverse("metric_value_add", args=[plan.pk, metric.pk])


def delete_url(plan, metric, value) -> str:
    return reverse("metric_value_delete", args=[plan.pk, metric.pk, value.pk])


def import_url(plan, metric) -> str:
    return reverse("metric_value_import", args=[plan.pk, metric.pk])


def weights_url(plan) -> str:
    return reverse("plan_weights", args=[plan.pk])


# --- State ---------------------------------------------------------------------------------


def values_state() -> list[dict]:
    """Every metric value with every column: compare before and after."""
    return list(MetricValue.objects.order_by("pk").values())


def values_of(plan, metric) -> list[tuple[dt.date, Decimal]]:
    return list(
        MetricValue.objects.filter(plan=plan, metric_lineage=metric.lineage)
        .order_by("measured_on")
        .values_list("measured_on", "value")
    )


def events(organization, action: str | None = None, **filters) -> list[AuditEvent]:
    qs = AuditEvent.objects.filter(chain=chain_key(organization.pk), **filters)
    if action is not None:
        qs = qs.filter(action=action)
    return list(qs.order_by("sequence"))


def event_changes(event: AuditEvent) -> dict:
    return changes_of(event)


# --- Reading pages -------------------------------------------------------------------------


def page(response) -> Element:
    assert response.status_code == 200, response.status_code
    return parse(response.content)


def field_errors(response, control_id: str) -> list[str]:
    """The error messages in the field group holding the control with `control_id`;
    also checks the control is marked invalid and tied to its errors."""
    control = page(response).by_id(control_id)
    group = control.closest(lambda e: "field" in e.classes)
    assert group is not None, f"{control_id} has no field group"
    lists = group.find_all(lambda e: "errorlist" in e.classes)
    found = [squash(li.text()) for ul in lists for li in ul.find_all(lambda e: e.tag == "li")]
    if found:
        assert control.attrs.get("aria-invalid") == "true", f"{control_id} is not marked aria-invalid"
        described = control.attrs.get("aria-describedby", "").split()
        assert any(ul.attrs.get("id") in described for ul in lists), "the error is not tied to the control"
    return found


def form_errors(response) -> list[str]:
    """The messages of the error boxes above the forms (not tied to one field)."""
    doc = page(response)
    found = []
    for box in doc.find_all(lambda e: "form-errors" in e.classes):
        if box.tag == "p":
            found.append(squash(box.text()))
        found += [squash(p.text()) for p in box.find_all(lambda e: e.tag in ("p", "li"))]
    return found


def success_messages(response) -> list[str]:
    doc = page(response)
    return [squash(m.text()) for m in doc.find_all(lambda e: "message--success" in e.classes)]


def table_rows(element: Element) -> list[list[str]]:
    """The text of each cell (th and td) of each body row of the table in `element`."""
    rows = []
    for tbody in element.find_all(lambda e: e.tag == "tbody"):
        for tr in tbody.find_all(lambda e: e.tag == "tr"):
            rows.append(
                [squash(c.text()) for c in tr.children if not isinstance(c, str) and c.tag in ("th", "td")]
            )
    return rows


def values_table(response) -> list[list[str]]:
    section = page(response).by_id("values")
    return table_rows(section)


def svg_markup(response) -> str:
    """The chart's <svg> element as the page sends it."""
    content = response.content.decode()
    start = content.index("<svg")
    end = content.index("</svg>", start) + len("</svg>")
    return content[start:end]
