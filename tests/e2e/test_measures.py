"""The metric page, the CSV import and goal weights in Chromium: axe-clean (WCAG 2.1
A/AA) and CSP-clean in Finnish and Swedish, with the chart's text alternative exposed
to assistive technology, errors shown beside their fields, and a phone-sized view."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from suunta.agreements.models import GoalPlan, Metric
from suunta.agreements.services import create_next_period_plan
from suunta.measures.models import MetricValue

from .browser import assert_accessible, assert_fits_viewport, login
from .test_pages_accessible import LANGUAGES, expect_errors_shown, finish, submit, use_language

SAVINGS = "Palveluiden järjestämisen edistäminen siten, että säästötavoitteet toteutuvat 2025"


def _savings_metric():
    plan = GoalPlan.objects.get(title="Kansliapäällikön tavoitteet 2025")
    return plan, Metric.objects.get(goal_area__version__plan=plan, text=SAVINGS)


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_metric_page_chart_values_and_import(live_demo, page, language):
    plan, metric = _savings_metric()
    login(page, live_demo, "kansliapaallikko")
    use_language(page, language)

    # From the annex to the metric page.
    page.goto(f"{live_demo}/plans/{plan.pk}/")
    page.locator(f"main a[href='/plans/{plan.pk}/metrics/{metric.pk}/']").click()
    page.wait_for_url(f"{live_demo}/plans/{plan.pk}/metrics/{metric.pk}/")

    # The chart is an image whose accessible name is the metric and whose description
    # is the same text summary that is printed under it.
    chart = page.locator(".chart-wide svg[role=img]")
    expect(chart).to_be_visible()
    expect(page.locator(".chart-compact svg[role=img]")).to_be_hidden()  # that one is for phones
    names = page.evaluate(
        """() => {
            const svg = document.querySelector('.chart-wide svg[role=img]');
            const ids = svg.getAttribute('aria-labelledby').split(' ');
            return ids.map(id => document.getElementById(id).textContent);
        }"""
    )
    assert names[0] == (metric.text_sv if language == "sv" else metric.text)
    assert names[1] == page.locator("#chart-summary").text_content()
    assert "780" in names[1] and "850" in names[1]
    rows = page.locator("#values table tbody tr")
    expect(rows).to_have_count(12)
    assert_accessible(page, f"{language}-metric")

    # A value that is not a number: the message is beside the field, the text is kept.
    form = page.locator("form[action$='/values/']")
    form.locator("input[name=measured_on]").fill("2025-12-15")
    form.locator("input[name=value]").fill("paljon")
    submit(page, form)
    form = page.locator("form[action$='/values/']")
    expect_errors_shown(form)
    expect(form.locator("input[name=value]")).to_have_value("paljon")
    expect(form.locator("input[name=value]")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, f"{language}-metric-error")

    # A Finnish decimal comma is a number.
    form.locator("input[name=value]").fill("795 000,50")
    submit(page, form)
    expect(page.locator("#values table tbody tr")).to_have_count(13)
    assert MetricValue.objects.filter(metric_lineage=metric.lineage, measured_on="2025-12-15").exists()

    # CSV import: a broken row shows its line's error and nothing is imported.
    page.locator(f"main a[href='/plans/{plan.pk}/metrics/{metric.pk}/import/']").click()
    page.wait_for_url(f"{live_demo}/plans/{plan.pk}/metrics/{metric.pk}/import/")
    assert_accessible(page, f"{language}-metric-import")
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("textarea[name=text]").fill("pvm;arvo;kommentti\n16.12.2025;800 000;ok\n32.12.2025;1;\n")
    submit(page, form)
    expect(page.locator("tr.row--error")).to_have_count(1)
    expect(page.locator("tr.row--error th")).to_have_text("3")
    assert_accessible(page, f"{language}-metric-import-errors")

    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("textarea[name=text]").fill(
        "pvm;arvo;kommentti\n16.12.2025;800 000;ok\n17.12.2025;801 000,5;\n"
    )
    submit(page, form)
    expect(page.locator("tr.row--error")).to_have_count(0)
    assert_accessible(page, f"{language}-metric-import-preview")
    with page.expect_navigation():
        page.locator("button[name=confirm]").click()
    expect(page.locator("#values table tbody tr")).to_have_count(15)
    finish(page)


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_goal_weights_form(live_demo, page, language):
    preparer = get_user_model().objects.get(username="toinen-valmistelija")
    plan = GoalPlan.objects.get(title="Kunnanjohtajan tavoitteet 2025")
    draft = create_next_period_plan(preparer, plan)
    login(page, live_demo, "toinen-valmistelija")
    use_language(page, language)
    page.goto(f"{live_demo}/plans/{draft.pk}/")
    form = page.locator("form[action$='/weights/']")
    inputs = form.locator("input[type=number]")
    expect(inputs).to_have_count(3)
    inputs.nth(0).fill("50")
    submit(page, form)
    form = page.locator("form[action$='/weights/']")
    expect(form.locator(".form-errors[role=alert]")).to_be_visible()
    expect(form.locator("input[type=number]").nth(0)).to_have_value("50")
    assert_accessible(page, f"{language}-plan-weights-error")
    form.locator("input[type=number]").nth(1).fill("30")
    submit(page, form)
    expect(page.locator("form[action$='/weights/'] .form-errors")).to_have_count(0)
    assert [g.weight for g in draft.latest_version().goal_areas.order_by("order")] == [50, 30, 20]
    finish(page)


@pytest.mark.browser
def test_metric_page_on_a_phone(live_demo, browser):
    plan, metric = _savings_metric()
    context = browser.new_context(locale="fi-FI", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        login(page, live_demo, "pormestari")
        page.goto(f"{live_demo}/plans/{plan.pk}/metrics/{metric.pk}/")
        # The compact drawing replaces the wide one, and its text stays readable.
        compact = page.locator(".chart-compact svg[role=img]")
        expect(compact).to_be_visible()
        expect(page.locator(".chart-wide svg[role=img]")).to_be_hidden()
        smallest = page.evaluate(
            """() => Math.min(...[...document.querySelectorAll('.chart-compact svg text')]
                .map(t => t.getBoundingClientRect().height))"""
        )
        assert smallest >= 10, f"chart text {smallest:.1f} px high on a phone"
        assert_fits_viewport(page, "phone-metric")
    finally:
        context.close()
