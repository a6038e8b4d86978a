"""A recorded decision's date, § or case number is corrected by an audited correction
record (who, when, why), never by a silent edit: the original stays visible in the
history, the export and the documents' footers, and the frozen content stays frozen."""

import io
import json

from django.core.management import call_command
from django.urls import reverse

from suunta.audit.models import AuditEvent
from suunta.governance.models import Handling, HandlingCorrection

from ..documents.common import build_content
from ..helpers import fi


def approval_of(demo) -> Handling:
    return demo.plan.latest_version().handlings.get(outcome="approved")


def url(handling) -> str:
    return reverse("handling_correct", args=[handling.pk])


def data(handling, **changes) -> dict:
    return {
        "meeting_date": handling.meeting_date.isoformat(),
        "section": handling.section,
        "case_number": handling.case_number,
        "reason": "",
    } | changes


def test_the_preparer_corrects_the_section_and_the_original_stays_visible(demo):
    approval = approval_of(demo)
    original = approval.long_reference
    reason = "Pykälä kirjattiin väärin; pöytäkirjassa § 46."
    response = demo.client("valmistelija").post(url(approval), data(approval, section="46", reason=reason))
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.section == "46"
    correction = HandlingCorrection.objects.get(handling=approval)
    assert (correction.before_reference, correction.after_reference) == (original, approval.long_reference)
    assert correction.changes == {"section": ["45", "46"]}
    assert (correction.reason, correction.corrected_by.username) == (reason, "valmistelija")
    event = AuditEvent.objects.get(action="handling.correct")
    assert event.actor.username == "valmistelija"
    # The history, the annex's footer and the export show the original beside the correction.
    history = demo.client("hallitus").get(reverse("plan_history", args=[demo.plan.pk])).content.decode()
    assert original in history and reason in history
    annex = build_content(demo.plan.latest_version(), "annex", "fi")  # no integrity error: content unchanged
    assert fi("corrected; originally %(reference)s", reference=original) in annex["footer"]
    assert "§ 46" in annex["footer"]
    out = io.StringIO()
    call_command("export_plan", str(demo.plan.pk), stdout=out)
    exported = json.loads(out.getvalue())["handling"][1]
    assert exported["section"] == "46"
    assert exported["corrections"][0]["before"] == original
    assert exported["corrections"][0]["reason"] == reason


def test_a_correction_without_a_reason_is_explained_and_nothing_changes(demo):
    approval = approval_of(demo)
    response = demo.client("valmistelija").post(url(approval), data(approval, section="46"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_reason_error"' in body
    assert 'value="46"' in body  # what was typed is kept
    approval.refresh_from_db()
    assert approval.section == "45"
    assert not HandlingCorrection.objects.exists()


def test_nothing_to_correct_is_explained(demo):
    approval = approval_of(demo)
    response = demo.client("valmistelija").post(url(approval), data(approval, reason="Tarkistettu"))
    assert response.status_code == 200
    assert fi("Nothing was changed: correct the date, the § or the case number.") in response.content.decode()
    assert not HandlingCorrection.objects.exists()


def test_only_the_preparer_corrects(demo):
    approval = approval_of(demo)
    for username, status in (
        ("kansliapaallikko", 403),
        ("pormestari", 403),
        ("hallitus", 403),
        ("toinen-valmistelija", 404),
    ):
        response = demo.client(username).post(url(approval), data(approval, section="1", reason="x"))
        assert response.status_code == status, username
    approval.refresh_from_db()
    assert approval.section == "45"
    history = demo.client("pormestari").get(reverse("plan_history", args=[demo.plan.pk])).content.decode()
    assert url(approval) not in history
    history = demo.client("valmistelija").get(reverse("plan_history", args=[demo.plan.pk])).content.decode()
    assert url(approval) in history
