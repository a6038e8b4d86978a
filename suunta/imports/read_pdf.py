"""PDF (pdfplumber): the printed lines of each page, top to bottom, each cut into cells
where the gap between two words is wider than a couple of spaces.

A blank Line stands where the layout shows a boundary: a horizontal rule between two
lines (a table's row borders), a gap clearly wider than the usual line pitch (a new
paragraph) and a page break. The parser reads table rows and paragraphs by them."""

import io
import itertools
import statistics
from dataclasses import dataclass, field

import pdfplumber
from django.utils.translation import gettext as _

from .read_text import BLANK, BULLET, MAX_LINES, Row, clean, damaged, finish, too_long
from .source import Cell, Source, Unreadable

MAX_PAGES = 50
LINE_TOLERANCE = 3  # points: words whose tops are this close are on one line
CELL_GAP = 0.6  # × the word's height: a gap wider than about two spaces starts a new cell
PARAGRAPH_GAP = 1.5  # × the usual line pitch: a wider step down is a paragraph break
WORD_TOLERANCE = 0.15  # × the character size: letters closer than this are one word
# A word of only a list marker stays with the text after it (Word's tab after a bullet)
# unless the gap is wider than this × the word's height (the next column of a table).
MARKERS = {BULLET, "-", "–", "—", "*", "·", "o", "▫", "□", "■", "➢", "✓", "→"}
MARKER_GAP = 2.0
SOFT_HYPHEN = "\u00ad"


@dataclass
class _Line:
    top: float
    bottom: float
    words: list[dict] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return min(word["x0"] for word in self.words)

    @property
    def x1(self) -> float:
        return max(word["x1"] for word in self.words)

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    def cells(self) -> tuple[Cell, ...]:
        words = sorted(self.words, key=lambda word: word["x0"])
        groups = [[words[0]]]
        for previous, word in itertools.pairwise(words):
            gap = word["x0"] - previous["x1"]
            height = max(previous["bottom"] - previous["top"], 1.0)
            lone_marker = len(groups[-1]) == 1 and clean(previous["text"]) in MARKERS
            if gap > CELL_GAP * height and not (lone_marker and gap <= MARKER_GAP * height):
                groups.append([word])
            else:
                groups[-1].append(word)
        cells = (Cell(round(group[0]["x0"], 1), _text(group)) for group in groups)
        return tuple(cell for cell in cells if cell.text)


def _text(words: list[dict]) -> str:
    """The words of a cell, cleaned; a soft hyphen that ends the cell (a hyphenation
    break, as Typst marks one) is kept: the word goes on, without a space, on the next line."""
    text = clean(" ".join(word["text"] for word in words))
    return text + SOFT_HYPHEN if text and words[-1]["text"].endswith(SOFT_HYPHEN) else text


@dataclass
class _Page:
    lines: list[_Line]
    rules: list[tuple[float, float, float]]  # (y, x0, x1) of horizontal edges

    def ruled(self, above: _Line, below: _Line) -> bool:
        """A horizontal rule between two lines (a rule touching the top of the line below,
        as LibreOffice draws a table's borders, still counts)."""
        low = above.bottom - 0.2
        high = below.top + 0.3 * below.height
        left, right = min(above.x0, below.x0), max(above.x1, below.x1)
        return any(low <= y <= high and x0 < right and x1 > left for y, x0, x1 in self.rules)


def read_pdf(data: bytes) -> Source:
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer: a wrong (empty) password or a damaged file
        if b"/Encrypt" in data:
            raise Unreadable(
                _(
                    "The PDF is password-protected. Save it without a password, or paste the text of the goals instead."
                )
            ) from error
        raise damaged() from error
    try:
        with pdf:
            pages = _read_pages(pdf)
    except Unreadable:
        raise
    except Exception as error:
        raise damaged() from error
    if not any(page.lines for page in pages):
        raise Unreadable(_("This PDF has no text (it is probably a scanned image). Paste the text instead."))
    return finish("pdf", _layout(pages), physical=True)


def _read_pages(pdf) -> list[_Page]:
    count = len(pdf.pages)
    if count > MAX_PAGES:
        raise Unreadable(
            _(
                "The PDF has %(pages)s pages; at most %(max)s pages can be imported. "
                "Paste the text of the pages with the goals instead."
            )
            % {"pages": count, "max": MAX_PAGES}
        )
    pages, lines = [], 0
    for page in pdf.pages:
        pages.append(_read_page(page.dedupe_chars()))
        page.close()
        lines += len(pages[-1].lines)
        if lines > MAX_LINES:
            raise too_long()
    return pages


def _read_page(page) -> _Page:
    words = page.extract_words(
        x_tolerance_ratio=WORD_TOLERANCE,
        y_tolerance=LINE_TOLERANCE,
        use_text_flow=True,
        keep_blank_chars=False,
    )
    lines: list[_Line] = []
    for word in sorted((word for word in words if word.get("upright", True)), key=lambda word: word["top"]):
        if lines and word["top"] - lines[-1].top <= LINE_TOLERANCE:
            lines[-1].words.append(word)
            lines[-1].bottom = max(lines[-1].bottom, word["bottom"])
        else:
            lines.append(_Line(word["top"], word["bottom"], [word]))
    rules = [(edge["top"], edge["x0"], edge["x1"]) for edge in page.edges if edge["orientation"] == "h"]
    return _Page([line for line in lines if line.cells()], rules)


def _line_pitch(pages: list[_Page]) -> float | None:
    """The document's usual step from one line to the next: the median step, but no
    more than one and a half line heights (a document of short paragraphs far apart)."""
    pitches = [
        below.top - above.top
        for page in pages
        for above, below in itertools.pairwise(page.lines)
        if below.top > above.top
    ]
    heights = [line.height for page in pages for line in page.lines]
    if not pitches:
        return None
    return min(statistics.median(pitches), 1.5 * statistics.median(heights))


def _layout(pages: list[_Page]) -> list[Row]:
    pitch = _line_pitch(pages)
    rows: list[Row] = []
    for page in pages:
        previous = None
        for line in page.lines:
            if previous is None:
                boundary = bool(rows)  # a page break
            else:
                wide_gap = pitch is not None and line.top - previous.top > PARAGRAPH_GAP * pitch
                boundary = wide_gap or page.ruled(previous, line)
            if boundary and rows[-1].cells:
                rows.append(BLANK)
            rows.append(Row(line.cells()))
            previous = line
    return rows
