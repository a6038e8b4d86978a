"""Issue 14, finding 6: no document of an approved version is made from rows changed
beside the application. Every kind (annex, follow-up report, both agenda items) in
every form (preview, PDF, DOCX, `manage.py render_document`) refuses with the
documents' error page and a visible integrity error, and the refusal is audited."""

import pytest
from django.core.management import CommandError
from django.urls import reverse
from django.utils import translation

from suunta.audit.models import AuditEvent
from suunta.audit.services import changes_of
from suunta.governance.models import Handling

from ..tamper import CHANGES, DOCUMENT_ERROR, change_goal_title, message
from .common import download_url, preview_url, render_with_command

pytestmark = pytest.mark.django_db

# (kind, checkpoint number): the annex, the first follow-up's report, the agenda item
# for approving the goals and the first follow-up's agenda item.
DOCUMENTS = [("annex", None), ("followup-report", 1), ("agenda", None), ("agenda", 1)]


def get(client, url: str, checkpoint):
    return client.get(url, {"checkpoint": checkpoint} if checkpoint else {})


@pytest.fixture(params=list(CHANGES))
def tampered(request, demo):
    return CHANGES[request.param](demo.plan)


@pytest.mark.parametrize(("kind", "checkpoint"), DOCUMENTS)
def test_every_document_of_an_untouched_plan_is_made(demo, kind, checkpoint):
    client = demo.client("valmistelija")
    assert get(client, preview_url(demo.plan, kind), checkpoint).status_code == 200
    response = get(client, download_url(demo.plan, kind, "docx"), checkpoint)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert not AuditEvent.objects.filter(action="plan.integrity_failed").exists()


@pytest.mark.parametrize(("kind", "checkpoint"), DOCUMENTS)
@pytest.mark.parametrize("fmt", [None, "pdf", "docx"])
def test_every_document_of_a_tampered_version_is_refused(demo, tampered, kind, checkpoint, fmt):
    client = demo.client("valmistelija")
    url = preview_url(demo.plan, kind) if fmt is None else download_url(demo.plan, kind, fmt)
    response = get(client, url, checkpoint)
    body = response.content.decode()
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    assert message(DOCUMENT_ERROR) in body
    assert 'role="alert"' in body
    assert tampered.shown not in body
    [event] = AuditEvent.objects.filter(action="plan.integrity_failed")
    assert event.outcome == "failed"
    assert event.object_id == str(tampered.version.pk)
    assert changes_of(event)["where"] == [None, "document"]
    assert not AuditEvent.objects.filter(action="document.download").exists()


def test_the_refusal_is_in_the_users_language(demo):
    change_goal_title(demo.plan)
    user = demo.user("valmistelija")
    user.preferred_language = "sv"
    user.save(update_fields=["preferred_language"])
    client = demo.client("valmistelija")
    body = client.get(preview_url(demo.plan, "annex")).content.decode()
    approval = Handling.objects.get(version__plan=demo.plan, outcome="approved")
    with translation.override("sv"):
        reference = approval.reference
    assert message(DOCUMENT_ERROR, "sv", reference=reference) in body


@pytest.mark.parametrize(("kind", "checkpoint"), DOCUMENTS)
def test_render_document_refuses_a_tampered_version(demo, tmp_path, kind, checkpoint):
    change_goal_title(demo.plan)
    extra = {"checkpoint": checkpoint} if checkpoint else {}
    with pytest.raises(CommandError, match="differs from its approved snapshot"):
        render_with_command(tmp_path, kind, demo.plan, "pdf", **extra)
    assert list(tmp_path.glob("*.pdf")) == []
    assert AuditEvent.objects.filter(action="plan.integrity_failed").count() == 1


def test_documents_of_another_plan_are_still_made(demo):
    change_goal_title(demo.plan)
    client = demo.client("valmistelija")
    response = client.get(reverse("document_download", args=[demo.current.pk, "annex", "pdf"]))
    assert response.status_code == 200
