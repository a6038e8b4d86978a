"""Issue 7: planning a discussion through the page. Participants must hold a valid role in
the organization on the day, the executive takes part, a date far from today is a
warning the user can pass, and the agenda comes from the organization's template."""

import datetime as dt

import pytest

from suunta.audit.models import AuditEvent
from suunta.discussions.defaults import DEFAULT_AGENDA
from suunta.discussions.models import Discussion, Participant, Section, SectionKind

from ..dom import parse
from .common import (
    BOARD_MEMBER,
    CHAIR,
    EXECUTIVE,
    MAYOR,
    PREPARER,
    SOON,
    add_evaluator,
    create_discussion,
    detail_url,
    discussion_data,
    edit_url,
    fi,
    field_errors,
    new_url,
    state,
    user,
)

pytestmark = pytest.mark.django_db

FAR_WARNING = "The date is more than six months from today. Check it, and tick “Yes, the date is right”."
NOT_A_CHOICE = "Select a valid choice. %(value)s is not one of the available choices."


def test_the_form_offers_the_organizations_people_and_the_agreements_plans(demo):
    response = demo.client(MAYOR).get(new_url(demo.plan.agreement))
    assert response.status_code == 200
    doc = parse(response.content)
    offered = {
        int(e.attrs["value"])
        for e in doc.find_all(lambda e: e.tag == "input" and e.attrs.get("name") == "participants")
    }
    expected = {user(u).pk for u in (MAYOR, "apulaispormestari", CHAIR, EXECUTIVE, PREPARER)}
    # No board member, auditor, admin, other organization, nor the demo's sector directors
    # (executives of other agreements: they would read the chief's restricted notes).
    assert offered == expected
    checked = [
        int(e.attrs["value"])
        for e in doc.find_all(
            lambda e: e.tag == "input" and e.attrs.get("name") == "participants" and "checked" in e.attrs
        )
    ]
    assert checked == [user(EXECUTIVE).pk]
    plans = {
        int(e.attrs["value"])
        for e in doc.find_all(lambda e: e.tag == "input" and e.attrs.get("name") == "plans")
    }
    assert plans == {demo.plan.pk, demo.current.pk, demo.draft.pk}
    # A date near today needs no confirmation: the tick box is not offered.
    assert doc.by_id("id_date_confirmed").attrs.get("type") == "hidden"


@pytest.mark.parametrize("creator", [MAYOR, PREPARER])
def test_an_evaluator_or_the_preparer_creates_a_discussion_with_the_default_agenda(demo, creator):
    discussion = create_discussion(demo, by=creator, plans=[demo.plan, demo.current])
    assert discussion.held_on == SOON
    assert discussion.starts_at == dt.time(13, 0)
    assert discussion.place == "Kunnantalo, kokoushuone Kaisla"
    assert discussion.created_by == user(creator)
    assert discussion.status == "open"
    assert set(discussion.plans.all()) == {demo.plan, demo.current}
    assert sorted(p.user.username for p in Participant.objects.filter(discussion=discussion)) == sorted(
        [MAYOR, CHAIR, EXECUTIVE]
    )
    sections = list(Section.objects.filter(discussion=discussion).order_by("order"))
    assert [(s.kind, s.title, s.title_sv) for s in sections] == [
        (kind, title, title_sv) for kind, title, title_sv, _basis in DEFAULT_AGENDA
    ]
    restricted = {s.kind: s for s in sections if s.publicity == "restricted"}
    assert set(restricted) == {SectionKind.DEVELOPMENT, SectionKind.WELLBEING, SectionKind.OTHER}
    for section in sections:
        if section.kind in restricted:
            assert section.secrecy_basis is not None
            assert section.secrecy_basis.organization_id == demo.org.pk
            assert "24 §" in section.secrecy_basis.label
        else:
            assert section.secrecy_basis is None
    assert restricted[SectionKind.WELLBEING].secrecy_basis.label.endswith("(terveydentilaa koskevat tiedot)")
    (created,) = AuditEvent.objects.filter(action="discussion.create", object_id=str(discussion.pk))
    assert created.actor_label == creator
    # The page opens, listing the agenda.
    response = demo.client(creator).get(detail_url(discussion))
    assert response.status_code == 200
    for section in sections:
        assert parse(response.content).has_id(f"section-{section.pk}")


def test_a_participant_from_another_organization_is_refused(demo):
    outsider = user("toinen-johtaja")
    before = state()
    response = demo.client(MAYOR).post(
        new_url(demo.plan.agreement), discussion_data([MAYOR, EXECUTIVE, outsider])
    )
    assert field_errors(response, "id_participants") == [fi(NOT_A_CHOICE, value=outsider.pk)]
    assert state() == before
    # The people the mayor ticked stay ticked.
    doc = parse(response.content)
    ticked = {
        int(e.attrs["value"])
        for e in doc.find_all(
            lambda e: e.tag == "input" and e.attrs.get("name") == "participants" and "checked" in e.attrs
        )
    }
    assert {user(MAYOR).pk, user(EXECUTIVE).pk} <= ticked


@pytest.mark.parametrize("username", [BOARD_MEMBER, "tarkastaja", "paakayttaja"])
def test_a_member_without_a_participant_role_is_refused(demo, username):
    before = state()
    response = demo.client(MAYOR).post(
        new_url(demo.plan.agreement), discussion_data([MAYOR, EXECUTIVE, username])
    )
    assert field_errors(response, "id_participants") == [fi(NOT_A_CHOICE, value=user(username).pk)]
    assert state() == before


def test_a_membership_that_ended_before_the_day_is_refused_and_a_valid_one_accepted(demo):
    # Still a member today (27.11.2026), but no longer on the discussion day (10.12.2026).
    leaving = add_evaluator(demo, "lahtija", valid_to=dt.date(2026, 11, 30))
    client = demo.client(MAYOR)
    before = state()
    response = client.post(new_url(demo.plan.agreement), discussion_data([MAYOR, EXECUTIVE, leaving]))
    assert field_errors(response, "id_participants") == [fi(NOT_A_CHOICE, value=leaving.pk)]
    assert state() == before

    # The same person on a day the membership is valid: accepted.
    day = dt.date(2026, 11, 30)
    response = client.post(
        new_url(demo.plan.agreement), discussion_data([MAYOR, EXECUTIVE, leaving], held_on=day)
    )
    assert response.status_code == 302
    discussion = Discussion.objects.get(held_on=day)
    assert Participant.objects.filter(discussion=discussion, user=leaving).exists()


def test_a_membership_that_starts_after_the_day_is_refused(demo):
    newcomer = add_evaluator(demo, "tulija", valid_from=dt.date(2027, 1, 1))
    before = state()
    response = demo.client(MAYOR).post(
        new_url(demo.plan.agreement), discussion_data([MAYOR, EXECUTIVE, newcomer])
    )
    assert field_errors(response, "id_participants") == [fi(NOT_A_CHOICE, value=newcomer.pk)]
    assert state() == before


def test_the_executive_must_take_part(demo):
    before = state()
    response = demo.client(MAYOR).post(new_url(demo.plan.agreement), discussion_data([MAYOR, CHAIR]))
    assert field_errors(response, "id_participants") == [
        fi("The executive whose goals are discussed takes part.")
    ]
    assert state() == before


def test_a_plan_of_another_agreement_is_refused(demo):
    before = state()
    data = discussion_data([MAYOR, EXECUTIVE])
    data["plans"] = [demo.other_plan.pk]
    response = demo.client(MAYOR).post(new_url(demo.plan.agreement), data)
    assert field_errors(response, "id_plans") == [fi(NOT_A_CHOICE, value=demo.other_plan.pk)]
    assert state() == before


@pytest.mark.parametrize("day", [dt.date(2027, 6, 1), dt.date(2052, 3, 12), dt.date(2025, 3, 12)])
def test_a_date_far_from_today_warns_and_passes_once_confirmed(demo, day):
    client = demo.client(MAYOR)
    data = discussion_data([MAYOR, CHAIR, EXECUTIVE], held_on=day)
    before = state()
    response = client.post(new_url(demo.plan.agreement), data)
    assert field_errors(response, "id_held_on") == [fi(FAR_WARNING)]
    doc = parse(response.content)
    assert doc.by_id("id_held_on").value() == day.isoformat()  # what was typed stays
    tick = doc.by_id("id_date_confirmed")
    assert tick.attrs.get("type") == "checkbox" and "checked" not in tick.attrs
    label = doc.find_all(lambda e: e.tag == "label" and e.attrs.get("for") == "id_date_confirmed")
    assert fi("Yes, the date is right") in label[0].text()
    # The tick box is offered next to the date, before the other fields.
    names = [
        e.attrs.get("name")
        for e in doc.by_id("main").find_all(lambda e: e.tag in ("input", "select", "textarea"))
        if e.attrs.get("name") in ("held_on", "date_confirmed", "starts_at")
    ]
    assert names == ["held_on", "date_confirmed", "starts_at"]
    assert state() == before

    data["date_confirmed"] = "on"
    response = client.post(new_url(demo.plan.agreement), data)
    assert response.status_code == 302
    assert Discussion.objects.filter(held_on=day).count() == 1 + (day == dt.date(2025, 3, 12))


def test_a_date_just_inside_six_months_needs_no_confirmation(demo):
    day = dt.date(2027, 5, 20)  # 174 days ahead
    response = demo.client(MAYOR).post(
        new_url(demo.plan.agreement), discussion_data([MAYOR, EXECUTIVE], held_on=day)
    )
    assert response.status_code == 302
    assert Discussion.objects.filter(held_on=day).exists()


@pytest.mark.parametrize("username", [EXECUTIVE, BOARD_MEMBER, "paakayttaja"])
def test_the_executive_and_readers_cannot_create(demo, username):
    before = state()
    client = demo.client(username)
    assert client.get(new_url(demo.plan.agreement)).status_code == 403
    response = client.post(new_url(demo.plan.agreement), discussion_data([MAYOR, EXECUTIVE]))
    assert response.status_code == 403
    assert state() == before
    refused = AuditEvent.objects.filter(action="create_discussion.denied", actor_label=username)
    assert refused.count() == 2
    assert {e.organization_id for e in refused} == {demo.org.pk}


def test_another_organization_gets_404(demo):
    before = state()
    client = demo.client("toinen-kh-pj")
    assert client.get(new_url(demo.plan.agreement)).status_code == 404
    assert client.post(new_url(demo.plan.agreement), discussion_data([MAYOR, EXECUTIVE])).status_code == 404
    assert state() == before


def test_editing_details_and_participants(demo):
    discussion = create_discussion(demo)
    client = demo.client(MAYOR)
    page = client.get(edit_url(discussion))
    assert page.status_code == 200
    assert parse(page.content).by_id("id_place").value() == "Kunnantalo, kokoushuone Kaisla"
    response = client.post(
        edit_url(discussion),
        discussion_data([MAYOR, CHAIR, EXECUTIVE, "apulaispormestari"], place="Valtuustosali"),
    )
    assert response.status_code == 302
    discussion.refresh_from_db()
    assert discussion.place == "Valtuustosali"
    assert Participant.objects.filter(discussion=discussion).count() == 4
    # An outsider in the edit form: refused like in the new one, nothing changed.
    before = state()
    response = client.post(
        edit_url(discussion), discussion_data([MAYOR, EXECUTIVE, "toinen-johtaja"], place="Muualla")
    )
    assert field_errors(response, "id_participants") == [fi(NOT_A_CHOICE, value=user("toinen-johtaja").pk)]
    assert state() == before
    # The executive never edits the discussion of his own goals.
    assert demo.client(EXECUTIVE).get(edit_url(discussion)).status_code == 403
