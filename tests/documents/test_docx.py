"""The demo annex as DOCX: real heading styles, a real table whose header row repeats,
A4, and the seed's goals and metrics in order, read by python-docx and by Debian's
LibreOffice (which also lays it out as a PDF with the header on every table page)."""

import io
import re

import pypdf
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from suunta.agreements import services

from .common import (
    A4,
    SOFT_HYPHEN,
    assert_in_order,
    build_content,
    docx_text,
    download_url,
    label,
    normalise,
    pdftotext,
    render_with_command,
    seed_texts,
    soffice_pdf,
    soffice_text,
    squeeze,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def annex_docx(demo, tmp_path) -> bytes:
    return render_with_command(tmp_path, "annex", demo.plan, fmt="docx")


def test_the_docx_has_heading_styles_and_the_seeds_texts_in_order(demo, annex_docx):
    document = Document(io.BytesIO(annex_docx))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == ("Heading 1", "Kansliapäällikön tavoitteet 2025")
    assert ("Heading 2", label("Director agreement", "fi")) in headings
    assert ("Heading 2", label("Purpose of the goal discussion", "fi")) in headings
    assert ("Heading 2", label("Evaluation of the goals", "fi")) in headings
    assert document.core_properties.title == "Kansliapäällikön tavoitteet 2025"
    assert document.core_properties.language == "fi"
    assert_in_order(normalise(docx_text(annex_docx)), seed_texts(), "annex DOCX (python-docx)")


def test_the_docx_table_is_a_real_table_with_a_repeating_header_row(demo, annex_docx):
    document = Document(io.BytesIO(annex_docx))
    assert len(document.tables) == 1
    table = document.tables[0]
    content = build_content(demo.plan.latest_version(), "annex", "fi")
    assert [cell.text for cell in table.rows[0].cells] == content["table"]["headers"]
    header = table.rows[0]._tr.trPr
    assert header is not None and header.find(qn("w:tblHeader")) is not None, "the header row does not repeat"
    assert header.find(qn("w:tblHeader")).get(qn("w:val")) in (None, "true", "1", "on")
    # Data rows do not claim to be headers.
    for row in table.rows[1:]:
        properties = row._tr.trPr
        assert properties is None or properties.find(qn("w:tblHeader")) is None
    assert len(table.rows) == 1 + 6
    goal_cells = [row.cells[0].text for row in table.rows[1:]]
    assert goal_cells == [row["goal"] for row in content["table"]["rows"]]
    # Metrics are list paragraphs within their cell, one per metric.
    first_metrics = [p.text for p in table.rows[1].cells[1].paragraphs]
    assert first_metrics == content["table"]["rows"][0]["metrics"]


def test_the_docx_page_is_a4_portrait(annex_docx):
    section = Document(io.BytesIO(annex_docx)).sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.05)
    assert abs(section.page_height - Cm(29.7)) < Cm(0.05)


def test_libreoffice_opens_the_docx_and_finds_the_same_texts_in_order(demo, annex_docx, tmp_path):
    text = normalise(soffice_text(annex_docx, tmp_path / "lo"))
    assert_in_order(text, seed_texts(), "annex DOCX (LibreOffice)")
    assert_in_order(text, ["Kansliapäällikön tavoitteet 2025", label("Director agreement", "fi")])


def test_libreoffice_lays_the_docx_out_on_a4_with_the_header_row_on_every_table_page(demo, tmp_path):
    """Enough goals for the table to run over pages; LibreOffice's PDF of the DOCX shows
    the header row (w:tblHeader) on each of them."""

    preparer = demo.user("valmistelija")
    version = demo.draft.versions.get()
    for number in range(1, 21):
        goal = services.add_goal_area(preparer, version, title=f"Lisätavoite {number}")
        for metric in range(1, 4):
            services.add_metric(preparer, goal, text=f"Lisätavoitteen {number} mittari {metric}")
    body = render_with_command(tmp_path, "annex", demo.draft, fmt="docx")
    converted = soffice_pdf(body, tmp_path / "lo")
    reader = pypdf.PdfReader(io.BytesIO(converted))
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=1)
    headers = build_content(version, "annex", "fi")["table"]["headers"]
    pages = [squeeze(pdftotext(converted, n)) for n in range(1, len(reader.pages) + 1)]
    table = [n for n, text in enumerate(pages, start=1) if "Lisätavoite" in text]
    assert len(table) >= 2, "the long table fits on one page"
    for number in table:
        missing = [h for h in headers if squeeze(h) not in pages[number - 1]]
        assert not missing, f"LibreOffice page {number} lacks the header {missing}"


def cm(length) -> float:
    return round(length / 360_000, 2)


def test_the_docx_table_columns_fit_their_content_not_equal_shares(demo, annex_docx):
    table = Document(io.BytesIO(annex_docx)).tables[0]
    grid = [cm(int(column.get(qn("w:w"))) * 635) for column in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    # Goal, metrics (a bulleted list), then the two follow-ups share the rest of 17 cm.
    assert grid == [4.5, 5.0, 3.75, 3.75]
    assert sum(grid) == pytest.approx(17.0, abs=0.02)
    for row in table.rows:  # Word reads the cells' widths
        assert [cm(cell.width) for cell in row.cells] == grid
    sizes = {
        run.font.size.pt
        for row in table.rows
        for cell in row.cells
        for p in cell.paragraphs
        for run in p.runs
    }
    assert sizes == {9.5}


def test_the_report_docx_gives_the_agreed_text_the_room(demo, tmp_path):
    body = render_with_command(tmp_path, "followup-report", demo.plan, fmt="docx", checkpoint=1)
    table = Document(io.BytesIO(body)).tables[0]
    assert [cm(cell.width) for cell in table.rows[0].cells] == [4.5, 3.0, 9.5]


def test_libreoffice_breaks_no_word_of_the_goals_or_headers(demo, annex_docx, tmp_path):
    """Equal columns broke "Johtoryhmätyöskentelyn" and "tammikuu/helmikuu" mid-word."""
    text = pdftotext(soffice_pdf(annex_docx, tmp_path / "lo")).replace(SOFT_HYPHEN, "")
    table = build_content(demo.plan.latest_version(), "annex", "fi")["table"]
    words = {
        word for line in [*table["headers"], *(row["goal"] for row in table["rows"])] for word in line.split()
    }
    broken = [
        f"{word[:cut]}|{word[cut:]}"
        for word in sorted(words)
        for cut in range(1, len(word))
        if re.search(rf"{re.escape(word[:cut])}[ \t]*\n[ \t]*{re.escape(word[cut:])}", text)
    ]
    assert not broken, f"words broken across lines: {broken}"
    assert "Johtoryhmätyöskentelyn" in text and "tammikuu/helmikuu" in text


def test_the_docx_download(demo):
    response = demo.client("valmistelija").get(download_url(demo.plan, "annex", "docx"), {"lang": "fi"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].endswith('.docx"')
    assert response.content.startswith(b"PK")
    assert_in_order(normalise(docx_text(response.content)), seed_texts(), "downloaded annex DOCX")
