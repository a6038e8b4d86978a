"""The organization's admin corrects a director agreement and attaches its signed copy
as a PDF; whoever may read the agreement downloads it; bad input is explained next to
the field and nothing is saved; the executive cannot edit his or her own agreement."""

import hashlib
import os
import time
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from suunta.agreements.models import DirectorAgreement
from suunta.audit.models import AuditEvent
from suunta.audit.services import changes_of

from ..evidence import files
from ..helpers import fi


def edit_url(agreement) -> str:
    return reverse("agreement_edit", args=[agreement.pk])


def data_of(agreement, **overrides) -> dict:
    data = {
        "position_title": agreement.position_title,
        "position_title_sv": agreement.position_title_sv,
        "position_genitive": agreement.position_genitive,
        "position_genitive_sv": agreement.position_genitive_sv,
        "starts_on": agreement.starts_on.isoformat(),
        "decided_by": agreement.decided_by_id or "",
        "decided_on": agreement.decided_on.isoformat() if agreement.decided_on else "",
        "decision_section": agreement.decision_section,
        "decision_case_number": agreement.decision_case_number,
        "signed_on": agreement.signed_on.isoformat() if agreement.signed_on else "",
        "legal_basis": agreement.legal_basis,
    }
    return data | overrides


def agreement_of(demo) -> DirectorAgreement:
    return demo.plan.agreement


def test_the_admin_corrects_the_decision_and_attaches_the_signed_pdf(demo, evidence_root):
    agreement = agreement_of(demo)
    council = demo.org.bodies.get(kind="council")
    content = files.pdf()
    data = data_of(agreement, decided_by=council.pk, decided_on="2023-06-12", decision_section="30")
    data["signed_file"] = files.upload("Johtajasopimus allekirjoitettu.pdf", content)
    admin = demo.client("paakayttaja")
    response = admin.post(edit_url(agreement), data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.decision_section, agreement.signed_file_name) == (
        "30",
        "Johtajasopimus allekirjoitettu.pdf",
    )
    assert agreement.signed_file_sha256 == hashlib.sha256(content).hexdigest()
    event = AuditEvent.objects.get(action="agreement.update", object_id=str(agreement.pk))
    changes = changes_of(event)
    assert changes["decision_section"][1] == "30"
    assert changes["signed_file_sha256"] == ["", agreement.signed_file_sha256]
    page = (
        demo.client("kansliapaallikko").get(reverse("agreement_detail", args=[agreement.pk])).content.decode()
    )
    assert "Johtajasopimus allekirjoitettu.pdf" in page
    assert "KV 12.6.2023 § 30" in page


def test_the_signed_file_is_read_by_those_who_may_read_the_agreement(demo, evidence_root):
    agreement = agreement_of(demo)
    data = data_of(agreement) | {"signed_file": files.upload("sopimus.pdf", files.pdf())}
    assert demo.client("paakayttaja").post(edit_url(agreement), data).status_code == 302
    url = reverse("agreement_signed_file", args=[agreement.pk])
    response = demo.client("pormestari").get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.pdf()
    assert "sopimus.pdf" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action="agreement.signed_file.download", actor__username="pormestari"
    ).exists()
    assert demo.client("toinen-paakayttaja").get(url).status_code == 404


def test_a_new_file_replaces_the_earlier_one_on_disk(demo, evidence_root, django_capture_on_commit_callbacks):
    agreement = agreement_of(demo)
    admin = demo.client("paakayttaja")
    admin.post(
        edit_url(agreement), data_of(agreement) | {"signed_file": files.upload("eka.pdf", files.pdf())}
    )
    first = DirectorAgreement.objects.get(pk=agreement.pk).signed_file
    with_page = files.pdf() + b"\n% toinen\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            edit_url(agreement), data_of(agreement) | {"signed_file": files.upload("toka.pdf", with_page)}
        )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.signed_file_name == "toka.pdf"
    assert sorted(p.name for p in evidence_root.iterdir()) == [agreement.signed_file]
    assert first != agreement.signed_file


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_saved(demo, evidence_root):
    agreement = agreement_of(demo)
    council = demo.org.bodies.get(kind="council")
    data = data_of(agreement, decided_by=council.pk, decided_on="2023-06-12", decision_section="99") | {
        "signed_file": files.upload("sopimus.png", files.png())
    }
    response = demo.client("paakayttaja").post(edit_url(agreement), data)
    assert response.status_code == 200
    body = response.content.decode()
    message = fi("“%(name)s” is not a PDF file. Attach the signed agreement as a PDF.", name="sopimus.png")
    assert message in body
    assert 'value="99"' in body  # what the admin typed is kept
    agreement.refresh_from_db()
    assert agreement.decision_section != "99" and not agreement.signed_file
    assert not evidence_root.exists() or not list(evidence_root.iterdir())


def test_a_renamed_file_is_refused_by_its_content(demo, evidence_root):
    agreement = agreement_of(demo)
    data = data_of(agreement) | {"signed_file": files.upload("sopimus.pdf", b"<html>not a pdf</html>")}
    response = demo.client("paakayttaja").post(edit_url(agreement), data)
    assert response.status_code == 200
    assert (
        fi(
            "“%(name)s” is not a real %(type)s file: its content does not match its name.",
            name="sopimus.pdf",
            type="PDF",
        )
        in response.content.decode()
    )
    assert not DirectorAgreement.objects.get(pk=agreement.pk).signed_file


def test_a_decision_without_its_body_is_explained_next_to_the_field(demo):
    agreement = agreement_of(demo)
    response = demo.client("paakayttaja").post(
        edit_url(agreement), data_of(agreement, decided_by="", decided_on="2023-06-12")
    )
    assert response.status_code == 200
    assert fi("Name the body that made the decision.") in response.content.decode()


def test_only_the_admin_edits_and_never_his_or_her_own_agreement(demo):
    agreement = agreement_of(demo)
    for username in ("pormestari", "valmistelija", "kansliapaallikko", "toinen-paakayttaja"):
        response = demo.client(username).post(edit_url(agreement), data_of(agreement, legal_basis="Muutettu"))
        assert response.status_code in (403, 404), username
    assert DirectorAgreement.objects.get(pk=agreement.pk).legal_basis != "Muutettu"
    page = demo.client("pormestari").get(reverse("agreement_detail", args=[agreement.pk])).content.decode()
    assert edit_url(agreement) not in page
    assert (
        edit_url(agreement)
        in demo.client("paakayttaja").get(reverse("agreement_detail", args=[agreement.pk])).content.decode()
    )


def test_the_sweeper_keeps_signed_agreements(demo, evidence_root):
    agreement = agreement_of(demo)
    demo.client("paakayttaja").post(
        edit_url(agreement), data_of(agreement) | {"signed_file": files.upload("s.pdf", files.pdf())}
    )
    old = time.time() - 2 * 3600
    for path in evidence_root.iterdir():
        os.utime(path, (old, old))
    out = StringIO()
    call_command("sweep_evidence", stdout=out)
    assert out.getvalue().strip().endswith("removed=0")
    assert (evidence_root / DirectorAgreement.objects.get(pk=agreement.pk).signed_file).exists()
