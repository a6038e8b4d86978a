"""Attaching evidence through the follow-up page: each allowed type, links, and bad
input (too large, a disallowed type, a lying extension, empty, a javascript: link):
a clear message per item beside the field, nothing half-saved, no file left behind."""

import datetime as dt
import hashlib
import io
import os
import time
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management import call_command
from django.db import transaction

from suunta.audit.models import AuditEvent
from suunta.audit.services import changes_of
from suunta.evidence import services, uploads
from suunta.evidence.models import Evidence
from suunta.followup import services as followup
from suunta.followup.models import Assessment, AssessmentKind

from ..followup.common import (
    agree_all,
    field_errors,
    notices,
    own_data,
    own_url,
    ratings,
    self_assess,
    squash,
)
from ..followup.common import goals as goals_of
from ..helpers import assert_field_error, fi
from . import files
from .common import (
    DEPUTY,
    EXECUTIVE,
    MAYOR,
    add_url,
    events,
    field_id,
    first_goal,
    followup_url,
    in_finnish,
    open_checkpoint,
    post_files,
    post_link,
    size_fi,
    state,
    stored_files,
)

pytestmark = pytest.mark.django_db


# --- What is allowed ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(files.ALLOWED))
def test_the_executive_attaches_each_allowed_type(demo, evidence_root, name):
    content_type, build = files.ALLOWED[name]
    content = build()
    goal = first_goal(demo)
    # The browser's claimed type is ignored: the content decides.
    response = post_files(demo.client(EXECUTIVE), demo, files.upload(name, content, "text/html"))
    assert response.status_code == 302
    assert response["Location"] == f"{followup_url(demo)}#goal-{goal.pk}"

    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.original_name, evidence.content_type) == ("file", name, content_type)
    assert evidence.size == len(content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert uploads.STORED_NAME.match(evidence.stored_name), "stored under a random name, not the user's"
    assert stored_files(evidence_root) == [evidence.stored_name], "no temporary file left"
    stored = evidence_root / evidence.stored_name
    assert stored.read_bytes() == content
    assert stored.stat().st_mode & 0o777 == 0o600
    # Attached to the executive's own self-assessment, an empty draft made for it.
    assessment = evidence.assessment
    assert (assessment.kind, assessment.author.username, assessment.goal_area) == ("self", EXECUTIVE, goal)
    assert assessment.submitted_at is None and assessment.text == ""


def test_several_files_at_once(demo, evidence_root):
    uploads_ = [files.upload(name, build()) for name, (_type, build) in sorted(files.ALLOWED.items())[:3]]
    response = post_files(demo.client(MAYOR), demo, *uploads_)
    assert response.status_code == 302
    assert Evidence.objects.count() == 3
    assert {e.assessment.kind for e in Evidence.objects.all()} == {AssessmentKind.VIEW}
    assert len(stored_files(evidence_root)) == 3


def test_an_evaluator_attaches_a_link_to_own_view(demo):
    response = post_link(
        demo.client(MAYOR), demo, "https://www.esimerkkikunta.fi/päätökset?id=5", "KH:n päätös"
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.url, evidence.title) == (
        "link",
        "https://www.esimerkkikunta.fi/päätökset?id=5",
        "KH:n päätös",
    )
    assert (evidence.assessment.kind, evidence.assessment.author.username) == ("view", MAYOR)
    assert (evidence.stored_name, evidence.size) == ("", None)


def test_evidence_joins_an_existing_assessment_and_keeps_it(demo):
    client = demo.client(EXECUTIVE)
    goal_list = goals_of(demo.current)
    scale = ratings(demo.org)
    assert (
        client.post(
            own_url(demo.current, open_checkpoint(demo)), own_data(goal_list, scale["progressed"], "Eteni")
        ).status_code
        == 302
    )
    before = Assessment.objects.get(goal_area=goal_list[0], author__username=EXECUTIVE)
    post_files(client, demo, files.upload("liite.pdf", files.pdf()))
    after = Assessment.objects.get(pk=before.pk)
    assert Evidence.objects.get().assessment_id == before.pk
    assert (after.text, after.rating_id, after.revision) == (before.text, before.rating_id, before.revision)
    assert Assessment.objects.filter(
        checkpoint=open_checkpoint(demo), author__username=EXECUTIVE
    ).count() == len(goal_list)


def test_attaching_is_audited_without_the_content(demo):
    content = files.pdf()
    post_files(demo.client(EXECUTIVE), demo, files.upload("Kesäkuun raportti.pdf", content))
    evidence = Evidence.objects.get()
    (event,) = events("evidence.attach", demo.org)
    assert (event.outcome, event.actor.username, event.object_id) == ("ok", EXECUTIVE, str(evidence.pk))
    changes = changes_of(event)
    assert changes["original_name"] == [None, "Kesäkuun raportti.pdf"]
    assert changes["size"] == [None, len(content)]
    assert changes["sha256"] == [None, evidence.sha256]
    assert "%PDF" not in event.payload and "Catalog" not in event.payload
    assert events("assessment.self.save", demo.org), "the empty draft made for the evidence is audited too"


def test_link_attach_is_audited(demo):
    post_link(demo.client(MAYOR), demo, "https://example.fi/raportti", "Raportti")
    (event,) = events("evidence.attach", demo.org)
    assert changes_of(event)["url"] == [None, "https://example.fi/raportti"]


# --- Bad files ------------------------------------------------------------------------------------


def refused(demo, evidence_root, response, *messages) -> None:
    """The page again, each message beside the files field; nothing saved, nothing on disk."""
    assert response.status_code == 200
    goal = first_goal(demo)
    assert field_errors(response, field_id(goal, "files")) == [squash(m) for m in messages]
    assert not Evidence.objects.exists()
    assert not Assessment.objects.filter(checkpoint=open_checkpoint(demo)).exists(), "no empty draft left"
    assert stored_files(evidence_root) == []
    assert not events("evidence.attach")


def test_a_too_large_file_is_refused_with_the_limit(demo, evidence_root, settings):
    assert settings.EVIDENCE_MAX_BYTES == 10 * 1024 * 1024
    content = files.pdf() + b"\0" * settings.EVIDENCE_MAX_BYTES
    response = post_files(demo.client(EXECUTIVE), demo, files.upload("iso.pdf", content))
    refused(
        demo,
        evidence_root,
        response,
        fi(
            "“%(name)s” is %(size)s; a file may be at most %(limit)s MB.",
            name="iso.pdf",
            size=size_fi(len(content)),
            limit="10",
        ),
    )


@pytest.mark.parametrize("name", ["asennus.exe", "sivu.html"])
def test_a_disallowed_type_is_refused(demo, evidence_root, name):
    content = files.exe() if name.endswith(".exe") else files.html()
    response = post_files(demo.client(EXECUTIVE), demo, files.upload(name, content))
    types = in_finnish(str, uploads.ALLOWED_LABELS)
    refused(
        demo,
        evidence_root,
        response,
        fi("“%(name)s” is not an allowed type of file. Allowed types: %(types)s.", name=name, types=types),
    )


@pytest.mark.parametrize(
    ("name", "build", "label"),
    [
        ("päätös.pdf", files.html, "PDF"),
        ("ohjelma.pdf", files.exe, "PDF"),
        ("kuva.docx", files.png, "DOCX"),
        ("paketti.docx", files.zip_without_document, "DOCX"),
        ("taulukko.docx", files.xlsx, "DOCX"),
        ("kaavio.png", files.pdf, "PNG"),
    ],
)
def test_a_lying_extension_is_refused(demo, evidence_root, name, build, label):
    response = post_files(demo.client(EXECUTIVE), demo, files.upload(name, build(), "application/pdf"))
    refused(
        demo,
        evidence_root,
        response,
        fi(
            "“%(name)s” is not a real %(type)s file: its content does not match its name.",
            name=name,
            type=label,
        ),
    )


def test_an_empty_file_is_refused(demo, evidence_root):
    response = post_files(demo.client(EXECUTIVE), demo, files.upload("tyhjä.pdf", b""))
    refused(demo, evidence_root, response, fi("“%(name)s” is empty.", name="tyhjä.pdf"))


def test_one_message_per_refused_file_and_none_of_the_good_ones_saved(demo, evidence_root):
    response = post_files(
        demo.client(EXECUTIVE),
        demo,
        files.upload("hyvä.pdf", files.pdf()),
        files.upload("sivu.pdf", files.html()),
        files.upload("kuva.png", files.png()),
        files.upload("tyhjä.xlsx", b""),
    )
    refused(
        demo,
        evidence_root,
        response,
        fi(
            "“%(name)s” is not a real %(type)s file: its content does not match its name.",
            name="sivu.pdf",
            type="PDF",
        ),
        fi("“%(name)s” is empty.", name="tyhjä.xlsx"),
    )


def test_a_failure_after_the_file_was_written_leaves_nothing(demo, evidence_root, monkeypatch):
    """The file is on disk before the row is saved: a failure there removes it again."""

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Evidence, "save", broken)
    with pytest.raises(RuntimeError):
        services.attach_file(
            demo.user(EXECUTIVE), open_checkpoint(demo), first_goal(demo), files.upload("a.pdf", files.pdf())
        )
    assert stored_files(evidence_root) == []
    assert not Assessment.objects.filter(checkpoint=open_checkpoint(demo)).exists()


def test_path_traversal_in_the_multipart_name_stays_inside_the_root(demo, evidence_root, tmp_path):
    """A raw multipart body, as a hostile client would send it."""
    goal = first_goal(demo)
    boundary = "rajaraja"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="evidence-{goal.pk}-files"; filename="../../etc/passwd.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + files.pdf()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = demo.client(EXECUTIVE).generic(
        "POST", add_url(demo), body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "passwd.pdf"
    assert stored_files(evidence_root) == [evidence.stored_name]
    assert not (tmp_path / "etc").exists()


def test_names_with_control_characters_are_sanitized_in_the_service(demo, evidence_root):

    evidence = services.attach_file(
        demo.user(EXECUTIVE),
        open_checkpoint(demo),
        first_goal(demo),
        File(io.BytesIO(files.png()), name="..\\..\\Kuva\x00\x1b\u202ekesä\n.png"),
    )
    assert evidence.original_name == "Kuvakesä.png"
    assert stored_files(evidence_root) == [evidence.stored_name]


# --- Bad links and forms --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        "data:text/html,<b>x</b>",
        "ftp://example.fi/a",
        "esimerkki",
    ],
)
def test_only_web_links_are_accepted(demo, evidence_root, url):
    response = post_link(demo.client(EXECUTIVE), demo, url, "Linkki")
    goal = first_goal(demo)
    assert_field_error(
        response,
        field_id(goal, "url"),
        fi("Enter a web address that starts with http:// or https://."),
        typed=url,
    )
    assert not Evidence.objects.exists()


def test_the_service_refuses_a_javascript_link_too(demo):
    with pytest.raises(ValidationError) as error:
        services.attach_link(
            demo.user(EXECUTIVE), open_checkpoint(demo), first_goal(demo), "javascript:alert(1)", "x"
        )
    assert "url" in error.value.error_dict
    assert not Evidence.objects.exists()


def test_a_link_needs_a_title(demo):
    response = post_link(demo.client(EXECUTIVE), demo, "https://example.fi/", "")
    assert_field_error(response, field_id(first_goal(demo), "title"), fi("Give the link a title."), typed="")
    assert not Evidence.objects.exists()


def test_files_and_a_link_at_once_are_refused(demo, evidence_root):
    goal = first_goal(demo)
    response = demo.client(EXECUTIVE).post(
        add_url(demo),
        {
            f"evidence-{goal.pk}-files": [files.upload("a.pdf", files.pdf())],
            f"evidence-{goal.pk}-url": "https://example.fi/",
            f"evidence-{goal.pk}-title": "Esimerkki",
        },
    )
    assert response.status_code == 200
    assert fi("Attach either files or a link, not both at once.") in notices(response)
    assert not Evidence.objects.exists() and stored_files(evidence_root) == []


def test_an_empty_form_asks_for_a_file_or_a_link(demo):
    response = demo.client(EXECUTIVE).post(add_url(demo), {})
    assert field_errors(response, field_id(first_goal(demo), "files")) == [
        fi("Choose a file to attach, or enter a link below.")
    ]


# --- Who may, and when -----------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["valmistelija", "hallitus", "tarkastaja", "paakayttaja"])
def test_others_may_not_attach(demo, evidence_root, username):
    before = state()
    response = post_files(demo.client(username), demo, files.upload("a.pdf", files.pdf()))
    assert response.status_code == 403
    assert state() == before and stored_files(evidence_root) == []
    assert events("attach_evidence.denied", demo.org, "denied")[-1].actor.username == username


def test_another_organization_gets_404(demo, evidence_root):
    response = post_files(demo.client("toinen-johtaja"), demo, files.upload("a.pdf", files.pdf()))
    assert response.status_code == 404
    assert not Evidence.objects.exists() and stored_files(evidence_root) == []


def test_a_goal_of_another_plan_is_404(demo):
    other_goal = goals_of(demo.plan)[0]
    response = post_files(demo.client(EXECUTIVE), demo, files.upload("a.pdf", files.pdf()), goal=other_goal)
    assert response.status_code == 404
    assert not Evidence.objects.exists()


def test_nothing_is_attached_once_the_follow_up_is_agreed(demo, evidence_root):

    checkpoint = open_checkpoint(demo)
    preparer = demo.user("valmistelija")
    agree_all(demo, checkpoint, ratings(demo.org)["progressed"])
    followup.close_step(preparer, checkpoint, "Käsitellään kokouksessa.")
    followup.close_step(preparer, checkpoint, "Käsitellään kokouksessa.")
    followup.mark_agreed(demo.user(MAYOR), checkpoint, dt.date(2026, 11, 26))
    before = state()
    response = post_files(demo.client(EXECUTIVE), demo, files.upload("myöhässä.pdf", files.pdf()))
    assert response.status_code == 200
    assert fi("This follow-up has already been agreed.") in notices(response)
    assert state() == before and stored_files(evidence_root) == []


def test_a_submitted_assessment_still_takes_evidence_until_agreed(demo):

    self_assess(demo, open_checkpoint(demo), ratings(demo.org)["progressed"])
    response = post_files(demo.client(EXECUTIVE), demo, files.upload("lisä.pdf", files.pdf()))
    assert response.status_code == 302
    assert Evidence.objects.get().assessment.submitted_at is not None


def test_an_outer_rollback_removes_the_row_and_the_sweeper_the_file(demo, evidence_root):
    """A transaction around the service that rolls back later leaves an orphan file:
    `manage.py sweep_evidence` removes it (and keeps files that rows refer to)."""

    kept = services.attach_file(
        demo.user(DEPUTY), open_checkpoint(demo), first_goal(demo), files.upload("k.pdf", files.pdf())
    )
    with transaction.atomic():
        services.attach_file(
            demo.user(EXECUTIVE), open_checkpoint(demo), first_goal(demo), files.upload("o.pdf", files.pdf())
        )
        transaction.set_rollback(True)
    assert Evidence.objects.get() == kept
    assert len(stored_files(evidence_root)) == 2
    out = StringIO()
    call_command("sweep_evidence", stdout=out)
    assert out.getvalue().strip().endswith("removed=0"), "fresh files are left alone"
    old = time.time() - 2 * 3600
    for path in evidence_root.iterdir():
        os.utime(path, (old, old))
    call_command("sweep_evidence", "--dry-run", stdout=StringIO())
    assert len(stored_files(evidence_root)) == 2
    call_command("sweep_evidence", stdout=out)
    assert stored_files(evidence_root) == [kept.stored_name]
    assert AuditEvent.objects.filter(action="evidence.attach").count() == 1


@pytest.mark.parametrize("username", ["valmistelija", "hallitus"])
def test_the_services_check_the_policy_themselves(demo, evidence_root, username):

    user, checkpoint, goal = demo.user(username), open_checkpoint(demo), first_goal(demo)
    with pytest.raises(PermissionDenied):
        services.attach_file(user, checkpoint, goal, files.upload("a.pdf", files.pdf()))
    with pytest.raises(PermissionDenied):
        services.attach_link(user, checkpoint, goal, "https://example.fi/", "Esimerkki")
    assert not Evidence.objects.exists() and stored_files(evidence_root) == []
    assert [e.actor.username for e in events("attach_evidence.denied", demo.org, "denied")] == [username] * 2
