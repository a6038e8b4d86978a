"""Importing a budget's binding targets from a CSV or XLSX file: the preview of what the
file gives, saving it all in one go, and every kind of bad input refused with the row's
number beside the row, nothing saved."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from suunta.audit.models import AuditEvent
from suunta.organizations.models import Body
from suunta.strategy import budget_import, services
from suunta.strategy.models import BudgetIndicator, BudgetRealisation, BudgetTarget

from ..dom import parse
from ..helpers import assert_field_error, fi

HEADER = "Vuosi;Toimielin;Palvelualue;Laji;Tavoite;Mittari;Yksikkö;Tavoitearvo;Toteuma;Pvm"
GOOD_CSV = "\n".join(
    [
        HEADER,
        "2026;Kunnanhallitus;Keskushallinto;toiminnallinen;Digipalvelut laajenevat;Sähköiset palvelut;kpl;12;5;30.6.2026",
        "2026;KH;Keskushallinto;Toiminnallinen;Digipalvelut laajenevat;Sähköiset palvelut;kpl;12;9;30.9.2026",
        "2026;kunnanhallitus;Keskushallinto;toiminnallinen;Digipalvelut laajenevat;Asiakastyytyväisyys;1–5;4,2;;",
        "",
        "2026;Kunnanhallitus;;taloudellinen;Toimintakate pysyy talousarviossa;Toimintakate;€;-1 250 000,50;;",
        "2026;Kunnanvaltuusto;;Taloudellinen;Lainakanta ei kasva;;;;;",
    ]
)


@pytest.fixture
def preparer(demo):
    return demo.client("valmistelija")


def url(demo) -> str:
    return reverse("budget_import", args=[demo.org.slug])


def csv_file(text: str, name="talousarvio.csv", bom=True) -> SimpleUploadedFile:
    data = text.encode("utf-8")
    return SimpleUploadedFile(name, (b"\xef\xbb\xbf" if bom else b"") + data, content_type="text/csv")


def xlsx_file(rows: list[list]) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("talousarvio.xlsx", buffer.getvalue())


def upload(client, demo, file):
    return client.post(url(demo), {"action": "read", "file": file})


def stored() -> tuple[int, int, int]:
    return BudgetTarget.objects.count(), BudgetIndicator.objects.count(), BudgetRealisation.objects.count()


def save_data(response) -> dict:
    """What the preview's Save button posts."""
    doc = parse(response.content)
    rows = doc.find_all(lambda e: e.tag == "input" and e.attrs.get("name") == "rows")
    assert rows, "the preview offers no Save"
    return {"action": "save", "rows": rows[0].attrs["value"], "once_key": "i" * 24}


def row_errors(response, line: int) -> list[str]:
    """The problems shown in the preview's row of the file's row `line`."""
    doc = parse(response.content)
    row = doc.by_id(f"row-{line}")
    assert row.find_all(lambda e: e.tag == "th")[0].text() == str(line)
    return [li.text().strip() for li in row.find_all(lambda e: e.tag == "li")]


def assert_refused(response, line: int, message: str, before) -> None:
    assert response.status_code == 200
    assert message in row_errors(response, line), row_errors(response, line)
    assert "row--error" in parse(response.content).by_id(f"row-{line}").classes
    assert 'value="save"' not in response.content.decode(), "a file with errors cannot be saved"
    assert stored() == before


# --- Good files --------------------------------------------------------------------------------


def test_a_csv_file_is_previewed_and_saved(demo, preparer):
    before = stored()
    preview = upload(preparer, demo, csv_file(GOOD_CSV))
    assert preview.status_code == 200
    status = parse(preview.content).find_all(lambda e: e.attrs.get("role") == "status")[-1].text()
    assert " ".join(status.split()) == fi(
        "The file gives %(targets)s targets, %(indicators)s indicators and %(realisations)s realisation "
        "figures. Check them and save; nothing is saved before that.",
        targets=3,
        indicators=3,
        realisations=2,
    )
    assert row_errors(preview, 2) == []
    assert stored() == before, "the preview saves nothing"

    response = preparer.post(url(demo), save_data(preview))
    assert response.status_code == 302
    assert response["Location"] == reverse("budget_targets", args=[demo.org.slug]) + "?year=2026"
    board = Body.objects.get(organization=demo.org, short_name="KH")
    digital = BudgetTarget.objects.get(title="Digipalvelut laajenevat")
    assert (digital.year, digital.body, digital.service_area, digital.kind) == (
        2026,
        board,
        "Keskushallinto",
        "operational",
    )
    services_ = digital.indicators.get(text="Sähköiset palvelut")
    assert (services_.unit, services_.target_value) == ("kpl", Decimal(12))
    assert [(r.measured_on, r.value) for r in services_.realisations.all()] == [
        (dt.date(2026, 6, 30), Decimal(5)),
        (dt.date(2026, 9, 30), Decimal(9)),
    ]
    assert digital.indicators.get(text="Asiakastyytyväisyys").target_value == Decimal("4.2")
    margin = BudgetTarget.objects.get(title="Toimintakate pysyy talousarviossa")
    assert margin.kind == "financial" and margin.service_area == ""
    assert margin.indicators.get().target_value == Decimal("-1250000.50")
    loans = BudgetTarget.objects.get(title="Lainakanta ei kasva")
    assert loans.body.short_name == "KV" and not loans.indicators.exists()
    assert stored() == (before[0] + 3, before[1] + 3, before[2] + 2)
    assert AuditEvent.objects.filter(action="budget_target.import", actor__username="valmistelija").exists()
    page = preparer.get(response["Location"]).content.decode()
    assert "Digipalvelut laajenevat" in page and "Lainakanta ei kasva" in page


def test_saving_twice_saves_once(demo, preparer):
    preview = upload(preparer, demo, csv_file(GOOD_CSV))
    data = save_data(preview)
    first = preparer.post(url(demo), data)
    second = preparer.post(url(demo), data)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert BudgetTarget.objects.filter(title="Digipalvelut laajenevat").count() == 1


def test_an_xlsx_file_with_english_headers(demo, preparer):
    file = xlsx_file(
        [
            [
                "Year",
                "Body",
                "Service area",
                "Kind",
                "Target",
                "Indicator",
                "Unit",
                "Target value",
                "Realisation",
                "Date",
            ],
            [
                2026,
                "Kunnanhallitus",
                "Talous",
                "Financial",
                "Costs within budget",
                "Costs",
                "%",
                100,
                101.2,
                dt.datetime(2026, 4, 30),
            ],
            [None, None, None, None, None, None, None, None, None, None],
            [
                2026,
                "KH",
                "Talous",
                "financial",
                "Costs within budget",
                "Costs",
                "%",
                100,
                99.6,
                dt.date(2026, 8, 31),
            ],
            [2026, "KH", "", "operational", "Sick leave falls", "Sick days per person", "", 9.5, None, None],
        ]
    )
    preview = upload(preparer, demo, file)
    assert row_errors(preview, 2) == [] and row_errors(preview, 4) == []
    response = preparer.post(url(demo), save_data(preview))
    assert response.status_code == 302
    costs = BudgetIndicator.objects.get(text="Costs")
    assert [(r.measured_on, r.value) for r in costs.realisations.all()] == [
        (dt.date(2026, 4, 30), Decimal("101.2")),
        (dt.date(2026, 8, 31), Decimal("99.6")),
    ]
    assert BudgetIndicator.objects.get(text="Sick days per person").target_value == Decimal("9.5")


def test_a_csv_file_with_commas_and_swedish_headers(demo, preparer):
    text = (
        "År,Organ,Serviceområde,Typ,Mål,Mätare,Enhet,Målvärde,Utfall,Datum\n"
        '2026,KS,,ekonomisk,Skatteinkomsterna växer,Skatteinkomster,%,"1,5","0,7",2026-06-30\n'
    )
    preview = upload(preparer, demo, csv_file(text, bom=False))
    assert row_errors(preview, 2) == []
    preparer.post(url(demo), save_data(preview))
    indicator = BudgetIndicator.objects.get(text="Skatteinkomster")
    assert indicator.target.kind == "financial" and indicator.target_value == Decimal("1.5")
    assert indicator.realisations.get().value == Decimal("0.7")


# --- Bad input ---------------------------------------------------------------------------------


def bad_row(row: str) -> str:
    return "\n".join([HEADER, "2026;KH;;toiminnallinen;Hyvä tavoite;;;;;", row])


def test_an_unknown_body_is_refused(demo, preparer):
    before = stored()
    response = upload(preparer, demo, csv_file(bad_row("2026;Kunnanhalitus;;toiminnallinen;Tavoite;;;;;")))
    message = fi(
        "Row %(row)s: the organization has no body “%(name)s”. Use a body's name or short form as the "
        "organization page lists them.",
        row=3,
        name="Kunnanhalitus",
    )
    assert_refused(response, 3, message, before)
    assert row_errors(response, 2) == []


def test_a_repeated_row_is_refused(demo, preparer):
    before = stored()
    response = upload(
        preparer, demo, csv_file(bad_row("2026;Kunnanhallitus;;toiminnallinen;hyvä  tavoite;;;;;"))
    )
    assert_refused(response, 3, fi("Row %(row)s repeats row %(first)s.", row=3, first=2), before)


def test_a_target_the_budget_has_already_is_refused(demo, preparer):
    before = stored()
    text = "\n".join(
        [
            HEADER,
            "2025;Kunnanhallitus;Keskushallinto;toiminnallinen;Strategian toimeenpano etenee suunnitellusti;;;;;",
        ]
    )
    response = upload(preparer, demo, csv_file(text))
    message = fi(
        "Row %(row)s: the budget for %(year)s already has the target “%(target)s” for %(where)s.",
        row=2,
        year=2025,
        target="Strategian toimeenpano etenee suunnitellusti",
        where="KH / Keskushallinto",
    )
    assert_refused(response, 2, message, before)


@pytest.mark.parametrize(
    ("row", "message", "params"),
    [
        (
            "2026;KH;;toiminnallinen;Tavoite;Mittari;%;kymmenen;;",
            "Row %(row)s: the target value “%(text)s” is not a number.",
            {"text": "kymmenen"},
        ),
        (
            "2026;KH;;toiminnallinen;Tavoite;Mittari;%;10;1.234,5;31.3.2026",
            "Row %(row)s: the realisation “%(text)s” is not a number.",
            {"text": "1.234,5"},
        ),
        (
            "2026;KH;;toiminnallinen;Tavoite;Mittari;%;10;5;31.2.2026",
            "Row %(row)s: “%(text)s” is not a date. Use e.g. 31.12.2025.",
            {"text": "31.2.2026"},
        ),
        (
            "2026;KH;;toiminnallinen;Tavoite;Mittari;%;10;5;",
            "Row %(row)s: give the date of the realisation.",
            {},
        ),
        (
            "kaksi;KH;;toiminnallinen;Tavoite;;;;;",
            "Row %(row)s: “%(text)s” is not a budget year.",
            {"text": "kaksi"},
        ),
        (
            "2026;KH;;sitova;Tavoite;;;;;",
            "Row %(row)s: the kind “%(text)s” is neither operational nor financial "
            "(toiminnallinen or taloudellinen).",
            {"text": "sitova"},
        ),
        (
            "2026;KH;;toiminnallinen;Tavoite;;%;10;;",
            "Row %(row)s: a unit, target value or realisation needs the indicator it belongs to.",
            {},
        ),
    ],
    ids=["target-value", "realisation", "date", "date-missing", "year", "kind", "no-indicator"],
)
def test_a_bad_number_date_or_value_is_refused(demo, preparer, row, message, params):
    before = stored()
    response = upload(preparer, demo, csv_file(bad_row(row)))
    assert_refused(response, 3, fi(message, row=3, **params), before)


def test_a_missing_cell_is_refused(demo, preparer):
    before = stored()
    response = upload(preparer, demo, csv_file(bad_row("2026;KH;;toiminnallinen;;Mittari;;;;")))
    with translation.override("fi"):
        column = str(budget_import.COLUMNS["target"][0])
    assert_refused(response, 3, fi("Row %(row)s: the %(column)s is missing.", row=3, column=column), before)


def test_a_file_without_a_required_column_is_refused(demo, preparer):
    before = stored()
    text = "Vuosi;Toimielin;Laji;Mittari\n2026;KH;toiminnallinen;Mittari"
    response = upload(preparer, demo, csv_file(text))
    with translation.override("fi"):
        column = str(budget_import.COLUMNS["target"][0])
    message = fi(
        "The file has no column for the %(columns)s. Its first row names the columns, for example: %(example)s.",
        columns=column,
        example=budget_import.EXAMPLE_HEADER,
    )
    assert_field_error(response, "id_file", message)
    assert stored() == before


def test_a_file_that_is_no_spreadsheet_is_refused(demo, preparer):
    response = upload(preparer, demo, SimpleUploadedFile("talousarvio.xlsx", b"not a workbook at all"))
    assert_field_error(response, "id_file", fi("The file could not be read as an Excel workbook (.xlsx)."))


def test_the_rows_are_checked_again_on_save(demo, preparer):
    """What the preview carried back is checked anew: a body unknown to the organization
    there, or a target saved meanwhile, refuses the whole file."""
    before = stored()
    rows = [
        {"line": 2, "year": "2026", "body": "KH", "kind": "toiminnallinen", "target": "Ensimmäinen"},
        {"line": 3, "year": "2026", "body": "Tuntematon", "kind": "toiminnallinen", "target": "Toinen"},
    ]
    response = preparer.post(url(demo), {"action": "save", "rows": budget_import.rows_to_json(rows)})
    message = fi(
        "Row %(row)s: the organization has no body “%(name)s”. Use a body's name or short form as the "
        "organization page lists them.",
        row=3,
        name="Tuntematon",
    )
    assert_refused(response, 3, message, before)

    preview = upload(preparer, demo, csv_file(GOOD_CSV))
    services.create_budget_target(
        demo.user("paakayttaja"),
        demo.org,
        year=2026,
        body=Body.objects.get(organization=demo.org, short_name="KV"),
        kind="financial",
        title="Lainakanta ei kasva",
    )
    before = stored()
    response = preparer.post(url(demo), save_data(preview))
    message = fi(
        "Row %(row)s: the budget for %(year)s already has the target “%(target)s” for %(where)s.",
        row=7,
        year=2026,
        target="Lainakanta ei kasva",
        where="KV",
    )
    assert_refused(response, 7, message, before)
    assert not BudgetTarget.objects.filter(title="Digipalvelut laajenevat").exists()


def test_a_damaged_preview_is_refused(demo, preparer):
    before = stored()
    response = preparer.post(url(demo), {"action": "save", "rows": "{not json"}, follow=True)
    shown = [p.text().strip() for p in parse(response.content).find_all(lambda e: "message" in e.classes)]
    assert fi("The preview could not be read back. Choose the file again.") in shown
    assert stored() == before


# --- Reading, without the page -----------------------------------------------------------------


def test_headers_are_read_in_any_case_and_order():
    read = budget_import.read_upload(b"TAVOITE;laji;Toimielin;VUOSI;Huomautus\nA;taloudellinen;KH;2026;x\n")
    assert read.rows == [
        {
            "line": 2,
            "target": "A",
            "kind": "taloudellinen",
            "body": "KH",
            "year": "2026",
        }
    ]
    assert read.ignored == ["Huomautus"]


def test_windows_1252_is_read_too():
    text = "vuosi;toimielin;laji;tavoite\n2026;KH;toiminnallinen;Työhyvinvointi paranee\n"
    read = budget_import.read_upload(text.encode("cp1252"))
    assert read.rows[0]["target"] == "Työhyvinvointi paranee"
