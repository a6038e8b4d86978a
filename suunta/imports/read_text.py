"""Plain text and CSV, and what every reader shares: cleaning a cell's text, the
messages of a file that cannot be read, and turning rows into a numbered Source."""

import csv
import io
import re
import unicodedata
from typing import NamedTuple

import ftfy
from django.utils.translation import gettext as _

from .source import Cell, Line, Source, Unreadable

MAX_LINES = 3000
MAX_CELLS = 60_000  # 3 000 rows of 20 columns

# Bullets of symbol fonts (Symbol, Wingdings: private-use code points) and their look-alikes.
BULLET = "•"
BULLET_GLYPHS = "\uf0b7\uf0a7\uf076\uf0d8\uf0a8\uf06e\uf0fc\uf0e8\u25cf\u25aa\u25e6\u2023\u2043\u2219"
LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
# Characters that show nothing: soft hyphen, zero-width space, word joiner, byte order mark.
INVISIBLE = "\u00ad\u200b\u2060\ufeff"
CONTROLS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]

_TRANSLATION = {ord(glyph): BULLET for glyph in BULLET_GLYPHS}
_TRANSLATION.update({ord(ligature): letters for ligature, letters in LIGATURES.items()})
_TRANSLATION.update(dict.fromkeys(map(ord, INVISIBLE)))
_TRANSLATION.update(dict.fromkeys(CONTROLS))
_TRANSLATION.update({ord("\t"): " ", ord("\v"): "\n", ord("\f"): "\n", ord("\r"): "\n", ord("\n"): "\n"})

_SPACES = re.compile(r"\s+")

# ftfy for mojibake ("TyÃ¶" → "Työ") and nothing that changes a sound text: quotes,
# HTML entities, full-width letters and control characters are left alone here.
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization="NFC",
    explain=False,
)

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


class Row(NamedTuple):
    """A Line before it is numbered."""

    cells: tuple[Cell, ...] = ()
    indent: int = 0
    table: int | None = None


BLANK = Row()


# --- Messages ---------------------------------------------------------------------------


def damaged() -> Unreadable:
    return Unreadable(
        _(
            "The file could not be read; it may be damaged. Open it in the program that made it "
            "and save it again, or paste the text of the goals instead."
        )
    )


def too_long() -> Unreadable:
    return Unreadable(
        _(
            "The document is too long for a goals annex (more than %(max)s lines). "
            "Import only the pages with the goals, or paste their text."
        )
        % {"max": MAX_LINES}
    )


def too_many_cells() -> Unreadable:
    return Unreadable(
        _(
            "The file is too large for a goals annex (more than %(max)s filled cells). "
            "Import only the table with the goals, or paste its text."
        )
        % {"max": MAX_CELLS}
    )


def no_text() -> Unreadable:
    return Unreadable(
        _(
            "The file has no text to import. Check that you chose the right file, "
            "or paste the text of the goals instead."
        )
    )


def repaired_warning() -> str:
    return _(
        "Some characters were repaired while reading (the text was in a mixed or older encoding). "
        "Check the text, especially the letters ä, ö and å."
    )


# --- Cleaning ---------------------------------------------------------------------------


def clean(text: str, multiline: bool = False) -> str:
    """NFC, bullets as "•", ligatures spelled out, control and invisible characters
    removed, runs of spaces as one, stripped. With `multiline` the line breaks stay
    (empty lines dropped); without, they become spaces."""
    text = unicodedata.normalize("NFC", text).translate(_TRANSLATION)
    if not multiline:
        return _SPACES.sub(" ", text).strip()
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def finish(fmt: str, rows: list[Row], *, physical: bool, warnings=()) -> Source:
    """The rows numbered from 1 as a Source: trailing blank rows dropped; no text at all
    or more than MAX_LINES lines is Unreadable."""
    while rows and not rows[-1].cells:
        rows.pop()
    if not rows:
        raise no_text()
    if len(rows) > MAX_LINES:
        raise too_long()
    lines = tuple(Line(number, row.cells, row.indent, row.table) for number, row in enumerate(rows, start=1))
    return Source(fmt, lines, physical_lines=physical, warnings=tuple(dict.fromkeys(warnings)))


# --- Decoding ---------------------------------------------------------------------------


def split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def decode(data: bytes) -> tuple[list[str], bool]:
    """The lines of a text file and whether any was not UTF-8. A byte order mark names
    the encoding; otherwise each line is UTF-8 or, failing that, Windows-1252 (a file
    put together from several sources mixes them)."""
    data = data.removeprefix(b"\xef\xbb\xbf")  # UTF-8's mark: still read line by line
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return split_lines(data[len(bom) :].decode(encoding, errors="replace")), False
    raw_lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    lines, legacy = [], False
    for raw in raw_lines:
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(_decode_legacy(raw))
            legacy = True
    return lines, legacy


def _decode_legacy(raw: bytes) -> str:
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
        return raw.decode("latin-1")


def fix_lines(lines: list[str]) -> tuple[list[str], bool]:
    """ftfy on each line; whether it changed anything beyond NFC."""
    fixed, repaired = [], False
    for line in lines:
        result = line if line.isascii() else ftfy.fix_text(line, _FTFY)
        repaired = repaired or result != unicodedata.normalize("NFC", line)
        fixed.append(result)
    return fixed, repaired


def drop_trailing_blanks(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def prepare(lines: list[str], legacy: bool = False) -> tuple[list[str], list[str]]:
    """The lines repaired by ftfy, and the warning when anything was repaired or read
    as Windows-1252. Too many lines is Unreadable before any work is done."""
    lines = drop_trailing_blanks(lines)
    if len(lines) > MAX_LINES:
        raise too_long()
    lines, repaired = fix_lines(lines)
    return lines, [repaired_warning()] if repaired or legacy else []


# --- Plain text -------------------------------------------------------------------------


def _leading(line: str) -> int:
    """Leading spaces, a tab counting 4."""
    count = 0
    for char in line:
        if char == "\t":
            count += 4
        elif char.isspace():
            count += 1
        else:
            break
    return count


def _fields(line: str) -> tuple[Cell, ...]:
    cells = (Cell(index, clean(field)) for index, field in enumerate(line.split("\t")))
    return tuple(cell for cell in cells if cell.text)


def text_rows(lines: list[str]) -> list[Row]:
    """A line per Row. Where any line has a tab between its words (a table copied from
    Word), a line with tabs is one Cell per tab-separated field; otherwise a Cell at the
    line's indentation, which leading tabs also make."""
    tabbed = any("\t" in line.strip() for line in lines)
    rows = []
    for line in lines:
        text = clean(line)
        if not text:
            rows.append(BLANK)
        elif tabbed and "\t" in line.rstrip():
            rows.append(Row(_fields(line.rstrip())))
        else:
            indent = _leading(line)
            rows.append(Row((Cell(indent, text),), indent=indent))
    return rows


def text_source(lines: list[str], legacy: bool = False) -> Source:
    lines, warnings = prepare(lines, legacy)
    return finish("text", text_rows(lines), physical=True, warnings=warnings)


# --- CSV --------------------------------------------------------------------------------

_DELIMITERS = ";,\t"
_SNIFF_LINES = 50
_SNIFF_CHARS = 2000  # of each line


def csv_dialect(lines: list[str], name: str):
    """The CSV dialect of the lines, or None for plain text: a .csv (or .tsv) file is CSV;
    other text is when the sniffer finds one delimiter used consistently and most lines
    have at least two fields."""
    sample = [line[:_SNIFF_CHARS] for line in lines[:_SNIFF_LINES] if line.strip()]
    is_csv_name = name.lower().endswith((".csv", ".tsv"))
    dialect = _sniff(sample)
    if dialect is None:
        return _fallback_dialect(sample) if is_csv_name else None
    if is_csv_name:
        return dialect
    rows = list(csv.reader(sample, dialect))
    several = sum(1 for row in rows if len(row) >= 2)
    return dialect if len(rows) >= 2 and several * 4 >= len(rows) * 3 else None


def _sniff(sample: list[str]):
    if not sample:
        return None
    try:
        dialect = csv.Sniffer().sniff("\n".join(sample), delimiters=_DELIMITERS)
    except csv.Error:
        return None
    return dialect if dialect.delimiter in _DELIMITERS else None


def _fallback_dialect(sample: list[str]):
    """The most common delimiter of the sample (";" when none occurs)."""
    text = "\n".join(sample)
    delimiter = max(_DELIMITERS, key=text.count)
    return type("Fallback", (csv.excel,), {"delimiter": delimiter if text.count(delimiter) else ";"})


def csv_rows(lines: list[str], dialect) -> list[Row]:
    rows, count = [], 0
    try:
        for record in csv.reader(io.StringIO("\n".join(lines)), dialect):
            cells = (Cell(index, clean(value, multiline=True)) for index, value in enumerate(record) if value)
            rows.append(Row(tuple(cell for cell in cells if cell.text)))
            count += len(rows[-1].cells)
            if len(rows) > MAX_LINES:
                raise too_long()
            if count > MAX_CELLS:
                raise too_many_cells()
    except csv.Error as error:
        raise damaged() from error
    return rows


def text_file_source(data: bytes, name: str) -> Source:
    """A text file: CSV or plain text."""
    lines, legacy = decode(data)
    lines, warnings = prepare(lines, legacy)
    dialect = csv_dialect(lines, name)
    if dialect is None:
        return finish("text", text_rows(lines), physical=True, warnings=warnings)
    return finish("csv", csv_rows(lines, dialect), physical=False, warnings=warnings)
