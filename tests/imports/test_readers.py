"""The readers: every format into numbered lines of positioned cells, and every bad
input refused with a message that says what to do, never a library's exception.

The files are built here from code (tests/imports/files.py); the one LibreOffice
conversion is cached for the session."""

import contextlib

import pytest
from django.utils import translation

from suunta.imports.read_text import MAX_LINES
from suunta.imports.readers import read_text, read_upload
from suunta.imports.source import Cell, Source, Unreadable

from ..documents.common import render_with_command
from . import files

DAMAGED = (
    "The file could not be read; it may be damaged. Open it in the program that made it and save it again, "
    "or paste the text of the goals instead."
)
UNSUPPORTED = (
    "This kind of file cannot be imported. Import a Word document (.docx), a PDF, an Excel or LibreOffice "
    "sheet (.xlsx, .ods), a CSV file or plain text, or paste the text of the goals."
)
CRAFTED = (
    "The file could not be read: it unpacks into far more parts or data than a goals document holds. "
    "Save it again in Word, Excel or LibreOffice, or paste the text of the goals instead."
)
TOO_LONG = (
    "The document is too long for a goals annex (more than 3000 lines). "
    "Import only the pages with the goals, or paste their text."
)
REPAIRED = (
    "Some characters were repaired while reading (the text was in a mixed or older encoding). "
    "Check the text, especially the letters ä, ö and å."
)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def seed_pdf() -> bytes:
    """The seed Word file laid out by LibreOffice (seconds: once per session)."""
    return files.pdf_from_docx(files.seed_docx())


def refused(data: bytes, name: str = "") -> str:
    with pytest.raises(Unreadable) as problem:
        read_upload(data, name)
    return problem.value.message


def squeeze(text: str) -> str:
    return "".join(text.split())


def texts(source: Source) -> list[str]:
    return [line.text for line in source.lines]


def cells(source: Source) -> list[list[tuple[float, str]]]:
    return [[(cell.column, cell.text) for cell in line.cells] for line in source.lines]


def assert_numbered(source: Source) -> None:
    assert [line.number for line in source.lines] == list(range(1, len(source.lines) + 1))
    assert all(line.cells == () for line in source.lines if line.is_blank)
    assert source.lines[-1].cells, "no trailing blank lines"


# --- Plain text -----------------------------------------------------------------------------


def test_pasted_text_is_one_line_each_with_blank_lines_counted_and_indentation_kept():
    source = read_text("Otsikko  \r\n\r\n  • Ensimmäinen   mittari  \n\tSisennetty\rLoppu\n\n")
    assert source.format == "text" and source.physical_lines and source.warnings == ()
    assert_numbered(source)
    assert cells(source) == [
        [(0, "Otsikko")],
        [],
        [(2, "• Ensimmäinen mittari")],
        [(4, "Sisennetty")],
        [(0, "Loppu")],
    ]
    assert [line.indent for line in source.lines] == [0, 0, 2, 4, 0]


def test_a_table_copied_from_word_gives_a_cell_per_tab_separated_field():
    source = read_text(
        "Tavoite\tMittari\nTalouden johtaminen\tTalousarvio toteutuu\n\tSäästöt toteutuvat\nHuom."
    )
    assert cells(source) == [
        [(0, "Tavoite"), (1, "Mittari")],
        [(0, "Talouden johtaminen"), (1, "Talousarvio toteutuu")],
        [(1, "Säästöt toteutuvat")],
        [(0, "Huom.")],
    ]


def test_text_is_nfc_with_bullets_ligatures_and_control_characters_normalised():
    source = read_text(
        "\uf0b7 Mittari\n● Toinen ▪ kolmas ◦ neljäs \u2023 viides \u2043 kuudes\nA\u0308ä\x07 ﬁnanssi\u200b"
    )
    assert texts(source) == ["• Mittari", "• Toinen • kolmas • neljäs • viides • kuudes", "Ää finanssi"]


def test_mojibake_in_pasted_text_is_repaired_with_a_warning():
    source = read_text("TyÃ¶hyvinvointi ja hyvÃ¤ ilmapiiri\nSujuva yhteistyö")
    assert texts(source) == ["Työhyvinvointi ja hyvä ilmapiiri", "Sujuva yhteistyö"]
    assert source.warnings == (REPAIRED,)


def test_a_file_mixing_utf8_and_windows_1252_lines_is_read_line_by_line_with_a_warning():
    data = "Työhyvinvointi (UTF-8)\n".encode() + "Työhyvinvointi (Windows-1252)\n".encode("cp1252")
    source = read_upload(data, "tavoitteet.txt")
    assert source.format == "text"
    assert texts(source) == ["Työhyvinvointi (UTF-8)", "Työhyvinvointi (Windows-1252)"]
    assert source.warnings == (REPAIRED,)


def test_a_utf8_file_with_a_byte_order_mark_is_still_read_line_by_line():
    data = b"\xef\xbb\xbf" + b"Tavoite;Mittari\n" + "Työ;Hyvä\n".encode("cp1252")
    source = read_upload(data, "excel.csv")
    assert cells(source) == [[(0, "Tavoite"), (1, "Mittari")], [(0, "Työ"), (1, "Hyvä")]]
    assert source.warnings == (REPAIRED,)


def test_clean_utf8_and_utf16_files_need_no_repair():
    assert read_upload("Päätöksenteon laadukas valmistelu\n".encode()).warnings == ()
    source = read_upload("Päätöksenteon laadukas valmistelu\r\nÅtgärd\r\n".encode("utf-16"))
    assert texts(source) == ["Päätöksenteon laadukas valmistelu", "Åtgärd"]
    assert source.warnings == ()


def test_the_seeds_text_file_reads_as_plain_text_not_csv():
    text = "\n".join(
        [
            "Kansliapäällikön tavoitteet",
            "",
            "26.3.2025 Poljory, 31.3.2025 KH",
            "Kunnan strategian ja talousarvion toiminnan ja talouden tavoitteiden perusteella",
            "Tavoite Mittari Seuranta",
            "Talouden johtaminen • Talousarvion mukaiset tavoitteet toteutuvat",
            "• Palveluiden järjestämisen edistäminen siten, että säästötavoitteet",
            "toteutuvat 2025",
        ]
    )
    source = read_upload(text.encode(), "liite.txt")
    assert source.format == "text"
    assert texts(source)[5] == "Talouden johtaminen • Talousarvion mukaiset tavoitteet toteutuvat"


# --- CSV ------------------------------------------------------------------------------------


def test_a_windows_1252_semicolon_csv_keeps_its_columns():
    source = read_upload(files.seed_csv(), "tavoitteet.csv")
    assert source.format == "csv" and not source.physical_lines and source.warnings == (REPAIRED,)
    goals = files.seed_goals()
    assert cells(source) == [
        [(0, "Tavoite"), (1, "Mittari"), (2, "Seuranta")],
        [(0, goals[0][0]), (1, goals[0][1][0])],
        [(1, goals[0][1][1])],
        [(0, goals[1][0]), (1, goals[1][1][0])],
        [(1, goals[1][1][1])],
        [],
        [(0, "Työhyvinvointi"), (1, "Mittari; jossa puolipiste"), (2, "x")],
    ]
    assert all(line.table is None for line in source.lines)


def test_csv_is_found_from_the_content_whatever_the_name():
    assert read_upload(files.seed_csv(), "tavoitteet.txt").format == "csv"
    assert read_upload(files.seed_csv()).format == "csv"
    tabbed = read_upload(b"Tavoite\tMittari\nTalous\tBudjetti\n")
    assert tabbed.format == "csv" and cells(tabbed)[1] == [(0, "Talous"), (1, "Budjetti")]


def test_a_one_column_csv_and_prose_with_commas():
    one_column = read_upload(b"Tavoite\nTalous\n", "tavoitteet.csv")
    assert one_column.format == "csv" and texts(one_column) == ["Tavoite", "Talous"]
    prose = "Kunnan strategia, talous ja henkilöstö.\nToinen rivi ilman pilkkua\nKolmas, neljäs, viides.\n"
    assert read_upload(prose.encode(), "muistio.txt").format == "text"


def test_a_quoted_csv_cell_keeps_its_line_breaks():
    source = read_upload('Tavoite;Mittari\nTalous;"• Budjetti\n• Säästöt"\n'.encode(), "a.csv")
    assert cells(source)[1] == [(0, "Talous"), (1, "• Budjetti\n• Säästöt")]


# --- DOCX -----------------------------------------------------------------------------------


def test_the_seed_word_file_reads_as_paragraphs_and_whole_table_rows():
    source = read_upload(files.seed_docx(), "liite.docx")
    assert source.format == "docx" and not source.physical_lines and source.warnings == ()
    assert_numbered(source)
    lines = texts(source)
    assert lines[:6] == [
        "Kansliapäällikön tavoitteet",
        "26.3.2025 Poljory, 31.3.2025 KH",
        "",
        "Johtajasopimus",
        files.INTRO["fi"],
        "Tavoitekeskustelun tarkoitus",
    ]
    assert lines[6:12] == [f"• {item}" for item in files.PURPOSE["fi"]]
    rows = [line for line in source.lines if line.table is not None]
    assert {line.table for line in rows} == {0}
    assert cells(Source("docx", tuple(rows[:1]))) == [list(enumerate(files.HEADERS["fi"]))]
    goals = files.seed_goals()
    assert len(rows) == 1 + len(goals)
    for row, (title, metrics) in zip(rows[1:], goals, strict=True):
        assert [(cell.column, cell.text) for cell in row.cells] == [
            (0, title),
            (1, "\n".join(f"• {metric}" for metric in metrics)),
            (2, ""),
            (3, ""),
        ]
    after = lines[rows[-1].number :]
    assert after == ["", "Tavoitteiden arviointi", *(f"• {item}" for item in files.EVALUATION["fi"])]


def test_the_swedish_seed_word_file():
    source = read_upload(files.seed_docx(swedish=True))
    rows = [line for line in source.lines if line.table == 0]
    assert [cell.text for cell in rows[0].cells] == files.HEADERS["sv"]
    assert [row.cells[0].text for row in rows[1:]] == [
        title for title, _metrics in files.seed_goals(swedish=True)
    ]
    assert "Mätare" not in texts(source)[0]


def test_tracked_changes_are_read_accepted_with_a_warning():
    source = read_upload(files.docx_with_tracked_changes())
    assert texts(source) == ["Talouden tasapainon johtaminen", "Mittari Tavoitetaso", "Pysyvä teksti"]
    assert source.warnings == (
        "The document has tracked changes: it was read as if all changes were accepted.",
    )


def test_comments_are_left_out_with_a_warning():
    source = read_upload(files.docx_with_comment())
    assert texts(source) == ["Henkilöstöjohtaminen", "Toinen kappale"]
    assert source.warnings == ("The document's comments were left out.",)


def test_words_automatic_lists_get_their_markers_and_levels():
    source = read_upload(files.docx_with_lists())
    assert [(line.indent, line.text) for line in source.lines] == [
        (0, "1. Tavoitteet"),
        (0, "2. Mittarit"),
        # "List Number" defines one level only: a deeper item has no definition, a bullet.
        (2, "• Alakohta"),
        (2, "• Toinen alakohta"),
        (0, "3. Seuranta"),
        (2, "• Uusi alakohta"),
        (0, "• Luettelo"),
        (2, "• Sisennetty"),
        (0, "1. Yksi"),
        (2, "a) Alakohta a"),
        (2, "b) Alakohta b"),
        (4, "i) Syvä"),
        (0, "2. Kaksi"),
        (2, "a) Alakohta alusta"),
        (0, "A) Iso A"),
        (0, "B) Iso B"),
        (2, "I) Roomalainen"),
        (4, "Ei merkkiä"),
        (0, "• Tuntematon"),
        (0, "Rivi yksi rivi kaksi"),
    ]


def test_merged_cells_nested_tables_and_a_second_table():
    source = read_upload(files.docx_with_merged_table())
    assert [(line.table, [(cell.column, cell.text) for cell in line.cells]) for line in source.lines] == [
        (None, [(0, "Ennen taulukkoa")]),
        (0, [(0, "Tavoite"), (1, "Mittari ja seuranta")]),
        (0, [(0, "Talouden johtaminen"), (1, "Talousarvio toteutuu"), (2, "")]),
        (0, [(0, ""), (1, "Säästöt toteutuvat"), (2, "")]),
        (0, [(0, "Henkilöstö"), (1, "Ensimmäinen\n• Toinen\nSisä A\nSisä B"), (2, "")]),
        (None, [(0, "Väli")]),
        (1, [(0, "Toinen taulukko"), (1, "")]),
    ]


# --- PDF ------------------------------------------------------------------------------------


def rows_of(source: Source, header_start: str, end: str) -> list[list]:
    """The table's rows: the physical lines between the header row (included) and the
    line starting with `end` (or the last line), split at blank lines."""
    lines = list(source.lines)
    start = next(i for i, line in enumerate(lines) if line.cells and line.cells[0].text == header_start)
    stop = next((i for i, line in enumerate(lines) if i > start and line.text.startswith(end)), len(lines))
    rows: list[list] = [[]]
    for line in lines[start:stop]:
        if line.is_blank:
            rows.append([])
        else:
            rows[-1].append(line)
    rows = [row for row in rows if row]
    for row in rows:
        assert lines[row[0].number - 2].is_blank, f"no blank line before the row at line {row[0].number}"
    return rows


def column_text(lines, left: float, right: float) -> str:
    return " ".join(cell.text for line in lines for cell in line.cells if left - 1 <= cell.column < right - 1)


def assert_goal_table(rows: list[list], headers: list[str], goals: list[tuple[str, list[str]]]) -> None:
    """The header cells at distinct x; in each row the goal title in the goal column
    (the header's x) and the metrics, "•" first, in the metric column."""
    header = rows[0]
    first = header[0].cells
    xs = [cell.column for cell in first]
    assert len(xs) == 4 and xs == sorted(set(xs)), xs
    shown = [column_text(header, x, right) for x, right in zip(xs, [*xs[1:], 10_000], strict=True)]
    # Wrapped header words: LibreOffice breaks "tammikuu/helmikuu" before the "/".
    assert [squeeze(text) for text in shown] == [squeeze(text) for text in headers]
    assert len(rows) == 1 + len(goals)
    for row, (title, metrics) in zip(rows[1:], goals, strict=True):
        assert row[0].cells[0].column == xs[0]
        assert row[0].cells[1].column == xs[1]
        assert column_text(row, xs[0], xs[1]) == title
        assert column_text(row, xs[1], xs[2]) == " ".join(f"• {metric}" for metric in metrics)
        metric_cells = [cell for line in row for cell in line.cells if xs[1] - 1 <= cell.column < xs[2] - 1]
        assert {cell.column for cell in metric_cells if cell.text.startswith("•")} == {xs[1]}


def test_a_ruled_typst_table_gives_a_blank_line_before_each_row_and_cells_at_the_columns():
    source = read_upload(files.ruled_table_pdf(), "liite.pdf")
    assert source.format == "pdf" and source.physical_lines and source.warnings == ()
    assert_numbered(source)
    assert texts(source)[:3] == [
        "Kansliapäällikön tavoitteet",
        "Tavoitteet kirjataan johtajasopimuksen liitteeksi.",
        "",
    ]
    rows = rows_of(source, "Tavoite", "\uffff")
    assert_goal_table(rows, files.HEADERS["fi"], files.seed_goals()[1:3])


def test_libreoffices_pdf_of_the_seed_word_file(seed_pdf):
    source = read_upload(seed_pdf)
    assert source.format == "pdf"
    assert_numbered(source)
    rows = rows_of(source, "Tavoite", "Tavoitteiden arviointi")
    assert_goal_table(rows, files.HEADERS["fi"], files.seed_goals())
    assert texts(source)[-1] == f"• {files.EVALUATION['fi'][-1]}"


def test_a_page_break_and_a_wide_gap_are_blank_lines():
    source = read_upload(
        files.typst_pdf("Ensimmäinen kappale\n\n#v(2cm)\nToinen kappale\n#pagebreak()\nToinen sivu\n")
    )
    assert texts(source) == ["Ensimmäinen kappale", "", "Toinen kappale", "", "Toinen sivu"]


def test_a_bullet_stays_with_its_text_unless_far_from_it():
    source = read_upload(
        files.typst_pdf(
            "#grid(columns: (1cm, 6cm), [•], [Kaukana oleva teksti])\n"
            "#grid(columns: (0.5cm, 6cm), [–], [Luettelon kohta])\n"
        )
    )
    assert [[cell.text for cell in line.cells] for line in source.lines] == [
        ["•", "Kaukana oleva teksti"],
        ["– Luettelon kohta"],
    ]


def first_cell(source: Source, text: str, bullet: bool) -> Cell:
    """The first cell that begins `text` (a line of it: the cell may end at a wrap)."""
    for line in source.lines:
        for cell in line.cells:
            shown = cell.text.removeprefix("• ") if bullet else cell.text
            if cell.text.startswith("• ") == bullet and text.startswith(shown.rstrip("\u00ad-")):
                return cell
    raise AssertionError(f"no cell begins {text!r}")


@pytest.mark.django_db
def test_suuntas_own_annex_pdf_has_the_goals_and_the_metrics_each_at_one_x(demo, tmp_path):
    source = read_upload(render_with_command(tmp_path, "annex", demo.plan))
    goals = files.seed_goals()
    titles = {first_cell(source, title, bullet=False).column for title, _metrics in goals}
    metrics = {first_cell(source, metric, bullet=True).column for _title, texts in goals for metric in texts}
    assert len(titles) == 1 and len(metrics) == 1 and titles != metrics, (titles, metrics)
    # A hyphenation break in a (bold) goal title is marked by a soft hyphen.
    assert any(cell.text.endswith("\u00ad") for line in source.lines for cell in line.cells)


def test_a_pdf_with_an_empty_user_password_opens():
    assert texts(read_upload(files.owner_locked_pdf())) == ["Avoin tavoite"]


# --- Sheets ---------------------------------------------------------------------------------


def test_an_excel_workbook_reads_each_visible_sheet_with_values_as_shown():
    source = read_upload(files.seed_xlsx(), "tavoitteet.xlsx")
    assert source.format == "xlsx" and not source.physical_lines
    assert source.warnings == (
        "Formulas without a stored value were read as empty: Tavoitteet!D4. Open and save the file in Excel "
        "or LibreOffice first, then import it again.",
    )
    goals = files.seed_goals()
    assert [(line.table, cells(Source("", (line,)))[0]) for line in source.lines] == [
        (0, list(enumerate(files.SHEET_HEADER))),
        (0, [(0, goals[0][0]), (1, goals[0][1][0]), (2, "850000"), (3, "31.8.2025")]),
        (0, [(0, goals[0][0]), (1, goals[0][1][1]), (2, "25 %"), (3, "TRUE")]),
        # Merged down: the value in the top-left cell only.
        (0, [(0, goals[1][0]), (1, goals[1][1][0]), (2, "12.5")]),
        (0, [(1, goals[1][1][1])]),
        (0, []),
        (0, [(1, "Väli jossa välejä")]),
        (None, []),
        (3, [(0, "Toinen taulukko"), (1, "3")]),
    ]


def test_a_formula_with_a_stored_value_gives_the_value():
    source = read_upload(files.xlsx_with_cached_formula())
    assert cells(source) == [[(0, "2"), (1, "3"), (2, "5")]] and source.warnings == ()


def test_an_opendocument_spreadsheet_reads_like_the_workbook():
    source = read_upload(files.seed_ods(), "tavoitteet.ods")
    assert source.format == "ods" and not source.physical_lines
    assert source.warnings == (
        "Formulas without a stored value were read as empty: Tavoitteet!D4. Open and save the file in Excel "
        "or LibreOffice first, then import it again.",
    )
    goals = files.seed_goals()
    assert [(line.table, cells(Source("", (line,)))[0]) for line in source.lines] == [
        (0, list(enumerate(files.SHEET_HEADER))),
        (0, [(0, goals[0][0]), (1, goals[0][1][0]), (2, "850000"), (3, "31.8.2025")]),
        (0, [(0, goals[0][0]), (1, goals[0][1][1]), (2, "25 %"), (3, "TRUE")]),
        (0, [(0, goals[1][0]), (1, goals[1][1][0]), (2, "12.5")]),
        (0, [(1, goals[1][1][1]), (3, "1700000")]),
        (0, []),
        (0, []),
        (0, [(1, "Ensimmäinen kappale\nToinen kappale\nrivi")]),
        # The hidden sheet is left out; a million empty rows are not read one by one.
        (None, []),
        (2, [(0, "Toinen taulukko"), (1, "x"), (2, "x"), (3, "x")]),
    ]


def test_a_long_run_of_empty_rows_is_cut_short():
    assert texts(read_upload(files.xlsx_with_empty_rows(20))) == ["Alku", "", "", "", "Loppu"]
    assert texts(read_upload(files.xlsx_with_empty_rows(2))) == ["Alku", "", "", "Loppu"]
    # Past 10 000 empty rows the sheet is taken to have ended.
    assert texts(read_upload(files.xlsx_with_empty_rows(10_001))) == ["Alku"]


# --- Bad input --------------------------------------------------------------------------------


def test_an_empty_file_or_text():
    message = (
        "The file is empty. Check that you chose the right file, or paste the text of the goals instead."
    )
    assert refused(b"") == message
    assert refused(b"  \r\n\t\n") == message
    with pytest.raises(Unreadable) as problem:
        read_text(" \n ")
    assert problem.value.message == "There is no text to import. Paste the text of the goals."


def test_a_file_over_the_limit(settings):
    settings.IMPORT_MAX_BYTES = 1000
    assert refused(b"x" * 1001) == (
        "The file is larger than 0.00095 MB, the largest that can be imported. "
        "Import only the pages with the goals, or paste their text instead."
    )
    assert read_upload(b"x" * 1000).lines[0].text == "x" * 1000
    settings.IMPORT_MAX_BYTES = 10 * 1024 * 1024
    assert "larger than 10 MB" in refused(b"x" * (10 * 1024 * 1024 + 1))


def test_an_encrypted_pdf():
    assert refused(files.encrypted_pdf()) == (
        "The PDF is password-protected. Save it without a password, or paste the text of the goals instead."
    )


def test_a_pdf_without_text():
    assert refused(files.shape_only_pdf()) == (
        "This PDF has no text (it is probably a scanned image). Paste the text instead."
    )


def test_a_pdf_over_50_pages():
    assert refused(files.many_pages_pdf(51)) == (
        "The PDF has 51 pages; at most 50 pages can be imported. Paste the text of the pages with the goals instead."
    )


def test_a_damaged_pdf():
    pdf = files.ruled_table_pdf()
    assert refused(pdf[:200]) == DAMAGED
    assert refused(b"%PDF-1.7\n" + b"garbage " * 100) == DAMAGED


@pytest.mark.parametrize("build", [files.truncated_docx, files.docx_with_broken_xml])
def test_a_damaged_word_file(build):
    assert refused(build()) == DAMAGED


def test_damaged_sheets():
    xlsx = files.zip_with({"xl/workbook.xml": b"<workbook", "[Content_Types].xml": b"<x/>"})
    assert refused(xlsx) == DAMAGED
    ods = files.zip_with({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<"})
    assert refused(ods) == DAMAGED


def test_a_word_file_with_macros():
    assert refused(files.docm()) == (
        "The file contains macros, which are not imported. Save it as a plain Word document (.docx) or Excel "
        "workbook (.xlsx) without macros and import that file."
    )


def test_an_old_or_encrypted_office_file():
    assert refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)) == (
        "This is a password-protected Office file or an old .doc or .xls file, which cannot be read. Open it "
        "in Word or Excel and save it as .docx or .xlsx without a password, then import that file."
    )


def test_a_password_protected_opendocument_file():
    ods = files.zip_with(
        {
            "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "META-INF/manifest.xml": b"<manifest:encryption-data/>",
        }
    )
    assert refused(ods) == (
        "The file is password-protected. Save it without a password, or paste the text of the goals instead."
    )


def test_a_zip_bomb_is_refused_from_its_directory():
    assert refused(files.zip_bomb(101)) == CRAFTED
    assert refused(files.zip_with_many_entries(10_001)) == CRAFTED


@pytest.mark.parametrize(
    "data",
    [
        files.png(),
        files.odt(),
        files.zip_with({"ppt/presentation.xml": b"<p/>"}),
        b"{\\rtf1\\ansi Tavoitteet}",
        b"<?xml version='1.0'?><w:wordDocument/>",
        bytes(range(256)) * 4,
        b"Tavoite\x01\x02\x03\x04\x05\x06\x07\x08 mittari",
    ],
    ids=["png", "odt", "pptx", "rtf", "xml", "binary", "controls"],
)
def test_other_kinds_of_file(data):
    assert refused(data) == UNSUPPORTED


def test_more_than_3000_lines():
    lines = "\n".join(f"Rivi {n}" for n in range(1, MAX_LINES + 2))
    assert refused(lines.encode()) == TOO_LONG
    with pytest.raises(Unreadable) as problem:
        read_text(lines)
    assert problem.value.message == TOO_LONG
    assert len(read_text(lines.rsplit("\n", 1)[0] + "\n\n\n").lines) == MAX_LINES


def test_more_than_60000_filled_cells():
    data = ("x;" * 600 + "x\n").encode() * 100
    assert refused(data, "leveä.csv") == (
        "The file is too large for a goals annex (more than 60000 filled cells). "
        "Import only the table with the goals, or paste its text."
    )


@pytest.mark.parametrize(
    "build", [files.seed_docx, files.ruled_table_pdf, files.seed_xlsx, files.seed_ods, files.docx_with_lists]
)
def test_no_library_exception_gets_out_of_a_cut_or_corrupted_file(build):
    data = build()
    for cut in (0.1, 0.5, 0.9, 0.99):
        with contextlib.suppress(Unreadable):
            read_upload(data[: int(len(data) * cut)])
    for position in range(40, len(data), max(len(data) // 15, 1)):
        flipped = bytearray(data)
        flipped[position] ^= 0xFF
        with contextlib.suppress(Unreadable):
            assert isinstance(read_upload(bytes(flipped)), Source)
