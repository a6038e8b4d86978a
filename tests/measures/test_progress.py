"""Progress of a quantitative metric toward its target, and the text that says it
(suunta/measures/progress.py): what the metric page and the chart's text alternative
state."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from suunta.agreements.models import Metric
from suunta.measures.models import MetricValue
from suunta.measures.progress import progress, summary

from .common import NBSP


def metric(target, direction="increase", baseline=None, unit="") -> Metric:
    return Metric(
        text="Mittari",
        unit=unit,
        target=None if target is None else Decimal(target),
        baseline=None if baseline is None else Decimal(baseline),
        direction=direction if target is not None else "",
    )


def values(*pairs) -> list[MetricValue]:
    """(day, value) pairs, given in any order; pk in the given order."""
    return [
        MetricValue(pk=index, measured_on=dt.date(2025, month, day), value=Decimal(value))
        for index, ((month, day), value) in enumerate(pairs, start=1)
    ]


def percent_fi(result) -> str:
    with translation.override("fi"):
        return result.percent


# --- progress() ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latest", "share", "reached", "percent"),
    [
        ("780000", "0.9176", False, f"91,8{NBSP}%"),
        ("0", "0", False, f"0{NBSP}%"),
        ("425000", "0.5", False, f"50{NBSP}%"),
        ("850000", "1", True, f"100{NBSP}%"),
        ("900000", "1.0588", True, f"105,9{NBSP}%"),
        ("-85000", "-0.1", False, f"-10{NBSP}%"),
    ],
)
def test_increase_with_a_baseline(latest, share, reached, percent):
    m = metric("850000", "increase", baseline="0", unit="€")
    result = progress(m, values(((1, 31), "20000"), ((12, 31), latest)))
    assert result.latest.value == Decimal(latest)
    assert result.share.quantize(Decimal("0.0001")) == Decimal(share)
    assert result.reached is reached
    assert percent_fi(result) == percent


@pytest.mark.parametrize(
    ("latest", "share", "reached"),
    [
        ("103.4", "0", False),
        ("101.7", "0.5", False),
        ("100.0", "1", True),
        ("99.6", "1.1176", True),
        ("104.25", "-0.25", False),
    ],
)
def test_decrease_with_a_baseline(latest, share, reached):
    m = metric("100", "decrease", baseline="103.4", unit="%")
    result = progress(m, values(((1, 31), "102.8"), ((6, 30), latest)))
    assert result.share.quantize(Decimal("0.0001")) == Decimal(share)
    assert result.reached is reached


@pytest.mark.parametrize(
    ("latest", "share", "reached"), [("10", "0.4", False), ("25", "1", True), ("30", "1.2", True)]
)
def test_increase_without_a_baseline_starts_from_zero(latest, share, reached):
    result = progress(metric("25", "increase"), values(((3, 1), latest)))
    assert result.share == Decimal(share)
    assert result.reached is reached


@pytest.mark.parametrize(("latest", "reached"), [("8", False), ("5", True), ("3", True)])
def test_decrease_without_a_baseline_is_reached_or_not_but_has_no_way_from_zero(latest, reached):
    """Sick days, target 5, lower is better, no baseline: 8 days is not "160 % of the way"."""
    result = progress(metric("5", "decrease"), values(((3, 1), latest)))
    assert result.reached is reached
    assert result.share is None
    assert percent_fi(result) == ""


def test_decrease_without_a_baseline_toward_a_negative_target_starts_from_zero():
    """A deficit to bring down to −5: from zero the way does go down."""
    result = progress(metric("-5", "decrease"), values(((3, 1), "-2")))
    assert result.share == Decimal("0.4")
    assert result.reached is False


@pytest.mark.parametrize(
    ("latest", "percent"), [("91.25", f"91,3{NBSP}%"), ("91.35", f"91,4{NBSP}%"), ("0.05", f"0,1{NBSP}%")]
)
def test_the_percent_rounds_half_up(latest, percent):
    result = progress(metric("100", "increase", baseline="0"), values(((3, 1), latest)))
    assert percent_fi(result) == percent


def test_the_latest_value_is_the_latest_by_date_not_by_entry():
    m = metric("100", "increase", baseline="0")
    result = progress(m, values(((12, 31), "90"), ((1, 31), "10"), ((6, 30), "50")))
    assert result.latest.measured_on == dt.date(2025, 12, 31)
    assert result.share == Decimal("0.9")


def test_without_values_there_is_no_progress():
    result = progress(metric("100", "increase", baseline="0"), [])
    assert (result.latest, result.share, result.reached, result.percent) == (None, None, False, "")


def test_a_metric_in_words_has_no_progress():
    result = progress(metric(None), values(((1, 1), "5")))
    assert (result.share, result.reached) == (None, False)


# --- summary() -----------------------------------------------------------------------------------


def en_summary(m, vals) -> str:
    with translation.override("en"):
        return summary(m, vals, progress(m, vals))


SAVINGS = [((1, 31), "20000"), ((2, 28), "45000"), ((6, 30), "300000"), ((12, 31), "780000")]


def test_the_summary_states_target_baseline_count_range_extremes_latest_and_progress():
    m = metric("850000", "increase", baseline="0", unit="€")
    text = en_summary(m, values(*SAVINGS))
    n = NBSP
    assert text == (
        f"Target 850,000{n}€ (higher is better). Baseline 0{n}€. "
        "4 values from 31.1.2025 to 31.12.2025. "
        f"Lowest 20,000{n}€ (31.1.2025), highest 780,000{n}€ (31.12.2025). "
        f"Latest 780,000{n}€ on 31.12.2025. "
        f"91.8{n}% of the way from the baseline to the target."
    )


def test_the_summary_says_when_the_target_is_reached():
    m = metric("100", "decrease", baseline="103.4", unit="%")
    text = en_summary(m, values(((1, 31), "102.8"), ((12, 31), "99.6")))
    assert text.endswith(f"Latest 99.6{NBSP}% on 31.12.2025. The target is reached.")
    assert text.startswith(f"Target 100{NBSP}% (lower is better). Baseline 103.4{NBSP}%.")
    assert "of the way" not in text


def test_the_summary_of_one_value_has_no_range():
    m = metric("25", "increase", unit="kpl")
    text = en_summary(m, values(((3, 1), "10")))
    assert text == (
        f"Target 25{NBSP}kpl (higher is better). 1 value from 1.3.2025 to 1.3.2025. "
        f"Latest 10{NBSP}kpl on 1.3.2025. 40{NBSP}% of the way from the baseline to the target."
    )


def test_the_summary_without_values():
    m = metric("25", "increase", baseline="5")
    assert en_summary(m, []) == "Target 25 (higher is better). Baseline 5. No values recorded yet."


def test_the_summary_without_a_way_to_measure_progress_says_only_the_latest():
    text = en_summary(metric("5", "decrease", unit="pv"), values(((3, 1), "8")))
    assert text.endswith(f"Latest 8{NBSP}pv on 1.3.2025.")


def test_the_summary_in_finnish_uses_finnish_numbers():
    m = metric("850000", "increase", baseline="0", unit="€")
    vals = values(*SAVINGS)
    with translation.override("fi"):
        text = summary(m, vals, progress(m, vals))
    assert f"850{NBSP}000{NBSP}€" in text
    assert f"780{NBSP}000{NBSP}€" in text
    assert f"91,8{NBSP}%" in text
    assert "31.12.2025" in text
