"""Word documents (.docx): the body's paragraphs and tables in document order.

python-docx opens the package; the text is read from the XML, because its
`paragraph.text` neither accepts tracked changes nor knows Word's automatic list
numbers: a paragraph's text here is what Word shows with every change accepted, its
list marker ("• ", "1. ", "a) ") synthesized from numbering.xml."""

import io

from django.utils.translation import gettext as _
from docx import Document
from lxml import etree

from .read_text import BLANK, Row, clean, damaged, finish
from .source import Cell, Source, Unreadable

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
MAX_LEVEL = 8


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC = w("p"), w("tbl"), w("tr"), w("tc")
# Elements that only wrap blocks, rows or cells: content controls and custom XML.
WRAPPERS = {w("sdt"), w("sdtContent"), w("customXml")}

# The text of a paragraph's own runs with every tracked change accepted: nothing deleted
# or moved away, nothing of a text box (its own paragraphs) or of a compatibility fallback.
_PIECES = etree.XPath(
    ".//w:r/*[self::w:t or self::w:tab or self::w:br or self::w:cr or self::w:noBreakHyphen or self::w:sym]"
    "[not(ancestor::w:del or ancestor::w:moveFrom or ancestor::w:txbxContent or ancestor::mc:Fallback)]",
    namespaces=NS,
)
_HAS_CHANGES = etree.XPath("boolean(.//w:ins | .//w:del | .//w:moveFrom | .//w:moveTo)", namespaces=NS)
_HAS_COMMENTS = etree.XPath("boolean(.//w:commentReference | .//w:commentRangeStart)", namespaces=NS)
_PIECE_TEXT = {w("tab"): " ", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}


def read_docx(data: bytes) -> Source:
    try:
        document = Document(io.BytesIO(data))
        body = document.element.body
        reader = _Reader(_Numbering(document))
        rows = reader.body(body)
        warnings = []
        if _HAS_CHANGES(body):
            warnings.append(
                _("The document has tracked changes: it was read as if all changes were accepted.")
            )
        if _HAS_COMMENTS(body):
            warnings.append(_("The document's comments were left out."))
    except Unreadable:
        raise
    except Exception as error:  # lxml, zipfile, python-docx: a damaged file
        raise damaged() from error
    return finish("docx", rows, physical=False, warnings=warnings)


def _children(parent, tags: set[str]):
    """The children of `parent` with one of `tags`, looking inside wrappers."""
    for child in parent.iterchildren():
        if child.tag in tags:
            yield child
        elif child.tag in WRAPPERS:
            yield from _children(child, tags)


def _val(element, path: str) -> str | None:
    found = element.find(path, NS) if element is not None else None
    return None if found is None else found.get(w("val"))


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _piece(element) -> str:
    if element.tag == w("t"):
        return element.text or ""
    if element.tag == w("sym"):
        return _symbol(element.get(w("char")))
    return _PIECE_TEXT.get(element.tag, "")


def _symbol(code: str | None) -> str:
    try:
        return chr(int(code or "", 16))
    except (ValueError, OverflowError):
        return ""


class _Reader:
    def __init__(self, numbering: "_Numbering"):
        self.numbering = numbering
        self.tables = 0

    def body(self, body) -> list[Row]:
        rows: list[Row] = []
        for block in _children(body, {P, TBL}):
            if block.tag == TBL:
                rows += self.table(block, self.tables)
                self.tables += 1
                continue
            paragraph = self.paragraph(block)
            if paragraph is None:
                continue
            text, level = paragraph
            text = clean(text)
            rows.append(
                Row((Cell(0, text),), indent=2 * level if level is not None else 0) if text else BLANK
            )
        return rows

    def paragraph(self, p) -> tuple[str, int | None] | None:
        """(marker + text, list level or None); None for a paragraph deleted by a tracked change."""
        text = "".join(_piece(piece) for piece in _PIECES(p))
        if not text.strip():
            mark_deleted = p.find("w:pPr/w:rPr/w:del", NS) is not None
            return None if mark_deleted else ("", None)
        numbered = self.numbering.of(p)
        if numbered is None:
            return text, None
        marker, level = numbered
        return marker + text, level

    def table(self, tbl, index: int) -> list[Row]:
        rows = []
        for tr in _children(tbl, {TR}):
            if tr.find("w:trPr/w:del", NS) is not None:
                continue
            cells = self.row(tr)
            rows.append(
                Row(cells, table=index) if any(cell.text for cell in cells) else BLANK._replace(table=index)
            )
        return rows

    def row(self, tr) -> tuple[Cell, ...]:
        column = _int(_val(tr, "w:trPr/w:gridBefore"), 0)
        cells = []
        for tc in _children(tr, {TC}):
            tc_pr = tc.find("w:tcPr", NS)
            span = max(_int(_val(tc_pr, "w:gridSpan"), 1), 1)
            h_merge = tc_pr.find("w:hMerge", NS) if tc_pr is not None else None
            v_merge = tc_pr.find("w:vMerge", NS) if tc_pr is not None else None
            if h_merge is not None and h_merge.get(w("val")) != "restart":
                pass  # a continuation of the cell to its left: counted once
            elif v_merge is not None and v_merge.get(w("val")) != "restart":
                cells.append(Cell(column, ""))
            else:
                cells.append(Cell(column, self.cell_text(tc)))
            column += span
        return tuple(cells)

    def cell_text(self, container) -> str:
        """A cell's paragraphs (each with its list marker) and nested tables, a line each."""
        parts = []
        for block in _children(container, {P, TBL}):
            if block.tag == TBL:
                parts += [self.cell_text(tc) for tr in _children(block, {TR}) for tc in _children(tr, {TC})]
                continue
            paragraph = self.paragraph(block)
            if paragraph is not None:
                parts.append(clean(paragraph[0], multiline=True))
        return "\n".join(part for part in parts if part)


# --- Word's automatic lists ------------------------------------------------------------


def _letters(n: int) -> str:
    """1 → a, 26 → z, 27 → aa (as Word counts)."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


_ROMAN = [
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
]  # fmt: skip


def _roman(n: int) -> str:
    digits = []
    for value, numeral in _ROMAN:
        count, n = divmod(n, value)
        digits.append(numeral * count)
    return "".join(digits)


def marker(fmt: str, n: int) -> str:
    """The text Word shows before an item of the list format `fmt` numbered `n`."""
    if fmt == "bullet":
        return "• "
    if fmt == "none":
        return ""
    if fmt in ("lowerLetter", "upperLetter") and 1 <= n <= 26 * 30:
        letters = _letters(n)
        return f"{letters.upper() if fmt == 'upperLetter' else letters}) "
    if fmt in ("lowerRoman", "upperRoman") and 1 <= n < 4000:
        roman = _roman(n)
        return f"{roman.upper() if fmt == 'upperRoman' else roman}) "
    return f"{n}. "


class _Numbering:
    """numbering.xml and the paragraph styles' numbering, and the running counters."""

    def __init__(self, document):
        self.styles: dict[str, tuple[int | None, int | None, str | None]] = {}
        self.default_style: str | None = None
        self.nums: dict[int, tuple[int | None, dict[int, tuple[str | None, int | None]]]] = {}
        self.abstracts: dict[int, tuple[dict[int, tuple[str, int]], str | None]] = {}
        self.counters: dict[int, dict[int, int]] = {}
        self._read_styles(document)
        self._read_numbering(document)

    def _read_styles(self, document) -> None:
        try:
            styles = document.styles.element
        except Exception:  # no styles part: no style numbering
            return
        for style in styles.iterfind("w:style", NS):
            if style.get(w("type")) != "paragraph":
                continue
            style_id = style.get(w("styleId"))
            if style.get(w("default")) in ("1", "true"):
                self.default_style = style_id
            num_id = _int(_val(style, "w:pPr/w:numPr/w:numId"))
            level = _int(_val(style, "w:pPr/w:numPr/w:ilvl"))
            self.styles[style_id] = (num_id, level, _val(style, "w:basedOn"))

    def _read_numbering(self, document) -> None:
        try:
            numbering = document.part.numbering_part.element
        except Exception:  # no numbering part: every list is a bullet list
            return
        for abstract in numbering.iterfind("w:abstractNum", NS):
            levels = {}
            for lvl in abstract.iterfind("w:lvl", NS):
                levels[_int(lvl.get(w("ilvl")), 0)] = self._level(lvl)
            link = _val(abstract, "w:numStyleLink")
            self.abstracts[_int(abstract.get(w("abstractNumId")), -1)] = (levels, link)
        for num in numbering.iterfind("w:num", NS):
            overrides = {}
            for override in num.iterfind("w:lvlOverride", NS):
                lvl = override.find("w:lvl", NS)
                fmt = self._level(lvl)[0] if lvl is not None else None
                start = _int(_val(override, "w:startOverride"))
                overrides[_int(override.get(w("ilvl")), 0)] = (fmt, start)
            self.nums[_int(num.get(w("numId")), -1)] = (_int(_val(num, "w:abstractNumId")), overrides)

    @staticmethod
    def _level(lvl) -> tuple[str, int]:
        return _val(lvl, "w:numFmt") or "decimal", _int(_val(lvl, "w:start"), 1)

    def _style_numbering(self, style_id: str | None) -> tuple[int | None, int | None]:
        """The numPr of the style or the nearest style it is based on."""
        seen = set()
        while style_id is not None and style_id not in seen:
            seen.add(style_id)
            num_id, level, based_on = self.styles.get(style_id, (None, None, None))
            if num_id is not None:
                return num_id, level
            style_id = based_on
        return None, None

    def of(self, p) -> tuple[str, int] | None:
        """(marker, level) of a list paragraph, None for any other. Counting advances."""
        p_pr = p.find("w:pPr", NS)
        num_id = _int(_val(p_pr, "w:numPr/w:numId"))
        level = _int(_val(p_pr, "w:numPr/w:ilvl"))
        if num_id is None or level is None:
            style_num, style_level = self._style_numbering(_val(p_pr, "w:pStyle") or self.default_style)
            num_id = style_num if num_id is None else num_id
            level = style_level if level is None else level
        if not num_id:  # none, or numId 0: numbering switched off
            return None
        level = min(max(level or 0, 0), MAX_LEVEL)
        fmt, start = self.level(num_id, level)
        counters = self.counters.setdefault(num_id, {})
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [key for key in counters if key > level]:
            del counters[deeper]
        return marker(fmt, counters[level]), level

    def level(self, num_id: int, level: int, hops: int = 0) -> tuple[str, int]:
        """(numFmt, start) of a list level; a bullet where the definition is missing."""
        abstract_id, overrides = self.nums.get(num_id, (None, {}))
        override_fmt, override_start = overrides.get(level, (None, None))
        levels, link = self.abstracts.get(abstract_id, ({}, None))
        if not levels and link and hops < 2:  # a list defined by a numbering style
            linked, _level = self._style_numbering(link)
            if linked is not None and linked != num_id:
                return self.level(linked, level, hops + 1)
        fmt, start = levels.get(level, ("bullet", 1))
        return override_fmt or fmt, override_start if override_start is not None else start
