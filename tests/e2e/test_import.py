"""Importing goals in a browser (issue 19): the preparer opens "Tuo tavoitteet" from the
agreement page, uploads the seed as a Word file, corrects one row in the preview (a
metric that should be a goal of its own), updates the preview and saves a draft plan
for a free period; the plan page shows the corrected plan. axe (WCAG 2.1 A/AA) and the
CSP are checked on the read page and on the preview, also on a phone's width.

Elements are found by id, name, href and structure; figures and texts are data."""

import pytest
from playwright.sync_api import expect

from suunta.agreements.models import GoalArea, GoalPlan

from ..imports.expected import SEED_GOALS
from ..imports.files import seed_docx
from .browser import assert_accessible, assert_fits_viewport, assert_no_csp_violations, login

MOVED = "Uuden strategiakauden valmistelu"  # the seed's second metric, made a goal here


@pytest.mark.browser
def test_import_the_seed_from_word_correct_a_row_and_save(live_demo, page, tmp_path):
    agreement = GoalPlan.objects.get(title="Kansliapäällikön tavoitteet 2025").agreement
    document = tmp_path / "kansliapaallikon-tavoitteet.docx"
    document.write_bytes(seed_docx())
    login(page, live_demo, "valmistelija")

    page.goto(f"{live_demo}/agreements/{agreement.pk}/")
    page.locator(f'main a[href="/agreements/{agreement.pk}/import/"]').click()
    page.wait_for_url(f"{live_demo}/agreements/{agreement.pk}/import/")
    assert_accessible(page, "import-read")
    page.locator("#id_file").set_input_files(str(document))
    with page.expect_navigation():
        page.locator("main button[name=action][value=read]").click()

    rows = page.locator("main .import-row")
    goal_rows = page.locator("main .import-row--goal")
    expect(goal_rows).to_have_count(6)
    expect(page.locator("main .import-row--metric")).to_have_count(14)
    expect(page.locator("main .import-row--checkpoint")).to_have_count(2)
    assert_accessible(page, "import-preview")
    assert_no_csp_violations(page)

    # The metric becomes a goal of its own: its row's kind, then "Update preview".
    moved = rows.filter(has=page.locator("textarea", has_text=MOVED))
    expect(moved).to_have_count(1)
    moved.locator("select[name$='-kind']").select_option("goal")
    with page.expect_navigation():
        page.locator("main button[name=action][value=update]").click()
    expect(goal_rows).to_have_count(7)
    expect(page.locator("main .import-row--metric")).to_have_count(13)
    expect(page.locator("main .import-row--goal textarea").nth(1)).to_have_value(MOVED)

    # 2025 has a plan: the period of a free year, then save.
    page.locator("#id_plan-period_start").fill("2030-01-01")
    page.locator("#id_plan-period_end").fill("2030-12-31")
    page.set_viewport_size({"width": 375, "height": 800})
    assert_fits_viewport(page, "import-preview-phone")
    assert_accessible(page, "import-preview-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        page.locator("main button[name=action][value=save]").click()

    plan = GoalPlan.objects.get(agreement=agreement, period_start="2030-01-01")
    page.wait_for_url(f"{live_demo}/plans/{plan.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)
    version = plan.versions.get()
    first_title, first_metrics = SEED_GOALS[0]
    assert [
        (g.title, list(g.metrics.order_by("order").values_list("text", flat=True)))
        for g in GoalArea.objects.filter(version=version).order_by("order")
    ] == [(first_title, first_metrics[:1]), (MOVED, []), *SEED_GOALS[1:]]
    expect(page.locator("main .goal-title")).to_have_count(7)
    assert_accessible(page, "import-saved-plan")
