"""The seed and the other structures, read from each format and parsed: the seed's
6 goals and 14 metrics verbatim with its two follow-ups from Word (Finnish and Swedish)
and from LibreOffice's PDF of that Word file; a sheet with one row per metric and the
goal repeated or merged, and CSV as Excel writes it, exactly."""

import io

import openpyxl
import pytest
from django.utils import translation

from suunta.imports.draft import as_json
from suunta.imports.parse import parse
from suunta.imports.readers import read_upload

from . import files
from .expected import (
    SEED_CHECKPOINTS,
    SEED_CHECKPOINTS_SV,
    SEED_GOALS,
    SEED_GOALS_SV,
    checkpoints,
    goals_and_metrics,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def plan_of(data: bytes, name: str) -> dict:
    source = read_upload(data, name)
    return as_json(parse(source), {line.number: line.text for line in source.lines})


@pytest.mark.parametrize(
    ("swedish", "goals", "follow_ups"),
    [(False, SEED_GOALS, SEED_CHECKPOINTS), (True, SEED_GOALS_SV, SEED_CHECKPOINTS_SV)],
)
def test_the_seed_from_word(swedish, goals, follow_ups):
    plan = plan_of(files.seed_docx(swedish=swedish), "tavoitteet.docx")
    assert goals_and_metrics(plan) == goals
    assert checkpoints(plan) == follow_ups
    # The purpose and the evaluation bullets (Word's automatic bullets) are not metrics.
    assert len(plan["unplaced"]) >= 11


def test_the_seed_from_libreoffice_pdf_of_the_word_file():
    plan = plan_of(files.pdf_from_docx(files.seed_docx()), "tavoitteet.pdf")
    assert goals_and_metrics(plan) == SEED_GOALS
    assert checkpoints(plan) == SEED_CHECKPOINTS


def sheet() -> bytes:
    """A sheet as a finance or HR office keeps it: a title row, then one row per metric,
    the goal repeated on its rows or merged down them, a target and a weight column and
    a column the import does not know."""
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.append(["Kunnanjohtajan tavoitteet 2026"])
    ws.append([])
    ws.append(["Tavoite", "Mittari", "Tavoitearvo", "Painoarvo", "Vastuuhenkilö"])
    ws.append(["Elinvoima", "Yritysten määrä", "≥ 420 kpl", "40 %", "Elinkeinojohtaja"])
    ws.append(["Elinvoima", "Matkailijoiden yöpymiset", "+5 %", None, None])
    ws.append(["Talous", "Vuosikate", "vähintään 1,5 M€", 0.6, None])
    ws.append([None, "Lainamäärä asukasta kohden", "enintään 3 200 €", None, None])
    ws.merge_cells("A6:A7")
    ws["D6"].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_sheet_with_one_row_per_metric_and_the_goal_repeated_or_merged():
    plan = plan_of(sheet(), "tavoitteet.xlsx")
    assert plan["goals"] == [
        {
            "title": "Elinvoima",
            "weight": "40",
            "metrics": [
                {
                    "text": "Yritysten määrä",
                    "target": "420",
                    "unit": "kpl",
                    "direction": "higher",
                    "target_text": "≥ 420 kpl",
                },
                {
                    "text": "Matkailijoiden yöpymiset",
                    "target": "5",
                    "unit": "%",
                    "direction": "higher",
                    "target_text": "+5 %",
                },
            ],
        },
        {
            "title": "Talous",
            "weight": "60",
            "metrics": [
                {
                    "text": "Vuosikate",
                    "target": "1.5",
                    "unit": "M€",
                    "direction": "higher",
                    "target_text": "vähintään 1,5 M€",
                },
                {
                    "text": "Lainamäärä asukasta kohden",
                    "target": "3200",
                    "unit": "€",
                    "direction": "lower",
                    "target_text": "enintään 3 200 €",
                },
            ],
        },
    ]
    assert [u["text"] for u in plan["unplaced"]] == ["Kunnanjohtajan tavoitteet 2026", "Elinkeinojohtaja"]


def test_csv_as_excel_writes_it():
    plan = plan_of(files.seed_csv(), "tavoitteet.csv")
    assert goals_and_metrics(plan) == [*SEED_GOALS[:2], ("Työhyvinvointi", ["Mittari; jossa puolipiste"])]
    assert [u["text"] for u in plan["unplaced"]] == ["x"]
