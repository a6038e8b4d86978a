"""The preview's rows: the draft's items as form rows, and the corrected rows back.

Lines left out that follow each other are one row (a paragraph of boilerplate is one
thing to look at). A correction is made in the row itself: its kind (goal, metric,
follow-up, left out), its text (a line break splits the row), "join to the row above".
After a correction, what a row's text states and its fields do not (a target, a
weight, a window) is read again, so "Update preview" shows what will be saved.
"""

from . import dates
from .draft import CHECKPOINT, GOAL, METRIC, SKIP, Draft, Item
from .parse import clean_text, read_target, title_and_weight

ROWS_MAX = 600
_READ_AGAIN = {
    "weight": None,
    "target": None,
    "unit": "",
    "direction": None,
    "target_text": None,
    "start": None,
    "end": None,
}


def initial_rows(draft: Draft) -> list[dict]:
    rows: list[dict] = []
    for item in draft.items:
        if item.kind == SKIP and rows and rows[-1]["kind"] == SKIP:
            rows[-1]["text"] += "\n" + item.text
            rows[-1]["lines"] += "," + ",".join(map(str, item.lines))
            continue
        rows.append(
            {
                "kind": item.kind,
                "text": item.text,
                "weight": item.weight,
                "target": item.target,
                "unit": item.unit,
                "direction": item.direction or "",
                "target_text": item.target_text or "",
                "start": item.start,
                "end": item.end,
                "evaluation": item.evaluation,
                "lines": ",".join(map(str, item.lines)),
            }
        )
    return rows


def _item(data: dict, text: str) -> Item:
    return Item(
        kind=data["kind"],
        text=text,
        lines=list(data.get("lines") or []),
        weight=data.get("weight"),
        target=data.get("target"),
        unit=data.get("unit") or "",
        direction=data.get("direction") or None,
        target_text=data.get("target_text") or None,
        start=data.get("start"),
        end=data.get("end"),
        evaluation=bool(data.get("evaluation")),
    )


def _fill_in(item: Item) -> Item:
    """Read from the text what the row's fields leave empty."""
    if item.kind == GOAL and item.weight is None:
        item.text, item.weight = title_and_weight(item.text)
    elif item.kind == METRIC and item.target is None and not item.unit and not item.direction:
        read_target(item)
    elif item.kind == CHECKPOINT and item.start is None and item.end is None:
        item.start, item.end = dates.window(item.text)
    return item


def corrected(rows: list[dict]) -> tuple[list[Item], bool]:
    """The items the cleaned rows say, with joins and splits applied, and whether any
    join or split was made (the preview is shown again before saving then)."""
    items: list[Item] = []
    changed = False
    for data in rows:
        text = (data.get("text") or "").replace("\r\n", "\n").replace("\r", "\n")
        if data.get("join") and items:
            above = items[-1]
            separator = "\n" if above.kind == SKIP else " "
            above.text = (above.text + separator + text.strip()).strip()
            above.lines += [n for n in data.get("lines") or [] if n not in above.lines]
            if above.kind != SKIP:
                above.text = clean_text(above.text)
            changed = True
            continue
        pieces = (
            [text.strip()] if data["kind"] == SKIP else [p.strip() for p in text.split("\n") if p.strip()]
        )
        if len(pieces) > 1:  # each piece states its own target, weight or window
            changed = True
            data = {**data, **_READ_AGAIN}
        for piece in pieces or [""]:
            items.append(_item(data, piece if data["kind"] == SKIP else clean_text(piece)))
    return [_fill_in(item) for item in items], changed
