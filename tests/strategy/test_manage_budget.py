"""The budget targets page: a year's binding targets by body, service area and kind, each
indicator with its target value and latest realisation; the preparer adds targets,
indicators and realisation figures and deletes a target no goal links to."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suunta.organizations.models import Body
from suunta.strategy import services
from suunta.strategy.models import BudgetIndicator, BudgetRealisation, BudgetTarget

from ..dom import parse
from ..helpers import REQUIRED_FI, assert_field_error, fi

KEY = "b" * 24
DEMO_TARGET = "Strategian toimeenpano etenee suunnitellusti"


@pytest.fixture
def preparer(demo):
    return demo.client("valmistelija")


def page_url(demo, year=None) -> str:
    url = reverse("budget_targets", args=[demo.org.slug])
    return f"{url}?year={year}" if year is not None else url


def board(demo) -> Body:
    return Body.objects.get(organization=demo.org, short_name="KH")


def messages_of(response) -> list[str]:
    doc = parse(response.content)
    return [p.text().strip() for p in doc.find_all(lambda e: "message" in e.classes and e.tag == "p")]


def indicator_row(doc, text: str) -> list[str]:
    row = next(tr for tr in doc.find_all(lambda e: e.tag == "tr") if text in tr.text())
    return [cell.text().strip() for cell in row.find_all(lambda e: e.tag in ("th", "td"))]


def test_the_page_shows_the_latest_budget_year_with_its_targets(demo):
    """Today is in 2026, which has no targets: the page opens on 2025."""
    doc = parse(demo.client("hallitus").get(page_url(demo)).content)
    assert doc.find_all(lambda e: e.tag == "h1")[0].text() == fi("Binding budget targets %(year)s", year=2025)
    headings = [h.text().strip() for h in doc.find_all(lambda e: e.tag in ("h2", "h3", "h4"))]
    assert headings[:4] == [
        "Kunnanhallitus – Keskushallinto",
        fi("Operational targets"),
        DEMO_TARGET,
        "Henkilöstön työhyvinvointi paranee",
    ]
    assert fi("Financial targets") in headings
    assert indicator_row(doc, "Toteutetut strategian toimenpiteet") == [
        "Toteutetut strategian toimenpiteet",
        "80\u00a0%",
        "78\u00a0%",
        "31.12.2025",
    ]
    assert indicator_row(doc, "Säästöt")[1:] == ["850\u00a0000\u00a0€", "780\u00a0000\u00a0€", "31.12.2025"]


def test_a_year_without_targets_says_so(demo):
    page = demo.client("hallitus").get(page_url(demo, 2024)).content.decode()
    assert fi("No binding targets have been entered for %(year)s.", year=2024) in page
    # A year that is no year: the default one.
    doc = parse(demo.client("hallitus").get(page_url(demo, "abc")).content)
    assert doc.find_all(lambda e: e.tag == "h1")[0].text().endswith("2025")


def test_the_preparer_adds_a_target_an_indicator_and_a_realisation(demo, preparer):
    response = preparer.post(
        reverse("budget_target_add", args=[demo.org.slug]),
        {
            "target-year": "2026",
            "target-body": board(demo).pk,
            "target-service_area": "Keskushallinto",
            "target-kind": "financial",
            "target-title": "Menot pysyvät budjetissa",
            "once_key": KEY,
        },
    )
    target = BudgetTarget.objects.get(title="Menot pysyvät budjetissa")
    assert response["Location"] == page_url(demo, 2026) + f"#target-{target.pk}"
    assert (target.year, target.body, target.kind) == (2026, board(demo), "financial")
    again = preparer.post(reverse("budget_target_add", args=[demo.org.slug]), {"once_key": KEY})
    assert again["Location"] == response["Location"]
    assert BudgetTarget.objects.filter(title="Menot pysyvät budjetissa").count() == 1

    prefix = f"indicator-{target.pk}"
    preparer.post(
        reverse("budget_indicator_add", args=[demo.org.slug, target.pk]),
        {f"{prefix}-text": "Toimintakulut", f"{prefix}-unit": "%", f"{prefix}-target_value": "100"},
    )
    indicator = BudgetIndicator.objects.get(target=target)
    assert indicator.target_value == Decimal(100)
    prefix = f"realisation-{indicator.pk}"
    preparer.post(
        reverse("budget_realisation_add", args=[demo.org.slug, indicator.pk]),
        {f"{prefix}-measured_on": "2026-06-30", f"{prefix}-value": "48,5"},
    )
    preparer.post(
        reverse("budget_realisation_add", args=[demo.org.slug, indicator.pk]),
        {f"{prefix}-measured_on": "2026-09-30", f"{prefix}-value": "74,25"},
    )
    assert list(BudgetRealisation.objects.filter(indicator=indicator).values_list("value", flat=True)) == [
        Decimal("48.5"),
        Decimal("74.25"),
    ]
    doc = parse(preparer.get(page_url(demo, 2026)).content)
    assert indicator_row(doc, "Toimintakulut") == ["Toimintakulut", "100\u00a0%", "74,25\u00a0%", "30.9.2026"]


def test_a_target_with_errors_keeps_what_was_typed(demo, preparer):
    before = BudgetTarget.objects.count()
    response = preparer.post(
        reverse("budget_target_add", args=[demo.org.slug]),
        {
            "target-year": "2025",
            "target-body": board(demo).pk,
            "target-service_area": "Keskushallinto",
            "target-kind": "operational",
            "target-title": "",
        },
    )
    assert_field_error(response, "id_target-title", REQUIRED_FI)
    assert parse(response.content).by_id("id_target-service_area").value() == "Keskushallinto"
    response = preparer.post(
        reverse("budget_target_add", args=[demo.org.slug]),
        {
            "target-year": "2025",
            "target-body": board(demo).pk,
            "target-service_area": "Keskushallinto",
            "target-kind": "operational",
            "target-title": DEMO_TARGET,
        },
    )
    assert_field_error(
        response, "id_target-title", fi("The budget year already has this target for this body."), DEMO_TARGET
    )
    assert BudgetTarget.objects.count() == before


def test_a_realisation_must_be_a_number(demo, preparer):
    indicator = BudgetIndicator.objects.get(text="Säästöt")
    prefix = f"realisation-{indicator.pk}"
    before = indicator.realisations.count()
    response = preparer.post(
        reverse("budget_realisation_add", args=[demo.org.slug, indicator.pk]),
        {f"{prefix}-measured_on": "2025-10-31", f"{prefix}-value": "paljon"},
    )
    assert_field_error(response, f"id_{prefix}-value", fi("Enter a number, e.g. 1 234,5."), "paljon")
    assert (
        "open"
        in parse(response.content).by_id(f"id_{prefix}-value").closest(lambda e: e.tag == "details").attrs
    )
    assert indicator.realisations.count() == before


def test_an_indicator_needs_its_text(demo, preparer):
    target = BudgetTarget.objects.get(title=DEMO_TARGET)
    prefix = f"indicator-{target.pk}"
    response = preparer.post(
        reverse("budget_indicator_add", args=[demo.org.slug, target.pk]),
        {f"{prefix}-text": "", f"{prefix}-target_value": "12"},
    )
    assert_field_error(response, f"id_{prefix}-text", REQUIRED_FI)
    assert parse(response.content).by_id(f"id_{prefix}-target_value").value() == "12"
    assert target.indicators.count() == 1


def test_a_target_that_goals_link_to_is_not_deleted(demo, preparer):
    target = BudgetTarget.objects.get(title=DEMO_TARGET)
    response = preparer.post(reverse("budget_target_delete", args=[demo.org.slug, target.pk]))
    assert response["Location"] == page_url(demo, 2025) + f"#target-{target.pk}"
    shown = messages_of(preparer.get(response["Location"]))
    expected = fi(
        "Goals link to this budget target (%(goals)s), so it is kept.",
        goals="Strategian toimeenpanon johtaminen",
    )
    assert expected in shown
    assert BudgetTarget.objects.filter(pk=target.pk).exists()


def test_a_target_nothing_links_to_is_deleted(demo, preparer):
    target = services.create_budget_target(
        demo.user("valmistelija"), demo.org, year=2026, body=board(demo), kind="operational", title="Poistuva"
    )
    response = preparer.post(reverse("budget_target_delete", args=[demo.org.slug, target.pk]), follow=True)
    assert fi("The target “%(target)s” was deleted.", target="Poistuva") in messages_of(response)
    assert not BudgetTarget.objects.filter(pk=target.pk).exists()


def test_the_page_makes_as_many_queries_for_many_targets_as_for_few(demo, preparer):
    user = demo.user("valmistelija")

    def fill(year: int, count: int) -> None:
        for n in range(count):
            target = services.create_budget_target(
                user, demo.org, year=year, body=board(demo), kind="operational", title=f"Tavoite {n}"
            )
            indicator = services.add_budget_indicator(user, target, text="Mittari", target_value=Decimal(1))
            services.record_realisation(user, indicator, measured_on=dt.date(year, 6, 30), value=Decimal(n))

    fill(2030, 2)
    fill(2031, 8)
    preparer.get(page_url(demo, 2030))
    with CaptureQueriesContext(connection) as few:
        preparer.get(page_url(demo, 2030))
    with CaptureQueriesContext(connection) as many:
        preparer.get(page_url(demo, 2031))
    assert len(few) == len(many)
