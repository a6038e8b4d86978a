"""The same content as a Word document (python-docx): real headings, a real table whose
header row repeats on every page, the same texts as the PDF."""

import datetime
import io
import zipfile

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt

from .pdf import printable

TEXT_WIDTH = Cm(17)  # A4 less the 2 cm margins
TABLE_FONT_SIZE = Pt(9.5)  # four columns of text on a portrait page
MIN_SHARED = Cm(3.2)


# The leading columns' widths by document: the goal wide enough for a long Finnish
# compound on one line, then the annex's metrics (a bulleted list) or the report's
# rating (one word); the rest share what is left. Word and LibreOffice would otherwise
# give every column the same width.
LEADING_COLUMNS = {"annex": [Cm(4.5), Cm(5.0)], "followup-report": [Cm(4.5), Cm(3.0)]}


def _column_widths(count: int, kind: str) -> list:
    fixed = LEADING_COLUMNS.get(kind, [Cm(4.5)])[:count]
    rest = count - len(fixed)
    left = TEXT_WIDTH - sum(fixed)
    if not rest:  # nothing to share: the last column takes what is left
        return [*fixed[:-1], Emu(fixed[-1] + left)]
    # Many follow-ups (quarterly, say): the leading columns give way so that no shared
    # column gets narrower than MIN_SHARED, or than an equal share when even that is not
    # possible.
    shared = max(left // rest, min(MIN_SHARED, TEXT_WIDTH // count))
    scale = (TEXT_WIDTH - shared * rest) / sum(fixed)
    return [Emu(int(width * scale)) for width in fixed] + [Emu(shared)] * rest


def _set_font_size(table, size) -> None:
    # On every run: the paragraph styles (Normal, List Bullet) would win over a table
    # style's size.
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = size


def _set_column_widths(table, widths: list) -> None:
    # A fixed layout with the grid and every cell's width: Word reads the cells',
    # LibreOffice the grid's.
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _bullets(document, items) -> None:
    for item in items:
        document.add_paragraph(printable(item), style="List Bullet")


def _section(document, part: dict) -> None:
    document.add_heading(printable(part["heading"]), level=2)
    for paragraph in part.get("paragraphs", []):
        document.add_paragraph(printable(paragraph))
    _bullets(document, part.get("items", []))


def render(content: dict) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    style = document.styles["Normal"]
    style.font.name = "Liberation Sans"
    style.font.size = Pt(10)
    properties = document.core_properties
    properties.title = printable(content["title"])
    properties.author = printable(content["organization"])
    properties.language = content["lang"]
    # Fixed metadata dates: the same content gives the same document text.

    day = datetime.datetime.fromisoformat(content["date"] + "T12:00:00")
    properties.created = properties.modified = day
    properties.last_modified_by = "Suunta"
    properties.revision = 1

    section.header.paragraphs[0].text = printable(f"{content['organization']}\t\t{content['title']}")
    section.footer.paragraphs[0].text = printable(content["footer"])

    document.add_heading(printable(content["title"]), level=1)
    for line in (content["handling_line"], content["presenter"]):
        if line:
            document.add_paragraph(printable(line))
    for part in content["sections"]:
        _section(document, part)

    table_content = content["table"]
    document.add_paragraph(printable(table_content["caption"]), style="Caption")
    headers = table_content["headers"]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(printable(text)).bold = True
    _repeat_header(table.rows[0])
    annex = content["kind"] == "annex"
    for row in table_content["rows"]:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(printable(row["goal"])).bold = True
        for objective in row.get("objectives", []):  # where the annex names them
            cells[0].add_paragraph(printable(objective))
        offset = 1
        if annex:
            cells[1].text = ""
            for index, metric in enumerate(row["metrics"]):
                paragraph = cells[1].paragraphs[0] if index == 0 else cells[1].add_paragraph()
                paragraph.style = document.styles["List Bullet"]
                paragraph.add_run(printable(metric))
            offset = 2
        for index, text in enumerate(row["followups"]):
            cells[offset + index].text = printable(text)
    _set_column_widths(table, _column_widths(len(headers), content["kind"]))
    _set_font_size(table, TABLE_FONT_SIZE)

    for part in content.get("after_table", []):  # the report's: what the goals serve
        document.add_heading(printable(part["heading"]), level=2)
        for paragraph in part.get("paragraphs", []):
            document.add_paragraph(printable(paragraph))
        for item in part["items"]:
            document.add_paragraph(printable(item["text"]), style="List Bullet")
            for sub_item in item["items"]:
                document.add_paragraph(printable(sub_item), style="List Bullet 2")

    document.add_heading(printable(content["closing"]["heading"]), level=2)
    _bullets(document, content["closing"]["items"])
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_timestamps(buffer.getvalue())


def _fixed_timestamps(package: bytes) -> bytes:
    """The same package with every member dated 1.1.1980: python-docx stamps the zip
    entries with the clock (2-second steps), so two renders of the same content would
    differ in bytes when they straddle a step."""
    source = zipfile.ZipFile(io.BytesIO(package))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            target.writestr(fixed, source.read(info.filename))
    return output.getvalue()
