"""The data subject's copy: every record about the executive, nothing restricted about
anyone else."""

import io
import json
import zipfile

from django.urls import reverse

from suunta.agreements.models import Checkpoint, DirectorAgreement, GoalArea, GoalPlan, Metric, PlanVersion
from suunta.audit.models import AuditEvent
from suunta.discussions.models import DevelopmentItem, Discussion, Participant, Section, SurveyAnswer
from suunta.discussions.services import READ_RESTRICTED_ACTION, log_restricted_read
from suunta.followup.models import Assessment, FollowUp
from suunta.governance.models import Handling
from suunta.measures.models import MetricValue

# Every kind of record about an executive's agreement the demo has (at least one each).
ABOUT_THE_AGREEMENT = [
    (GoalPlan, "agreement"),
    (PlanVersion, "plan__agreement"),
    (GoalArea, "version__plan__agreement"),
    (Metric, "goal_area__version__plan__agreement"),
    (Checkpoint, "version__plan__agreement"),
    (Handling, "version__plan__agreement"),
    (FollowUp, "checkpoint__version__plan__agreement"),
    (Assessment, "checkpoint__version__plan__agreement"),
    (MetricValue, "plan__agreement"),
    (Discussion, "agreement"),
    (Participant, "discussion__agreement"),
    (Section, "discussion__agreement"),
    (DevelopmentItem, "agreement"),
    (SurveyAnswer, "survey__discussion__agreement"),
]
SECRET = "SALAINEN-HAVAINTO-TOISESTA-JOHTAJASTA"


def unzip(response) -> dict[str, bytes]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rows(files, agreement_id, label) -> dict:
    name = f"agreements/{agreement_id}/{label}.json"
    return {row["id"]: row for row in json.loads(files[name])} if name in files else {}


def someone_elses_restricted_note(demo):
    """A restricted note in a discussion of a director the chief evaluates, the chief present."""
    chief = demo.user("kansliapaallikko")
    director = (
        DirectorAgreement.objects.exclude(pk=demo.plan.agreement_id).filter(organization=demo.org).first()
    )
    discussion = Discussion.objects.create(
        agreement=director, held_on=demo.plan.period_start, created_by=chief
    )
    Participant.objects.create(discussion=discussion, user=chief)
    Section.objects.create(discussion=discussion, title="Hyvinvointi", publicity="restricted", text=SECRET)
    return director


def test_the_executive_gets_every_record_about_him_and_nothing_restricted_about_others(demo):
    director = someone_elses_restricted_note(demo)
    chief = demo.plan.agreement
    note = Section.objects.filter(discussion__agreement=chief, publicity="restricted").first()
    log_restricted_read(demo.user("pormestari"), note.discussion, sections=[note])
    files = unzip(demo.client("kansliapaallikko").post(reverse("my_data")))

    sections = rows(files, chief.pk, "discussions.section")
    expected_sections = Section.objects.filter(discussion__agreement=chief)
    assert set(sections) == set(expected_sections.values_list("pk", flat=True))
    restricted = expected_sections.filter(publicity="restricted").exclude(text="")
    assert restricted.exists()
    assert all(sections[s.pk]["text"] == s.text for s in restricted)
    for model, lookup in ABOUT_THE_AGREEMENT:
        expected = set(model.objects.filter(**{lookup: chief}).values_list("pk", flat=True))
        assert expected, model
        assert set(rows(files, chief.pk, model._meta.label_lower)) == expected, model
    assert any(name.startswith("documents/") and name.endswith(".pdf") for name in files)
    manifest = json.loads(files["manifest.json"])
    assert set(manifest["files"]) == set(files) - {"manifest.json"}

    everything = b"".join(files.values()).decode("utf-8", "replace")
    assert SECRET not in everything
    assert not any(name.startswith(f"agreements/{director.pk}/") for name in files)
    views_about_others = Assessment.objects.filter(author__username="kansliapaallikko").exclude(
        checkpoint__version__plan__agreement=chief
    )
    for view in views_about_others.exclude(text=""):
        assert view.text not in everything
    assert json.loads(files["participation.json"])  # the meeting, not its notes
    reads = json.loads(files["restricted_reads.json"])
    assert any(r["actor_label"] == "pormestari" and str(note.pk) in r["changes"] for r in reads)
    assert "password" not in json.loads(files["profile.json"])
    event = AuditEvent.objects.get(action="subject_copy.produce")
    assert event.actor.username == "kansliapaallikko" and event.organization_id is None


def test_an_admin_produces_a_members_copy_for_a_request_made_otherwise(demo):
    chief = demo.user("kansliapaallikko")
    url = reverse("subject_copy", args=["esimerkkikunta"])
    client = demo.client("paakayttaja")
    assert client.get(url).status_code == 200
    files = unzip(client.post(url, {"person": chief.pk}))
    assert rows(files, demo.plan.agreement_id, "discussions.section")
    event = AuditEvent.objects.get(action="subject_copy.produce")
    assert event.actor.username == "paakayttaja" and event.organization_id == demo.org.pk
    assert event.object_id == str(chief.pk)
    # The admin was shown the chief's restricted notes: the use log says so, as the
    # executive's restricted-use page reads it; the chief's own copy logs nothing.
    restricted = set(
        Section.objects.filter(discussion__agreement__executive=chief, publicity="restricted").values_list(
            "pk", flat=True
        )
    )
    assert restricted
    logged = AuditEvent.objects.filter(action=READ_RESTRICTED_ACTION, actor__username="paakayttaja")
    shown = {pk for e in logged for pk in json.loads(e.changes)["sections"][1]}
    assert shown == restricted
    demo.client("kansliapaallikko").post(reverse("my_data"))
    assert not AuditEvent.objects.filter(action=READ_RESTRICTED_ACTION, actor=chief).exists()


def test_an_admin_cannot_produce_the_copy_of_another_organizations_member(demo):
    url = reverse("subject_copy", args=["esimerkkikunta"])
    outsider = demo.user("toinen-johtaja")
    response = demo.client("paakayttaja").post(url, {"person": outsider.pk})
    assert response.status_code == 200  # the form refuses the choice
    assert not AuditEvent.objects.filter(action="subject_copy.produce").exists()
