"""The demo annex as DOCX: real heading styles, a real table whose header row repeats,
A4, and the seed's goals and metrics in order, read by python-docx and by Debian's
LibreOffice (which also lays it out as a PDF with the header on every table page)."""

import io

import pypdf
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from .common import (
    A4,
    assert_in_order,
    build_content,
    docx_text,
    download_url,
    label,
    normalise,
    pdftotext,
    render_with_command,
    require_tool,
    seed_texts,
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
    import os
    import subprocess

    from suunta.agreements import services

    preparer = demo.user("valmistelija")
    version = demo.draft.versions.get()
    for number in range(1, 21):
        goal = services.add_goal_area(preparer, version, title=f"Lisätavoite {number}")
        for metric in range(1, 4):
            services.add_metric(preparer, goal, text=f"Lisätavoitteen {number} mittari {metric}")
    body = render_with_command(tmp_path, "annex", demo.draft, fmt="docx")
    workdir = tmp_path / "lo"
    workdir.mkdir()
    (workdir / "long.docx").write_bytes(body)
    exe = require_tool("soffice", "libreoffice-writer-nogui")
    result = subprocess.run(
        [
            exe,
            f"-env:UserInstallation={(workdir / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            str(workdir / "long.docx"),
        ],
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(workdir / "home")},
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    converted = (workdir / "long.pdf").read_bytes()
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


def test_the_docx_download(demo):
    response = demo.client("valmistelija").get(download_url(demo.plan, "annex", "docx"), {"lang": "fi"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"].endswith('.docx"')
    assert response.content.startswith(b"PK")
    assert_in_order(normalise(docx_text(response.content)), seed_texts(), "downloaded annex DOCX")
