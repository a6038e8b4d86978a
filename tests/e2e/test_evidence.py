"""Evidence in a real browser (Debian's Chromium), with JavaScript switched off: files
and a link added through the forms that live outside the big assessment form, a
refused file's message beside its field, a download, a removal. axe (WCAG 2.1 A/AA)
and the CSP are checked with evidence listed and with an error shown.

Elements are found by id, role, href and structure, never by visible UI text."""

import pytest
from playwright.sync_api import expect

from suunta.agreements.models import Checkpoint, GoalArea, GoalPlan
from suunta.evidence.models import Evidence
from suunta.followup.models import Assessment

from ..evidence import files
from .browser import assert_accessible, login

PLAN_TITLE = "Kansliapäällikön tavoitteet 2026"


def the_checkpoint():
    plan = GoalPlan.objects.get(title=PLAN_TITLE)
    version = plan.latest_version()
    checkpoint = Checkpoint.objects.filter(version=version).order_by("order").first()
    goal = GoalArea.objects.filter(version=version).order_by("order", "id").first()
    return f"/plans/{plan.pk}/followup/{checkpoint.pk}/", goal


@pytest.mark.browser
def test_evidence_without_javascript(live_demo, browser, evidence_root):
    path, goal = the_checkpoint()
    url = f"{live_demo}{path}"
    no_js = browser.new_context(
        java_script_enabled=False, locale="fi-FI", viewport={"width": 1280, "height": 900}
    )
    no_js.set_default_timeout(10_000)
    tab = no_js.new_page()
    try:
        login(tab, live_demo, "kansliapaallikko")
        tab.goto(url)

        # Two files at once; the button belongs to the evidence form by its form attribute.
        tab.locator(f"#id_evidence-{goal.pk}-files").set_input_files(
            [
                {"name": "Väliraportti.pdf", "mimeType": "application/pdf", "buffer": files.pdf()},
                {"name": "kaavio.png", "mimeType": "image/png", "buffer": files.png()},
            ]
        )
        with tab.expect_navigation():
            tab.locator(f"button[type=submit][form='evidence-add-{goal.pk}']").click()
        assert tab.url == f"{url}#goal-{goal.pk}"
        expect(tab.locator("main .messages .message--success")).to_have_count(1)
        stored = {e.original_name: e for e in Evidence.objects.all()}
        assert set(stored) == {"Väliraportti.pdf", "kaavio.png"}
        assert (evidence_root / stored["kaavio.png"].stored_name).read_bytes() == files.png()
        # The big assessment form was not submitted along: only the empty draft exists.
        assert Assessment.objects.get(goal_area=goal, author__username="kansliapaallikko").text == ""

        # A lying extension: the message beside the file field, nothing saved.
        tab.locator(f"#id_evidence-{goal.pk}-files").set_input_files(
            [{"name": "päätös.pdf", "mimeType": "application/pdf", "buffer": files.html()}]
        )
        with tab.expect_navigation():
            tab.locator(f"button[type=submit][form='evidence-add-{goal.pk}']").click()
        control = tab.locator(f"#id_evidence-{goal.pk}-files")
        described = (control.get_attribute("aria-describedby") or "").split()
        errors = tab.locator(f"#id_evidence-{goal.pk}-files_error")
        expect(errors).to_contain_text("päätös.pdf")
        assert f"id_evidence-{goal.pk}-files_error" in described
        assert Evidence.objects.count() == 2

        # A link, sent with Enter in its title field (implicit submission of its own form).
        tab.locator(f"#id_evidence-{goal.pk}-url").fill("https://www.esimerkkikunta.fi/poytakirjat")
        tab.locator(f"#id_evidence-{goal.pk}-title").fill("KH:n pöytäkirja")
        with tab.expect_navigation():
            tab.locator(f"#id_evidence-{goal.pk}-title").press("Enter")
        link = Evidence.objects.get(kind="link")
        assert (link.url, link.title) == ("https://www.esimerkkikunta.fi/poytakirjat", "KH:n pöytäkirja")
        anchor = tab.locator(f"#goal-{goal.pk} a[href='https://www.esimerkkikunta.fi/poytakirjat']")
        expect(anchor).to_have_attribute("rel", "noopener noreferrer")

        # The download: the sanitized name, the same bytes.
        pdf = stored["Väliraportti.pdf"]
        with tab.expect_download() as info:
            tab.locator(f"#goal-{goal.pk} a[href='/evidence/{pdf.pk}/']").first.click()
        download = info.value
        assert download.suggested_filename == "Väliraportti.pdf"
        with open(download.path(), "rb") as handle:
            assert handle.read() == files.pdf()

        # Removing one.
        with tab.expect_navigation():
            tab.locator(f"button[type=submit][form='evidence-remove-{pdf.pk}']").click()
        assert not Evidence.objects.filter(pk=pdf.pk).exists()
        expect(tab.locator(f"a[href='/evidence/{pdf.pk}/']")).to_have_count(0)
    finally:
        no_js.close()


@pytest.mark.browser
def test_evidence_on_the_page_is_accessible(live_demo, page, evidence_root):
    path, goal = the_checkpoint()
    login(page, live_demo, "kansliapaallikko")
    page.goto(f"{live_demo}{path}")
    page.locator(f"#id_evidence-{goal.pk}-files").set_input_files(
        [{"name": "Väliraportti.pdf", "mimeType": "application/pdf", "buffer": files.pdf()}]
    )
    with page.expect_navigation():
        page.locator(f"button[type=submit][form='evidence-add-{goal.pk}']").click()
    expect(page.locator(f"#goal-{goal.pk} .evidence-list li")).to_have_count(1)
    assert_accessible(page, "evidence-listed")
    page.locator(f"#id_evidence-{goal.pk}-url").fill("javascript:alert(1)")
    page.locator(f"#id_evidence-{goal.pk}-title").fill("Linkki")
    with page.expect_navigation():
        page.locator(f"button[type=submit][form='evidence-add-{goal.pk}']").click()
    expect(page.locator(f"#id_evidence-{goal.pk}-url[aria-invalid=true]")).to_have_count(1)
    assert_accessible(page, "evidence-error")
