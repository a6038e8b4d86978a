"""Removing evidence: only the author, only while the follow-up is writable; the file
is deleted once the removal has committed."""

import datetime as dt

import pytest
from django.db import transaction

from suunta.audit.services import changes_of
from suunta.evidence import services
from suunta.evidence.models import Evidence
from suunta.followup import services as followup

from ..followup.common import agree_all, ratings, self_assess, success_messages
from ..helpers import fi
from .common import (
    DEPUTY,
    EXECUTIVE,
    MAYOR,
    events,
    first_goal,
    followup_url,
    open_checkpoint,
    remove_url,
    stored_files,
    upload_as,
)

pytestmark = pytest.mark.django_db


def test_the_author_removes_own_evidence(demo, evidence_root, django_capture_on_commit_callbacks):
    evidence = upload_as(demo, EXECUTIVE, "väärä liite.pdf")
    client = demo.client(EXECUTIVE)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url(evidence))
    assert response.status_code == 302
    assert response["Location"] == f"{followup_url(demo)}#goal-{first_goal(demo).pk}"
    assert not Evidence.objects.exists()
    assert stored_files(evidence_root) == []
    (event,) = events("evidence.remove", demo.org)
    assert (event.actor.username, event.object_id) == (EXECUTIVE, str(evidence.pk))
    assert changes_of(event)["original_name"] == ["väärä liite.pdf", None]
    page = client.get(response["Location"])
    assert success_messages(page) == [fi("Removed: “%(name)s”.", name="väärä liite.pdf")]


def test_the_file_stays_until_the_removal_commits(demo, evidence_root):
    evidence = upload_as(demo, EXECUTIVE)
    with transaction.atomic():
        services.remove(demo.user(EXECUTIVE), evidence)
        transaction.set_rollback(True)
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert stored_files(evidence_root) == [evidence.stored_name]


def test_links_are_removed_too(demo):
    link = services.attach_link(
        demo.user(MAYOR), open_checkpoint(demo), first_goal(demo), "https://example.fi/", "Esimerkki"
    )
    assert demo.client(MAYOR).post(remove_url(link)).status_code == 302
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("username", [MAYOR, "valmistelija", "paakayttaja"])
def test_readers_of_a_submitted_assessment_may_not_remove_its_evidence(demo, evidence_root, username):
    evidence = upload_as(demo, EXECUTIVE)
    self_assess(demo, open_checkpoint(demo), ratings(demo.org)["progressed"])
    response = demo.client(username).post(remove_url(evidence))
    assert response.status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert stored_files(evidence_root) == [evidence.stored_name]
    refusals = events("evidence.remove.denied", demo.org, "denied") + events(
        "attach_evidence.denied", demo.org, "denied"
    )
    assert [e.actor.username for e in refusals] == [username]


@pytest.mark.parametrize("username", [DEPUTY, "hallitus", "toinen-johtaja"])
def test_evidence_the_user_cannot_see_is_404(demo, username):
    evidence = upload_as(demo, MAYOR)  # a draft view
    response = demo.client(username).post(remove_url(evidence))
    assert response.status_code == 404
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    denied = events("evidence.remove.denied", demo.org, "denied") + events(
        "access.out_of_scope", demo.org, "denied"
    )
    assert [e.actor.username for e in denied] == [username]


def test_nothing_is_removed_once_the_follow_up_is_agreed(demo, evidence_root):
    evidence = upload_as(demo, EXECUTIVE)
    checkpoint = open_checkpoint(demo)
    preparer = demo.user("valmistelija")
    agree_all(demo, checkpoint, ratings(demo.org)["progressed"])
    followup.close_step(preparer, checkpoint, "Käsitellään kokouksessa.")
    followup.close_step(preparer, checkpoint, "Käsitellään kokouksessa.")
    followup.mark_agreed(demo.user(MAYOR), checkpoint, dt.date(2026, 11, 26))
    client = demo.client(EXECUTIVE)
    response = client.post(remove_url(evidence), follow=True)
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert stored_files(evidence_root) == [evidence.stored_name]
    assert fi("This follow-up has already been agreed.") in response.content.decode()
    assert not events("evidence.remove")


def test_remove_is_post_only(demo):
    evidence = upload_as(demo, EXECUTIVE)
    assert demo.client(EXECUTIVE).get(remove_url(evidence)).status_code == 405
    assert Evidence.objects.exists()
