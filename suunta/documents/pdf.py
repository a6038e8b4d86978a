"""PDF/A-2a + PDF/UA-1 with Typst: tagged, title and language set, the vendored fonts
only, byte-identical for the same data."""

import atexit
import datetime
import functools
import json
import os
import re
import shutil
import tempfile
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


@functools.cache
def _uncovered() -> re.Pattern:
    """One character the fonts cannot show (line breaks and tabs excepted), as a regular
    expression: a character class of the covered ranges, negated, scans a text in C
    rather than a Python loop over its characters."""
    points = sorted(covered() | {ord("\n"), ord("\t")})
    ranges = []
    start = previous = points[0]
    for point in points[1:]:
        if point != previous + 1:
            ranges.append((start, previous))
            start = point
        previous = point
    ranges.append((start, previous))
    return re.compile("[^" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]")


def printable(text: str) -> str:
    """Characters outside the fonts (emoji, rare scripts) become "?", never a crash;
    line breaks and tabs are kept. Composed first (NFC): an "ä" typed or pasted as "a"
    and a combining diaeresis (macOS, some PDFs) is the font's "ä", not "a?"."""
    return _uncovered().sub(REPLACEMENT, unicodedata.normalize("NFC", text))


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
_COMPILERS: dict[int, tuple[typst.Compiler, Path]] = {}


def _compiler() -> tuple[typst.Compiler, Path]:
    """This process's compiler and the data file it reads.

    One compiler per process keeps Typst's caches warm: its fonts, and the layout of
    every paragraph it has set, which the next compile reuses where the paragraph and
    its styles are the same. The data goes in a file beside a copy of the template, not
    in `sys_inputs`: new inputs make a new standard library, and that invalidates every
    cached layout at once. The directory is the process's own (keyed by pid, so a worker
    forked after a render never writes its data where its parent reads); one removed
    under a running server (a temporary-file cleaner) is made again."""
    pid = os.getpid()
    made = _COMPILERS.get(pid)
    if made is None or not (made[1].parent / TEMPLATE.name).exists():
        workdir = Path(tempfile.mkdtemp(prefix="suunta-typst-"))
        atexit.register(_remove, workdir, pid)
        shutil.copyfile(TEMPLATE, workdir / TEMPLATE.name)
        compiler = typst.Compiler(
            str(workdir / TEMPLATE.name), root=str(workdir), font_paths=[str(FONTS)], ignore_system_fonts=True
        )
        made = _COMPILERS[pid] = (compiler, workdir / "data.json")
    return made


def _remove(workdir: Path, pid: int) -> None:
    """At exit, by the process that made it only (a forked child inherits the handler)."""
    if os.getpid() == pid:
        shutil.rmtree(workdir, ignore_errors=True)


def render(content: dict) -> bytes:
    data = json.dumps(_breakable_table(_clean(content)), ensure_ascii=False, sort_keys=True)
    day = datetime.date.fromisoformat(content["date"])
    # The document's date is the content's own (the decision day), not the clock: the
    # same data gives the same bytes.
    timestamp = int(datetime.datetime(day.year, day.month, day.day, 12, tzinfo=datetime.UTC).timestamp())
    # The compiler is not safe to enter from two threads at once (a threaded server),
    # and the data file is shared by its compiles: they take turns.
    with _COMPILE_LOCK:
        compiler, data_file = _compiler()
        data_file.write_text(data, encoding="utf-8")
        try:
            return compiler.compile(format="pdf", pdf_standards=STANDARDS, timestamp=timestamp)
        finally:
            # Typst reads the file during the compile only; no document's text is left
            # lying in the temporary directory between downloads.
            data_file.write_bytes(b"")
