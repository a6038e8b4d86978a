"""The metric page's chart (issue 6): an SVG image with a title and a text alternative
that says what the picture shows, the same text as the visible caption; the numbers
also in a table. Well-formed, with every text escaped."""

import datetime as dt
import itertools
import math
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation

from suunta.agreements import services as plan_services
from suunta.agreements.models import PlanVersion
from suunta.measures import chart
from suunta.measures.models import MetricValue

from ..conftest import client_for
from ..factories import (
    AgreementFactory,
    CheckpointFactory,
    GoalAreaFactory,
    MembershipFactory,
    MetricFactory,
    PlanFactory,
    VersionFactory,
)
from .common import (
    MAYOR,
    NBSP,
    PREPARER,
    SAVINGS_TEXT,
    budget,
    detail_url,
    fi,
    fi_plural,
    page,
    savings,
    squash,
    svg_markup,
    values_table,
)

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def savings_page(demo):
    return demo.client(MAYOR).get(detail_url(demo.plan, savings(demo.plan)))


def figcaption(doc) -> str:
    return squash(doc.by_id("chart-summary").text())


@pytest.mark.django_db
def test_the_chart_is_an_image_labelled_by_its_title_and_description(demo, savings_page):
    doc = page(savings_page)
    svgs = doc.find_all(lambda e: e.tag == "svg")
    # The wide drawing, and the compact one the stylesheet shows on a phone instead.
    assert [svg.parent.classes & {"chart-wide", "chart-compact"} for svg in svgs] == [
        {"chart-wide"},
        {"chart-compact"},
    ]
    for svg in svgs:
        assert svg.attrs.get("role") == "img"
        label_ids = svg.attrs["aria-labelledby"].split()
        assert len(label_ids) == 2
        title, desc = (doc.by_id(i) for i in label_ids)
        assert (title.tag, desc.tag) == ("title", "desc")
        assert title.parent is svg and desc.parent is svg
        assert title.text() == SAVINGS_TEXT
        # The text alternative is the caption everyone reads below the picture.
        assert desc.text() == figcaption(doc)
        assert desc.text()
        # The figure holds the chart and its caption together.
        caption = doc.by_id("chart-summary")
        assert caption.tag == "figcaption"
        assert svg.closest(lambda e: e.tag == "figure") is caption.parent


@pytest.mark.django_db
def test_the_summary_states_latest_target_count_and_progress(demo, savings_page):
    text = figcaption(page(savings_page))
    assert f"780{NBSP}000{NBSP}€" in text
    assert f"850{NBSP}000{NBSP}€" in text
    assert f"91,8{NBSP}%" in text
    count = fi_plural(
        "%(count)s value from %(first)s to %(last)s.",
        "%(count)s values from %(first)s to %(last)s.",
        12,
        count=12,
        first="31.1.2025",
        last="31.12.2025",
    )
    assert count in text
    assert fi("Latest %(value)s on %(date)s.", value=f"780{NBSP}000{NBSP}€", date="31.12.2025") in text


@pytest.mark.django_db
def test_the_summary_reads_in_finnish(demo, savings_page):
    """What a Finnish user (and a screen reader) gets: "12 arvoa", not "12 values"."""
    text = figcaption(page(savings_page))
    assert "12 arvoa" in text, text
    assert "values" not in text and "Target" not in text, text


@pytest.mark.django_db
def test_the_facts_state_target_baseline_and_progress(demo, savings_page):
    doc = page(savings_page)
    section = doc.find_all(lambda e: e.attrs.get("aria-labelledby") == "measure-heading")[0]
    facts = [squash(e.text()) for e in section.find_all(lambda e: e.tag in ("dt", "dd"))]
    assert facts[:4] == [fi("Target"), f"850{NBSP}000{NBSP}€", fi("Baseline"), f"0{NBSP}€"]
    assert facts[-1] == fi("%(percent)s of the way to the target", percent=f"91,8{NBSP}%")


@pytest.mark.django_db
def test_the_values_table_has_every_value_the_finnish_way(demo, savings_page):
    rows = values_table(savings_page)
    assert len(rows) == 12
    assert [r[:2] for r in rows[:3]] == [
        ["31.1.2025", f"20{NBSP}000{NBSP}€"],
        ["28.2.2025", f"45{NBSP}000{NBSP}€"],
        ["31.3.2025", f"90{NBSP}000{NBSP}€"],
    ]
    assert rows[-1][:4] == [
        "31.12.2025",
        f"780{NBSP}000{NBSP}€",
        "",
        "Talouden tasapainotusohjelman seuranta",
    ]
    assert rows[2][2] == "Hankintojen kilpailutus"
    assert rows[0][4] == "Sari Heikkinen"


@pytest.mark.django_db
def test_the_budget_metric_in_percent(demo):

    response = demo.client(MAYOR).get(detail_url(demo.plan, budget(demo.plan)))
    rows = values_table(response)
    assert len(rows) == 12
    assert rows[0][:3] == ["31.1.2025", f"102,8{NBSP}%", "Talvikunnossapito ylittää arvion"]
    assert rows[-1][:2] == ["31.12.2025", f"99,6{NBSP}%"]
    text = figcaption(page(response))
    assert fi("The target is reached.") in text
    assert f"103,4{NBSP}%" in text


@pytest.mark.django_db
def test_the_chart_is_well_formed_svg(demo, savings_page):
    root = ET.fromstring(svg_markup(savings_page))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == SAVINGS_TEXT
    circles = root.findall(f"{SVG}circle")
    assert len(circles) == 12
    assert len(root.findall(f"{SVG}polyline")) == 1
    # Later values lie further right; higher savings higher up (smaller y).
    xs = [float(c.get("cx")) for c in circles]
    ys = [float(c.get("cy")) for c in circles]
    assert xs == sorted(xs) and ys == sorted(ys, reverse=True)
    width, height = float(root.get("width")), float(root.get("height"))
    assert all(0 <= x <= width for x in xs) and all(0 <= y <= height for y in ys)
    texts = ["".join(t.itertext()) for t in root.findall(f"{SVG}text")]
    assert "1.1.2025" in texts and "31.12.2025" in texts
    assert f"{fi('Target')} 850{NBSP}000{NBSP}€" in texts
    assert "elokuu 2025" in texts  # the checkpoint within the period


@pytest.mark.django_db
def test_markup_in_a_metric_text_is_escaped(demo):
    text = 'Kulut < 5 % & "säästöt" <script>alert(1)</script>'
    metric = savings(demo.draft)
    plan_services.update_metric(demo.user(PREPARER), metric, text=text)
    response = demo.client(MAYOR).get(detail_url(demo.draft, metric))
    content = response.content.decode()
    assert "<script>alert(1)" not in content
    root = ET.fromstring(svg_markup(response))
    assert root.find(f"{SVG}title").text == text
    doc = page(response)
    assert doc.find_all(lambda e: e.tag == "h1")[0].text() == text


def test_render_escapes_every_text():
    svg = chart.render(
        chart_id="c",
        title='A < B & "C"',
        description="x > y & 'z'",
        unit="<€>",
        period=(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        values=[(dt.date(2025, 3, 1), Decimal("1")), (dt.date(2025, 6, 1), Decimal("2"))],
        target=Decimal("3"),
        baseline=Decimal("0"),
        markers=[chart.Marker(dt.date(2025, 8, 1), "elo & <syys>")],
    )
    root = ET.fromstring(str(svg))
    assert root.find(f"{SVG}title").text == 'A < B & "C"'
    assert root.find(f"{SVG}desc").text == "x > y & 'z'"
    texts = ["".join(t.itertext()) for t in root.findall(f"{SVG}text")]
    assert "elo & <syys>" in texts
    assert any(t.endswith("<€>") for t in texts)


def test_render_without_values_draws_no_points():
    svg = chart.render(
        chart_id="c",
        title="T",
        description="D",
        unit="",
        period=(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        values=[],
        target=Decimal("10"),
    )
    root = ET.fromstring(str(svg))
    assert root.findall(f"{SVG}circle") == [] and root.findall(f"{SVG}polyline") == []


def test_render_one_value_is_a_point_without_a_line():
    svg = chart.render(
        chart_id="c",
        title="T",
        description="D",
        unit="",
        period=(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        values=[(dt.date(2025, 6, 1), Decimal("5"))],
        target=Decimal("5"),  # the value on the target: a flat range still has a scale
    )
    root = ET.fromstring(str(svg))
    assert len(root.findall(f"{SVG}circle")) == 1
    assert root.findall(f"{SVG}polyline") == []
    cy = float(root.find(f"{SVG}circle").get("cy"))
    assert chart.WIDE.top <= cy <= chart.WIDE.height - chart.WIDE.bottom


def savings_drawing(**extra):
    return chart.render(
        chart_id="c",
        title="T",
        description="D",
        unit="€",
        period=(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        values=[(dt.date(2025, month, 28), Decimal(month * 70_000)) for month in range(1, 13)],
        target=Decimal("850000"),
        baseline=Decimal("0"),
        markers=[chart.Marker(dt.date(2025, 8, 1), "elokuu 2025")],
        **extra,
    )


def test_the_compact_drawing_is_narrower_with_the_same_content():
    wide, compact = (
        ET.fromstring(str(savings_drawing())),
        ET.fromstring(str(savings_drawing(layout=chart.COMPACT))),
    )
    assert (wide.get("viewBox"), compact.get("viewBox")) == ("0 0 640 300", "0 0 340 240")
    # Drawn at a phone's 340 px, its 12-unit text stays 12 px; the wide one's would be 6.
    assert compact.get("font-size") == wide.get("font-size") == "12"
    texts = [["".join(t.itertext()) for t in root.iter(f"{SVG}text")] for root in (wide, compact)]
    assert texts[0] == texts[1]
    assert len(compact.findall(f"{SVG}circle")) == len(wide.findall(f"{SVG}circle")) == 12


@pytest.mark.parametrize("layout", [chart.WIDE, chart.COMPACT])
def test_the_value_labels_have_room_left_of_the_plot(layout):
    root = ET.fromstring(str(savings_drawing(layout=layout)))
    grid_start = float(root.find(f"{SVG}line").get("x1"))
    longest = max(
        len("".join(t.itertext()))
        for t in root.iter(f"{SVG}text")
        if t.get("text-anchor") == "end" and t.get("fill") is None  # the value axis
    )
    assert longest == len("1 000 000 €")
    assert grid_start >= 7 * longest + 10


def test_the_target_and_baseline_labels_lie_over_the_line_and_under_the_points_with_a_halo():
    root = ET.fromstring(str(savings_drawing(layout=chart.COMPACT)))
    children = list(root)
    line = next(i for i, e in enumerate(children) if e.tag == f"{SVG}polyline")
    labels = {
        "".join(e.itertext()): i
        for i, e in enumerate(children)
        if e.tag == f"{SVG}text" and e.get("paint-order") == "stroke" and e.get("stroke") == "#ffffff"
    }
    with translation.override("fi"):
        target, baseline = fi("Target"), fi("Baseline")
    assert {name.split(" ")[0] for name in labels} >= {target, baseline}
    first_point = next(i for i, e in enumerate(children) if e.tag == f"{SVG}circle")
    # The line does not run through the letters; no point hides behind a label.
    assert all(
        line < index < first_point for name, index in labels.items() if name.startswith((target, baseline))
    )


def test_render_leaves_out_markers_outside_the_period():
    svg = chart.render(
        chart_id="c",
        title="T",
        description="D",
        unit="",
        period=(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        values=[],
        markers=[chart.Marker(dt.date(2025, 8, 1), "elokuu"), chart.Marker(dt.date(2026, 1, 1), "tammikuu")],
    )
    texts = ["".join(t.itertext()) for t in ET.fromstring(str(svg)).findall(f"{SVG}text")]
    assert "elokuu" in texts and "tammikuu" not in texts


@pytest.mark.parametrize(
    ("low", "high"),
    [(0, 850000), (99.6, 103.4), (-12.5, 3), (5, 5), (0, 0), (0.001, 0.004), (-3e9, -1e9), (1, 1.0000001)],
)
def test_nice_ticks_cover_the_range_in_round_steps(low, high):
    ticks = chart.nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high
    assert 2 <= len(ticks) <= 12
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1, ticks
    step = steps.pop()
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1, 2, 5, 10), (step, ticks)


def test_axis_labels_are_in_the_users_language():
    with translation.override("fi"):
        svg = chart.render(
            chart_id="c",
            title="T",
            description="D",
            unit="€",
            period=(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
            values=[(dt.date(2025, 6, 1), Decimal("1250000.5"))],
        )
    texts = ["".join(t.itertext()) for t in ET.fromstring(str(svg)).findall(f"{SVG}text")]
    assert any(t.startswith("1\u00a0") and t.endswith("€") for t in texts), texts
    assert not any("," in t and t.index(",") < len(t) - 4 and "." in t for t in texts)


# --- A decrease without a baseline: reached or not, but no "way from zero" ------------------------


@pytest.mark.django_db
def test_progress_without_a_way_says_not_reached_rather_than_no_values():
    organization = MembershipFactory(role="preparer").organization
    preparer = organization.memberships.get().user
    agreement = AgreementFactory(organization=organization)
    plan = PlanFactory(
        agreement=agreement, period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31), version=None
    )
    version = VersionFactory(plan=plan, status="draft")
    goal = GoalAreaFactory(version=version)
    metric = MetricFactory(goal_area=goal, unit="pv", target=Decimal(5), direction="decrease")
    CheckpointFactory(version=version)
    PlanVersion.objects.filter(pk=version.pk).update(status="approved")
    MetricValue.objects.create(
        plan=plan,
        metric_lineage=metric.lineage,
        measured_on=dt.date(2025, 3, 1),
        value=Decimal(8),
        recorded_by=preparer,
    )
    response = client_for(preparer).get(detail_url(plan, metric))
    doc = page(response)
    section = doc.find_all(lambda e: e.attrs.get("aria-labelledby") == "measure-heading")[0]
    progress_text = squash(section.find_all(lambda e: e.tag == "dd")[-1].text())
    assert progress_text == fi("Target not reached yet")
    assert "160" not in figcaption(doc)


def _label_boxes(svg) -> dict[str, tuple[float, float, float]]:
    """{label: (left, right, y)} of the checkpoint labels (centred, about 7 units a letter)."""
    boxes = {}
    for text in ET.fromstring(str(svg)).findall(f"{SVG}text"):
        if text.get("text-anchor") == "middle":
            label, mx = "".join(text.itertext()), float(text.get("x"))
            half = chart.CHAR_WIDTH * len(label) / 2
            boxes[label] = (mx - half, mx + half, float(text.get("y")))
    return boxes


def test_labels_of_close_checkpoints_never_overlap():
    markers = [
        chart.Marker(dt.date(2025, 8, 1), "elokuu 2025"),
        chart.Marker(dt.date(2025, 8, 20), "syyskuun alku 2025"),
        chart.Marker(dt.date(2025, 9, 5), "syyskuu 2025"),
        chart.Marker(dt.date(2025, 12, 1), "joulukuu 2025"),
    ]
    svg = chart.render(
        chart_id="c",
        title="T",
        description="D",
        unit="",
        period=(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        values=[(dt.date(2025, 6, 1), Decimal("1"))],
        markers=markers,
    )
    boxes = _label_boxes(svg)
    assert set(boxes) == {m.label for m in markers}
    for (a, box_a), (b, box_b) in itertools.combinations(boxes.items(), 2):
        same_line = box_a[2] == box_b[2]
        apart = box_a[1] < box_b[0] or box_b[1] < box_a[0]
        assert not same_line or apart, f"{a!r} overlaps {b!r}"
    assert len({box[2] for box in boxes.values()}) > 1, "close labels go on rows of their own"
    assert all(box[2] > 0 for box in boxes.values()), "every row stays inside the chart"


def test_labels_far_apart_stay_on_one_row():
    assert chart.marker_rows([(100.0, "elokuu 2025"), (400.0, "tammikuu 2026")]) == [0, 0]
    assert chart.marker_rows([(400.0, "b"), (100.0, "elokuu 2025"), (110.0, "syyskuu 2025")]) == [0, 0, 1]
