"""Test files for the import readers, built from code (never stored binaries, never a real
municipality's document): the seed document as a municipality's Word file and the PDF
LibreOffice makes of it, Word files with tracked changes, comments and lists, sheets,
Typst PDFs and broken or hostile files."""

import datetime as dt
import hashlib
import io
import os
import subprocess
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pypdf
import typst
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style, TableProperties
from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
from odf.text import LineBreak, P, S

from suunta.demo.data import ORGANIZATIONS

FONTS = Path(__file__).resolve().parents[2] / "suunta" / "documents" / "fonts"

# --- The seed document -------------------------------------------------------------------

PLAN = ORGANIZATIONS[0]["plan"]

TITLE = {"fi": "Kansliapäällikön tavoitteet", "sv": "Kanslichefens mål"}
DECISIONS = {"fi": "26.3.2025 Poljory, 31.3.2025 KH", "sv": "26.3.2025 Pol. ledningsgr., 31.3.2025 KS"}
INTRO_HEADING = {"fi": "Johtajasopimus", "sv": "Direktörsavtal"}
INTRO = {
    "fi": (
        "Kunnan strategian ja talousarvion toiminnan ja talouden tavoitteiden perusteella "
        "määritellään niiden toimeenpanoon liittyvät kansliapäällikön vuosittaiset tavoitteet. "
        "Pormestari, apulaispormestarit ja valtuuston puheenjohtaja käyvät vuosittain "
        "kansliapäällikön kanssa tavoite- ja kehityskeskustelut. Ensimmäisen 12 kk aikana "
        "tavoitteiden edistymistä seurataan 2 kertaa. Keskusteluissa arvioidaan edellisen vuoden "
        "tavoitteiden toteutumista, asetetaan tulevat tavoitteet ja käydään läpi koulutus- ja "
        "kehittymistarpeet. Keskusteluun pohjautuen kunnanhallitus hyväksyy kansliapäällikön "
        "vuositavoitteet. Tavoitteet kirjataan johtajasopimuksen liitteeksi otettavaan asiakirjaan ja "
        "ne ovat vuosittain päivitettävä osa sopimusta."
    ),
    "sv": (
        "Kanslichefens årliga mål fastställs utgående från kommunens strategi och budget. "
        "Kommunstyrelsen godkänner målen, som är en bilaga till direktörsavtalet."
    ),
}
PURPOSE_HEADING = {"fi": "Tavoitekeskustelun tarkoitus", "sv": "Syftet med målsamtalet"}
PURPOSE = {
    "fi": [
        "Perustuu johtajasopimukseen",
        "Kunnan strategiaa tukeva johtaminen sekä tekemisen painopisteiden kirkastaminen",
        "Kansliapäällikön johtamistyön tavoitteiden ja niiden arviointikriteerien asettaminen ja "
        "seuraaminen -> kansliapäällikön työssä onnistumisen edellytysten tukeminen ja työsuorituksen arviointi",
        "Kansliapäällikön työn ja tavoitteiden etenemisen säännöllinen arviointi.",
        "Poliittisen ja operatiivisen johdon yhteistyön kehittäminen",
        "Kansliapäällikön osaamisen kehittäminen ja työhyvinvoinnin varmistaminen",
    ],
    "sv": [
        "Grundar sig på direktörsavtalet",
        "Ledarskap som stöder kommunens strategi",
        "Mål för kanslichefens ledningsarbete och kriterier för utvärderingen",
        "Regelbunden utvärdering av kanslichefens arbete",
        "Utveckling av samarbetet mellan den politiska och operativa ledningen",
        "Utveckling av kanslichefens kompetens och arbetsvälbefinnande",
    ],
}
HEADERS = {
    "fi": ["Tavoite", "Mittari", "Seuranta elokuu 2025", "Seuranta tammikuu/helmikuu 2026"],
    "sv": ["Mål", "Mätare", "Uppföljning augusti 2025", "Uppföljning januari/februari 2026"],
}
EVALUATION_HEADING = {"fi": "Tavoitteiden arviointi", "sv": "Utvärdering av målen"}
EVALUATION = {
    "fi": [
        "Tavoitteet käyty läpi kansliapäällikön kanssa 26.3.2025 poljoryssä ja KH 31.3.2025",
        "Tavoitteiden toteutumista arvioidaan : elokuussa 2025 ja tammikuu/helmikuu 2026.",
        "Tarkoituksena työssä tukeminen",
        "Tavoitteiden toteutumista seurataan poliittisessa johtoryhmässä.",
        "Tavoitteiden toteutumisesta raportoidaan kunnanhallitukselle.",
    ],
    "sv": [
        "Målen gicks igenom med kanslichefen 26.3.2025 och i KS 31.3.2025",
        "Målen utvärderas i augusti 2025 och januari/februari 2026.",
        "Syftet är att stöda arbetet",
        "Målen följs upp i den politiska ledningsgruppen.",
        "Kommunstyrelsen får en rapport om hur målen uppnåtts.",
    ],
}


COLUMN_WIDTHS = (5.3, 6.4, 2.4, 2.4)  # cm, on a Letter page with 1 in margins: 16.5 cm


def seed_goals(swedish: bool = False) -> list[tuple[str, list[str]]]:
    """The demo's first plan: (goal title, [metric texts]) in one language."""
    index = 1 if swedish else 0
    return [(goal[index], [metric[index] for metric in metrics]) for *goal, metrics in PLAN["goals"]]


def checkpoint_labels(swedish: bool = False) -> list[str]:
    return [checkpoint[1 if swedish else 0] for checkpoint in PLAN["checkpoints"]]


def seed_docx(swedish: bool = False) -> bytes:
    """The seed document as a municipality's Word file: title, decisions, the intro, the
    purpose as bullets, the goal table (a metric per "List Bullet" paragraph), the
    evaluation as bullets."""
    lang = "sv" if swedish else "fi"
    document = Document()
    document.add_heading(TITLE[lang], level=1)
    document.add_paragraph(DECISIONS[lang])
    document.add_paragraph()
    document.add_heading(INTRO_HEADING[lang], level=2)
    document.add_paragraph(INTRO[lang])
    document.add_heading(PURPOSE_HEADING[lang], level=2)
    for item in PURPOSE[lang]:
        document.add_paragraph(item, style="List Bullet")
    goals = seed_goals(swedish)
    table = document.add_table(rows=1 + len(goals), cols=4)
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, COLUMN_WIDTHS, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
    for cell, header in zip(table.rows[0].cells, HEADERS[lang], strict=True):
        cell.text = header
    for row, (title, metrics) in zip(table.rows[1:], goals, strict=True):
        row.cells[0].text = title
        metric_cell = row.cells[1]
        metric_cell.paragraphs[0].text = metrics[0]
        metric_cell.paragraphs[0].style = document.styles["List Bullet"]
        for metric in metrics[1:]:
            metric_cell.add_paragraph(metric, style="List Bullet")
    document.add_paragraph()
    document.add_heading(EVALUATION_HEADING[lang], level=2)
    for item in EVALUATION[lang]:
        document.add_paragraph(item, style="List Bullet")
    return docx_bytes(document)


def docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- Word files with tracked changes, comments and lists ---------------------------------


def _run(text: str, tag: str = "w:t"):
    run = OxmlElement("w:r")
    t = OxmlElement(tag)
    t.text = text
    t.set(qn("xml:space"), "preserve")
    run.append(t)
    return run


def _revision(tag: str, run):
    element = OxmlElement(tag)
    element.set(qn("w:id"), "1" if tag == "w:ins" else "2")
    element.set(qn("w:author"), "Sari Heikkinen")
    element.set(qn("w:date"), "2025-03-20T10:00:00Z")
    element.append(run)
    return element


def docx_with_tracked_changes() -> bytes:
    """ "Talouden " + inserted "tasapainon " + deleted "vanha " + "johtaminen", and a
    paragraph whose only text was deleted, and a tab between two words."""
    document = Document()
    paragraph = document.add_paragraph("Talouden ")
    paragraph._p.append(_revision("w:ins", _run("tasapainon ")))
    paragraph._p.append(_revision("w:del", _run("vanha ", "w:delText")))
    paragraph.add_run("johtaminen")
    tabbed = document.add_paragraph("Mittari")
    tabbed.add_run().add_tab()
    tabbed.add_run("Tavoitetaso")
    moved = document.add_paragraph("Pysyvä teksti")
    move_from = OxmlElement("w:moveFrom")
    move_from.set(qn("w:id"), "3")
    move_from.set(qn("w:author"), "Sari Heikkinen")
    move_from.append(_run(" siirretty pois"))
    moved._p.append(move_from)
    return docx_bytes(document)


def docx_with_comment() -> bytes:
    document = Document()
    paragraph = document.add_paragraph()
    run = paragraph.add_run("Henkilöstöjohtaminen")
    document.add_comment(run, text="Tarkista tämä kommentti", author="Sari Heikkinen", initials="SH")
    document.add_paragraph("Toinen kappale")
    return docx_bytes(document)


def _set_level(paragraph, level: int) -> None:
    """numPr with only an ilvl: the numId still comes from the paragraph's style."""
    p_pr = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    num_pr.append(ilvl)
    p_pr.append(num_pr)


def _add_num(document, abstract_id: int, formats: list[str]) -> int:
    """A numbering definition of our own: one lvl per format; returns its numId."""
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(abstract_id))
    for level, fmt in enumerate(formats):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(level))
        start = OxmlElement("w:start")
        start.set(qn("w:val"), "1")
        num_fmt = OxmlElement("w:numFmt")
        num_fmt.set(qn("w:val"), fmt)
        lvl.extend([start, num_fmt])
        abstract.append(lvl)
    first_num = numbering.find(qn("w:num"))
    first_num.addprevious(abstract)
    num = OxmlElement("w:num")
    num_id = 100 + abstract_id
    num.set(qn("w:numId"), str(num_id))
    abstract_ref = OxmlElement("w:abstractNumId")
    abstract_ref.set(qn("w:val"), str(abstract_id))
    num.append(abstract_ref)
    numbering.append(num)
    return num_id


def _numbered(document, text: str, num_id: int, level: int = 0):
    paragraph = document.add_paragraph(text)
    p_pr = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    num_id_element = OxmlElement("w:numId")
    num_id_element.set(qn("w:val"), str(num_id))
    num_pr.extend([ilvl, num_id_element])
    p_pr.append(num_pr)
    return paragraph


def docx_with_lists() -> bytes:
    """ "List Number" items (one with a nested ilvl 1 item under it), "List Bullet" items
    with a nested one, a list of our own (decimal / lowerLetter / lowerRoman), upper
    letters, a numId without a definition, and a soft line break."""
    document = Document()
    document.add_paragraph("Tavoitteet", style="List Number")
    document.add_paragraph("Mittarit", style="List Number")
    _set_level(document.add_paragraph("Alakohta", style="List Number"), 1)
    _set_level(document.add_paragraph("Toinen alakohta", style="List Number"), 1)
    document.add_paragraph("Seuranta", style="List Number")
    _set_level(document.add_paragraph("Uusi alakohta", style="List Number"), 1)
    document.add_paragraph("Luettelo", style="List Bullet")
    _set_level(document.add_paragraph("Sisennetty", style="List Bullet"), 1)
    own = _add_num(document, 50, ["decimal", "lowerLetter", "lowerRoman"])
    _numbered(document, "Yksi", own)
    _numbered(document, "Alakohta a", own, 1)
    _numbered(document, "Alakohta b", own, 1)
    _numbered(document, "Syvä", own, 2)
    _numbered(document, "Kaksi", own)
    _numbered(document, "Alakohta alusta", own, 1)
    upper = _add_num(document, 51, ["upperLetter", "upperRoman", "none"])
    _numbered(document, "Iso A", upper)
    _numbered(document, "Iso B", upper)
    _numbered(document, "Roomalainen", upper, 1)
    _numbered(document, "Ei merkkiä", upper, 2)
    _numbered(document, "Tuntematon", 999)
    broken = document.add_paragraph("Rivi yksi")
    broken.add_run().add_break(WD_BREAK.LINE)
    broken.add_run("rivi kaksi")
    return docx_bytes(document)


def docx_with_merged_table() -> bytes:
    """A goal cell merged down over two metric rows, a header cell merged across two
    columns, a nested table and an empty paragraph inside a cell."""
    document = Document()
    document.add_paragraph("Ennen taulukkoa")
    table = document.add_table(rows=4, cols=3)
    header = table.cell(0, 1).merge(table.cell(0, 2))
    table.cell(0, 0).text = "Tavoite"
    header.text = "Mittari ja seuranta"
    goal = table.cell(1, 0).merge(table.cell(2, 0))
    goal.text = "Talouden johtaminen"
    table.cell(1, 1).text = "Talousarvio toteutuu"
    table.cell(2, 1).text = "Säästöt toteutuvat"
    table.cell(3, 0).text = "Henkilöstö"
    cell = table.cell(3, 1)
    cell.text = "Ensimmäinen"
    cell.add_paragraph("")
    cell.add_paragraph("Toinen", style="List Bullet")
    nested = cell.add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "Sisä A"
    nested.cell(0, 1).text = "Sisä B"
    document.add_paragraph("Väli")
    second = document.add_table(rows=1, cols=2)
    second.cell(0, 0).text = "Toinen taulukko"
    return docx_bytes(document)


# --- LibreOffice ------------------------------------------------------------------------

_PDF_CACHE: dict[str, bytes] = {}


def pdf_from_docx(data: bytes) -> bytes:
    """The Word file laid out as a PDF by LibreOffice (cached per input: seconds each)."""
    key = hashlib.sha256(data).hexdigest()
    if key not in _PDF_CACHE:
        _PDF_CACHE[key] = _soffice_pdf(data)
    return _PDF_CACHE[key]


def _soffice_pdf(data: bytes) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = work / "document.docx"
        source.write_bytes(data)
        profile = (work / "profile").as_uri()
        result = subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(source),
            ],
            capture_output=True,
            timeout=180,
            env={**os.environ, "HOME": str(work / "home")},
            check=False,
        )
        converted = work / "document.pdf"
        if result.returncode != 0 or not converted.is_file():
            raise RuntimeError(
                f"LibreOffice made no PDF (exit {result.returncode}):\n"
                f"{result.stdout.decode(errors='replace')}\n{result.stderr.decode(errors='replace')}"
            )
        return converted.read_bytes()


# --- Typst PDFs -------------------------------------------------------------------------

PAGE = '#set page(paper: "a4", margin: 2cm)\n#set text(font: "Liberation Sans", size: 10pt, lang: "fi")\n'


def typst_pdf(source: str) -> bytes:
    return typst.compile((PAGE + source).encode(), font_paths=[str(FONTS)], ignore_system_fonts=True)


def _typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ruled_table_pdf() -> bytes:
    """A heading, a paragraph, and the seed's goal table with strokes (the metric column
    narrow enough for long metrics to wrap), two of its goals."""
    cells = [f"[*{header}*]" for header in HEADERS["fi"]]
    for title, metrics in seed_goals()[1:3]:
        items = ", ".join(f"[{_typst_string(m)[1:-1]}]" for m in metrics)
        cells += [f"[{title}]", f"[#list({items})]", "[]", "[]"]
    return typst_pdf(
        "= Kansliapäällikön tavoitteet\n\n"
        "Tavoitteet kirjataan johtajasopimuksen liitteeksi.\n\n"
        "#table(columns: (4cm, 7cm, 2.5cm, 2.5cm), stroke: 0.5pt, inset: 5pt,\n" + ",\n".join(cells) + ")\n"
    )


def shape_only_pdf() -> bytes:
    """A page with only a rectangle: no text (as a scanned page)."""
    return typst_pdf("#rect(width: 5cm, height: 3cm, fill: gray)\n")


def many_pages_pdf(pages: int) -> bytes:
    return typst_pdf("\n#pagebreak()\n".join(f"Sivu {n}" for n in range(1, pages + 1)))


def encrypted_pdf() -> bytes:
    """A PDF that opens only with a password."""
    reader = pypdf.PdfReader(io.BytesIO(typst_pdf("Salainen tavoite\n")))
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.encrypt(user_password="salasana", owner_password="omistaja", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def owner_locked_pdf() -> bytes:
    """Encrypted with an empty user password (printing restricted): opens without one."""
    reader = pypdf.PdfReader(io.BytesIO(typst_pdf("Avoin tavoite\n")))
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.encrypt(user_password="", owner_password="omistaja", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- Sheets -----------------------------------------------------------------------------

SHEET_HEADER = ["Tavoite", "Mittari", "Tavoitetaso", "Seuranta"]


def seed_xlsx() -> bytes:
    """One row per metric: the first goal's title repeated on each of its rows, the
    second's merged down its rows; a number, a percentage, a date, a boolean, a formula
    without a stored value (openpyxl writes none), a hidden sheet and a second sheet."""
    goals = seed_goals()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Tavoitteet"
    sheet.append(SHEET_HEADER)
    for metric in goals[0][1]:
        sheet.append([goals[0][0], metric])
    first = sheet.max_row + 1
    for metric in goals[1][1]:
        sheet.append([None, metric])
    sheet.cell(first, 1, goals[1][0])
    sheet.merge_cells(start_row=first, start_column=1, end_row=sheet.max_row, end_column=1)
    sheet.cell(2, 3, 850000.0)
    sheet.cell(3, 3, 0.25).number_format = "0%"
    sheet.cell(4, 3, 12.5)
    sheet.cell(2, 4, dt.date(2025, 8, 31))
    sheet.cell(3, 4, True)
    sheet.cell(4, 4, "=C2*2")
    sheet.append([])
    sheet.append([None, "  Väli   jossa  välejä  "])
    hidden = workbook.create_sheet("Piilotettu")
    hidden.append(["Ei näy"])
    hidden.sheet_state = "hidden"
    workbook.create_sheet("Tyhjä")
    other = workbook.create_sheet("Toinen")
    other.append(["Toinen taulukko", 3])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_with_empty_rows(count: int = 20) -> bytes:
    """ "Alku", `count` empty rows (styled, so present in the file), "Loppu"."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.cell(1, 1, "Alku")
    for row in range(2, count + 2):
        sheet.cell(row, 1).number_format = "0.00"
    sheet.cell(count + 2, 1, "Loppu")
    return _workbook_bytes(workbook)


def _workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_with_cached_formula() -> bytes:
    """A formula with a stored result, as Excel saves it (openpyxl cannot write one, so
    the value is put into the sheet's XML)."""
    workbook = openpyxl.Workbook()
    workbook.active.append([2, 3, "=A1+B1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _rewrite_member(
        buffer.getvalue(), "xl/worksheets/sheet1.xml", b"<f>A1+B1</f><v></v>", b"<f>A1+B1</f><v>5</v>"
    )


def _rewrite_member(data: bytes, name: str, old: bytes, new: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == name:
                assert old in content, content[:2000]
                content = content.replace(old, new)
            target.writestr(info, content)
    return out.getvalue()


def _ods_cell(text=None, **attributes):
    cell = TableCell(**attributes)
    if text is not None:
        cell.addElement(P(text=text))
    return cell


def seed_ods() -> bytes:
    """The same table as seed_xlsx() in an OpenDocument spreadsheet: the second goal's
    cell spanning its rows (covered cells below), numbers, a date, a truth value, a
    formula without a stored value and one with, a cell of two paragraphs with repeated
    spaces (text:s) and a line break, LibreOffice's repeated empty tail of rows and
    columns, a hidden sheet and a second sheet."""
    goals = seed_goals()
    document = OpenDocumentSpreadsheet()
    hidden_style = Style(name="ta-hidden", family="table")
    hidden_style.addElement(TableProperties(display="false"))
    document.automaticstyles.addElement(hidden_style)
    table = Table(name="Tavoitteet")
    table.addElement(TableColumn(numbercolumnsrepeated="1024"))
    rows = [[_ods_cell(text) for text in SHEET_HEADER]]
    for metric in goals[0][1]:
        rows.append([_ods_cell(goals[0][0]), _ods_cell(metric)])
    second = goals[1]
    rows.append([_ods_cell(second[0], numberrowsspanned=str(len(second[1]))), _ods_cell(second[1][0])])
    for metric in second[1][1:]:
        rows.append([CoveredTableCell(), _ods_cell(metric)])
    rows[1] += [
        _ods_cell("850 000", valuetype="float", value="850000"),
        _ods_cell("31.08.25", valuetype="date", datevalue="2025-08-31"),
    ]
    rows[2] += [
        _ods_cell("25 %", valuetype="percentage", value="0.25"),
        _ods_cell("TOSI", valuetype="boolean", booleanvalue="true"),
    ]
    rows[3] += [
        _ods_cell("12,5", valuetype="float", value="12.5"),
        TableCell(formula="of:=[.C2]*2"),
    ]
    rows[4] += [_ods_cell(), _ods_cell("1700000", formula="of:=[.C2]*2", valuetype="float", value="1700000")]
    two_paragraphs = TableCell()
    two_paragraphs.addElement(P(text="Ensimmäinen kappale"))
    second_paragraph = P(text="Toinen")
    second_paragraph.addElement(S(c="3"))
    second_paragraph.addText("kappale")
    second_paragraph.addElement(LineBreak())
    second_paragraph.addText("rivi")
    two_paragraphs.addElement(second_paragraph)
    empty_rows = TableRow(numberrowsrepeated="2")
    empty_rows.addElement(TableCell(numbercolumnsrepeated="1024"))
    for cells in rows:
        table.addElement(_ods_row(cells))
    table.addElement(empty_rows)
    table.addElement(_ods_row([_ods_cell(), two_paragraphs]))
    tail = TableRow(numberrowsrepeated="1048560")
    tail.addElement(TableCell(numbercolumnsrepeated="1024"))
    table.addElement(tail)
    document.spreadsheet.addElement(table)
    hidden = Table(name="Piilotettu", stylename=hidden_style)
    hidden.addElement(_ods_row([_ods_cell("Ei näy")]))
    document.spreadsheet.addElement(hidden)
    other = Table(name="Toinen")
    other.addElement(_ods_row([_ods_cell("Toinen taulukko"), _ods_cell("x", numbercolumnsrepeated="3")]))
    document.spreadsheet.addElement(other)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _ods_row(cells):
    row = TableRow()
    for cell in cells:
        row.addElement(cell)
    row.addElement(TableCell(numbercolumnsrepeated="1020"))
    return row


def seed_csv() -> bytes:
    """The goal table as Excel's Finnish "CSV (semicolon separated)" writes it: cp1252."""
    lines = ["Tavoite;Mittari;Seuranta"]
    for title, metrics in seed_goals()[:2]:
        lines.append(f"{title};{metrics[0]};")
        lines += [f";{metric};" for metric in metrics[1:]]
    lines.append(";;")
    lines.append('Työhyvinvointi;"Mittari; jossa puolipiste";x')
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


# --- Broken and hostile files -------------------------------------------------------------


def truncated_docx() -> bytes:
    data = seed_docx()
    return data[: len(data) // 2]


def docx_with_broken_xml() -> bytes:
    """A sound zip whose document.xml is not well-formed."""
    return _rewrite_member(seed_docx(), "word/document.xml", b"<w:body>", b"<w:body><w:p><w:r>")


def docm() -> bytes:
    """A Word file with macros: a vbaProject.bin beside the document."""
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(seed_docx()))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macros")
    return out.getvalue()


def zip_with(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in members.items():
            target.writestr(name, content)
    return out.getvalue()


def zip_bomb(megabytes: int = 101) -> bytes:
    """A "Word file" whose one extra member unpacks to `megabytes` MB of zeros."""
    out = io.BytesIO()
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        target.writestr("word/document.xml", b"<w:document/>")
        with target.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(chunk)
    return out.getvalue()


def zip_with_many_entries(count: int = 10_001) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        target.writestr("xl/workbook.xml", b"<workbook/>")
        for n in range(count):
            target.writestr(f"xl/media/{n}.bin", b"")
    return out.getvalue()


def odt() -> bytes:
    return zip_with({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


def png() -> bytes:
    """A 1×1 PNG."""
    return bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
    )
