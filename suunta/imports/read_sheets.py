"""Spreadsheets: Excel (.xlsx, openpyxl) and OpenDocument (.ods, odfpy).

Each visible sheet with content in order, a Line per row with `table` = the sheet's
index, a Cell per non-empty cell at its column index. Values as a Finnish user sees
them: 850000 (no ".0"), 25 %, 31.8.2025. A merged cell's value is in its top-left cell
only, the others are empty, as the parser expects. A formula is read from the value
its program stored when saving; one without a stored value is empty, with a warning."""

import datetime as dt
import io
import math
import re

import openpyxl
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from odf.namespaces import OFFICENS, STYLENS, TABLENS, TEXTNS
from odf.opendocument import load as load_ods
from openpyxl.utils import get_column_letter

from .read_text import BLANK, MAX_CELLS, MAX_LINES, Row, clean, damaged, finish, too_long, too_many_cells
from .source import Cell, Source, Unreadable

MAX_BLANK_RUN = 3  # empty rows in a row kept as blank Lines; longer runs are cut to this
MAX_COLUMNS = 1024  # cells further right are not read
MAX_EMPTY_ROWS = 10_000  # an Excel sheet ends after this many empty rows in a row
LISTED_FORMULAS = 10


class _Collector:
    """Rows of the sheets, with runs of empty rows cut short and no tail of empty rows."""

    def __init__(self):
        self.rows: list[Row] = []
        self.blanks = 0
        self.separate = False
        self.cells = 0
        self.formulas: list[str] = []  # "Sheet!C4" of formulas without a stored value

    def sheet_start(self) -> None:
        """Before each sheet: a blank Line will separate it from the sheet before."""
        self.blanks = 0
        self.separate = bool(self.rows)

    def add(self, cells: list[Cell], table: int, repeat: int = 1) -> None:
        if not cells:
            self.blanks += repeat
            return
        if self.separate:
            self.rows.append(BLANK)
            self.separate = False
        self.rows += [BLANK._replace(table=table)] * min(self.blanks, MAX_BLANK_RUN)
        self.blanks = 0
        for _repeat in range(min(repeat, MAX_LINES + 1)):
            self.rows.append(Row(tuple(cells), table=table))
            self.cells += len(cells)
            if len(self.rows) > MAX_LINES:
                raise too_long()
            if self.cells > MAX_CELLS:
                raise too_many_cells()

    def warnings(self) -> list[str]:
        if not self.formulas:
            return []
        listed = ", ".join(self.formulas[:LISTED_FORMULAS]) + (
            " …" if len(self.formulas) > LISTED_FORMULAS else ""
        )
        return [
            _(
                "Formulas without a stored value were read as empty: %(cells)s. Open and save the file "
                "in Excel or LibreOffice first, then import it again."
            )
            % {"cells": listed}
        ]


# --- Values -----------------------------------------------------------------------------


def number(value: float | int) -> str:
    """850000.0 → "850000", 12.5 → "12.5", without binary noise (0.1 + 0.2 → "0.3")."""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format(value, ".15g")


def date_text(value: dt.date | dt.datetime) -> str:
    text = f"{value.day}.{value.month}.{value.year}"
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        text += f" {time_text(value.time())}"
    return text


def time_text(value: dt.time) -> str:
    return f"{value.hour}.{value.minute:02d}"


def boolean_text(value: bool) -> str:
    return pgettext("spreadsheet value", "TRUE") if value else pgettext("spreadsheet value", "FALSE")


def value_text(value, number_format: str = "General") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return boolean_text(value)
    if isinstance(value, dt.datetime | dt.date):
        return date_text(value)
    if isinstance(value, dt.time):
        return time_text(value)
    if isinstance(value, int | float):
        if "%" in (number_format or ""):
            return f"{number(round(value * 100, 10))} %"
        return number(value)
    return clean(str(value), multiline=True)


# --- Excel ------------------------------------------------------------------------------


def read_xlsx(data: bytes) -> Source:
    collector = _Collector()
    try:
        formulas = _xlsx_formulas(data)
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for index, sheet in enumerate(workbook.worksheets):
                if sheet.sheet_state == "visible":
                    _xlsx_sheet(sheet, index, formulas, collector)
        finally:
            workbook.close()
    except Unreadable:
        raise
    except Exception as error:  # zipfile, XML, openpyxl: a damaged file
        raise damaged() from error
    return finish("xlsx", collector.rows, physical=False, warnings=collector.warnings())


def _xlsx_rows(sheet):
    """(row number, cells up to MAX_COLUMNS) of the sheet's rows, up to a run of
    MAX_EMPTY_ROWS empty rows: what follows is taken as nothing (styled empty rows)."""
    sheet.reset_dimensions()  # a wrong <dimension> never makes us pad millions of cells
    empty = 0
    for row_number, row in enumerate(sheet.iter_rows(), start=1):
        cells = row[:MAX_COLUMNS]
        empty = 0 if any(getattr(cell, "value", None) is not None for cell in cells) else empty + 1
        if empty > MAX_EMPTY_ROWS:
            return
        yield row_number, cells


def _xlsx_formulas(data: bytes) -> set[tuple[int, int, int]]:
    """(sheet, row, column) of every formula cell."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    found = set()
    try:
        for index, sheet in enumerate(workbook.worksheets):
            for row_number, row in _xlsx_rows(sheet):
                found.update(
                    (index, row_number, column)
                    for column, cell in enumerate(row)
                    if getattr(cell, "data_type", None) == "f"
                )
    finally:
        workbook.close()
    return found


def _xlsx_sheet(sheet, index: int, formulas: set, collector: _Collector) -> None:
    collector.sheet_start()
    for row_number, row in _xlsx_rows(sheet):
        cells = []
        for column, cell in enumerate(row):
            value = getattr(cell, "value", None)
            if value is None and (index, row_number, column) in formulas:
                collector.formulas.append(f"{sheet.title}!{get_column_letter(column + 1)}{row_number}")
            text = value_text(value, getattr(cell, "number_format", "General"))
            if text:
                cells.append(Cell(column, text))
        collector.add(cells, index)


# --- OpenDocument -----------------------------------------------------------------------

_TABLE = (TABLENS, "table")
_ROW = (TABLENS, "table-row")
_CELL = (TABLENS, "table-cell")
_COVERED = (TABLENS, "covered-table-cell")
_ROW_GROUPS = {(TABLENS, "table-header-rows"), (TABLENS, "table-row-group"), (TABLENS, "table-rows")}
_PARAGRAPHS = {(TEXTNS, "p"), (TEXTNS, "h")}
_SKIPPED = {(OFFICENS, "annotation"), (TEXTNS, "note")}
_DURATION = re.compile(r"^-?PT?(?:(\d+)H)?(?:(\d+)M)?")


def read_ods(data: bytes) -> Source:
    collector = _Collector()
    try:
        document = load_ods(io.BytesIO(data))
        hidden = _hidden_table_styles(document)
        sheets = [child for child in document.spreadsheet.childNodes if _qname(child) == _TABLE]
        for index, sheet in enumerate(sheets):
            if sheet.getAttrNS(TABLENS, "style-name") not in hidden:
                _ods_sheet(sheet, index, collector)
    except Unreadable:
        raise
    except Exception as error:  # zipfile, XML, odfpy: a damaged file
        raise damaged() from error
    return finish("ods", collector.rows, physical=False, warnings=collector.warnings())


def _qname(node):
    return getattr(node, "qname", None)


def _int(value: str | None, default: int = 1) -> int:
    try:
        return max(int(value), 1) if value is not None else default
    except ValueError:
        return default


def _hidden_table_styles(document) -> set[str]:
    hidden = set()
    for style in document.automaticstyles.childNodes:
        for properties in getattr(style, "childNodes", []):
            if _qname(properties) == (STYLENS, "table-properties") and (
                properties.getAttrNS(TABLENS, "display") == "false"
            ):
                hidden.add(style.getAttrNS(STYLENS, "name"))
    return hidden


def _ods_rows(element):
    for child in element.childNodes:
        if _qname(child) == _ROW:
            yield child
        elif _qname(child) in _ROW_GROUPS:
            yield from _ods_rows(child)


def _ods_sheet(sheet, index: int, collector: _Collector) -> None:
    collector.sheet_start()
    name = sheet.getAttrNS(TABLENS, "name") or str(index + 1)
    row_number = 1
    for row in _ods_rows(sheet):
        repeat = _int(row.getAttrNS(TABLENS, "number-rows-repeated"))
        cells, formulas = _ods_row(row)
        collector.formulas += [f"{name}!{get_column_letter(column + 1)}{row_number}" for column in formulas]
        collector.add(cells, index, repeat)
        row_number += repeat


def _ods_row(row) -> tuple[list[Cell], list[int]]:
    """The row's non-empty cells and the columns of formulas without a value."""
    cells, formulas, column = [], [], 0
    for cell in row.childNodes:
        if _qname(cell) not in (_CELL, _COVERED) or column >= MAX_COLUMNS:
            continue
        repeat = _int(cell.getAttrNS(TABLENS, "number-columns-repeated"))
        text = _ods_value(cell) if _qname(cell) == _CELL else ""
        if text:
            cells += [Cell(column + offset, text) for offset in range(min(repeat, MAX_COLUMNS - column))]
        elif cell.getAttrNS(TABLENS, "formula"):
            formulas.append(column)
        column += repeat
    return cells, formulas


def _ods_value(cell) -> str:
    """The cell's value as text; its displayed text where the value is not a number, a
    date, a time or a truth value, or cannot be read."""
    kind = cell.getAttrNS(OFFICENS, "value-type")
    try:
        text = _typed_value(cell, kind)
    except (TypeError, ValueError):
        text = None
    return text if text is not None else _ods_text(cell)


def _typed_value(cell, kind: str | None) -> str | None:
    if kind in ("float", "currency"):
        return number(float(cell.getAttrNS(OFFICENS, "value")))
    if kind == "percentage":
        return f"{number(round(float(cell.getAttrNS(OFFICENS, 'value')) * 100, 10))} %"
    if kind == "date":
        return date_text(dt.datetime.fromisoformat(cell.getAttrNS(OFFICENS, "date-value")))
    if kind == "time":
        hours, minutes = _DURATION.match(cell.getAttrNS(OFFICENS, "time-value")).groups()
        return f"{int(hours or 0)}.{int(minutes or 0):02d}"
    if kind == "boolean":
        return boolean_text(cell.getAttrNS(OFFICENS, "boolean-value") == "true")
    return None


def _ods_text(cell) -> str:
    paragraphs = ["".join(_text_of(child)) for child in cell.childNodes if _qname(child) in _PARAGRAPHS]
    return clean("\n".join(paragraphs), multiline=True)


def _text_of(node):
    """The characters of a text:p: spans and links read through, text:s as its spaces,
    a line break as a new line, notes and comments left out."""
    qname = _qname(node)
    if qname is None:
        yield getattr(node, "data", "")
    elif qname == (TEXTNS, "s"):
        yield " " * min(_int(node.getAttrNS(TEXTNS, "c")), 100)
    elif qname == (TEXTNS, "tab"):
        yield " "
    elif qname == (TEXTNS, "line-break"):
        yield "\n"
    elif qname not in _SKIPPED:
        for child in node.childNodes:
            yield from _text_of(child)
