"""The demo annex as PDF/A: the seed's goals and metrics verbatim and in order, the
PDF/A-2a and PDF/UA-1 identification, tagging, title and language, A4 pages with the
table header on every page the table reaches, and the same bytes for the same data."""

import io
import json
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pypdf
import pytest
import time_machine
from django.conf import settings

from suunta.agreements import services
from suunta.documents import pdf

from .common import (
    A4,
    assert_in_order,
    build_content,
    download_url,
    label,
    normalise,
    normalise_pypdf,
    pdftotext,
    pypdf_text,
    render_with_command,
    require_tool,
    seed_texts,
    squeeze,
)

pytestmark = pytest.mark.django_db

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}


@pytest.fixture
def annex_pdf(demo, tmp_path) -> bytes:
    return render_with_command(tmp_path, "annex", demo.plan)


def xmp_value(root: ET.Element, name: str) -> str | None:
    """An XMP property written either as an element or as an attribute."""
    prefix, local = name.split(":")
    element = root.find(f".//{{{NS[prefix]}}}{local}")
    if element is not None:
        return (element.text or "").strip()
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        value = description.get(f"{{{NS[prefix]}}}{local}")
        if value is not None:
            return value
    return None


def xmp(body: bytes) -> ET.Element:
    reader = pypdf.PdfReader(io.BytesIO(body))
    stream = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    # Well-formed XML, whatever the user typed into the title.
    return ET.fromstring(stream)


# --- Text ------------------------------------------------------------------------------------


def test_the_annex_holds_every_goal_and_metric_of_the_seed_verbatim_in_order(annex_pdf):
    assert annex_pdf.startswith(b"%PDF-")
    assert_in_order(normalise(pdftotext(annex_pdf)), seed_texts(), "annex PDF (pdftotext)")


def test_pypdf_reads_the_same_texts_in_order(annex_pdf):
    assert_in_order(normalise_pypdf(pypdf_text(annex_pdf)), seed_texts(), "annex PDF (pypdf)")


def test_the_download_view_gives_the_same_document_as_the_command(demo, annex_pdf):
    response = demo.client("valmistelija").get(download_url(demo.plan, "annex", "pdf"), {"lang": "fi"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.pdf"')
    assert_in_order(normalise(pdftotext(response.content)), seed_texts(), "downloaded annex PDF")
    # Two separate renders of the same data, one per entry point: the same bytes.
    assert response.content == annex_pdf


def test_the_annex_carries_the_seeds_header_texts(demo, annex_pdf):
    text = normalise(pdftotext(annex_pdf))
    assert_in_order(
        text,
        [
            "Kansliapäällikön tavoitteet 2025",
            "26.3.2025",
            "31.3.2025",
            label("Presenting official: %(name)s", "fi", name="Aino Virtanen"),
            label("Director agreement", "fi"),
            "Kunnan strategian ja talousarvion toiminnan ja talouden tavoitteiden perusteella",
            label("Purpose of the goal discussion", "fi"),
            "Perustuu johtajasopimukseen",
            label("Goals, metrics and follow-ups", "fi"),
            label("Evaluation of the goals", "fi"),
        ],
    )


# --- PDF/A, PDF/UA, tagging ----------------------------------------------------------------


def test_pdfa_2a_and_pdfua_1_are_declared_in_the_xmp_metadata(annex_pdf):
    root = xmp(annex_pdf)
    assert xmp_value(root, "pdfaid:part") == "2"
    assert xmp_value(root, "pdfaid:conformance") == "A"
    assert xmp_value(root, "pdfuaid:part") == "1"
    titles = [li.text for li in root.iterfind(".//dc:title//rdf:li", NS)]
    assert titles == ["Kansliapäällikön tavoitteet 2025"]


def test_the_pdf_is_tagged_titled_and_in_finnish(annex_pdf):
    reader = pypdf.PdfReader(io.BytesIO(annex_pdf))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    tree = root["/StructTreeRoot"].get_object()
    assert tree.get("/K") is not None, "an empty structure tree"
    assert root["/Lang"] == "fi"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title == "Kansliapäällikön tavoitteet 2025"
    # An output intent (PDF/A) and embedded fonts only.
    assert root["/OutputIntents"]
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descendant = font.get_object()
            if "/DescendantFonts" in descendant:
                descendant = descendant["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), descriptor
            assert "LiberationSans" in str(descendant["/BaseFont"]), descendant["/BaseFont"]


def structure_types(body: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(body))
    types: set[str] = set()
    stack = [reader.trailer["/Root"]["/StructTreeRoot"].get_object()]
    seen = 0
    while stack and seen < 50_000:
        node = stack.pop()
        seen += 1
        if isinstance(node, pypdf.generic.IndirectObject):
            node = node.get_object()
        if isinstance(node, pypdf.generic.ArrayObject):
            stack.extend(node)
            continue
        if not isinstance(node, pypdf.generic.DictionaryObject):
            continue
        if "/S" in node:
            types.add(str(node["/S"]))
        if "/K" in node:
            stack.append(node["/K"])
    return types


def test_the_structure_tree_has_headings_a_table_with_header_cells_and_lists(annex_pdf):
    types = structure_types(annex_pdf)
    assert {"/H1", "/Table", "/TH", "/TD", "/L", "/LI"} <= types, sorted(types)
    assert types & {"/H2", "/H"}, sorted(types)


def test_the_swedish_annex_says_sv(demo, tmp_path):
    body = render_with_command(tmp_path, "annex", demo.plan, lang="sv")
    reader = pypdf.PdfReader(io.BytesIO(body))
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    assert reader.metadata.title == "Kanslichefens mål 2025"
    root = xmp(body)
    assert [li.text for li in root.iterfind(".//dc:language//rdf:li", NS)] == ["sv"]


# --- Pages -----------------------------------------------------------------------------------


def test_every_page_is_a4_portrait(annex_pdf):
    reader = pypdf.PdfReader(io.BytesIO(annex_pdf))
    assert len(reader.pages) >= 2, "the demo annex spans two pages; a header repeat cannot be seen on one"
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.5)


def table_pages(body: bytes, first_text: str, last_text: str) -> list[int]:
    """The pages from the one with `first_text` to the one with `last_text` (1-based)."""
    count = len(pypdf.PdfReader(io.BytesIO(body)).pages)
    texts = {n: normalise(pdftotext(body, n)) for n in range(1, count + 1)}
    first = next(n for n, text in texts.items() if first_text in text)
    last = next(n for n in reversed(texts) if last_text in texts[n])
    return list(range(first, last + 1))


def assert_header_on_every_table_page(body: bytes, headers: list[str], first_text: str, last_text: str):
    pages = table_pages(body, first_text, last_text)
    assert len(pages) >= 2, f"the table fits on one page ({pages}): nothing shows a repeated header"
    for number in pages:
        text = squeeze(pdftotext(body, number))
        missing = [h for h in headers if squeeze(h) not in text]
        assert not missing, f"page {number} lacks the table header {missing}"


def test_the_table_header_repeats_on_every_page_the_table_reaches(demo, annex_pdf):
    content = build_content(demo.plan.latest_version(), "annex", "fi")
    rows = content["table"]["rows"]
    assert_header_on_every_table_page(
        annex_pdf, content["table"]["headers"], rows[0]["goal"], rows[-1]["goal"]
    )


def test_a_long_annex_repeats_the_header_on_each_of_its_pages(demo, tmp_path):
    preparer = demo.user("valmistelija")
    version = demo.draft.versions.get()
    for number in range(1, 25):
        goal = services.add_goal_area(preparer, version, title=f"Lisätavoite {number}")
        for metric in range(1, 4):
            services.add_metric(
                preparer, goal, text=f"Lisätavoitteen {number} mittari {metric}: " + "sana " * 12
            )
    body = render_with_command(tmp_path, "annex", demo.draft)
    reader = pypdf.PdfReader(io.BytesIO(body))
    assert len(reader.pages) >= 4
    content = build_content(version, "annex", "fi")
    assert_header_on_every_table_page(
        body, content["table"]["headers"], content["table"]["rows"][0]["goal"], "Lisätavoite 24"
    )


def word_boxes(body: bytes) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) of every word, from pdftotext -bbox."""

    exe = require_tool("pdftotext", "poppler-utils")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.pdf"
        path.write_bytes(body)
        html = subprocess.run(
            [exe, "-bbox", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60
        ).stdout.decode()
    boxes = []
    for page_number, page in enumerate(re.findall(r"<page .*?</page>", html, re.S), start=1):
        for match in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page
        ):
            x0, y0, x1, y1 = (float(v) for v in match.groups()[:4])
            boxes.append((page_number, x0, y0, x1, y1, match.group(5)))
    return boxes


def assert_nothing_outside_the_margins(body: bytes) -> None:
    """Every word lies on the page, at least 1 cm inside its edge (margins are 2 cm)."""
    width, height = A4
    inset = 28.0
    outside = [
        box
        for box in word_boxes(body)
        if box[1] < inset or box[3] > width - inset or box[2] < 10 or box[4] > height - 10
    ]
    assert not outside, f"words outside the page's margins: {outside[:10]}"


def test_nothing_is_cut_off(annex_pdf):
    assert_nothing_outside_the_margins(annex_pdf)


# --- Determinism ---------------------------------------------------------------------------


def test_the_same_content_gives_the_same_bytes(demo):
    content = build_content(demo.plan.latest_version(), "annex", "fi")
    first = pdf.render(content)
    assert pdf.render(content) == first
    # Another day on the clock: the document's date is the decision's, not today's.
    with time_machine.travel("2031-06-01 03:00:00+00:00", tick=False):
        assert pdf.render(build_content(demo.plan.latest_version(), "annex", "fi")) == first


def test_another_process_renders_the_same_bytes(demo):
    """A fresh interpreter and Typst compiler: nothing process-specific (addresses,
    hash seeds, caches) reaches the document."""
    content = build_content(demo.plan.latest_version(), "annex", "fi")
    script = (
        "import json, sys\n"
        "from suunta.documents import pdf\n"
        "sys.stdout.buffer.write(pdf.render(json.loads(sys.stdin.read())))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(content).encode(),
        capture_output=True,
        timeout=120,
        env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"},
        cwd=str(settings.BASE_DIR),
    )
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == pdf.render(content)
