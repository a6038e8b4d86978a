"""The organization's admin edits the document texts in the browser: a preview of the
edited texts (not saved), then saving a new version; axe and the Nu Html Checker find
nothing on either state."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from suunta.documents.models import DocumentTexts
from suunta.organizations.models import Organization

from ..test_html_valid import require_vnu, run_vnu
from .browser import assert_accessible, login

OWN = "Hallituksen puheenjohtajisto ja valtuuston puheenjohtaja sopivat {genitive} tavoitteista vuosittain."


def assert_valid_html(page, tmp_path: Path, name: str) -> None:
    require_vnu()
    (tmp_path / f"{name}.html").write_text(page.content(), encoding="utf-8")
    errors = [m for m in run_vnu(tmp_path, [f"{name}.html"]) if m.get("type") == "error"]
    assert not errors, f"{name}: " + "; ".join(m.get("message", "") for m in errors)


@pytest.mark.browser
def test_the_admin_previews_and_saves_the_texts(live_demo, page, tmp_path):
    organization = Organization.objects.get(slug="toinen-kunta")
    genitive = organization.agreements.order_by("-starts_on", "-id").first().position_genitive
    before = DocumentTexts.objects.filter(organization=organization).count()
    login(page, live_demo, "toinen-paakayttaja")
    page.goto(f"{live_demo}/organizations/toinen-kunta/texts/")
    assert_accessible(page, "document-texts")
    form = page.locator("main form[method=post]")
    form.locator("textarea[name=agreement]").fill(OWN)
    form.locator("button[name=preview]").click()
    filled = OWN.replace("{genitive}", genitive)
    preview = page.locator("section[aria-labelledby=preview-heading] article[lang=fi]")
    expect(preview).to_contain_text(filled)
    expect(form.locator("textarea[name=agreement]")).to_have_value(OWN)  # kept for saving
    assert DocumentTexts.objects.filter(organization=organization).count() == before
    assert_accessible(page, "document-texts-preview")
    assert_valid_html(page, tmp_path, "document-texts-preview")
    page.locator("main form[method=post] button[name=save]").click()
    page.wait_for_url(f"{live_demo}/organizations/toinen-kunta/texts/")
    expect(page.locator("section[aria-labelledby=preview-heading] article[lang=fi]")).to_contain_text(filled)
    latest = DocumentTexts.objects.filter(organization=organization).order_by("-number").first()
    assert latest.agreement == OWN
    assert_valid_html(page, tmp_path, "document-texts-saved")
