"""A quantitative metric in the plan editor (issue 6, "Bad input"): target and direction
go together and agree with the baseline; the decimal comma is accepted. Errors in
Finnish beside the field, the typed values kept, nothing saved."""

from decimal import Decimal

import pytest
from django.urls import reverse

from suunta.agreements.models import Metric

from ..helpers import snapshot
from .common import PREPARER, budget, fi, field_errors, goals_of, page

pytestmark = pytest.mark.django_db

NO_TARGET = "Give a target, or leave unit, baseline and direction empty."
NO_DIRECTION = "Choose whether a higher or a lower value is better."
ABOVE = "Higher is better, so the target must be above the baseline."
BELOW = "Lower is better, so the target must be below the baseline."
EQUAL = "The target cannot equal the baseline."


@pytest.fixture
def version(demo):
    return demo.draft.versions.get()


@pytest.fixture
def editor(demo):
    return demo.client(PREPARER)


def new_metric(editor, demo, version, **fields):
    goal = goals_of(version)[0]
    data = {"new-metric-text": "Asukastyytyväisyys", "new-metric-text_sv": ""}
    data.update({f"new-metric-{name}": value for name, value in fields.items()})
    return editor.post(reverse("metric_new", args=[demo.draft.pk, goal.pk]), data)


def assert_typed(response, prefix: str, **typed) -> None:
    doc = page(response)
    for name, value in typed.items():
        control = doc.by_id(f"id_{prefix}-{name}")
        if control.tag == "select":
            selected = [
                o.attrs.get("value")
                for o in control.find_all(lambda e: e.tag == "option")
                if "selected" in o.attrs
            ]
            assert selected == [value], (name, selected)
        else:
            assert control.value() == value, (name, control.value())


CASES = [
    pytest.param({"unit": "%", "target": "12,5"}, {"direction": NO_DIRECTION}, id="target-without-direction"),
    pytest.param(
        {"direction": "increase", "baseline": "3"}, {"target": NO_TARGET}, id="direction-without-target"
    ),
    pytest.param({"unit": "€"}, {"target": NO_TARGET, "direction": NO_DIRECTION}, id="unit-alone"),
    pytest.param(
        {"baseline": "10", "target": "9,5", "direction": "increase"},
        {"target": ABOVE},
        id="increase-target-below",
    ),
    pytest.param(
        {"baseline": "103,4", "target": "104", "direction": "decrease"},
        {"target": BELOW},
        id="decrease-target-above",
    ),
    pytest.param(
        {"baseline": "100", "target": "100,0", "direction": "decrease"}, {"target": EQUAL}, id="equal"
    ),
    # A target that is not a number: that is what is wrong with it, not that it is missing.
    pytest.param(
        {"target": "1.234,5", "direction": "increase"}, {"target": "Enter a number, e.g. 1 234,5."}, id="nan"
    ),
    pytest.param(
        {"baseline": "abc", "target": "5", "direction": "increase"},
        {"baseline": "Enter a number, e.g. 1 234,5."},
        id="baseline-nan",
    ),
]


@pytest.mark.parametrize(("typed", "expected"), CASES)
def test_a_new_metric_with_inconsistent_numbers_is_refused(demo, version, editor, typed, expected):
    before = snapshot()
    response = new_metric(editor, demo, version, **typed)
    for field, message in expected.items():
        assert field_errors(response, f"id_new-metric-{field}") == [fi(message)]
    for other in {"unit", "baseline", "target", "direction"} - expected.keys():
        assert field_errors(response, f"id_new-metric-{other}") == [], other
    assert_typed(response, "new-metric", text="Asukastyytyväisyys", **typed)
    assert snapshot() == before


@pytest.mark.parametrize(("typed", "expected"), CASES)
def test_editing_a_metric_into_inconsistent_numbers_is_refused(demo, version, editor, typed, expected):
    metric = Metric.objects.filter(goal_area__version=version, target__isnull=True).order_by("pk").first()
    prefix = f"metric-{metric.pk}"
    data = {f"{prefix}-text": metric.text, f"{prefix}-text_sv": metric.text_sv}
    data.update({f"{prefix}-{name}": value for name, value in typed.items()})
    before = snapshot()
    response = editor.post(reverse("metric_edit", args=[demo.draft.pk, metric.pk]), data)
    for field, message in expected.items():
        assert field_errors(response, f"id_{prefix}-{field}") == [fi(message)]
    assert_typed(response, prefix, **typed)
    assert snapshot() == before


def test_a_decimal_comma_target_is_stored_as_a_decimal(demo, version, editor):
    response = new_metric(editor, demo, version, unit="%", baseline="10", target="12,5", direction="increase")
    assert response.status_code == 302, response.status_code
    metric = Metric.objects.get(goal_area__version=version, text="Asukastyytyväisyys")
    assert (metric.unit, metric.baseline, metric.target, metric.direction) == (
        "%",
        Decimal("10"),
        Decimal("12.5"),
        "increase",
    )
    assert metric.is_quantitative


def test_thousands_with_spaces_and_a_negative_target_are_accepted(demo, version, editor):
    response = new_metric(
        editor,
        demo,
        version,
        unit="€",
        baseline="\u22121 250 000",
        target="-250 000,50",
        direction="increase",
    )
    assert response.status_code == 302, response.status_code
    metric = Metric.objects.get(goal_area__version=version, text="Asukastyytyväisyys")
    assert (metric.baseline, metric.target) == (Decimal("-1250000"), Decimal("-250000.5"))


def test_a_target_without_a_baseline_is_enough(demo, version, editor):
    response = new_metric(editor, demo, version, unit="kpl", target="25", direction="increase")
    assert response.status_code == 302, response.status_code
    metric = Metric.objects.get(goal_area__version=version, text="Asukastyytyväisyys")
    assert (metric.baseline, metric.target) == (None, Decimal("25"))


def test_a_metric_in_words_stays_one(demo, version, editor):
    response = new_metric(editor, demo, version)
    assert response.status_code == 302, response.status_code
    metric = Metric.objects.get(goal_area__version=version, text="Asukastyytyväisyys")
    assert (metric.unit, metric.baseline, metric.target, metric.direction) == ("", None, None, "")
    assert not metric.is_quantitative


def test_too_many_decimals_in_a_target_are_refused(demo, version, editor):
    before = snapshot()
    response = new_metric(editor, demo, version, target="1,23456", direction="increase")
    assert field_errors(response, "id_new-metric-target") == [
        fi("Use at most %(places)s decimals.", places=4)
    ]
    assert snapshot() == before


def test_the_edit_form_shows_the_stored_numbers_the_finnish_way(demo, version, editor):
    metric = budget(demo.draft)
    response = editor.get(reverse("metric_edit", args=[demo.draft.pk, metric.pk]))
    doc = page(response)
    assert doc.by_id(f"id_metric-{metric.pk}-baseline").value() == "103,4"
    assert doc.by_id(f"id_metric-{metric.pk}-target").value() == "100"
    assert doc.by_id(f"id_metric-{metric.pk}-unit").value() == "%"


def test_saving_the_edit_form_unchanged_keeps_the_numbers(demo, version, editor):
    """What the form shows ("103,4") is read back as the same number."""
    metric = budget(demo.draft)
    prefix = f"metric-{metric.pk}"
    response = editor.get(reverse("metric_edit", args=[demo.draft.pk, metric.pk]))
    doc = page(response)
    data = {
        f"{prefix}-{name}": doc.by_id(f"id_{prefix}-{name}").value()
        for name in ("text", "unit", "baseline", "target")
    }
    data[f"{prefix}-direction"] = "decrease"
    response = editor.post(reverse("metric_edit", args=[demo.draft.pk, metric.pk]), data)
    assert response.status_code == 302, response.status_code
    metric.refresh_from_db()
    assert (metric.baseline, metric.target, metric.direction) == (
        Decimal("103.4"),
        Decimal("100"),
        "decrease",
    )


def test_the_plan_page_shows_the_target_of_a_quantitative_metric(demo):
    response = demo.client("pormestari").get(reverse("plan_detail", args=[demo.plan.pk]))
    doc = page(response)
    metric = budget(demo.plan)
    item = doc.by_id(f"metric-{metric.pk}")
    targets = item.find_all(lambda e: "metric-target" in e.classes)
    assert [t.text() for t in targets] == [f"{fi('Target')}: 100\u00a0%"]
    links = [a.attrs["href"] for a in item.find_all(lambda e: e.tag == "a")]
    assert reverse("metric_detail", args=[demo.plan.pk, metric.pk]) in links
