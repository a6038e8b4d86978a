"""From a document's lines to goals, metrics and checkpoints: the rules of docs/import.md.

1. A **table** starts at a header row whose columns name the goal (Tavoite, Mål, Goal)
   and the metric (Mittari, Mätare, Metric); further columns are follow-ups (Seuranta
   elokuu 2025), weights (Painoarvo) or targets (Tavoitearvo). Below it a row with a
   goal starts a goal (an empty or repeated goal cell continues the one above) and
   the metric cell holds its metrics, one per bullet or paragraph. In plain text the
   two columns run together: "Talouden johtaminen • Talousarvion mukaiset …".
2. Outside a table a **numbered line** (1. / 1) / Tavoite 1:) is a goal and a
   **bullet line** (• - – * or a) under it is one of its metrics.
3. A line that starts in lower case, or is indented deeper than the item above it,
   **continues** that item (a wrapped line).
4. A **weights line** (Painoarvot: 1. 30 %, 2. 20 % …) gives goals their weights, as
   does "(painoarvo 20 %)" at the end of a goal. A **follow-up line** (Seuranta:
   elokuu 2025 ja tammikuu 2026) lists checkpoints.
5. A metric's own sentence may state its **target** (targets.py). A numbered goal with
   no metrics whose sentence states a target becomes a goal with that one metric.
6. Everything else, headings and boilerplate, is **not placed**, and listed as such; a
   heading also ends the goal above it, so bullets under it are not its metrics.
"""

import re
from dataclasses import dataclass, field

from . import dates
from .draft import CHECKPOINT, GOAL, METRIC, SKIP, Draft, Item
from .source import Line, Source
from .targets import find_target
from .words import (
    CHECKPOINT_WORDS,
    EVALUATION_WORDS,
    GOAL_HEADERS,
    METRIC_HEADERS,
    TARGET_HEADERS,
    WEIGHT_WORDS,
    normal,
    starts_with_word,
)

BULLET = "•"
_BULLET_LINE = re.compile(r"^(?:[•*·\-–—]|[a-zåäö]\))\s*(?=\S)", re.IGNORECASE)
_NUMBERED = re.compile(
    r"^(?:(?:tavoite|mål|goal)\s+)?(?P<number>\d{1,2})\s*[.):]\s*(?=\S)(?!\d)", re.IGNORECASE
)
_WEIGHT_SUFFIX = re.compile(
    r"\s*[(,–-]?\s*(?:(?:painoarvo|paino|vikt|weight)\s*:?\s*)?(?P<weight>\d{1,3})\s*%"
    r"(?:\s*,[^()]*)?\)?\s*$",
    re.IGNORECASE,
)
_WEIGHT_WORD_IN = re.compile(r"\b(?:painoarvo|paino|vikt|weight)\b|\(\s*\d{1,3}\s*%\s*\)\s*$", re.IGNORECASE)
_NUMBERED_WEIGHT = re.compile(r"(\d{1,2})\s*[.):]\s*(\d{1,3})\s*%")
_PERCENT = re.compile(r"(\d{1,3})\s*%")
_CHECKPOINT_SPLIT = re.compile(r"\s*(?:[,;]|\bja\b|\boch\b|\band\b)\s*", re.IGNORECASE)
_RUN_TOGETHER_HEADER = re.compile(
    r"^(?:{goal})\s+(?:{metric})\b\s*(?P<rest>.*)$".format(
        goal="|".join(re.escape(w) for w in sorted(GOAL_HEADERS, key=len, reverse=True)),
        metric="|".join(re.escape(w) for w in sorted(METRIC_HEADERS, key=len, reverse=True)),
    ),
    re.IGNORECASE,
)
_CHECKPOINT_WORD = re.compile(
    r"\b(?:{})\b".format("|".join(re.escape(w) for w in CHECKPOINT_WORDS)), re.IGNORECASE
)
_EVALUATION = re.compile(
    r"\(?\b(?:{})\b\)?".format("|".join(re.escape(w) for w in EVALUATION_WORDS)), re.IGNORECASE
)
# A line of a run-together header that is still part of it ("elokuu 2025", "tammikuu/").
_HEADER_FRAGMENT_MAX = 30
# Lines between a table's last row on a page and its header on the next: footer, header.
_PAGE_FURNITURE_MAX = 10


def parse(source: Source) -> Draft:
    parser = _Parser(source)
    parser.run()
    return Draft(items=parser.items, warnings=[*source.warnings, *parser.warnings])


# --- Small readers of one piece of text ---------------------------------------------------


def clean_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# Words that follow a hyphen ending a shortened compound: "Koulutus- ja perehdyttämis…".
_AFTER_OPEN_COMPOUND = frozenset({"ja", "tai", "sekä", "eli", "och", "eller", "samt", "and", "or"})


def joined(text: str, more: str) -> str:
    """`text` continued by a wrapped line `more`. A word broken at the line's end is
    made whole: a soft hyphen always, a hyphen when the next line goes on in lower case
    (Typst and Word hyphenate so), unless a conjunction follows ("Koulutus- ja")."""
    text, more = text.rstrip(), more.strip()
    if text.endswith("\u00ad"):
        return clean_text(text[:-1] + more)
    first_word = more.split(" ", 1)[0].lower() if more else ""
    if (
        len(text) > 1
        and text.endswith("-")
        and text[-2].isalpha()
        and more[:1].islower()
        and first_word not in _AFTER_OPEN_COMPOUND
    ):
        return clean_text(text[:-1] + more)
    return clean_text(f"{text} {more}")


def _strip_bullet(text: str) -> str:
    return _BULLET_LINE.sub("", text, count=1).strip()


def title_and_weight(text: str) -> tuple[str, int | None]:
    """A goal's title without its weight, and the weight: "Talous (painoarvo 30 %)"."""
    text = clean_text(text)
    if not _WEIGHT_WORD_IN.search(text):
        return text, None
    match = _WEIGHT_SUFFIX.search(text)
    if not match or match.start() == 0:
        return text, None
    return text[: match.start()].rstrip(" ,–-"), int(match.group("weight"))


def _percent(text: str) -> int | None:
    match = _PERCENT.search(text) or re.fullmatch(r"\s*(\d{1,3})\s*", text)
    return int(match.group(1)) if match else None


def _checkpoint_labels(text: str) -> list[tuple[str, bool]]:
    """The follow-ups a header names: "Seuranta elokuu 2025 Seuranta tammikuu/ helmikuu
    2026" → [("elokuu 2025", False), ("tammikuu/helmikuu 2026", False)]."""
    text = re.sub(r"\s*/\s*", "/", clean_text(text))
    parts = [part for part in _CHECKPOINT_WORD.split(text) if part.strip(" :.-–")]
    labels = []
    for part in parts:
        evaluation = bool(_EVALUATION.search(part))
        label = clean_text(_EVALUATION.sub("", part)).strip(" :.-–") if evaluation else part.strip(" :.-–")
        if evaluation and not label:
            label = clean_text(part).strip(" ()")
        labels.append((label, evaluation))
    return labels


def _checkpoint(label: str, evaluation: bool, lines: list[int]) -> Item:
    start, end = dates.window(label)
    return Item(CHECKPOINT, label, list(lines), start=start, end=end, evaluation=evaluation)


def _metric(text: str, lines: list[int]) -> Item:
    item = Item(METRIC, clean_text(text), list(lines))
    read_target(item)
    return item


def read_target(item: Item, text: str | None = None) -> None:
    """The metric's target, unit, direction and their words, from its text (or `text`)."""
    found = find_target(text if text is not None else item.text)
    if found:
        item.target, item.unit, item.direction, item.target_text = (
            found.value,
            found.unit,
            found.direction,
            found.text,
        )


def _split_cell(text: str) -> list[str]:
    """A metric cell's metrics: one per bullet; without bullets one per paragraph. A
    paragraph without a bullet after one with a bullet continues it (a wrapped line)."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    if not any(_BULLET_LINE.match(p) for p in paragraphs):
        return paragraphs
    metrics: list[str] = []
    for paragraph in paragraphs:
        if _BULLET_LINE.match(paragraph) or not metrics:
            metrics.append(_strip_bullet(paragraph))
        else:
            metrics[-1] = f"{metrics[-1]} {paragraph}"
    return metrics


# --- Table headers --------------------------------------------------------------------------


@dataclass
class _Header:
    line: Line
    roles: dict[float, str]  # column position → "goal", "metric", "checkpoint", "weight", "target", "other"
    texts: dict[float, str] = field(default_factory=dict)  # checkpoint column → its header text
    lines: list[int] = field(default_factory=list)


def _role(text: str, after_metric: bool) -> str:
    word = normal(text)
    if word in GOAL_HEADERS:
        return "goal"
    if word in METRIC_HEADERS:
        return "metric"
    if word in TARGET_HEADERS:
        return "target"
    if starts_with_word(word, WEIGHT_WORDS):
        return "weight"
    if after_metric and (
        starts_with_word(word, CHECKPOINT_WORDS) or _EVALUATION.search(word) or dates.window(word)[0]
    ):
        return "checkpoint"
    return "other"


def _cell_header(line: Line) -> _Header | None:
    if len(line.cells) < 2:
        return None
    roles: dict[float, str] = {}
    texts: dict[float, str] = {}
    for cell in line.cells:
        role = _role(cell.text.replace("\n", " "), "metric" in roles.values())
        roles[cell.column] = role
        if role == "checkpoint":
            texts[cell.column] = cell.text.replace("\n", " ")
    if "goal" not in roles.values() or "metric" not in roles.values():
        return None
    return _Header(line, roles, texts, [line.number])


# --- The parser -------------------------------------------------------------------------------


class _Parser:
    def __init__(self, source: Source):
        self.source = source
        self.lines = source.lines
        self.tolerance = 4.0 if source.format == "pdf" else 0.0
        self.items: list[Item] = []
        self.warnings: list[str] = []
        self.goal: Item | None = None
        self.goal_raw = ""  # the goal cell as written, to know a repeated one
        self.goal_indent = 0
        self.last: Item | None = None  # the goal or metric a wrapped line continues
        self.last_indent = 0
        self.numbers: dict[int, Item] = {}  # goal number → goal, for a weights line

    def run(self) -> None:
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            header = None if line.is_blank else _cell_header(line)
            if header is not None:
                index = self._table(index, header)
                continue
            match = None if line.is_blank or len(line.cells) != 1 else _RUN_TOGETHER_HEADER.match(line.text)
            if match:
                index = self._run_together(index, match.group("rest"))
                continue
            if not line.is_blank:
                self._text_line(line)
            index += 1
        self._goals_stating_targets()
        for item in self.items:  # soft hyphens have done their work (joined())
            item.text = item.text.replace("\u00ad", "")

    # --- items ---

    def _add(self, item: Item) -> Item:
        self.items.append(item)
        return item

    def _skip(self, line: Line, text: str | None = None) -> None:
        self._add(Item(SKIP, text if text is not None else line.text, [line.number]))

    def _start_goal(self, text: str, line: Line, number: int | None = None) -> Item:
        title, weight = title_and_weight(text)
        self.goal = self._add(Item(GOAL, title, [line.number], weight=weight))
        self.goal_raw = normal(text)
        self.goal_indent = line.indent
        self.last, self.last_indent = self.goal, line.indent
        if number is not None:
            self.numbers.setdefault(number, self.goal)
        return self.goal

    def _add_metric(self, text: str, line: Line) -> Item:
        metric = self._add(_metric(text, [line.number]))
        self.last, self.last_indent = metric, line.indent
        return metric

    def _continue_last(self, text: str, line: Line) -> None:
        self._append(self.last, text, line)

    def _append(self, item: Item, text: str, line: Line) -> None:
        """A wrapped line onto the item it continues."""
        item.text = joined(item.text, text)
        if line.number not in item.lines:
            item.lines.append(line.number)
        if item.kind == GOAL:
            item.text, weight = title_and_weight(item.text)
            item.weight = weight if weight is not None else item.weight
        elif item.target is None:
            read_target(item)

    def _close(self) -> None:
        self.goal = self.last = None

    # --- tables ---

    def _column(self, header: _Header, position: float) -> float:
        """The header column a cell at `position` belongs to: the last that starts at
        or before it (a cell left of every column belongs to the first)."""
        columns = sorted(header.roles)
        chosen = columns[0]
        for column in columns:
            if column <= position + self.tolerance:
                chosen = column
        return chosen

    def _by_role(self, header: _Header, line: Line) -> dict[str, list[tuple[float, str]]]:
        found: dict[str, list[tuple[float, str]]] = {}
        for cell in line.cells:
            if not cell.text.strip():
                continue
            column = self._column(header, cell.column)
            found.setdefault(header.roles[column], []).append((column, cell.text))
        return found

    def _add_header_checkpoints(self, header: _Header) -> None:
        for column in sorted(header.texts):
            for label, evaluation in _checkpoint_labels(header.texts[column]):
                self._add(_checkpoint(label, evaluation, header.lines))

    def _table(self, index: int, header: _Header) -> int:
        self._close()
        if self.source.physical_lines:
            index = self._header_continuation(index + 1, header)
            self._add_header_checkpoints(header)
            index = self._positioned_rows(index, header)
        else:
            self._add_header_checkpoints(header)
            index = self._whole_rows(index + 1, header)
        self._close()
        return index

    def _header_continuation(self, index: int, header: _Header) -> int:
        """Printed header cells wrap too ("Seuranta" / "elokuu 2025"): lines with text
        only in follow-up columns, before the first row, belong to the header."""
        while index < len(self.lines):
            line = self.lines[index]
            if line.is_blank:
                index += 1
                continue
            roles = self._by_role(header, line)
            if not roles or set(roles) != {"checkpoint"}:
                break
            for column, text in roles["checkpoint"]:
                header.texts[column] = f"{header.texts.get(column, '')} {text}"
            header.lines.append(line.number)
            index += 1
        return index

    def _whole_rows(self, index: int, header: _Header) -> int:
        """Rows of a Word table, a sheet or CSV: each line is a whole row."""
        while index < len(self.lines):
            line = self.lines[index]
            if not line.is_blank and line.table != header.line.table:
                break
            if not line.is_blank and normal(line.text) != normal(header.line.text):
                self._whole_row(header, line)
            index += 1
        return index

    def _whole_row(self, header: _Header, line: Line) -> None:
        roles = self._by_role(header, line)
        goal_text = " ".join(text for _, text in roles.get("goal", [])).replace("\n", " ")
        if goal_text.strip() and (self.goal is None or normal(goal_text) != self.goal_raw):
            self._start_goal(goal_text, line)
        weight = " ".join(text for _, text in roles.get("weight", []))
        if weight and self.goal is not None and _percent(weight) is not None:
            self.goal.weight = _percent(weight)
            if line.number not in self.goal.lines:
                self.goal.lines.append(line.number)
        texts = _split_cell("\n".join(text for _, text in roles.get("metric", [])))
        if texts and self.goal is None:
            self._skip(line, " ".join(texts))
        elif texts:
            metrics = [self._add_metric(text, line) for text in texts]
            target = " ".join(text for _, text in roles.get("target", []))
            if target.strip() and len(metrics) == 1:
                self._target_from_cell(metrics[0], target)
        for role in ("checkpoint", "other"):
            for _, text in roles.get(role, []):
                self._skip(line, clean_text(text))

    def _target_from_cell(self, metric: Item, text: str) -> None:
        # The target column says what the metric's sentence may have said otherwise.
        metric.target, metric.unit, metric.direction, metric.target_text = None, "", None, None
        read_target(metric, text)
        if metric.target is None:  # a bare number in a target column is the target
            number = re.fullmatch(r"\s*(\d+(?:[,.]\d+)?)\s*(\S{0,12})\s*", text)
            if number:
                read_target(metric, f"+{number.group(1)} {number.group(2)}".strip())
                metric.direction = None
                metric.target_text = clean_text(text)

    def _positioned_rows(self, index: int, header: _Header) -> int:
        """Rows of a printed table (PDF, tab-separated text): a row runs over several
        lines and starts after a gap (a blank line) with both a goal and a metric."""
        new_row = True
        while index < len(self.lines):
            line = self.lines[index]
            if line.is_blank:
                new_row = True
                index += 1
                continue
            roles = self._by_role(header, line)
            if normal(line.text) == normal(header.line.text):  # the header repeated on a new page
                index = self._header_continuation(index + 1, _Header(line, header.roles))
                continue
            if not self._positioned_line(roles, line, new_row):
                repeated = self._repeated_header(index, header)
                if repeated is None:
                    break
                for furniture in self.lines[index:repeated]:  # a page's footer and header
                    if not furniture.is_blank:
                        self._skip(furniture)
                index = repeated
                continue
            new_row = False
            index += 1
        return index

    def _repeated_header(self, index: int, header: _Header) -> int | None:
        """Where the table's header comes again within the next few lines (the table goes
        on over a page break, past the page's footer and header), or None."""
        wanted = normal(header.line.text)
        for ahead in range(index, min(index + _PAGE_FURNITURE_MAX, len(self.lines))):
            if normal(self.lines[ahead].text) == wanted:
                return ahead
        return None

    def _positioned_line(self, roles: dict, line: Line, new_row: bool) -> bool:
        """Place one printed line of a table row; False when the table has ended."""
        goal = " ".join(text for _, text in roles.get("goal", []))
        metric = " ".join(text for _, text in roles.get("metric", []))
        if not goal and not metric:
            for role_texts in roles.values():
                for _, text in role_texts:
                    self._skip(line, clean_text(text))
            return True
        if goal and new_row and not metric:
            return False  # a heading after the table
        if goal and (new_row or self.goal is None):
            self._start_goal(goal, line)
        elif goal:
            self._append(self.goal, goal, line)
        if metric:
            if _BULLET_LINE.match(metric) or new_row or self.last is None or self.last.kind != METRIC:
                if self.goal is None:
                    self._skip(line, metric)
                else:
                    self._add_metric(_strip_bullet(metric), line)
            else:
                self._continue_last(metric, line)
        for role in ("weight", "target", "checkpoint", "other"):
            for _, text in roles.get(role, []):
                self._skip(line, clean_text(text))
        return True

    def _run_together(self, index: int, rest: str) -> int:
        """The plain-text table: "Tavoite Mittari Seuranta …", then rows where the goal
        and its first metric share a line: "Talouden johtaminen • Talousarvion …"."""
        self._close()
        header_line = self.lines[index]
        header = [rest]
        numbers = [header_line.number]
        index += 1
        while index < len(self.lines):
            line = self.lines[index]
            if not line.is_blank:
                if BULLET in line.text or len(line.text) > _HEADER_FRAGMENT_MAX:
                    break
                header.append(line.text)
                numbers.append(line.number)
            index += 1
        for label, evaluation in _checkpoint_labels(" ".join(header)):
            self._add(_checkpoint(label, evaluation, numbers))
        while index < len(self.lines):
            line = self.lines[index]
            if not line.is_blank and not self._run_together_line(line):
                break
            index += 1
        self._close()
        return index

    def _run_together_line(self, line: Line) -> bool:
        text = line.text
        if text.startswith(BULLET):
            if self.goal is None:
                self._skip(line)
            else:
                for piece in text.split(BULLET)[1:]:
                    if piece.strip():
                        self._add_metric(piece, line)
            return True
        if BULLET in text:
            goal, *metrics = text.split(BULLET)
            self._start_goal(goal, line)
            for piece in metrics:
                if piece.strip():
                    self._add_metric(piece, line)
            return True
        if text[:1].islower() and self.last is not None:
            self._continue_last(text, line)
            return True
        return False

    # --- running text ---

    def _text_line(self, line: Line) -> None:
        text = line.text.strip()
        numbered = _NUMBERED.match(text)
        if numbered and not (self.goal is not None and line.indent > self.goal_indent):
            self._start_goal(text[numbered.end() :], line, int(numbered.group("number")))
            return
        if numbered or _BULLET_LINE.match(text):
            body = text[numbered.end() :] if numbered else _strip_bullet(text)
            if self.goal is None:
                self._skip(line)
            else:
                self._add_metric(body, line)
            return
        if self._weights_line(text, line) or self._checkpoints_line(text, line):
            return
        if self.last is not None and (text[:1].islower() or line.indent > self.last_indent):
            self._continue_last(text, line)
            return
        self._skip(line)
        self._close()

    def _weights_line(self, text: str, line: Line) -> bool:
        if not starts_with_word(text, WEIGHT_WORDS) or "%" not in text:
            return False
        pairs = _NUMBERED_WEIGHT.findall(text)
        goals = [item for item in self.items if item.kind == GOAL]
        if pairs and all(int(number) in self.numbers for number, _ in pairs):
            targets = [(self.numbers[int(number)], int(weight)) for number, weight in pairs]
        else:
            percents = [int(p) for p in _PERCENT.findall(text)]
            if len(percents) == 1 and self.goal is not None:
                targets = [(self.goal, percents[0])]
            elif len(percents) == len(goals):
                targets = list(zip(goals, percents, strict=True))
            else:
                return False
        for goal, weight in targets:
            goal.weight = weight
            goal.lines.append(line.number)
        return True

    def _checkpoints_line(self, text: str, line: Line) -> bool:
        word = starts_with_word(text, CHECKPOINT_WORDS)
        if not word:
            return False
        rest = text[len(word) :].strip(" :")
        found = []
        for part in _CHECKPOINT_SPLIT.split(rest):
            label = part.strip(" .")
            if label and dates.window(label)[0] is not None:
                found.append(label)
        if not found:
            return False
        for label in found:
            self._add(_checkpoint(label, False, [line.number]))
        self._close()
        return True

    def _goals_stating_targets(self) -> None:
        """A goal with no metrics whose sentence states a target is measured by itself:
        "Väestönkasvu: vähintään 30 uutta asukasta" → the goal "Väestönkasvu" with the
        metric "vähintään 30 uutta asukasta"; without a colon or dash, the sentence is both."""
        result: list[Item] = []
        for position, item in enumerate(self.items):
            result.append(item)
            if item.kind != GOAL or find_target(item.text) is None:
                continue
            following = [i for i in self.items[position + 1 :] if i.kind in (GOAL, METRIC)]
            if following and following[0].kind == METRIC:
                continue
            parts = re.split(r"(:\s|\s[–—-]\s)", item.text, maxsplit=1)
            metric_text = item.text
            if len(parts) == 3 and find_target(parts[2]):
                item.text, metric_text = parts[0].strip(), parts[2].strip()
            result.append(_metric(metric_text, item.lines))
        self.items = result
