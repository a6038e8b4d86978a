"""The record metadata defaults the agenda items print, set by the organization's admin."""

from django.urls import reverse

from suunta.audit.models import AuditEvent
from suunta.documents.models import RecordSettings

from ..helpers import fi
from .common import build_content

URL = reverse("record_settings", args=["esimerkkikunta"])
DATA = {
    "publicity": "public",
    "secrecy_basis": "",
    "secrecy_period": "",
    "personal_data": "on",
    "task_class": "00.01.05",
    "retention": "10 vuotta",
}


def metadata(demo) -> dict:
    agenda = build_content(demo.draft.latest_version(), "agenda", "fi")
    return {row["goal"]: row["followups"][0] for row in agenda["table"]["rows"]}


def test_the_admin_sets_the_task_class_and_retention_and_the_agenda_prints_them(demo):
    response = demo.client("paakayttaja").post(URL, DATA)
    assert response.status_code == 302
    rows = metadata(demo)
    assert rows[fi("Task class")] == "00.01.05"
    assert rows[fi("Retention")] == "10 vuotta"
    assert AuditEvent.objects.filter(action="record_settings.update", organization=demo.org).exists()


def test_secrecy_without_its_basis_is_explained_and_nothing_is_saved(demo):
    before = RecordSettings.objects.count()
    response = demo.client("paakayttaja").post(URL, DATA | {"publicity": "partly", "task_class": "99.99"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_secrecy_basis_error"' in body
    assert 'value="99.99"' in body
    assert RecordSettings.objects.count() == before
