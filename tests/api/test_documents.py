"""Documents and the case-system package, through the API and the history page."""

import hashlib
import io
import json
import zipfile
from xml.etree import ElementTree as ET

import pytest
from django.urls import reverse

from suunta.governance.models import Handling
from suunta.infomgmt import jhs191


def approval(demo):
    return demo.plan.versions.get(status="approved").handlings.get(outcome="approved")


def test_the_annex_pdf_through_the_api(demo, api_service):
    client = api_service(demo.org)
    response = client.get(f"/api/v1/plans/{demo.plan.pk}/documents/annex.pdf")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    docx = client.get(f"/api/v1/plans/{demo.plan.pk}/documents/annex.docx")
    assert docx.status_code == 200
    assert docx.content.startswith(b"PK")


def test_a_board_member_token_gets_no_agenda_draft(demo, api_service, api_personal):
    assert api_service(demo.org).get(f"/api/v1/plans/{demo.plan.pk}/documents/agenda.pdf").status_code == 403
    assert (
        api_personal("valmistelija").get(f"/api/v1/plans/{demo.plan.pk}/documents/agenda.pdf").status_code
        == 200
    )


def read_package(content: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_case_system_package(demo, api_personal):
    handling = approval(demo)
    client = api_personal("valmistelija")
    response = client.get(f"/api/v1/handlings/{handling.pk}/package")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/zip"
    files = read_package(response.content)
    pdfs = sorted(n for n in files if n.endswith(".pdf"))
    assert len(pdfs) == 2
    for name in pdfs:
        assert files[name].startswith(b"%PDF")
        assert b"pdfaid:part" in files[name]  # the PDF/A identification in the XMP metadata
    meta = json.loads(files["metadata.json"])
    assert meta["case_number"] == handling.case_number
    assert [d["file_name"] for d in meta["documents"]] == pdfs
    assert [d["sha256"] for d in meta["documents"]] == [hashlib.sha256(files[n]).hexdigest() for n in pdfs]
    assert len({d["document_type"] for d in meta["documents"]}) == 2
    # The XML is the archive transfer's JHS 191 mapping (suunta/infomgmt/jhs191.py).
    root = ET.fromstring(files["metadata.xml"])
    ns = {"s": jhs191.NAMESPACE}
    records = root.findall("s:Record", ns)
    assert [r.find("s:Document/s:File/s:Name", ns).text for r in records] == pdfs
    for element, document in zip(records, meta["documents"], strict=True):
        assert element.find("s:Title", ns).text == document["title"]
        assert element.find("s:CaseNativeId", ns).text == handling.case_number
        assert element.find("s:Restriction/s:PublicityClass", ns).text == "Julkinen"
        assert element.find("s:Function", ns).text == document["task_class"]
        assert element.find("s:RetentionPeriod", ns).text == "-1"  # plans and their decisions: permanent
        assert element.find("s:Created", ns).text == handling.meeting_date.isoformat()
    # The same bytes from the page's link.
    page = demo.client("valmistelija").get(reverse("handling_package", args=[handling.pk]))
    assert page.status_code == 200
    assert read_package(page.content).keys() == files.keys()


@pytest.mark.parametrize(
    ("username", "status"), [("hallitus", 403), ("kansliapaallikko", 403), ("toinen-valmistelija", 404)]
)
def test_who_may_not_take_the_package(demo, username, status):
    handling = approval(demo)
    assert demo.client(username).get(reverse("handling_package", args=[handling.pk])).status_code == status


def test_the_history_page_links_the_package_for_the_preparer_only(demo):
    url = reverse("plan_history", args=[demo.plan.pk])
    link = reverse("handling_package", args=[approval(demo).pk])
    assert link in demo.client("valmistelija").get(url).content.decode()
    assert link not in demo.client("hallitus").get(url).content.decode()


def test_a_follow_up_reports_package_holds_the_report(demo, api_personal):
    # The seed's 2025 plan was reported to the board after its follow-ups (the demo).
    handling = Handling.objects.filter(version__plan=demo.plan, checkpoint__isnull=False).first()
    assert handling is not None, "the demo's follow-up reports are handled by the board"
    response = api_personal("valmistelija").get(f"/api/v1/handlings/{handling.pk}/package")
    assert response.status_code == 200, response.content[:300]
    files = read_package(response.content)
    assert len([n for n in files if n.endswith(".pdf")]) == 2
    # A follow-up report is a `followups` record: its retention rule, not the plans' permanent one.
    meta = json.loads(files["metadata.json"])
    assert [d["retention_period"] for d in meta["documents"]] == ["10", "10"]
