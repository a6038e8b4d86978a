"""The documents' sentences in the organization's own words: edited by its admin with a
preview, saved as versions; an approved annex keeps printing the texts it was approved
with, a draft prints the latest."""

from django.urls import reverse

from suunta.audit.models import AuditEvent
from suunta.audit.services import changes_of
from suunta.documents import services, texts
from suunta.documents.models import DocumentTexts, VersionTexts

from ..helpers import fi
from .common import build_content, render_direct

URL = reverse("document_texts", args=["esimerkkikunta"])
OWN = "Esimerkkikunnan hallitus hyväksyy {genitive} tavoitteet vuosittain."


def posted(demo, **changes) -> dict:
    current = texts.current_texts(demo.org)
    return {name: getattr(current, name) for name in texts.FIELDS} | changes


def paragraph(content: dict) -> str:
    return content["sections"][0]["paragraphs"][0]


def test_the_page_shows_the_texts_in_use_and_their_preview(demo):
    page = demo.client("paakayttaja").get(URL).content.decode()
    in_use = texts.current_texts(demo.org)
    assert fi("In use: version %(number)s.") % {"number": in_use.number} in page
    # The preview fills in the genitive of the organization's latest agreement: the
    # education director's (1.8.2024, suunta/demo/cascade.py).
    assert "sivistysjohtajan vuosittaiset tavoitteet" in page
    assert "{genitive}" in page  # in the form, for the admin to keep


def test_the_admin_saves_new_texts_and_the_draft_annex_prints_them(demo):
    before = texts.current_texts(demo.org)
    response = demo.client("paakayttaja").post(URL, posted(demo, agreement=OWN, save="1"))
    assert response.status_code == 302
    saved = texts.current_texts(demo.org)
    assert (saved.number, saved.agreement, saved.created_by.username) == (
        before.number + 1,
        OWN,
        "paakayttaja",
    )
    event = AuditEvent.objects.get(action="document_texts.create", organization=demo.org)
    assert changes_of(event)["agreement"] == [before.agreement, OWN]
    draft = build_content(demo.draft.latest_version(), "annex", "fi")
    assert paragraph(draft) == "Esimerkkikunnan hallitus hyväksyy kansliapäällikön tavoitteet vuosittain."
    agenda = build_content(demo.draft.latest_version(), "agenda", "fi")
    assert "Esimerkkikunnan hallitus hyväksyy kansliapäällikön tavoitteet vuosittain." in str(agenda)


def test_saving_the_same_texts_again_makes_no_new_version(demo):
    count = DocumentTexts.objects.filter(organization=demo.org).count()
    demo.client("paakayttaja").post(URL, posted(demo, save="1"))
    assert DocumentTexts.objects.filter(organization=demo.org).count() == count


def test_an_approved_annex_keeps_its_bytes_when_the_texts_change(demo):
    version = demo.plan.latest_version()
    assert version.is_frozen
    before = {fmt: render_direct(version, "annex", fmt, "fi") for fmt in ("pdf", "docx")}
    services.save_texts(demo.user("paakayttaja"), demo.org, agreement=OWN, appeal="Uusi ohje.")
    after = {fmt: render_direct(version, "annex", fmt, "fi") for fmt in ("pdf", "docx")}
    assert after == before
    assert OWN.split("{")[0] not in paragraph(build_content(version, "annex", "fi"))
    assert paragraph(build_content(demo.draft.latest_version(), "annex", "fi")).startswith(
        "Esimerkkikunnan hallitus"
    )


def test_a_version_approved_before_texts_were_pinned_keeps_the_first_saved_texts(demo):
    version = demo.plan.latest_version()
    VersionTexts.objects.filter(version=version).delete()
    first = DocumentTexts.objects.filter(organization=demo.org).order_by("number").first()
    services.save_texts(demo.user("paakayttaja"), demo.org, agreement=OWN)
    assert texts.texts_of(version) == first
    assert paragraph(build_content(version, "annex", "fi")).startswith("Kunnan strategian")


def test_the_preview_shows_the_edited_texts_and_saves_nothing(demo):
    count = DocumentTexts.objects.count()
    response = demo.client("paakayttaja").post(URL, posted(demo, agreement=OWN, preview="1"))
    assert response.status_code == 200
    body = response.content.decode()
    # With the latest agreement's genitive, the education director's.
    assert "Esimerkkikunnan hallitus hyväksyy sivistysjohtajan tavoitteet vuosittain." in body
    assert fi("Preview of the texts as edited (not saved)") in body
    assert DocumentTexts.objects.count() == count


def test_an_empty_paragraph_is_explained_and_what_was_typed_is_kept(demo):
    count = DocumentTexts.objects.count()
    response = demo.client("paakayttaja").post(URL, posted(demo, agreement="", purpose="Oma kohta", save="1"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_agreement_error"' in body
    assert "Oma kohta" in body
    assert DocumentTexts.objects.count() == count


def test_an_evaluator_may_not_change_the_texts(demo):
    count = DocumentTexts.objects.count()
    response = demo.client("pormestari").post(URL, posted(demo, agreement=OWN, save="1"))
    assert response.status_code == 403
    assert DocumentTexts.objects.count() == count
