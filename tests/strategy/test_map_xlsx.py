"""The strategy map as a spreadsheet: the table view's rows, from the same read function."""

from io import BytesIO

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from suunta.strategy.map import strategy_map

from ..helpers import fi

pytestmark = pytest.mark.django_db

HEADERS = [
    "Theme",
    "Number",
    "Objective",
    "Goal",
    "Plan",
    "Follow-up",
    "Budget targets and realisation",
]


def download(demo, persona="hallitus", **query):
    url = reverse("strategy_map_xlsx", args=[demo.org.slug])
    return demo.client(persona).get(url, query)


def sheet_rows(response) -> list[list]:
    book = load_workbook(BytesIO(response.content))
    return [[cell.value for cell in row] for row in book.worksheets[0].iter_rows()]


def test_it_holds_the_table_views_rows(demo):
    response = download(demo, year=2025)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "esimerkkikunta-2025.xlsx" in response["Content-Disposition"]
    rows = sheet_rows(response)
    assert rows[0] == [fi(h) for h in HEADERS]
    context = strategy_map(demo.user("hallitus"), demo.org, year=2025)
    assert len(rows) == 1 + len(context["rows"])
    by_number = {}
    for row in rows[1:]:
        by_number.setdefault(row[1], []).append(row)
    assert by_number["1.1"][0][:5] == [
        "1 Elinvoimainen ja vetovoimainen kunta",
        "1.1",
        "Asukasmäärä kasvaa maltillisesti",
        "Strategian toimeenpanon johtaminen",
        "Kansliapäällikön tavoitteet 2025",
    ]
    assert "Toteutunut" in by_number["1.1"][0][5]  # the latest agreed rating
    assert "Strategian toimeenpano etenee suunnitellusti" in by_number["1.1"][0][6]
    assert "78\xa0%" in by_number["1.1"][0][6]
    for gap in ("1.2", "1.3", "2.2"):
        assert by_number[gap] == [
            [by_number[gap][0][0], gap, by_number[gap][0][2], fi("No goal (gap)"), None, None, None]
        ]
    # The education director's goal serving the chief's (suunta/demo/cascade.py) below it.
    assert [r[3] for r in by_number["3.3"]] == [
        "Henkilöstöjohtaminen",
        "Rehtorien ja päiväkodinjohtajien johtamisen tukeminen "
        + fi("(serves “%(title)s”)", title="Henkilöstöjohtaminen"),
        "Johtoryhmätyöskentelyn kehittäminen",
    ]


def test_the_header_row_is_bold(demo):
    book = load_workbook(BytesIO(download(demo).content))
    sheet = book.worksheets[0]
    assert all(cell.font.bold for cell in sheet[1])
    assert not any(cell.font.bold for cell in sheet[2])
    assert book.worksheets[1].title == fi("Budget targets without a goal")[:31]


def test_it_follows_the_filters(demo):
    rows = sheet_rows(download(demo, persona="valmistelija", year=2027))
    plans = {row[4] for row in rows[1:] if row[4]}
    assert plans == {f"Kansliapäällikön tavoitteet 2027 ({fi('Draft').lower()})"}
    # The board member sees no draft: every objective is a gap in 2027.
    rows = sheet_rows(download(demo, persona="hallitus", year=2027))
    assert {row[3] for row in rows[1:]} == {fi("No goal (gap)")}


def test_a_title_that_looks_like_a_formula_stays_text(demo):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE strategy_objective SET title = %s WHERE number = %s",
            ['=HYPERLINK("http://x","y")', "1.2"],
        )
    response = download(demo, year=2025)
    book = load_workbook(BytesIO(response.content))
    cell = next(row[2] for row in book.worksheets[0].iter_rows() if row[1].value == "1.2")
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(("persona", "status"), [("toinen-valmistelija", 404), ("tarkastaja", 200)])
def test_it_requires_a_role_in_the_organization(demo, persona, status):
    assert download(demo, persona=persona).status_code == status


def test_it_requires_login(demo, client):
    assert client.get(reverse("strategy_map_xlsx", args=[demo.org.slug])).status_code == 302
