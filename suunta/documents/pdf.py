"""PDF/A-2a + PDF/UA-1 with Typst: tagged, title and language set, the vendored fonts
only, byte-identical for the same data."""

import datetime
import functools
import json
import re
import threading
import unicodedata
from pathlib import Path

import typst
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
FONTS = HERE / "fonts"
TEMPLATE = HERE / "typst" / "document.typ"
STANDARDS = ["a-2a", "ua-1"]
REPLACEMENT = "?"
# A run of letters and digits this long (a code, a pasted hash, a word the hyphenation
# patterns do not know) has no break a narrow table column can use: without one, Typst
# runs it past the page edge. A zero-width space every BREAK_EVERY characters gives it
# one; shorter runs, and anything outside the table, are left alone.
LONG_RUN = re.compile(r"\w{30,}")
BREAK_EVERY = 10


@functools.cache
def covered() -> frozenset[int]:
    """Code points every vendored font can show (PDF/A refuses a missing glyph)."""
    sets = []
    for path in sorted(FONTS.glob("*.ttf")):
        sets.append(set(TTFont(path, lazy=True).getBestCmap()))
    return frozenset(set.intersection(*sets))


def printable(text: str) -> str:
    """Characters outside the fonts (emoji, rare scripts) become "?", never a crash;
    line breaks and tabs are kept. Composed first (NFC): an "ä" typed or pasted as "a"
    and a combining diaeresis (macOS, some PDFs) is the font's "ä", not "a?"."""
    cover = covered()
    text = unicodedata.normalize("NFC", text)
    return "".join(ch if ord(ch) in cover or ch in "\n\t" else REPLACEMENT for ch in text)


def _clean(value):
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def breakable(text: str) -> str:
    def split(match: re.Match) -> str:
        run = match.group()
        return "\u200b".join(run[i : i + BREAK_EVERY] for i in range(0, len(run), BREAK_EVERY))

    return LONG_RUN.sub(split, text)


def _breakable_table(content: dict) -> dict:
    table = content["table"]
    rows = [
        {
            **row,
            "goal": breakable(row["goal"]),
            **({"objectives": [breakable(o) for o in row["objectives"]]} if "objectives" in row else {}),
            "metrics": [breakable(m) for m in row["metrics"]],
            "followups": [breakable(f) for f in row["followups"]],
        }
        for row in table["rows"]
    ]
    return {**content, "table": {**table, "headers": [breakable(h) for h in table["headers"]], "rows": rows}}


_COMPILE_LOCK = threading.Lock()


@functools.cache
def _compiler() -> typst.Compiler:
    return typst.Compiler(str(TEMPLATE), font_paths=[str(FONTS)], ignore_system_fonts=True)


def render(content: dict) -> bytes:
    data = json.dumps(_breakable_table(_clean(content)), ensure_ascii=False, sort_keys=True)
    day = datetime.date.fromisoformat(content["date"])
    # The document's date is the content's own (the decision day), not the clock: the
    # same data gives the same bytes.
    timestamp = int(datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC).timestamp())
    # One compiler per process keeps Typst's caches warm; it is not safe to enter from
    # two threads at once (a threaded server), so compiles take turns.
    with _COMPILE_LOCK:
        return _compiler().compile(
            format="pdf", pdf_standards=STANDARDS, sys_inputs={"data": data}, timestamp=timestamp
        )
