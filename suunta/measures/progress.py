"""Progress of a quantitative metric toward its target, and the text that says it."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from suunta.agreements.models import Checkpoint, Direction, Metric
from suunta.lib.numbers import format_decimal

from . import chart
from .models import MetricValue


@dataclass(frozen=True)
class Progress:
    latest: MetricValue | None
    # Share of the way from the baseline (0 when none is given) to the target: 1 = reached.
    share: Decimal | None
    reached: bool

    @property
    def percent(self) -> str:
        if self.share is None:
            return ""
        # Half up, as people round (and as the weighted overall result): 91,25 → 91,3.
        return format_decimal((self.share * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), "%")


def progress(metric: Metric, values: list[MetricValue]) -> Progress:
    """Where the latest value stands. Without a baseline the way starts from zero."""
    latest = max(values, key=lambda v: (v.measured_on, v.pk)) if values else None
    if latest is None or metric.target is None:
        return Progress(latest=latest, share=None, reached=False)
    start = metric.baseline if metric.baseline is not None else Decimal(0)
    distance = metric.target - start
    share = (latest.value - start) / distance if distance else None
    if metric.baseline is None and (distance < 0) != (metric.direction == Direction.DECREASE):
        # Zero is no starting point when the way from it runs the wrong way (lower is
        # better, target 5): 8 would read "160 % of the way". Only reached or not.
        share = None
    if metric.direction == Direction.DECREASE:
        reached = latest.value <= metric.target
    else:
        reached = latest.value >= metric.target
    return Progress(latest=latest, share=share, reached=reached)


def summary(metric: Metric, values: list[MetricValue], result: Progress) -> str:
    """The chart's text alternative: what a sighted reader takes from the picture."""
    unit = metric.unit
    parts = []
    if metric.target is not None:
        target = _("Target %(target)s (%(direction)s).") % {
            "target": format_decimal(metric.target, unit),
            "direction": metric.get_direction_display().lower(),
        }
        if metric.baseline is not None:
            target += " " + _("Baseline %(baseline)s.") % {"baseline": format_decimal(metric.baseline, unit)}
        parts.append(target)
    if not values:
        parts.append(_("No values recorded yet."))
        return " ".join(parts)
    ordered = sorted(values, key=lambda v: (v.measured_on, v.pk))
    parts.append(
        ngettext(
            "%(count)s value from %(first)s to %(last)s.",
            "%(count)s values from %(first)s to %(last)s.",
            len(ordered),
        )
        % {
            "count": len(ordered),
            "first": formats.date_format(ordered[0].measured_on, "SHORT_DATE_FORMAT"),
            "last": formats.date_format(ordered[-1].measured_on, "SHORT_DATE_FORMAT"),
        }
    )
    low = min(ordered, key=lambda v: v.value)
    high = max(ordered, key=lambda v: v.value)
    if len(ordered) > 1:
        parts.append(
            _("Lowest %(low)s (%(low_date)s), highest %(high)s (%(high_date)s).")
            % {
                "low": format_decimal(low.value, unit),
                "low_date": formats.date_format(low.measured_on, "SHORT_DATE_FORMAT"),
                "high": format_decimal(high.value, unit),
                "high_date": formats.date_format(high.measured_on, "SHORT_DATE_FORMAT"),
            }
        )
    latest = result.latest
    parts.append(
        _("Latest %(value)s on %(date)s.")
        % {
            "value": format_decimal(latest.value, unit),
            "date": formats.date_format(latest.measured_on, "SHORT_DATE_FORMAT"),
        }
    )
    if result.reached:
        parts.append(_("The target is reached."))
    elif result.share is not None:
        parts.append(
            _("%(percent)s of the way from the baseline to the target.") % {"percent": result.percent}
        )
    return " ".join(parts)


def overview(plan, metric: Metric, values: list[MetricValue], checkpoints=None) -> dict:
    """Progress, text summary and SVG chart (wide, and compact for phones) of one metric:
    the metric page and the documents show the same. `checkpoints` (the metric's version's) may be given
    by a caller drawing several charts."""

    result = progress(metric, values)
    text = summary(metric, values, result)
    if checkpoints is None:
        checkpoints = Checkpoint.objects.filter(version_id=metric.goal_area.version_id)
    drawing = {
        "title": metric.display_text,
        "description": text,
        "unit": metric.unit,
        "period": (plan.period_start, plan.period_end),
        "values": [(v.measured_on, v.value) for v in values],
        "target": metric.target,
        "baseline": metric.baseline,
        "markers": [chart.Marker(c.window_start, c.display_label) for c in checkpoints],
    }
    return {
        "progress": result,
        "summary": text,
        "chart": chart.render(chart_id=f"chart-{metric.pk}", **drawing),
        # The metric page shows this one instead on a phone (see chart.COMPACT).
        "chart_compact": chart.render(chart_id=f"chart-{metric.pk}-compact", layout=chart.COMPACT, **drawing),
    }
