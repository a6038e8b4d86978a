"""Issue 7: who sees which sections of a goal and development discussion, on every path:
the page, the section fragment, the calendar file, the export, the Django admin, the
audit log, the front page and the agreement page.

The demo discussion (12.3.2025) has participants pormestari, apulaispormestari,
valtuuston-pj and kansliapaallikko; its sections 3, 4 and 6 (development, wellbeing,
personal matters) are restricted."""

import datetime as dt
import io
import json
import zoneinfo

import icalendar
import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse

from suunta.agreements.export import plan_to_dict, plans_for_export
from suunta.audit.models import AuditEvent
from suunta.demo import discussions as demo_data
from suunta.discussions.models import (
    DevelopmentItem,
    Participant,
    Section,
    SectionKind,
    Survey,
    SurveyAnswer,
)

from ..dom import parse
from .common import (
    ADMIN,
    AUDITOR,
    BOARD_MEMBER,
    DEMO_ANSWERS,
    DEMO_ITEM_TEXTS,
    DEMO_PARTICIPANTS,
    DEMO_PUBLIC_NOTES,
    DEMO_RESTRICTED_NOTES,
    DEMO_SECRETS,
    EXECUTIVE,
    PREPARER,
    PUBLIC_KINDS,
    RESTRICTED_KINDS,
    TOINEN,
    add_evaluator,
    assert_not_in_audit,
    calendar_url,
    create_discussion,
    demo_discussion_of,
    detail_url,
    fi,
    fragment_url,
    main_text,
    page_text,
    section_of,
    section_text,
)

pytestmark = pytest.mark.django_db

HIDDEN_NOTE = "The content is shown only to the participants of the discussion."
NON_PARTICIPANT_STAFF = (PREPARER, ADMIN, "hallituksen-pj")  # the last: an evaluator, see add_evaluator
OUTSIDERS = (BOARD_MEMBER, AUDITOR, *TOINEN)


def client_of(demo, username):
    if username == "hallituksen-pj":
        person = add_evaluator(demo)
        client = Client()
        client.force_login(person)
        return client
    return demo.client(username)


def out_of_scope(discussion_or_section, username) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action="access.out_of_scope",
            outcome="denied",
            actor_label=username,
            object_type=discussion_or_section._meta.label_lower,
            object_id=str(discussion_or_section.pk),
        )
    )


# --- The discussion page -------------------------------------------------------------------------


@pytest.mark.parametrize("username", DEMO_PARTICIPANTS)
def test_participants_read_every_section_the_development_plan_and_the_survey(demo, username):
    discussion = demo_discussion_of(demo)
    response = demo.client(username).get(detail_url(discussion))
    shown = main_text(response)
    for note in DEMO_PUBLIC_NOTES + DEMO_RESTRICTED_NOTES + DEMO_ITEM_TEXTS + DEMO_ANSWERS:
        assert note in shown, note
    for kind in RESTRICTED_KINDS:
        section = section_of(discussion, kind)
        assert fi(HIDDEN_NOTE) not in section_text(response, section)
        # The section still says it is restricted and on which basis.
        assert section.secrecy_basis.label in section_text(response, section)
    # The survey is named, not anonymous: the board member's name goes with the answer.
    assert f"Pekka Järvinen: {DEMO_ANSWERS[0]}" in shown


@pytest.mark.parametrize("username", NON_PARTICIPANT_STAFF)
def test_staff_outside_the_room_see_public_sections_and_only_a_note_for_restricted_ones(demo, username):
    discussion = demo_discussion_of(demo)
    response = client_of(demo, username).get(detail_url(discussion))
    shown = main_text(response)
    for note in DEMO_PUBLIC_NOTES:
        assert note in shown, note
    for kind in PUBLIC_KINDS:
        assert fi(HIDDEN_NOTE) not in section_text(response, section_of(discussion, kind))
    for kind in RESTRICTED_KINDS:
        section = section_of(discussion, kind)
        text = section_text(response, section)
        assert section.display_title in text
        assert section.secrecy_basis.label in text
        assert fi(HIDDEN_NOTE) in text
    # No restricted text anywhere in the response, not even in an attribute or comment.
    everything = page_text(response)
    for secret in DEMO_SECRETS:
        assert secret not in everything, secret
    doc = parse(response.content)
    assert not doc.has_id("development-plan") and not doc.has_id("survey")
    # The participants and their confirmations are no secret.
    assert "Juha Niemi" in shown


@pytest.mark.parametrize("username", OUTSIDERS)
def test_board_members_auditors_and_other_organizations_get_404_and_an_audit_event(demo, username):
    discussion = demo_discussion_of(demo)
    response = demo.client(username).get(detail_url(discussion))
    assert response.status_code == 404
    everything = page_text(response)
    for secret in DEMO_SECRETS + DEMO_PUBLIC_NOTES:
        assert secret not in everything
    recorded = out_of_scope(discussion, username)
    assert len(recorded) == 1
    assert recorded[0].organization_id == demo.org.pk


def test_an_anonymous_visitor_is_sent_to_log_in(demo):
    discussion = demo_discussion_of(demo)
    response = Client().get(detail_url(discussion))
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- The section fragment ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", RESTRICTED_KINDS)
def test_a_participant_gets_a_restricted_section_as_a_fragment(demo, kind):
    discussion = demo_discussion_of(demo)
    section = section_of(discussion, kind)
    response = demo.client(EXECUTIVE).get(fragment_url(section), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and "<body" not in body
    assert f'id="section-{section.pk}"' in body
    assert demo_data.NOTES[kind] in body
    assert body.count('class="card discussion-section') == 1  # this section only
    # Opened directly (not by htmx), the URL gives the whole page: a titled document.
    page = demo.client(EXECUTIVE).get(fragment_url(section)).content.decode()
    assert "<html lang=" in page and "<title>" in page and f'id="section-{section.pk}"' in page


@pytest.mark.parametrize("username", NON_PARTICIPANT_STAFF)
def test_staff_outside_the_room_are_refused_a_restricted_fragment_403_and_audited(demo, username):
    discussion = demo_discussion_of(demo)
    client = client_of(demo, username)
    for kind in RESTRICTED_KINDS:
        section = section_of(discussion, kind)
        response = client.get(fragment_url(section))
        assert response.status_code == 403, kind
        assert demo_data.NOTES[kind] not in response.content.decode()
    refused = AuditEvent.objects.filter(
        action="read_restricted.denied", outcome="denied", actor_label=username, organization=demo.org
    )
    assert refused.count() == len(RESTRICTED_KINDS)
    assert set(refused.values_list("object_id", flat=True)) == {str(discussion.pk)}
    # A public section is theirs to read.
    public = section_of(discussion, SectionKind.COOPERATION)
    response = client.get(fragment_url(public))
    assert response.status_code == 200
    assert demo_data.NOTES[SectionKind.COOPERATION] in response.content.decode()


@pytest.mark.parametrize("username", OUTSIDERS)
def test_board_members_and_auditors_get_404_for_any_fragment(demo, username):
    discussion = demo_discussion_of(demo)
    client = demo.client(username)
    for kind in (SectionKind.WELLBEING, SectionKind.COOPERATION):
        response = client.get(fragment_url(section_of(discussion, kind)))
        assert response.status_code == 404
        assert demo_data.NOTES[kind] not in response.content.decode()
    assert len(out_of_scope(discussion, username)) == 2


def test_a_section_id_of_another_discussion_is_not_found(demo):
    """The section must belong to the discussion in the URL."""

    other = create_discussion(demo)
    foreign = section_of(other, SectionKind.WELLBEING)
    discussion = demo_discussion_of(demo)
    url = reverse("discussion_section", args=[discussion.pk, foreign.pk])
    assert demo.client(PREPARER).get(url).status_code == 404


# --- The calendar file ----------------------------------------------------------------------------------


def parse_calendar(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith('.ics"')
    return icalendar.Calendar.from_ical(response.content)


@pytest.mark.parametrize("username", (*DEMO_PARTICIPANTS, PREPARER, ADMIN))
def test_participants_and_staff_download_a_valid_invitation_in_helsinki_time(demo, username):
    discussion = demo_discussion_of(demo)
    response = demo.client(username).get(calendar_url(discussion))
    calendar = parse_calendar(response)
    (event,) = calendar.walk("VEVENT")
    start = event["DTSTART"]
    assert start.params["TZID"] == "Europe/Helsinki"
    assert start.dt == dt.datetime(2025, 3, 12, 13, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Helsinki"))
    assert start.dt.utcoffset() == dt.timedelta(hours=2)  # winter time in March
    assert event["DTEND"].dt - start.dt == dt.timedelta(minutes=120)
    assert str(event["LOCATION"]) == "Kunnantalo, kokoushuone Kaisla"
    assert str(event["UID"]) == f"{discussion.uid}@suunta"
    assert f"/discussions/{discussion.pk}/" in str(event["URL"])
    # RFC 5545: every TZID used is defined in a VTIMEZONE of the calendar.
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Helsinki"]
    body = response.content.decode()
    unfolded = body.replace("\r\n ", "")
    for text in DEMO_SECRETS + DEMO_PUBLIC_NOTES:
        assert text not in unfolded
        assert text.replace(",", "\\,").replace(";", "\\;") not in unfolded
    assert response["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="discussion.calendar", actor_label=username).count() == 1


@pytest.mark.parametrize("username", OUTSIDERS)
def test_board_members_and_auditors_get_no_invitation(demo, username):
    discussion = demo_discussion_of(demo)
    response = demo.client(username).get(calendar_url(discussion))
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content
    assert len(out_of_scope(discussion, username)) == 1
    assert not AuditEvent.objects.filter(action="discussion.calendar").exists()


# --- Export, admin, audit log ----------------------------------------------------------------------------


def test_the_export_holds_no_discussion_text(demo):
    out = io.StringIO()
    call_command("export_plan", stdout=out)
    everything = out.getvalue()
    single = io.StringIO()
    call_command("export_plan", str(demo.plan.pk), stdout=single)
    everything += single.getvalue()
    everything += json.dumps([plan_to_dict(p) for p in plans_for_export()], ensure_ascii=False)
    assert "Kansliapäällikön tavoitteet 2025" in everything  # the export itself worked
    for text in DEMO_SECRETS + DEMO_PUBLIC_NOTES + ["Kunnantalo, kokoushuone Kaisla"]:
        assert text not in everything, text


@pytest.fixture
def operator_client(db):
    operator = get_user_model().objects.create_superuser("operaattori", password="x")
    client = Client()
    client.force_login(operator)
    return client


def test_the_admin_shows_discussion_metadata_but_no_memo_text(demo, operator_client):
    discussion = demo_discussion_of(demo)
    listing = operator_client.get(reverse("admin:discussions_discussion_changelist"))
    assert listing.status_code == 200
    assert f"/admin/discussions/discussion/{discussion.pk}/change/" in listing.content.decode()
    response = operator_client.get(f"/admin/discussions/discussion/{discussion.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert discussion.memo_sha256 in body
    assert "Kunnantalo, kokoushuone Kaisla" in body
    for text in DEMO_SECRETS + DEMO_PUBLIC_NOTES:
        assert text not in body, text
    # Read-only: no save button, and a change is refused.
    assert 'name="_save"' not in body
    posted = operator_client.post(
        f"/admin/discussions/discussion/{discussion.pk}/change/", {"place": "Muualla"}
    )
    assert posted.status_code == 403
    discussion.refresh_from_db()
    assert discussion.place == "Kunnantalo, kokoushuone Kaisla"


@pytest.mark.parametrize("model", [Section, DevelopmentItem, SurveyAnswer, Survey, Participant])
def test_memo_texts_items_and_answers_have_no_admin_pages(demo, operator_client, model):
    assert not admin.site.is_registered(model)
    name = model._meta.model_name
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:discussions_{name}_changelist")
    assert operator_client.get(f"/admin/discussions/{name}/").status_code == 404


def test_the_admin_search_and_other_pages_hold_no_memo_text(demo, operator_client):
    for url in (
        "/admin/",
        "/admin/discussions/",
        "/admin/discussions/discussion/",
        "/admin/audit/auditevent/",
        "/admin/discussions/agendasection/",
    ):
        response = operator_client.get(url)
        assert response.status_code == 200, url
        for text in DEMO_SECRETS:
            assert text not in response.content.decode(), (url, text)


def test_the_audit_log_and_its_page_never_hold_a_restricted_text(demo):
    assert_not_in_audit(*DEMO_SECRETS)
    # The writes are logged, as hashes.
    updates = AuditEvent.objects.filter(action="discussion.section.update", organization=demo.org)
    assert updates.count() == 6
    for event in updates:
        changes = json.loads(event.changes)
        assert set(changes) == {"text"}
        assert changes["text"]["changed"] is True and len(changes["text"]["sha256"]) == 64
    client = demo.client(AUDITOR)
    url = reverse("audit_log", args=["esimerkkikunta"])
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        for text in DEMO_SECRETS:
            assert text not in body, text
        pages += 1
        doc = parse(response.content)
        nexts = doc.find_all(lambda e: e.tag == "a" and e.attrs.get("rel") == "next")
        url = nexts[0].attrs["href"] if nexts else None
        if url and url.startswith("?"):
            url = reverse("audit_log", args=["esimerkkikunta"]) + url
    filtered = client.get(reverse("audit_log", args=["esimerkkikunta"]), {"action": "discussion"})
    assert "discussion.section.update" in filtered.content.decode()
    for text in DEMO_SECRETS:
        assert text not in filtered.content.decode()


# --- Front page and agreement page -----------------------------------------------------------------


@pytest.mark.parametrize("username", (BOARD_MEMBER, AUDITOR))
def test_board_members_and_auditors_see_no_discussion_on_the_front_or_agreement_page(demo, username):
    discussion = demo_discussion_of(demo)
    client = demo.client(username)
    for url in ("/", reverse("agreement_detail", args=[demo.plan.agreement_id])):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "/discussions/" not in body, url
        assert "/surveys/" not in body, url  # the demo's survey closed long ago
        assert not parse(response.content).has_id("discussions-heading")
    assert discussion.pk  # exists, just not for them


def test_the_agreement_page_lists_the_discussion_to_the_people_who_hold_it(demo):
    discussion = demo_discussion_of(demo)
    agreement_url = reverse("agreement_detail", args=[demo.plan.agreement_id])
    for username in (*DEMO_PARTICIPANTS, PREPARER, ADMIN):
        doc = parse(demo.client(username).get(agreement_url).content)
        links = [e.attrs["href"] for e in doc.find_all(lambda e: e.tag == "a")]
        assert detail_url(discussion) in links, username
        can_create = username not in (EXECUTIVE, ADMIN)
        assert (reverse("discussion_new", args=[demo.plan.agreement_id]) in links) == can_create, username
