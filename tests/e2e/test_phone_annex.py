"""On a phone the annex reads goal by goal (each row a card, each cell naming its
column) without scrolling sideways, and stays a table for screen readers."""

import pytest

from suunta.agreements.models import GoalPlan

from .browser import assert_accessible, login

PLAN_TITLE = "Kansliapäällikön tavoitteet 2025"
BOXES = """table => [...table.querySelectorAll("tbody tr")].slice(0, 2).map(row =>
  [...row.children].map(cell => { const box = cell.getBoundingClientRect(); return [box.left, box.top, box.width]; }))"""


@pytest.mark.browser
def test_the_annex_stacks_on_a_phone_and_stays_a_table(live_demo, page):
    plan = GoalPlan.objects.get(title=PLAN_TITLE)
    login(page, live_demo, "pormestari")
    page.goto(f"{live_demo}/plans/{plan.pk}/")
    table = page.locator("table.annex-table")

    # On a desktop the cells of a row sit side by side.
    for row in table.evaluate(BOXES):
        lefts = [left for left, _top, _width in row]
        assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts), row

    page.set_viewport_size({"width": 390, "height": 844})
    region = page.locator("#annex .table-scroll")
    assert region.evaluate("el => el.scrollWidth - el.clientWidth") <= 0, "the annex scrolls sideways"
    for row in table.evaluate(BOXES):
        lefts = {round(left) for left, _top, _width in row}
        tops = [top for _left, top, _width in row]
        assert len(lefts) == 1, f"cells not stacked: {row}"
        assert tops == sorted(tops), row
        assert all(width <= 390 for _left, _top, width in row), row

    # Screen readers still meet a table: column and row headers, and cells whose names
    # do not repeat the visual column label (the label's alt text is empty).
    tree = table.aria_snapshot()
    assert "columnheader" in tree and "rowheader" in tree
    label = table.locator("td.col-metric").first.get_attribute("data-label")
    assert label
    assert f'cell "{label}' not in tree
    assert_accessible(page, "phone-annex-stacked")
