"""What the goals serve, in the documents: the follow-up report's sections on the strategy
objectives and the budget targets the plan's goals link to (with the budget's figures as
realised by the report's date), only where there are links; and the annex's objectives
under each goal where the organization opts in (without the option, the annex is as it
was). PDF/A, PDF/UA and the query count as for the other documents."""

import io
from decimal import Decimal

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from suunta.agreements.models import GoalPlan
from suunta.lib.numbers import format_decimal
from suunta.lib.publicity import Publicity
from suunta.strategy.models import BudgetIndicator, BudgetRealisation, BudgetTarget, Objective, Strategy

from .common import (
    assert_in_order,
    build_content,
    checkpoints_of,
    docx_text,
    label,
    normalise,
    normalise_pypdf,
    pdftotext,
    pypdf_text,
    render_with_command,
)
from .test_annex_pdf import structure_types, xmp, xmp_value
from .test_query_counts import add_goals, agree_all, fresh

pytestmark = pytest.mark.django_db

STRATEGY = "Esimerkkikunnan strategia 2025–2029"
STRATEGY_SV = "Exempelkommunens strategi 2025–2029"
HEADING = "Strategic objectives the goals serve"
BUDGET_HEADING = "Budget targets the goals serve"


def goal_line(title: str, lang: str = "fi") -> str:
    return label("Goal: %(title)s", lang, title=title)


def figures(indicator: str, target: str, unit: str, value: str, day: str, lang: str = "fi") -> str:
    """An indicator's line: its target value and the realisation figure of `day`."""
    with translation.override(lang):
        target, value = format_decimal(Decimal(target), unit), format_decimal(Decimal(value), unit)
    return label(
        "%(indicator)s: target %(target)s, realised %(value)s (%(date)s)",
        lang,
        indicator=indicator,
        target=target,
        value=value,
        date=day,
    )


def objective_texts(version, lang: str = "fi") -> list[str]:
    """The objectives the version's goals link to, in the strategy's order, each with its
    goals in the plan's order."""
    with translation.override(lang):
        texts = []
        for objective in Objective.objects.filter(goal_areas__version=version).distinct().order_by("order"):
            texts.append(f"{objective.number} {objective.display_title}")
            texts += [
                goal_line(goal.display_title, lang)
                for goal in objective.goal_areas.filter(version=version).order_by("order", "id")
            ]
        return texts


def report_pdf(tmp_path, plan, number: int = 1, lang: str = "fi") -> bytes:
    return render_with_command(tmp_path, "followup-report", plan, lang=lang, checkpoint=number)


def annex_with_objectives(demo, on: bool) -> None:
    demo.org.annex_shows_objectives = on
    demo.org.save(update_fields=["annex_shows_objectives"])


# --- The follow-up report -----------------------------------------------------------------


def test_the_report_names_each_objective_the_goals_serve_with_its_goals(demo, tmp_path):
    version = demo.plan.latest_version()
    expected = objective_texts(version)
    # The demo's links, as the demo's plan has them.
    assert "3.1 Talous on tasapainossa valtuustokauden lopussa" in expected
    assert expected.index("3.2 Palveluverkko vastaa tarpeita ja säästötavoitteet toteutuvat") == (
        expected.index("3.1 Talous on tasapainossa valtuustokauden lopussa") + 2
    )
    assert len([t for t in expected if t[0].isdigit()]) == 8  # 1.1, 2.1, 2.3, 3.1–3.5
    text = normalise(pdftotext(report_pdf(tmp_path, demo.plan)))
    assert_in_order(
        text,
        [
            label("Agreed follow-up per goal", "fi"),  # after the goals' follow-ups
            label(HEADING, "fi"),
            label("%(strategy)s, version %(version)s", "fi", strategy=STRATEGY, version=1),
            *expected,
            label("Decision", "fi"),
        ],
        "follow-up report (PDF)",
    )
    assert_in_order(
        text,
        [
            "3.1 Talous on tasapainossa valtuustokauden lopussa",
            goal_line("Talouden johtaminen"),
            "3.2 Palveluverkko vastaa tarpeita ja säästötavoitteet toteutuvat",
            goal_line("Talouden johtaminen"),
        ],
        "follow-up report (PDF)",
    )
    # pypdf reads the same.
    assert_in_order(normalise_pypdf(pypdf_text(report_pdf(tmp_path, demo.plan))), expected[:4], "pypdf")


def test_the_report_gives_the_budget_targets_figures_as_realised_by_its_date(demo, tmp_path):
    # The first follow-up went to the board on 8.9.2025: the realisations of 31.8.2025
    # are the latest; the year's last ones (31.12.2025) are not there yet.
    report = checkpoints_of(demo.plan.latest_version())[0].reports.get()
    assert report.meeting_date.isoformat() == "2025-09-08"
    text = normalise(pdftotext(report_pdf(tmp_path, demo.plan, 1)))
    assert_in_order(
        text,
        [
            label(BUDGET_HEADING, "fi"),
            label(
                "Budget %(year)s, %(body)s: %(title)s",
                "fi",
                year=2025,
                body="Kunnanhallitus, Keskushallinto",
                title="Keskushallinnon toimintakulut pysyvät talousarviossa",
            ),
            goal_line("Talouden johtaminen"),
            normalise(figures("Toimintakulut suhteessa talousarvioon", "100", "%", "100.3", "31.8.2025")),
            normalise(figures("Säästöt", "850000", "€", "410000", "31.8.2025")),
            label("Decision", "fi"),
        ],
        "follow-up report 1 (PDF)",
    )
    no_figure = label(
        "%(indicator)s: target %(target)s, no realisation figure by %(date)s",
        "fi",
        indicator="Henkilöstökyselyn työhyvinvointi-indeksi (1–5)",
        target="3,8",
        date="8.9.2025",
    )
    assert normalise(no_figure) in text
    with translation.override("fi"):
        assert normalise(format_decimal(Decimal("780000"), "€")) not in text
    # The second, reported on 2.3.2026, gives the year's last figures.
    second = normalise(pdftotext(report_pdf(tmp_path, demo.plan, 2)))
    assert normalise(figures("Säästöt", "850000", "€", "780000", "31.12.2025")) in second


def test_the_docx_report_holds_the_same_sections(demo, tmp_path):
    version = demo.plan.latest_version()
    body = render_with_command(tmp_path, "followup-report", demo.plan, fmt="docx", checkpoint=1)
    text = normalise(docx_text(body))
    assert_in_order(
        text,
        [
            label("Agreed follow-up per goal", "fi"),
            label(HEADING, "fi"),
            label("%(strategy)s, version %(version)s", "fi", strategy=STRATEGY, version=1),
            *objective_texts(version),
            label(BUDGET_HEADING, "fi"),
            normalise(figures("Säästöt", "850000", "€", "410000", "31.8.2025")),
            label("Decision", "fi"),
        ],
        "follow-up report (DOCX)",
    )


def test_the_swedish_report_names_the_objectives_in_swedish(demo, tmp_path):
    version = demo.plan.latest_version()
    text = normalise(pdftotext(report_pdf(tmp_path, demo.plan, lang="sv")))
    assert_in_order(
        text,
        [
            label(HEADING, "sv"),
            label("%(strategy)s, version %(version)s", "sv", strategy=STRATEGY_SV, version=1),
            *objective_texts(version, "sv"),
        ],
        "Swedish follow-up report",
    )
    assert "3.1 Ekonomin är i balans vid fullmäktigeperiodens slut" in text
    assert "Talous on tasapainossa" not in text


def test_a_plan_without_links_has_no_such_section(demo, tmp_path):
    plan = GoalPlan.objects.get(title="Kunnanjohtajan tulostavoitteet 2025")
    version = plan.latest_version()
    assert not any(
        goal.objectives.exists() or goal.budget_targets.exists() for goal in version.goal_areas.all()
    )
    content = build_content(version, "followup-report", "fi", 1)
    assert content["after_table"] == []
    headings = [s["heading"] for s in content["sections"]]
    assert label(HEADING, "fi") not in headings and label(BUDGET_HEADING, "fi") not in headings
    text = normalise(pdftotext(report_pdf(tmp_path, plan)))
    assert label(HEADING, "fi") not in text
    assert label(BUDGET_HEADING, "fi") not in text
    docx = docx_text(render_with_command(tmp_path, "followup-report", plan, fmt="docx", checkpoint=1))
    assert label(HEADING, "fi") not in docx


def test_a_restricted_objective_or_budget_target_is_left_out(demo):
    version = demo.plan.latest_version()
    Objective.objects.filter(goal_areas__version=version, number="1.1").update(publicity=Publicity.RESTRICTED)
    BudgetTarget.objects.filter(goal_areas__version=version).update(publicity=Publicity.RESTRICTED)
    content = build_content(version, "followup-report", "fi", 1)
    items = [item["text"] for section in content["after_table"] for item in section["items"]]
    assert [s["heading"] for s in content["after_table"]] == [label(HEADING, "fi")]
    assert not any(item.startswith("1.1 ") for item in items)
    assert "2.1 Palvelut järjestetään asukaslähtöisesti ja kustannustehokkaasti" in items


def test_the_report_pdf_is_still_pdfa_and_tagged(demo, tmp_path):
    body = report_pdf(tmp_path, demo.plan)
    root = xmp(body)
    assert xmp_value(root, "pdfaid:part") == "2"
    assert xmp_value(root, "pdfaid:conformance") == "A"
    assert xmp_value(root, "pdfuaid:part") == "1"
    reader = pypdf.PdfReader(io.BytesIO(body))
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"].value is True
    assert {"/H1", "/Table", "/TH", "/TD", "/L", "/LI"} <= structure_types(body)


# --- The annex ---------------------------------------------------------------------------------


def annex_objectives(version, lang: str = "fi") -> list[str]:
    """Per goal in order: its title, then "Strategy: 3.1 …" for each objective it serves."""
    with translation.override(lang):
        texts = []
        for goal in version.goal_areas.order_by("order", "id"):
            texts.append(goal.display_title)
            texts += [
                label("Strategy: %(objective)s", lang, objective=f"{o.number} {o.display_title}")
                for o in goal.objectives.order_by("order", "id")
            ]
        return texts


def test_the_annex_names_the_objectives_under_each_goal_where_the_organization_opts_in(demo, tmp_path):
    annex_with_objectives(demo, True)
    version = demo.plan.latest_version()
    expected = annex_objectives(version)
    assert expected[expected.index("Talouden johtaminen") + 1 :][:2] == [
        label(
            "Strategy: %(objective)s", "fi", objective="3.1 Talous on tasapainossa valtuustokauden lopussa"
        ),
        label(
            "Strategy: %(objective)s",
            "fi",
            objective="3.2 Palveluverkko vastaa tarpeita ja säästötavoitteet toteutuvat",
        ),
    ]
    rows = build_content(fresh(version), "annex", "fi")["table"]["rows"]
    assert [text for row in rows for text in (row["goal"], *row["objectives"])] == expected
    body = render_with_command(tmp_path, "annex", demo.plan)
    # The goal column is narrow: its lines break, which normalise() joins.
    assert_in_order(normalise(pdftotext(body)), expected, "annex with objectives (PDF)")
    assert {"/Table", "/TH", "/TD"} <= structure_types(body)
    assert xmp_value(xmp(body), "pdfaid:part") == "2"
    docx = render_with_command(tmp_path, "annex", demo.plan, fmt="docx")
    assert_in_order(normalise(docx_text(docx)), expected, "annex with objectives (DOCX)")


def test_without_the_option_the_annex_names_no_objectives(demo, tmp_path):
    assert demo.org.annex_shows_objectives is False
    version = demo.plan.latest_version()
    rows = build_content(fresh(version), "annex", "fi")["table"]["rows"]
    assert all(set(row) == {"goal", "metrics", "followups"} for row in rows)
    strategy = label("Strategy: %(objective)s", "fi", objective="").strip()
    assert strategy not in normalise(pdftotext(render_with_command(tmp_path, "annex", demo.plan)))
    assert strategy not in docx_text(render_with_command(tmp_path, "annex", demo.plan, fmt="docx"))


def test_the_option_changes_only_the_goal_cells(demo):
    version = demo.plan.latest_version()
    off = build_content(fresh(version), "annex", "fi")
    annex_with_objectives(demo, True)
    on = build_content(fresh(version), "annex", "fi")
    assert [{k: v for k, v in row.items() if k != "objectives"} for row in on["table"]["rows"]] == off[
        "table"
    ]["rows"]
    assert {k: v for k, v in on.items() if k != "table"} == {k: v for k, v in off.items() if k != "table"}


# --- Queries -------------------------------------------------------------------------------------


def link_everything(demo, version, serial: int) -> None:
    """Every goal of the draft linked to the strategy's objectives and to a budget target
    of its own with two indicators and their realisations (stored directly)."""
    board = demo.org.bodies.get(name="Kunnanhallitus")
    objectives = list(Objective.objects.filter(strategy__organization=demo.org)[:3])
    for goal in version.goal_areas.filter(budget_targets=None):
        serial += 1
        target = BudgetTarget.objects.create(
            organization=demo.org, year=version.plan.period_start.year, body=board, title=f"Sitova {serial}"
        )
        for n in range(2):
            indicator = BudgetIndicator.objects.create(
                target=target, text=f"Mittari {n}", unit="%", target_value=90
            )
            for month in (3, 6, 9):
                BudgetRealisation.objects.create(
                    indicator=indicator,
                    measured_on=version.plan.period_start.replace(month=month, day=30),
                    value=month * 10,
                )
        goal.budget_targets.add(target)
        goal.objectives.add(*objectives)


def report_queries(version) -> int:
    version = fresh(version)
    with CaptureQueriesContext(connection) as context:
        content = build_content(version, "followup-report", "fi", 1)
    assert [s["heading"] for s in content["after_table"]] == [
        label(HEADING, "fi"),
        label(BUDGET_HEADING, "fi"),
    ]
    return len(context.captured_queries)


def test_the_reports_queries_do_not_grow_with_linked_goals_and_targets(demo):
    version = demo.draft.versions.get()
    assert Strategy.objects.filter(organization=demo.org).exists()
    agree_all(demo, checkpoints_of(version)[0])
    link_everything(demo, version, 0)
    few = report_queries(version)
    add_goals(demo, version, 8)
    agree_all(demo, checkpoints_of(version)[0])
    link_everything(demo, version, 100)
    assert version.goal_areas.count() == 14
    assert report_queries(version) == few


def test_the_annex_option_costs_no_query(demo):
    version = demo.plan.latest_version()

    def annex_queries() -> int:
        with CaptureQueriesContext(connection) as context:
            build_content(fresh(version), "annex", "fi")
        return len(context.captured_queries)

    off = annex_queries()
    annex_with_objectives(demo, True)
    assert annex_queries() == off
