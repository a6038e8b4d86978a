"""Importing values from a CSV file (issue 6): as Finnish spreadsheets save it
(semicolons, decimal commas, Windows-1252), checked row by row with line numbers,
previewed, then imported all or nothing with one audit event."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from suunta.measures import csv_import
from suunta.measures.models import MetricValue

from ..dom import Element
from ..helpers import fi as django_fi
from .common import (
    BOARD_MEMBER,
    EXECUTIVE,
    MAYOR,
    NBSP,
    PREPARER,
    D,
    detail_url,
    event_changes,
    events,
    fi,
    fi_plural,
    field_errors,
    form_errors,
    import_url,
    page,
    savings,
    squash,
    success_messages,
    table_rows,
    values_of,
    values_state,
)

pytestmark = pytest.mark.django_db


def upload(text: str, encoding: str = "utf-8", name: str = "arvot.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def preview_table(response) -> list[list[str]]:
    section = page(response).by_id("preview-heading").parent
    return table_rows(section)


def rows_by_line(response) -> dict[str, list[str]]:
    """{line number: [date, value, comment, result]} of the preview."""
    return {row[0]: row[1:] for row in preview_table(response)}


def row_errors(response) -> dict[str, list[str]]:
    """{line number: the errors listed for it} (the "Error: " prefix removed)."""
    section = page(response).by_id("preview-heading").parent
    prefix = fi("Error") + ": "
    found = {}
    for tr in section.find_all(lambda e: e.tag == "tr" and "row--error" in e.classes):
        line = squash(next(c for c in tr.children if isinstance(c, Element) and c.tag == "th").text())
        items = [squash(li.text()) for li in tr.find_all(lambda e: e.tag == "li")]
        assert all(item.startswith(prefix) for item in items), items
        found[line] = [item.removeprefix(prefix) for item in items]
    return found


def confirm_text(response) -> str | None:
    """The CSV text the confirm form posts back, or None when no confirm form is offered."""
    doc = page(response)
    buttons = doc.find_all(lambda e: e.tag == "button" and e.attrs.get("name") == "confirm")
    if not buttons:
        return None
    form = buttons[0].closest(lambda e: e.tag == "form")
    hidden = form.find_all(lambda e: e.tag == "input" and e.attrs.get("name") == "text")
    return hidden[0].value()


GOOD_CSV_1252 = (
    "Päivämäärä;Arvo;Kommentti\r\n"
    "15.1.2025;12 500,50;Hyvä alku\r\n"
    "2025-02-15;40000;\r\n"
    "\r\n"
    "31.1.2025;25 000;Korjattu kuukausiraportti\r\n"
)


# --- Preview ---------------------------------------------------------------------------------------


def test_the_import_page_offers_a_file_and_a_text_box(demo):
    response = demo.client(PREPARER).get(import_url(demo.plan, savings(demo.plan)))
    doc = page(response)
    assert doc.by_id("id_file").attrs.get("type") == "file"
    assert doc.by_id("id_text").tag == "textarea"
    assert confirm_text(response) is None


def test_a_windows_1252_file_with_a_header_and_decimal_commas_is_previewed(demo):
    plan, metric = demo.plan, savings(demo.plan)
    before = values_state()
    response = demo.client(PREPARER).post(import_url(plan, metric), {"file": upload(GOOD_CSV_1252, "cp1252")})
    rows = rows_by_line(response)
    # Line 1 is the header, line 4 is empty: neither is a row of values.
    assert list(rows) == ["2", "3", "5"]
    assert rows["2"] == ["15.1.2025", f"12{NBSP}500,5{NBSP}€", "Hyvä alku", fi("New value")]
    assert rows["3"] == ["15.2.2025", f"40{NBSP}000{NBSP}€", "", fi("New value")]
    # 31.1.2025 already has 20 000 €: the preview says it is replaced.
    assert rows["5"] == [
        "31.1.2025",
        f"25{NBSP}000{NBSP}€",
        "Korjattu kuukausiraportti",
        fi("Replaces %(old)s", old=f"20{NBSP}000{NBSP}€"),
    ]
    assert row_errors(response) == {}
    ready = fi_plural(
        "%(counter)s row is ready to import. Check it and confirm.",
        "%(counter)s rows are ready to import. Check them and confirm.",
        3,
        counter=3,
    )
    assert ready in squash(page(response).by_id("preview-heading").parent.text())
    assert confirm_text(response) is not None
    assert values_state() == before, "the preview saved something"


def test_pasted_rows_and_a_utf8_file_with_a_bom_are_read_alike(demo):
    plan, metric = demo.plan, savings(demo.plan)
    client = demo.client(EXECUTIVE)
    text = "pvm;arvo\n15.1.2025;1,5\n"
    pasted = rows_by_line(client.post(import_url(plan, metric), {"text": text}))
    bom = rows_by_line(client.post(import_url(plan, metric), {"file": upload("\ufeff" + text)}))
    assert pasted == bom == {"2": ["15.1.2025", f"1,5{NBSP}€", "", fi("New value")]}


def test_commas_and_decimal_points_are_read_too(demo):
    plan, metric = demo.plan, savings(demo.plan)
    response = demo.client(PREPARER).post(
        import_url(plan, metric),
        {"text": '2025-01-15,1234.5,"Kommentti, jossa pilkku"\n2025-01-16,"1 000,5",\n'},
    )
    rows = rows_by_line(response)
    assert rows["1"][:3] == ["15.1.2025", f"1{NBSP}234,5{NBSP}€", "Kommentti, jossa pilkku"]
    assert rows["2"][:2] == ["16.1.2025", f"1{NBSP}000,5{NBSP}€"]
    assert row_errors(response) == {}


def test_every_bad_row_is_reported_with_its_line_number(demo):
    """The 2026 plan (today 27.11.2026): every kind of bad row at once, and nothing saved."""
    plan, metric = demo.current, savings(demo.current)
    text = "\n".join(
        [
            "Päivä;Arvo;Kommentti",  # 1: header
            "2026-13-01;5",  # 2: no such month
            "31.2.2026;5",  # 3: no such day
            "eilen;5",  # 4: not a date
            "31.12.2025;5",  # 5: before the period
            "28.11.2026;5",  # 6: tomorrow
            "1.3.2026;abc",  # 7: not a number
            "2.3.2026;1.234,5",  # 8: not a number either
            "3.3.2026;5",  # 9: good
            "3.3.2026;6",  # 10: the same day again
            "4.3.2026;5;kommentti;ylimääräinen",  # 11: four columns
            "5.3.2026",  # 12: no value
            "6.3.2026;12,34567",  # 13: too many decimals
            "27.11.2026;7",  # 14: today: good
        ]
    )
    before = values_state()
    response = demo.client(PREPARER).post(import_url(plan, metric), {"text": text})
    period = fi(
        "The date must be within the plan period %(start)s–%(end)s.", start="1.1.2026", end="31.12.2026"
    )
    assert row_errors(response) == {
        "2": [fi("“%(text)s” is not a date. Use e.g. 31.1.2025.", text="2026-13-01")],
        "3": [fi("“%(text)s” is not a date. Use e.g. 31.1.2025.", text="31.2.2026")],
        "4": [fi("“%(text)s” is not a date. Use e.g. 31.1.2025.", text="eilen")],
        "5": [period],
        "6": [fi("A value cannot be dated in the future.")],
        "7": [fi("“%(text)s” is not a number. Use e.g. 1234,5.", text="abc")],
        "8": [fi("“%(text)s” is not a number. Use e.g. 1234,5.", text="1.234,5")],
        "10": [fi("The date is already on line %(line)s.", line=9)],
        "11": [fi("Expected at most three columns (date, value, comment); found %(count)s.", count=4)],
        "12": [fi("Expected a date and a value, separated by a semicolon.")],
        "13": [fi("Use at most %(places)s decimals.", places=4)],
    }
    assert sorted(rows_by_line(response), key=int) == [str(n) for n in range(2, 15)]
    # What was in the file is shown as it was where it could not be read.
    assert rows_by_line(response)["4"][0] == "eilen"
    assert rows_by_line(response)["7"][1] == "abc"
    summary = fi_plural(
        "%(counter)s row has errors. Fix the file and try again; nothing has been imported.",
        "%(counter)s rows have errors. Fix the file and try again; nothing has been imported.",
        11,
        counter=11,
    )
    assert summary in form_errors(response)
    assert confirm_text(response) is None, "a file with errors must not be offered for import"
    assert values_state() == before


def test_confirming_a_file_with_an_error_imports_nothing(demo):
    """A forged confirm of rows with an error: nothing saved, the error shown."""
    plan, metric = demo.plan, savings(demo.plan)
    before, imports = values_state(), len(events(demo.org, "metric_value.import"))
    response = demo.client(PREPARER).post(
        import_url(plan, metric), {"text": "15.1.2025;100\n16.1.2025;abc\n", "confirm": "1"}
    )
    assert response.status_code == 200
    assert fi("Fix the rows marked with errors; nothing was imported.") in form_errors(response)
    assert list(row_errors(response)) == ["2"]
    assert values_state() == before
    assert len(events(demo.org, "metric_value.import")) == imports


# --- Confirm ----------------------------------------------------------------------------------------


def test_confirming_imports_every_row_and_replaces_the_same_day(demo):
    plan, metric = demo.plan, savings(demo.plan)
    client = demo.client(PREPARER)
    events_before = len(events(demo.org))
    preview = client.post(import_url(plan, metric), {"file": upload(GOOD_CSV_1252, "cp1252")})
    text = confirm_text(preview)
    assert "Hyvä alku" in text
    response = client.post(import_url(plan, metric), {"text": text, "confirm": "1"})
    assert response.status_code == 302, response.status_code
    assert response["Location"] == detail_url(plan, metric) + "#values"

    stored = dict(values_of(plan, metric))
    assert len(stored) == 14  # 12 + two new; 31.1. replaced
    assert stored[D(2025, 1, 15)] == Decimal("12500.5")
    assert stored[D(2025, 2, 15)] == Decimal("40000")
    assert stored[D(2025, 1, 31)] == Decimal("25000")

    replaced = MetricValue.objects.get(plan=plan, metric_lineage=metric.lineage, measured_on=D(2025, 1, 31))
    assert (replaced.comment, replaced.recorded_by.username) == ("Korjattu kuukausiraportti", PREPARER)
    new = MetricValue.objects.get(plan=plan, metric_lineage=metric.lineage, measured_on=D(2025, 1, 15))
    assert (new.comment, new.source) == ("Hyvä alku", fi("CSV import"))

    # One event for the import, not one per row.
    new_events = events(demo.org)[events_before:]
    assert [e.action for e in new_events] == ["metric_value.import"]
    assert new_events[0].actor_label == PREPARER
    assert event_changes(new_events[0]) == {
        "created": [None, 2],
        "replaced": [None, 1],
        "dates": [None, "2025-01-15–2025-02-15"],
        # What was overwritten stays on record: 20 000 € became the imported value.
        "replaced_values": [None, {"2025-01-31": ["20000", format(replaced.value.normalize(), "f")]}],
    }
    assert replaced.source == fi("CSV import")
    followed = client.get(response["Location"])
    assert success_messages(followed) == [
        fi("Imported %(created)s new values and replaced %(replaced)s.", created=2, replaced=1)
    ]


def test_confirming_again_replaces_and_adds_nothing(demo):
    """Reloading the confirm (or importing the same file twice) leaves one value per day."""
    plan, metric = demo.plan, savings(demo.plan)
    client = demo.client(EXECUTIVE)
    data = {"text": "15.1.2025;100\n15.2.2025;200\n", "confirm": "1"}
    assert client.post(import_url(plan, metric), data).status_code == 302
    assert client.post(import_url(plan, metric), data).status_code == 302
    assert len(values_of(plan, metric)) == 14
    changes = [event_changes(e)["replaced"][1] for e in events(demo.org, "metric_value.import")]
    assert changes == [0, 2]


# --- Empty and broken files ----------------------------------------------------------------------------


def test_an_empty_file_is_refused(demo):
    plan, metric = demo.plan, savings(demo.plan)
    before = values_state()
    response = demo.client(PREPARER).post(import_url(plan, metric), {"file": upload("")})
    assert field_errors(response, "id_file") == [django_fi("The submitted file is empty.")]
    assert confirm_text(response) is None
    assert values_state() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("\r\n \r\n", "The file is empty."),
        ("Päivämäärä;Arvo\r\n", "The file has no rows of values."),
    ],
)
def test_a_file_without_rows_is_refused(demo, content, message):
    plan, metric = demo.plan, savings(demo.plan)
    before = values_state()
    response = demo.client(PREPARER).post(import_url(plan, metric), {"file": upload(content)})
    assert field_errors(response, "id_file") == [fi(message)]
    assert values_state() == before


def test_nothing_chosen_nothing_pasted(demo):
    response = demo.client(PREPARER).post(import_url(demo.plan, savings(demo.plan)), {"text": "  "})
    assert field_errors(response, "id_file") == [fi("Choose a CSV file or paste the rows.")]


def test_pasted_text_without_rows_is_refused_beside_the_text_box(demo):
    response = demo.client(PREPARER).post(import_url(demo.plan, savings(demo.plan)), {"text": "pvm;arvo"})
    assert field_errors(response, "id_text") == [fi("The file has no rows of values.")]


def test_a_file_too_large_is_refused(demo, settings):
    plan, metric = demo.plan, savings(demo.plan)
    big = "15.1.2025;1\n" * (csv_import.MAX_BYTES // 12 + 1)
    response = demo.client(PREPARER).post(import_url(plan, metric), {"file": upload(big)})
    assert field_errors(response, "id_file") == [fi("The file is too large: at most 1 MB.")]


def test_too_many_rows_are_refused():
    text = "".join(f"{1 + n % 28}.{1 + n // 28 % 12}.2025;{n}\n" for n in range(csv_import.MAX_ROWS + 1))
    with pytest.raises(Exception) as error:
        csv_import.parse(text, period=(D(2025, 1, 1), D(2025, 12, 31)), today=D(2026, 1, 1))
    assert error.value.messages == [
        fi("The file has too many rows: at most %(max)s.", max=csv_import.MAX_ROWS)
    ]


# --- Who may ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", [BOARD_MEMBER, MAYOR, "tarkastaja"])
def test_others_may_not_import(demo, username):
    plan, metric = demo.plan, savings(demo.plan)
    client = demo.client(username)
    before, refused = values_state(), len(events(demo.org, outcome="denied"))
    assert client.get(import_url(plan, metric)).status_code == 403
    response = client.post(import_url(plan, metric), {"text": "15.1.2025;100\n", "confirm": "1"})
    assert response.status_code == 403
    assert values_state() == before
    denied = events(demo.org, outcome="denied")[refused:]
    assert [e.action for e in denied] == ["record_metric_value.denied"] * 2


def test_another_organization_may_not_import(demo):
    response = demo.client("toinen-valmistelija").post(
        import_url(demo.plan, savings(demo.plan)), {"text": "15.1.2025;100\n", "confirm": "1"}
    )
    assert response.status_code == 404


def test_no_import_into_a_draft(demo):
    response = demo.client(PREPARER).post(
        import_url(demo.draft, savings(demo.draft)), {"text": "15.1.2027;100\n", "confirm": "1"}
    )
    assert response.status_code == 403


# --- The parser alone -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31.1.2025", dt.date(2025, 1, 31)),
        ("1.2.2025", dt.date(2025, 2, 1)),
        ("01.02.2025", dt.date(2025, 2, 1)),
        ("2025-02-01", dt.date(2025, 2, 1)),
        (" 2025-02-01 ", dt.date(2025, 2, 1)),
    ],
)
def test_parse_date_reads_finnish_and_iso_dates(text, expected):
    assert csv_import.parse_date(text) == expected


@pytest.mark.parametrize("text", ["31.2.2025", "2025-2-1", "1/2/2025", "2025-02-30", "1.2.25", "", "tänään"])
def test_parse_date_refuses_the_rest(text):
    with pytest.raises(ValueError):
        csv_import.parse_date(text)
