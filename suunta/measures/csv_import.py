"""Reading metric values from a CSV file: date, value and an optional comment per row.

Finnish spreadsheets save CSV with semicolons (the comma is the decimal separator) and
often in Windows-1252; both are accepted, as are d.m.yyyy and ISO dates. Every row is
checked and every problem reported with its line number; nothing is imported unless
every row is good.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from suunta.lib.numbers import check_digits, parse_decimal

from .models import COMMENT_MAX

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
_FI_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass
class Row:
    line: int
    cells: list[str]
    measured_on: datetime.date | None = None
    value: Decimal | None = None
    comment: str = ""
    errors: list[str] = field(default_factory=list)
    replaces: object = None  # the stored MetricValue of the same day, if any


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is too large: at most 1 MB."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("The file could not be read as text. Save it as CSV (UTF-8).")
    )  # pragma: no cover


def parse_date(text: str) -> datetime.date:
    text = text.strip()
    for pattern, order in ((_FI_DATE, (2, 1, 0)), (_ISO_DATE, (0, 1, 2))):
        match = pattern.match(text)
        if match:
            parts = [int(p) for p in match.groups()]
            year, month, day = (parts[i] for i in order)
            return datetime.date(year, month, day)  # ValueError for 31.2.2025
    raise ValueError(text)


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    for candidate in (";", "\t"):
        if candidate in first:
            return candidate
    return ","


def _is_header(cells: list[str]) -> bool:
    first = cells[0].strip() if cells else ""
    return bool(first) and not any(ch.isdigit() for ch in first)


def parse(text: str, *, period: tuple[datetime.date, datetime.date], today: datetime.date) -> list[Row]:
    """Every data row with its parsed values and its errors (empty rows are skipped)."""
    if not text.strip():
        raise ValidationError(_("The file is empty."))
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    rows: list[Row] = []
    seen: dict[datetime.date, int] = {}
    try:
        for index, cells in enumerate(reader, start=1):
            if not any(c.strip() for c in cells):
                continue
            if not rows and index == 1 and _is_header(cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationError(_("The file has too many rows: at most %(max)s.") % {"max": MAX_ROWS})
            rows.append(_check(Row(line=index, cells=cells), period, today, seen))
    except csv.Error as error:
        raise ValidationError(_("The file is not valid CSV: %(error)s") % {"error": error}) from None
    if not rows:
        raise ValidationError(_("The file has no rows of values."))
    return rows


def _check(row: Row, period, today, seen) -> Row:
    cells = [c.strip() for c in row.cells]
    if len(cells) < 2:
        row.errors.append(_("Expected a date and a value, separated by a semicolon."))
        return row
    if len(cells) > 3:
        row.errors.append(
            _("Expected at most three columns (date, value, comment); found %(count)s.")
            % {"count": len(cells)}
        )
    date_text, value_text = cells[0], cells[1]
    try:
        row.measured_on = parse_date(date_text)
    except ValueError:
        row.errors.append(_("“%(text)s” is not a date. Use e.g. 31.1.2025.") % {"text": date_text})
    if row.measured_on is not None:
        problem = date_problem(row.measured_on, period, today)
        if problem:
            row.errors.append(problem)
        elif row.measured_on in seen:
            row.errors.append(_("The date is already on line %(line)s.") % {"line": seen[row.measured_on]})
        else:
            seen[row.measured_on] = row.line
    try:
        row.value = parse_decimal(value_text)
        check_digits(row.value)
    except ValueError:
        row.value = None
        row.errors.append(_("“%(text)s” is not a number. Use e.g. 1234,5.") % {"text": value_text})
    except ValidationError as error:
        row.value = None
        row.errors.extend(error.messages)
    row.comment = cells[2] if len(cells) > 2 else ""
    if len(row.comment) > COMMENT_MAX:
        row.errors.append(_("The comment is too long: at most %(max)s characters.") % {"max": COMMENT_MAX})
    return row


def date_problem(
    day: datetime.date, period: tuple[datetime.date, datetime.date], today: datetime.date
) -> str:
    """Why a value cannot be dated `day` ("" when it can)."""

    start, end = period
    if not start <= day <= end:
        return _("The date must be within the plan period %(start)s–%(end)s.") % {
            "start": formats.date_format(start, "SHORT_DATE_FORMAT"),
            "end": formats.date_format(end, "SHORT_DATE_FORMAT"),
        }
    if day > today:
        return _("A value cannot be dated in the future.")
    return ""
