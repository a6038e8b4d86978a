"""A server-rendered SVG chart of one metric: values over the plan period, the target
line and the checkpoints. No JavaScript and no styles: presentation attributes only,
so the same markup works in the page (under the CSP) and in documents.

The picture is never the only carrier of the numbers: the page shows the text summary
(also the SVG's <desc>) and the table of values beside it.
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from suunta.lib.numbers import format_decimal


@dataclass(frozen=True)
class Layout:
    """The drawing's size in its own units; the page scales it to the width it has."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int


# The page and the documents. Squeezed onto a phone (about 340 px) its 12-unit text
# would shrink to about 6 px, so the metric page also draws a COMPACT one for narrow
# screens, whose text keeps about 11 px there.
WIDE = Layout(width=640, height=300, left=96, right=24, top=28, bottom=44)
COMPACT = Layout(width=340, height=240, left=66, right=10, top=28, bottom=40)
# Colours with at least 3:1 contrast on white (WCAG 1.4.11, graphical objects).
VALUE_COLOUR = "#1f5c99"
TARGET_COLOUR = "#1d6b2f"
BASELINE_COLOUR = "#6b4c00"
GRID_COLOUR = "#767676"
TEXT_COLOUR = "#1a1a1a"
# A white outline drawn under a label's letters: a line crossing the label (the value
# line through "Target 100 %") no longer runs through its letters.
HALO = 'stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'


@dataclass(frozen=True)
class Marker:
    day: datetime.date
    label: str


LABEL_ROW = 14  # a line of 12-unit text
CHAR_WIDTH = 7  # about, for a 12-unit sans-serif letter


def marker_rows(labels: list[tuple[float, str]]) -> list[int]:
    """The row of each centred label (0 nearest the plot), so that labels of close
    checkpoints never overlap: each goes to the first row where it clears the previous."""
    ends: list[float] = []  # the right end of the last label in each row
    rows = []
    for mx, text in sorted(labels, key=lambda item: item[0]):
        half = CHAR_WIDTH * len(text) / 2
        row = next((r for r, end in enumerate(ends) if mx - half > end + 6), len(ends))
        if row == len(ends):
            ends.append(0.0)
        ends[row] = mx + half
        rows.append(row)
    # Back in the given order.
    order = sorted(range(len(labels)), key=lambda i: labels[i][0])
    result = [0] * len(labels)
    for position, index in enumerate(order):
        result[index] = rows[position]
    return result


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (1, 2 or 5 times a power of ten apart)."""
    if high == low:
        high, low = high + 1, low - 1
    raw = (high - low) / max(1, count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def render(
    *,
    chart_id: str,
    title: str,
    description: str,
    unit: str,
    period: tuple[datetime.date, datetime.date],
    values: list[tuple[datetime.date, Decimal]],
    target: Decimal | None = None,
    baseline: Decimal | None = None,
    markers: list[Marker] = (),
    layout: Layout = WIDE,
) -> SafeString:
    start, end = period
    span_days = max(1, (end - start).days)
    numbers = [float(v) for _, v in values]
    numbers += [float(x) for x in (target, baseline) if x is not None]
    if not numbers:
        numbers = [0.0, 1.0]
    ticks = nice_ticks(min(numbers), max(numbers))
    y_low, y_high = ticks[0], ticks[-1]
    tick_labels = [format_decimal(Decimal(str(tick)), unit) for tick in ticks]
    width, height = layout.width, layout.height
    # Room for the longest value label ("1 000 000 €"), at about 7 units a character.
    left = max(layout.left, 7 * max(len(label) for label in tick_labels) + 10)
    right = layout.right
    plot_w = width - left - right

    def x(day: datetime.date) -> float:
        return round(left + plot_w * (day - start).days / span_days, 1)

    shown = [m for m in markers if start <= m.day <= end]
    rows = marker_rows([(x(m.day), m.label) for m in shown])
    # Each further row of checkpoint labels takes a line's height from the plot.
    top = layout.top + LABEL_ROW * max(rows, default=0)
    plot_h = height - top - layout.bottom

    def y(value: float) -> float:
        return round(top + plot_h * (1 - (value - y_low) / ((y_high - y_low) or 1)), 1)

    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="sans-serif" font-size="12" fill="{TEXT_COLOUR}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    # Horizontal grid with the value axis labels.
    for tick, label in zip(ticks, tick_labels, strict=True):
        ty = y(tick)
        out.append(
            f'<line x1="{left}" y1="{ty}" x2="{width - right}" y2="{ty}" stroke="{GRID_COLOUR}" '
            f'stroke-width="0.5"/>'
        )
        out.append(f'<text x="{left - 6}" y="{ty + 4}" text-anchor="end">{escape(label)}</text>')
    # Time axis: the period's ends and the checkpoints.
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        f'stroke="{TEXT_COLOUR}" stroke-width="1"/>'
    )
    for day, anchor in ((start, "start"), (end, "end")):
        out.append(
            f'<text x="{x(day)}" y="{height - 10}" text-anchor="{anchor}">'
            f"{escape(formats.date_format(day, 'SHORT_DATE_FORMAT'))}</text>"
        )
    for marker, row in zip(shown, rows, strict=True):
        mx = x(marker.day)
        out.append(
            f'<line x1="{mx}" y1="{top}" x2="{mx}" y2="{top + plot_h}" stroke="{GRID_COLOUR}" '
            f'stroke-width="1" stroke-dasharray="2 3"/>'
        )
        ly = top - 8 - LABEL_ROW * row
        out.append(f'<text x="{mx}" y="{ly}" text-anchor="middle" {HALO}>{escape(marker.label)}</text>')
    labels = []  # the baseline's and target's, drawn with their halo after the line
    if baseline is not None:
        by = y(float(baseline))
        out.append(
            f'<line x1="{left}" y1="{by}" x2="{width - right}" y2="{by}" stroke="{BASELINE_COLOUR}" '
            f'stroke-width="1.5" stroke-dasharray="2 2"/>'
        )
        labels.append(
            f'<text x="{left + 4}" y="{by - 4}" fill="{BASELINE_COLOUR}" {HALO}>'
            f"{escape(_('Baseline'))} {escape(format_decimal(baseline, unit))}</text>"
        )
    if target is not None:
        gy = y(float(target))
        out.append(
            f'<line x1="{left}" y1="{gy}" x2="{width - right}" y2="{gy}" stroke="{TARGET_COLOUR}" '
            f'stroke-width="2" stroke-dasharray="8 4"/>'
        )
        labels.append(
            f'<text x="{width - right - 4}" y="{gy - 6}" text-anchor="end" fill="{TARGET_COLOUR}" {HALO} '
            f'font-weight="bold">{escape(_("Target"))} {escape(format_decimal(target, unit))}</text>'
        )
    points = [(x(day), y(float(value))) for day, value in sorted(values)]
    if len(points) > 1:
        path = " ".join(f"{px},{py}" for px, py in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{VALUE_COLOUR}" stroke-width="2.5"/>')
    # Over the line, under the points: the label is readable, and no value disappears.
    out += labels
    for px, py in points:
        out.append(
            f'<circle cx="{px}" cy="{py}" r="4" fill="{VALUE_COLOUR}" stroke="#ffffff" stroke-width="1"/>'
        )
    out.append("</svg>")
    return mark_safe("\n".join(out))  # noqa: S308 - every text above is escaped
