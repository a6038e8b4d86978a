"""Reading a budget's binding targets from a CSV or Excel (XLSX) file: the budget import
page's preview, and the check its "Save" repeats.

The first row names the columns, in Finnish, Swedish or English, in any order and case:
year, body, service area, kind (operational/financial), target, indicator, unit, target
value, realisation and the realisation's date. Each further row is one line of the budget
book: a target, optionally one of its indicators, optionally one realisation figure of that
indicator. Rows of the same target (year, body, service area and title) make one target
with several indicators; rows of the same indicator with other dates give it several
realisation figures.

CSV comes with semicolons or commas (a comma inside a number is quoted), in UTF-8 with or
without a byte order mark (Windows-1252 is read too); numbers with a decimal comma or
point and spaces between thousands; dates as 31.12.2025 or 2025-12-31.

Reading gives plain rows, {"line": row number, column: text}, which the preview carries
in its form as JSON; `check` turns them into targets to create, or says what is wrong on
which row. It reads the organization's bodies and existing targets and writes nothing.
"""

import csv
import datetime
import io
import json
import math
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from suunta.lib.numbers import check_digits, parse_decimal

from .models import TITLE_MAX, BudgetTarget, BudgetTargetKind

MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024  # an XLSX file's members, unpacked
MAX_ROWS = 500
MAX_COLUMNS = 50
CELL_MAX = TITLE_MAX + 1  # longer text is cut here (and then refused as too long)
SERVICE_AREA_MAX = 200
UNIT_MAX = 30
YEARS = (1990, 2100)

# Column keys, their names in messages and the header names that mean them (compared in
# lower case with spaces, underscores and hyphens alike).
COLUMNS = {
    "year": (
        pgettext_lazy("budget import column", "year"),
        ("vuosi", "talousarviovuosi", "år", "budgetår", "year", "budget year"),
    ),
    "body": (pgettext_lazy("budget import column", "body"), ("toimielin", "organ", "body")),
    "service_area": (
        pgettext_lazy("budget import column", "service area"),
        ("palvelualue", "tulosalue", "serviceområde", "tjänsteområde", "service area"),
    ),
    "kind": (
        pgettext_lazy("budget import column", "kind"),
        ("laji", "tavoitelaji", "tyyppi", "typ", "art", "kind", "type"),
    ),
    "target": (
        pgettext_lazy("budget import column", "target"),
        ("tavoite", "sitova tavoite", "mål", "bindande mål", "target", "binding target"),
    ),
    "target_sv": (
        pgettext_lazy("budget import column", "target in Swedish"),
        ("tavoite ruotsiksi", "mål på svenska", "target in swedish", "tavoite sv", "target sv"),
    ),
    "indicator": (
        pgettext_lazy("budget import column", "indicator"),
        ("mittari", "indikaattori", "mätare", "indikator", "indicator", "measure"),
    ),
    "indicator_sv": (
        pgettext_lazy("budget import column", "indicator in Swedish"),
        ("mittari ruotsiksi", "mätare på svenska", "indicator in swedish", "mittari sv", "indicator sv"),
    ),
    "unit": (pgettext_lazy("budget import column", "unit"), ("yksikkö", "enhet", "unit")),
    "target_value": (
        pgettext_lazy("budget import column", "target value"),
        ("tavoitearvo", "tavoitetaso", "målvärde", "target value"),
    ),
    "realisation": (
        pgettext_lazy("budget import column", "realisation"),
        ("toteuma", "utfall", "förverkligande", "realisation", "realization", "actual"),
    ),
    "date": (
        pgettext_lazy("budget import column", "date"),
        ("pvm", "päivämäärä", "toteuman pvm", "toteuman päivämäärä", "datum", "date", "realisation date"),
    ),
}
REQUIRED = ("year", "body", "kind", "target")
EXAMPLE_HEADER = "vuosi; toimielin; palvelualue; laji; tavoite; mittari; yksikkö; tavoitearvo; toteuma; pvm"

_SPACES = re.compile(r"[\s_\-]+")
_FI_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_YEAR = re.compile(r"^\d{4}$")
OPERATIONAL_STEMS = ("toiminn", "toiminta", "operat", "operativ", "verksamh", "functional")
FINANCIAL_STEMS = ("talou", "financ", "ekonom", "economic")


class FileProblem(Exception):
    """The file as a whole cannot be read; `message` says why in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Read:
    """What reading gave: the rows, and the columns that were not recognized."""

    rows: list[dict]
    ignored: list[str] = field(default_factory=list)


# --- Reading the file -----------------------------------------------------------------------


def read_upload(data: bytes, name: str = "") -> Read:
    if len(data) > MAX_BYTES:
        raise FileProblem(_("The file is too large: at most 2 MB."))
    if not data.strip():
        raise FileProblem(_("The file is empty."))
    if data.startswith(b"PK\x03\x04") or name.lower().endswith(".xlsx"):
        table = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(_("Old .xls files cannot be read. Save the sheet as .xlsx or CSV and try again."))
    else:
        table = _csv_rows(_decode(data))
    return _rows(table)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem(_("The file could not be read as text. Save it as CSV (UTF-8)."))


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    collected = _Collected()
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
            if not collected.add(number, cells[:MAX_COLUMNS]):
                break
    except csv.Error as error:
        raise FileProblem(_("The file is not valid CSV: %(error)s") % {"error": error}) from None
    return collected.table


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    import openpyxl  # noqa: PLC0415  (only an upload of a sheet needs it)

    unreadable = FileProblem(_("The file could not be read as an Excel workbook (.xlsx)."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            if sum(member.file_size for member in package.infolist()) > MAX_UNPACKED:
                raise unreadable
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileProblem:
        raise
    except Exception as error:  # a damaged or foreign zip: openpyxl raises many kinds
        raise unreadable from error
    collected = _Collected()
    try:
        sheet = workbook.active or workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            if not collected.add(number, [_cell_text(value) for value in values]):
                break
    finally:
        workbook.close()
    return collected.table


class _Collected:
    """The rows with content and their numbers; reading stops one row past the limit, or
    after a long run of empty rows (a sheet formatted far down)."""

    EMPTY_RUN = 1000

    def __init__(self):
        self.table: list[tuple[int, list[str]]] = []
        self.empty = 0

    def add(self, number: int, cells: list[str]) -> bool:
        if not any(str(cell).strip() for cell in cells):
            self.empty += 1
            return self.empty < self.EMPTY_RUN
        self.empty = 0
        self.table.append((number, cells))
        return len(self.table) <= MAX_ROWS + 1


def _cell_text(value) -> str:
    """A sheet's value as the user sees it: 850000 (no ".0"), 31.8.2025."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return f"{value.day}.{value.month}.{value.year}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    return str(value)


def _header_key(text: str) -> str | None:
    name = _SPACES.sub(" ", text.strip().strip(":*").casefold()).strip()
    name = name.replace("(", "").replace(")", "")
    for key, (_label, aliases) in COLUMNS.items():
        if name in aliases:
            return key
    return None


def _rows(table: list[tuple[int, list[str]]]) -> Read:
    content = table
    if not content:
        raise FileProblem(_("The file is empty."))
    _number, header = content[0]
    columns: dict[str, int] = {}
    ignored = []
    for index, name in enumerate(header):
        key = _header_key(str(name))
        if key is None:
            if str(name).strip():
                ignored.append(str(name).strip())
            continue
        if key in columns:
            raise FileProblem(
                _("Two columns, “%(first)s” and “%(second)s”, both give the %(column)s.")
                % {"first": header[columns[key]].strip(), "second": name.strip(), "column": COLUMNS[key][0]}
            )
        columns[key] = index
    missing = [str(COLUMNS[key][0]) for key in REQUIRED if key not in columns]
    if missing:
        raise FileProblem(
            _(
                "The file has no column for the %(columns)s. Its first row names the columns, "
                "for example: %(example)s."
            )
            % {"columns": ", ".join(missing), "example": EXAMPLE_HEADER}
        )
    rows = []
    for number, cells in content[1:]:
        row = {"line": number}
        for key, index in columns.items():
            text = str(cells[index]).strip() if index < len(cells) else ""
            row[key] = text[:CELL_MAX]
        rows.append(row)
    if not rows:
        raise FileProblem(_("The file has a header row but no targets."))
    if len(rows) > MAX_ROWS:
        raise FileProblem(_("The file has too many rows: at most %(max)s.") % {"max": MAX_ROWS})
    return Read(rows=rows, ignored=ignored)


def rows_from_json(text: str) -> list[dict]:
    """The rows a preview carried back: only known columns, as text, within the limits."""
    damaged = FileProblem(_("The preview could not be read back. Choose the file again."))
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        raise damaged from None
    if not isinstance(data, list) or not data or len(data) > MAX_ROWS:
        raise damaged
    rows = []
    for item in data:
        if not isinstance(item, dict) or not isinstance(item.get("line"), int):
            raise damaged
        row = {"line": item["line"]}
        for key in COLUMNS:
            value = item.get(key, "")
            if not isinstance(value, str):
                raise damaged
            row[key] = value.strip()[:CELL_MAX]
        rows.append(row)
    return rows


def rows_to_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False)


# --- Checking the rows ------------------------------------------------------------------------


@dataclass
class Row:
    """One row of the file with what it gives, and what is wrong with it."""

    line: int
    cells: dict
    year: int | None = None
    body: object = None  # organizations.Body
    service_area: str = ""
    kind: str = ""
    title: str = ""
    title_sv: str = ""
    indicator: str = ""
    indicator_sv: str = ""
    unit: str = ""
    target_value: Decimal | None = None
    realisation: Decimal | None = None
    measured_on: datetime.date | None = None
    errors: list[str] = field(default_factory=list)

    def error(self, message: str) -> None:
        self.errors.append(message)


@dataclass
class IndicatorPlan:
    text: str
    text_sv: str = ""
    unit: str = ""
    target_value: Decimal | None = None
    realisations: list[tuple[datetime.date, Decimal]] = field(default_factory=list)


@dataclass
class TargetPlan:
    year: int
    body: object
    service_area: str
    kind: str
    title: str
    title_sv: str = ""
    indicators: list[IndicatorPlan] = field(default_factory=list)


@dataclass
class Checked:
    rows: list[Row]
    targets: list[TargetPlan]

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def errors(self) -> list[str]:
        return [message for row in self.rows for message in row.errors]

    def counts(self) -> dict[str, int]:
        indicators = [i for t in self.targets for i in t.indicators]
        return {
            "targets": len(self.targets),
            "indicators": len(indicators),
            "realisations": sum(len(i.realisations) for i in indicators),
        }


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def parse_date(text: str) -> datetime.date:
    for pattern, order in ((_FI_DATE, (2, 1, 0)), (_ISO_DATE, (0, 1, 2))):
        match = pattern.match(text.strip())
        if match:
            parts = [int(p) for p in match.groups()]
            year, month, day = (parts[i] for i in order)
            return datetime.date(year, month, day)  # ValueError for 31.2.2025
    raise ValueError(text)


def kind_of(text: str) -> str | None:
    word = text.strip().casefold()
    if any(word.startswith(stem) for stem in OPERATIONAL_STEMS):
        return BudgetTargetKind.OPERATIONAL
    if any(word.startswith(stem) for stem in FINANCIAL_STEMS):
        return BudgetTargetKind.FINANCIAL
    return None


def _bodies(organization) -> dict[str, object]:
    found = {}
    for body in organization.bodies.all():
        for name in (body.name, body.name_sv, body.short_name, body.short_name_sv):
            if name and _key(name) not in found:
                found[_key(name)] = body
    return found


def _number(row: Row, key: str, message: str) -> Decimal | None:
    text = row.cells.get(key, "")
    if not text:
        return None
    try:
        number = parse_decimal(text)
        check_digits(number)
    except ValueError:
        row.error(message % {"row": row.line, "text": text})
        return None
    except ValidationError as error:
        row.error(
            _("Row %(row)s: the %(column)s “%(text)s”: %(problem)s")
            % {"row": row.line, "column": COLUMNS[key][0], "text": text, "problem": " ".join(error.messages)}
        )
        return None
    return number


def _required(row: Row, key: str) -> str:
    text = row.cells.get(key, "")
    if not text:
        row.error(_("Row %(row)s: the %(column)s is missing.") % {"row": row.line, "column": COLUMNS[key][0]})
    return text


def _length(row: Row, key: str, text: str, limit: int) -> str:
    if len(text) > limit:
        row.error(
            _("Row %(row)s: the %(column)s is longer than %(max)s characters.")
            % {"row": row.line, "column": COLUMNS[key][0], "max": limit}
        )
    return text


def _read_year(row: Row) -> None:
    text = _required(row, "year")
    if text and (not _YEAR.match(text) or not YEARS[0] <= int(text) <= YEARS[1]):
        row.error(_("Row %(row)s: “%(text)s” is not a budget year.") % {"row": row.line, "text": text})
    elif text:
        row.year = int(text)


def _read_body_and_kind(row: Row, bodies: dict) -> None:
    name = _required(row, "body")
    if name:
        row.body = bodies.get(_key(name))
        if row.body is None:
            row.error(
                _(
                    "Row %(row)s: the organization has no body “%(name)s”. Use a body's name or short "
                    "form as the organization page lists them."
                )
                % {"row": row.line, "name": name}
            )
    text = _required(row, "kind")
    if text:
        row.kind = kind_of(text) or ""
        if not row.kind:
            row.error(
                _(
                    "Row %(row)s: the kind “%(text)s” is neither operational nor financial "
                    "(toiminnallinen or taloudellinen)."
                )
                % {"row": row.line, "text": text}
            )


def _read_indicator(row: Row) -> None:
    cells = row.cells
    row.indicator = _length(row, "indicator", cells.get("indicator", ""), TITLE_MAX)
    row.indicator_sv = _length(row, "indicator_sv", cells.get("indicator_sv", ""), TITLE_MAX)
    row.unit = _length(row, "unit", cells.get("unit", ""), UNIT_MAX)
    row.target_value = _number(
        row, "target_value", _("Row %(row)s: the target value “%(text)s” is not a number.")
    )
    row.realisation = _number(
        row, "realisation", _("Row %(row)s: the realisation “%(text)s” is not a number.")
    )
    date_text = cells.get("date", "")
    if date_text:
        try:
            row.measured_on = parse_date(date_text)
        except ValueError:
            row.error(
                _("Row %(row)s: “%(text)s” is not a date. Use e.g. 31.12.2025.")
                % {"row": row.line, "text": date_text}
            )
    has_figures = any(cells.get(k) for k in ("unit", "target_value", "realisation", "date", "indicator_sv"))
    if has_figures and not row.indicator:
        row.error(
            _("Row %(row)s: a unit, target value or realisation needs the indicator it belongs to.")
            % {"row": row.line}
        )
    if cells.get("realisation") and not date_text:
        row.error(_("Row %(row)s: give the date of the realisation.") % {"row": row.line})
    if date_text and not cells.get("realisation"):
        row.error(_("Row %(row)s: the date has no realisation figure beside it.") % {"row": row.line})


def read_row(raw: dict, bodies: dict) -> Row:
    cells = {key: str(raw.get(key, "")).strip() for key in COLUMNS}
    row = Row(line=raw["line"], cells=cells)
    _read_year(row)
    _read_body_and_kind(row, bodies)
    row.service_area = _length(row, "service_area", cells["service_area"], SERVICE_AREA_MAX)
    row.title = _length(row, "target", _required(row, "target"), TITLE_MAX)
    row.title_sv = _length(row, "target_sv", cells["target_sv"], TITLE_MAX)
    _read_indicator(row)
    return row


def _existing(organization, years) -> set[tuple]:
    stored = BudgetTarget.objects.filter(organization=organization, year__in=years).values_list(
        "year", "body_id", "service_area", "title"
    )
    return {(year, body, _key(area), _key(title)) for year, body, area, title in stored}


def check(organization, raw_rows: list[dict]) -> Checked:
    """Every row read and checked against the others and the stored targets (two queries)."""
    bodies = _bodies(organization)
    rows = [read_row(raw, bodies) for raw in raw_rows]
    existing = _existing(organization, {row.year for row in rows if row.year})
    targets: dict[tuple, tuple[TargetPlan, Row]] = {}
    indicators: dict[tuple, tuple[IndicatorPlan, Row]] = {}
    seen: dict[tuple, Row] = {}
    for row in rows:
        if row.errors:
            continue
        key = (row.year, row.body.pk, _key(row.service_area), _key(row.title))
        line_key = (*key, _key(row.indicator), row.measured_on)
        if line_key in seen:
            row.error(
                _("Row %(row)s repeats row %(first)s.") % {"row": row.line, "first": seen[line_key].line}
            )
            continue
        seen[line_key] = row
        if key in existing:
            row.error(
                _("Row %(row)s: the budget for %(year)s already has the target “%(target)s” for %(where)s.")
                % {"row": row.line, "year": row.year, "target": row.title, "where": _where(row)}
            )
            continue
        target = _target_of(row, key, targets)
        if target is not None and row.indicator:
            _indicator_of(row, target, key, indicators)
    if any(row.errors for row in rows):
        return Checked(rows=rows, targets=[])
    return Checked(rows=rows, targets=[plan for plan, _first in targets.values()])


def _where(row: Row) -> str:
    return " / ".join(part for part in (row.body.display_short, row.service_area) if part)


def _target_of(row: Row, key: tuple, targets: dict) -> TargetPlan | None:
    if key not in targets:
        plan = TargetPlan(
            year=row.year,
            body=row.body,
            service_area=row.service_area,
            kind=row.kind,
            title=row.title,
            title_sv=row.title_sv,
        )
        targets[key] = (plan, row)
        return plan
    plan, first = targets[key]
    if plan.kind != row.kind:
        row.error(
            _("Row %(row)s gives the target another kind than row %(first)s.")
            % {"row": row.line, "first": first.line}
        )
        return None
    plan.title_sv = plan.title_sv or row.title_sv
    return plan


def _indicator_of(row: Row, target: TargetPlan, key: tuple, indicators: dict) -> None:
    indicator_key = (*key, _key(row.indicator))
    if indicator_key not in indicators:
        plan = IndicatorPlan(
            text=row.indicator, text_sv=row.indicator_sv, unit=row.unit, target_value=row.target_value
        )
        target.indicators.append(plan)
        indicators[indicator_key] = (plan, row)
    else:
        plan, first = indicators[indicator_key]
        if (row.unit and plan.unit and row.unit != plan.unit) or (
            row.target_value is not None
            and plan.target_value is not None
            and row.target_value != plan.target_value
        ):
            row.error(
                _(
                    "Row %(row)s gives the indicator “%(indicator)s” another unit or target value than "
                    "row %(first)s."
                )
                % {"row": row.line, "indicator": row.indicator, "first": first.line}
            )
            return
        plan.unit = plan.unit or row.unit
        plan.text_sv = plan.text_sv or row.indicator_sv
        if plan.target_value is None:
            plan.target_value = row.target_value
    if row.measured_on is not None and row.realisation is not None:
        plan.realisations.append((row.measured_on, row.realisation))
