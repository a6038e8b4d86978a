"""Documents in Chromium: from the plan page's "Documents" links to the annex preview
(axe-clean and CSP-clean, in Finnish and Swedish) and the PDF/A and DOCX downloads
through its links; the follow-up report's preview likewise."""

import pytest
from playwright.sync_api import expect

from suunta.agreements.models import GoalPlan
from suunta.audit.models import AuditEvent

from .browser import assert_accessible, login
from .test_pages_accessible import LANGUAGES, finish, use_language

PLAN_TITLE = "Kansliapäällikön tavoitteet 2025"


def download(page, selector: str) -> bytes:
    with page.expect_download() as info:
        page.locator(selector).click()
    path = info.value.path()
    with open(path, "rb") as handle:
        return handle.read()


@pytest.mark.browser
@pytest.mark.parametrize("language", LANGUAGES)
def test_from_the_plan_page_to_the_annex_preview_and_its_downloads(live_demo, page, language):
    plan = GoalPlan.objects.get(title=PLAN_TITLE)
    login(page, live_demo, "valmistelija")
    use_language(page, language)
    page.goto(f"{live_demo}/plans/{plan.pk}/")

    # The plan page's documents: the annex, the agenda item, each follow-up's report.
    links = page.locator(f"aside a[href^='/plans/{plan.pk}/documents/']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert f"/plans/{plan.pk}/documents/annex/" in hrefs
    assert f"/plans/{plan.pk}/documents/followup-report/?checkpoint=1" in hrefs
    assert f"/plans/{plan.pk}/documents/agenda/" in hrefs

    page.locator(f"aside a[href='/plans/{plan.pk}/documents/annex/']").click()
    page.wait_for_url(f"{live_demo}/plans/{plan.pk}/documents/annex/")
    expect(page.locator("article.document-preview table caption")).to_be_visible()
    expect(page.locator("article.document-preview tbody tr")).to_have_count(6)
    assert_accessible(page, f"{language}-document-annex-preview")

    before = AuditEvent.objects.filter(action="document.download", actor_label="valmistelija").count()
    body = download(page, f"main a[href^='/plans/{plan.pk}/documents/annex.pdf']")
    assert body[:5] == b"%PDF-"
    docx = download(page, f"main a[href^='/plans/{plan.pk}/documents/annex.docx']")
    assert docx[:2] == b"PK"
    assert (
        AuditEvent.objects.filter(action="document.download", actor_label="valmistelija").count()
        == before + 2
    )
    finish(page)


@pytest.mark.browser
def test_the_followup_report_preview_is_accessible(live_demo, page):
    plan = GoalPlan.objects.get(title=PLAN_TITLE)
    login(page, live_demo, "hallitus")
    page.goto(f"{live_demo}/plans/{plan.pk}/")
    page.locator(f"aside a[href='/plans/{plan.pk}/documents/followup-report/?checkpoint=2']").click()
    page.wait_for_url(f"{live_demo}/plans/{plan.pk}/documents/followup-report/?checkpoint=2")
    expect(page.locator("article.document-preview tbody tr")).to_have_count(6)
    # A board member is offered no agenda item.
    page.goto(f"{live_demo}/plans/{plan.pk}/")
    expect(page.locator(f"aside a[href^='/plans/{plan.pk}/documents/agenda']")).to_have_count(0)
    page.goto(f"{live_demo}/plans/{plan.pk}/documents/followup-report/?checkpoint=2")
    assert_accessible(page, "fi-document-followup-report-preview")
    body = download(page, f"main a[href^='/plans/{plan.pk}/documents/followup-report.pdf']")
    assert body[:5] == b"%PDF-"
    finish(page)
