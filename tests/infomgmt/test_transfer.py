"""An organization leaves: export, delete, import, export again — the same files."""

import json
from xml.etree import ElementTree as ET

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from suunta.agreements.models import GoalPlan
from suunta.audit.models import AuditEvent
from suunta.audit.verify import verify
from suunta.evidence import uploads
from suunta.infomgmt import jhs191
from suunta.infomgmt.transfer import MANIFEST, TransferError, import_organization, organization_rows_digest
from suunta.organizations.models import Organization

from .common import add_evidence

NS = {"s": jhs191.NAMESPACE}


def files_of(directory) -> dict:
    manifest = json.loads((directory / MANIFEST).read_text())
    return manifest["files"]


def test_export_delete_import_round_trips_the_organization(
    demo, tmp_path, django_capture_on_commit_callbacks
):
    evidence = add_evidence(demo)
    other_before = organization_rows_digest(demo.other_org.pk)
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_organization", "esimerkkikunta", output=str(first))
    exported = files_of(first)
    assert any(name.startswith("documents/") and name.endswith("-annex.pdf") for name in exported)
    assert any(name.startswith("documents/") and "-followup-" in name for name in exported)
    assert "data/audit.auditevent.json" in exported
    assert "audit/head.json" in exported
    packages = [name for name in exported if name.startswith("sip/") and name.endswith("metadata.xml")]
    assert packages
    for name in packages:  # each archive package: the PDF/A and its JHS 191 metadata
        record = ET.fromstring((first / name).read_bytes())
        pdf = record.findtext("s:Document/s:File/s:Name", namespaces=NS)
        assert (first / name).parent.joinpath(pdf).read_bytes().startswith(b"%PDF")
        assert (
            record.findtext("s:Document/s:File/s:HashValue", namespaces=NS)
            == exported[str((first / name).parent.joinpath(pdf).relative_to(first))]["sha256"]
        )
        assert record.findtext("s:RetentionPeriod", namespaces=NS) == "-1"

    assert f"files/{evidence.stored_name}" in exported
    with django_capture_on_commit_callbacks(execute=True):
        call_command("delete_organization", "esimerkkikunta", confirm="esimerkkikunta")
    assert not uploads.storage().exists(evidence.stored_name)
    assert not Organization.objects.filter(slug="esimerkkikunta").exists()
    assert not GoalPlan.objects.filter(agreement__organization_id=demo.org.pk).exists()
    assert not AuditEvent.objects.filter(organization_id=demo.org.pk).exists()
    final = AuditEvent.objects.filter(action="organization.delete").get()
    assert final.organization_id is None and final.chain == "global"
    assert organization_rows_digest(demo.other_org.pk) == other_before
    assert all(report.ok for report in verify()), [str(r) for r in verify()]
    # An account nothing else refers to leaves with the organization; the other's stay.
    assert not get_user_model().objects.filter(username="kansliapaallikko").exists()
    assert get_user_model().objects.filter(username="toinen-johtaja").exists()

    call_command("import_organization", str(first))
    with uploads.open_stored(evidence.stored_name) as handle:
        assert handle.read() == b"%PDF-1.4 evidence"
    call_command("export_organization", "esimerkkikunta", output=str(second))
    assert files_of(second) == exported
    assert (second / MANIFEST).read_bytes() == (first / MANIFEST).read_bytes()  # nothing excluded
    for name in exported:
        assert (second / name).read_bytes() == (first / name).read_bytes(), name
    assert organization_rows_digest(demo.other_org.pk) == other_before
    assert all(report.ok for report in verify()), [str(r) for r in verify()]
    assert demo.client("kansliapaallikko").get(f"/plans/{demo.plan.pk}/").status_code == 200


def test_import_refuses_an_installation_that_has_the_organization(demo, tmp_path):
    call_command("export_organization", "esimerkkikunta", output=str(tmp_path / "out"))
    with pytest.raises(TransferError):
        import_organization(tmp_path / "out")


def test_import_refuses_a_changed_file(demo, tmp_path):
    out = tmp_path / "out"
    call_command("export_organization", "toinen-kunta", output=str(out))
    call_command("delete_organization", "toinen-kunta", confirm="toinen-kunta")
    path = out / "data" / "agreements.goalplan.json"
    path.write_text(path.read_text().replace("Kunnanjohtajan", "Kunnan johtajan"))
    with pytest.raises(TransferError, match="SHA-256"):
        import_organization(out)
    assert not Organization.objects.filter(slug="toinen-kunta").exists()
