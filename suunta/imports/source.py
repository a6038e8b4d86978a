"""What every reader makes of a document: numbered lines of positioned cells.

The readers (readers.py) know the file formats and nothing about goals; the parser
(parse.py) knows goals and nothing about file formats. Between them is this: the
document's text in reading order, one Line per text line, paragraph or table row,
numbered as the preview shows them ("line 12"). A PDF cell that ends at a hyphenation
break marked as such ends in a soft hyphen (U+00AD): its word goes on, without a space,
on the next line.
"""

from dataclasses import dataclass, field


class Unreadable(Exception):
    """The input cannot be imported: `message` says why, in the user's language, and
    what to do instead. Nothing has been saved when this is raised."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Cell:
    # Where the cell starts on its line: the column index in a table or sheet, the x
    # position in points in a PDF, the character offset in plain text. Only the order
    # and the closeness of positions on lines of one source matter.
    column: float
    text: str


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, in reading order; blank lines are counted too
    cells: tuple[Cell, ...] = ()  # none for a blank line
    indent: int = 0  # leading spaces of a text line; 2 per level of a Word list item
    table: int | None = None  # which table (or sheet) of the source the row belongs to

    @property
    def text(self) -> str:
        """The line as the preview shows it: its cells joined by " | "."""
        return " | ".join(cell.text for cell in self.cells if cell.text)

    @property
    def is_blank(self) -> bool:
        return not any(cell.text.strip() for cell in self.cells)


@dataclass(frozen=True)
class Source:
    # "docx", "pdf", "xlsx", "ods", "csv" or "text"
    format: str
    lines: tuple[Line, ...]
    # True where a Line is one printed line (PDF, text): a table row may then run over
    # several lines. False where each table Line is one whole row (DOCX, sheets, CSV),
    # its cells holding their paragraphs joined by "\n".
    physical_lines: bool = True
    # Things the user should know about the reading, in the user's language: characters
    # repaired, tracked changes accepted, formulas without a stored value …
    warnings: tuple[str, ...] = field(default=())
