"""The authorized, audited download: whoever may read the assessment may download its
files; everyone else gets a 404 and the attempt is audited."""

from urllib.parse import quote

import pytest
from django.test import Client

from suunta.audit.services import changes_of
from suunta.evidence import services

from ..followup.common import goals as goals_of
from ..followup.common import ratings, self_assess, submit_all
from . import files
from .common import DEPUTY, EXECUTIVE, MAYOR, download_url, events, first_goal, open_checkpoint, upload_as

pytestmark = pytest.mark.django_db

NAME = "Kesäkuun raportti (päivitetty).pdf"


def submitted_self_assessment_with_file(demo):
    evidence = upload_as(demo, EXECUTIVE, NAME)
    self_assess(demo, open_checkpoint(demo), ratings(demo.org)["progressed"])
    return evidence


def assert_file_response(response, evidence, content: bytes) -> None:
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == evidence.content_type
    assert response["Content-Length"] == str(len(content))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert f"filename*=UTF-8''{quote(evidence.original_name, safe='')}" in disposition
    assert 'filename="Kesakuun raportti (paivitetty).pdf"' in disposition  # the ASCII fallback


def test_the_author_downloads_own_draft_evidence(demo):
    evidence = upload_as(demo, EXECUTIVE, NAME)
    assert evidence.assessment.submitted_at is None
    response = demo.client(EXECUTIVE).get(download_url(evidence))
    assert_file_response(response, evidence, files.pdf())
    (event,) = events("evidence.download", demo.org)
    assert (event.outcome, event.actor.username, event.object_id) == ("ok", EXECUTIVE, str(evidence.pk))
    assert changes_of(event)["original_name"] == [None, NAME]
    assert "%PDF" not in event.payload


@pytest.mark.parametrize("username", [MAYOR, DEPUTY, "valtuuston-pj", "valmistelija", "paakayttaja"])
def test_insiders_download_a_submitted_self_assessments_evidence(demo, username):
    evidence = submitted_self_assessment_with_file(demo)
    response = demo.client(username).get(download_url(evidence))
    assert_file_response(response, evidence, files.pdf())
    assert [e.actor.username for e in events("evidence.download", demo.org)] == [username]


def test_the_executive_downloads_an_evaluators_submitted_view_evidence(demo):
    evidence = upload_as(demo, MAYOR, "kuva.png", files.png())
    submit_all(
        demo.user(MAYOR), open_checkpoint(demo), goals_of(demo.current), "view", ratings(demo.org)["achieved"]
    )
    response = demo.client(EXECUTIVE).get(download_url(evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.png()
    assert response["Content-Type"] == "image/png"


def assert_refused(demo, response, evidence, username, action="evidence.download.denied", organization=None):
    assert response.status_code == 404
    (event,) = events(action, organization or demo.org, "denied")
    assert event.actor.username == username
    assert not events("evidence.download")


@pytest.mark.parametrize("username", [MAYOR, "valmistelija", "paakayttaja"])
def test_a_draft_is_not_downloaded_by_anyone_but_its_author(demo, username):
    evidence = upload_as(demo, EXECUTIVE, NAME)
    response = demo.client(username).get(download_url(evidence))
    assert_refused(demo, response, evidence, username)
    (event,) = events("evidence.download.denied", demo.org)
    assert event.object_id == str(evidence.pk)


def test_another_evaluators_draft_view_is_refused(demo):
    evidence = upload_as(demo, MAYOR, "luonnos.pdf")
    response = demo.client(DEPUTY).get(download_url(evidence))
    assert_refused(demo, response, evidence, DEPUTY)
    assert demo.client(MAYOR).get(download_url(evidence)).status_code == 200


@pytest.mark.parametrize("username", ["hallitus", "tarkastaja"])
def test_board_members_and_auditors_never_download_evidence(demo, username):
    evidence = submitted_self_assessment_with_file(demo)
    response = demo.client(username).get(download_url(evidence))
    assert_refused(demo, response, evidence, username)


def test_another_organization_gets_404_and_the_attempt_is_audited(demo):
    evidence = submitted_self_assessment_with_file(demo)
    response = demo.client("toinen-johtaja").get(download_url(evidence))
    assert_refused(demo, response, evidence, "toinen-johtaja", action="access.out_of_scope")


def test_anonymous_visitors_are_sent_to_log_in(demo):
    evidence = submitted_self_assessment_with_file(demo)

    response = Client().get(download_url(evidence))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert not events("evidence.download")


def test_an_unknown_id_is_404(demo):
    assert demo.client(EXECUTIVE).get("/evidence/999999/").status_code == 404


def test_a_link_is_not_downloaded(demo):
    link = services.attach_link(
        demo.user(EXECUTIVE), open_checkpoint(demo), first_goal(demo), "https://example.fi/", "Esimerkki"
    )
    assert demo.client(EXECUTIVE).get(download_url(link)).status_code == 404


def test_a_file_missing_on_disk_is_404_and_recorded(demo, evidence_root):
    evidence = upload_as(demo, EXECUTIVE, NAME)
    (evidence_root / evidence.stored_name).unlink()
    response = demo.client(EXECUTIVE).get(download_url(evidence))
    assert response.status_code == 404
    (event,) = events("evidence.download.missing", demo.org, "failed")
    assert event.object_id == str(evidence.pk)


def test_downloads_are_get_only(demo):
    evidence = upload_as(demo, EXECUTIVE, NAME)
    assert demo.client(EXECUTIVE).post(download_url(evidence)).status_code == 405
