"""Issue 7: the development plan. Items (need, agreed action, responsible, due date,
status) raised in one discussion carry over to the agreement's later discussions until
done or dropped; only the people in the room read them."""

import datetime as dt
import hashlib
import json

import pytest

from suunta.audit.models import AuditEvent
from suunta.discussions import services
from suunta.discussions.models import DevelopmentItem, SectionKind

from ..dom import parse
from .common import (
    CHAIR,
    DEPUTY,
    EXECUTIVE,
    MAYOR,
    PREPARER,
    assert_not_in_audit,
    confirm_url,
    create_discussion,
    demo_discussion_of,
    detail_url,
    fi,
    fi_date,
    field_errors,
    item_data,
    item_new_url,
    item_url,
    main_text,
    squash,
    state,
)

pytestmark = pytest.mark.django_db

LATER = dt.date(2027, 3, 10)
DEMO_NEEDS = ("Muutosjohtamisen osaaminen", "Työkuorman hallinta")  # both in progress
NEEDS = {
    "open": "Julkisen talouden johtamiskoulutus",
    "in_progress": "Mentorointi toisen kunnan kunnanjohtajan kanssa",
    "done": "Esiintymiskoulutus",
    "dropped": "Kielikurssi ruotsiksi",
}


def rows(response) -> dict[str, str]:
    """The development plan table: {need: the row's text}."""
    doc = parse(response.content)
    if not doc.has_id("development-plan"):
        return {}
    table = doc.by_id("development-plan").find_all(lambda e: e.tag == "tbody")
    if not table:
        return {}
    result = {}
    for row in table[0].find_all(lambda e: e.tag == "tr"):
        header = row.find_all(lambda e: e.tag == "th")[0]
        need = squash(header.children[0] if isinstance(header.children[0], str) else header.text())
        result[need] = squash(row.text())
    return result


def carried_notes(response) -> dict[str, str]:
    """{need: the note under it in the table ("" when none)}."""
    table = parse(response.content).by_id("development-plan").find_all(lambda e: e.tag == "tbody")[0]
    result = {}
    for header in table.find_all(lambda e: e.tag == "th"):
        need = squash(header.children[0] if isinstance(header.children[0], str) else header.text())
        result[need] = " ".join(squash(e.text()) for e in header.find_all(lambda e: "muted" in e.classes))
    return result


@pytest.fixture
def first(demo):
    """A discussion on 10.12.2026 with one item in each state."""
    discussion = create_discussion(demo)
    client = demo.client(MAYOR)
    for index, (status, need) in enumerate(NEEDS.items()):
        response = client.post(
            item_new_url(discussion),
            item_data(need=need, status=status, due_on=f"2027-0{index + 1}-15", responsible="Pormestari"),
        )
        assert response.status_code == 302, status
        assert response["Location"] == f"{detail_url(discussion)}#development-plan"
    return discussion


def test_items_are_added_in_the_discussion_and_listed_there(demo, first):
    items = DevelopmentItem.objects.filter(raised_in=first)
    assert {i.need: i.status for i in items} == {need: status for status, need in NEEDS.items()}
    assert {i.agreement_id for i in items} == {demo.plan.agreement_id}
    response = demo.client(EXECUTIVE).get(detail_url(first))
    listed, notes = rows(response), carried_notes(response)
    # Its own four, and the demo's two ongoing items from the spring 2025 discussion.
    assert set(listed) == set(NEEDS.values()) | set(DEMO_NEEDS)
    for need in NEEDS.values():
        assert notes[need] == "", need  # raised here: no carried-over note
    for need in DEMO_NEEDS:
        assert fi("carried over from %(date)s", date="12.3.2025") in listed[need]
    assert "15.1.2027" in listed[NEEDS["open"]]
    assert "Pormestari" in listed[NEEDS["open"]]
    # The need, action and responsible person are restricted: the log holds hashes.
    assert_not_in_audit(*NEEDS.values(), "Julkisen talouden johtamiskoulutus keväällä")
    assert AuditEvent.objects.filter(action="development_item.create", actor_label=MAYOR).count() >= 4


def test_open_and_ongoing_items_carry_over_to_the_next_discussion_done_ones_do_not(demo, first):
    later = create_discussion(demo, held_on=LATER)
    response = demo.client(CHAIR).get(detail_url(later))
    listed = rows(response)
    assert set(listed) == {NEEDS["open"], NEEDS["in_progress"], *DEMO_NEEDS}
    carried = fi("carried over from %(date)s", date=fi_date(first.held_on))
    for need in (NEEDS["open"], NEEDS["in_progress"]):
        assert carried in listed[need]
    assert NEEDS["done"] not in main_text(response)
    assert NEEDS["dropped"] not in main_text(response)

    # The development section of the agenda points to the plan.
    development = parse(response.content).by_id(
        f"section-{later.sections.get(kind=SectionKind.DEVELOPMENT).pk}"
    )
    assert any(
        a.attrs.get("href") == "#development-plan" for a in development.find_all(lambda e: e.tag == "a")
    )

    # Marked done in the later discussion, an item stops carrying.
    item = DevelopmentItem.objects.get(need=NEEDS["in_progress"])
    response = demo.client(MAYOR).post(
        item_url(later, item), item_data(f"item{item.pk}", need=item.need, status="done")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.raised_in_id == first.pk
    third = create_discussion(demo, held_on=dt.date(2027, 5, 20))
    assert set(rows(demo.client(CHAIR).get(detail_url(third)))) == {NEEDS["open"], *DEMO_NEEDS}


def test_an_earlier_discussion_does_not_list_items_raised_later(demo, first):
    later = create_discussion(demo, held_on=LATER)
    response = demo.client(MAYOR).post(item_new_url(later), item_data(need="Uusi tarve keväällä"))
    assert response.status_code == 302
    assert "Uusi tarve keväällä" in rows(demo.client(MAYOR).get(detail_url(later)))
    assert "Uusi tarve keväällä" not in main_text(demo.client(MAYOR).get(detail_url(first)))


def test_a_frozen_memo_keeps_its_development_plan_as_it_was_confirmed(demo, first):
    confirmed = rows(demo.client(EXECUTIVE).get(detail_url(first)))
    for username in (MAYOR, CHAIR, EXECUTIVE):
        assert demo.client(username).post(confirm_url(first)).status_code == 302
    first.refresh_from_db()
    assert first.is_frozen
    assert hashlib.sha256(first.memo_json.encode()).hexdigest() == first.memo_sha256
    assert {item["need"] for item in json.loads(first.memo_json)["items"]} == set(confirmed)

    # Later, one item is done and a carried demo item's action is rewritten.
    later = create_discussion(demo, held_on=LATER)
    mayor = demo.client(MAYOR)
    done = DevelopmentItem.objects.get(need=NEEDS["in_progress"])
    response = mayor.post(item_url(later, done), item_data(f"item{done.pk}", need=done.need, status="done"))
    assert response.status_code == 302
    rewritten = DevelopmentItem.objects.get(need=DEMO_NEEDS[0])
    response = mayor.post(
        item_url(later, rewritten),
        item_data(f"item{rewritten.pk}", need=rewritten.need, action="Uusi toimenpide", status="done"),
    )
    assert response.status_code == 302
    assert state_of(done) == state_of(rewritten) == "done"

    # The frozen memo still reads as confirmed, and says so.
    response = demo.client(EXECUTIVE).get(detail_url(first))
    assert rows(response) == confirmed
    assert "Uusi toimenpide" not in main_text(response)
    assert fi(
        "As confirmed when the memo was frozen on %(date)s. Later changes to the items show on the"
        " agreement's later discussions.",
        date=fi_date(first.frozen_at.date()),
    ) in main_text(response)
    assert [
        e.tag
        for e in parse(response.content).find_all(
            lambda e: e.tag == "form" and "item" in e.attrs.get("action", "")
        )
    ] == []
    # The later discussion, where both were closed, shows them as they are now.
    now = rows(mayor.get(detail_url(later)))
    assert "Uusi toimenpide" in now[DEMO_NEEDS[0]]
    assert fi("Done") in now[DEMO_NEEDS[0]] and fi("Done") in now[NEEDS["in_progress"]]


def test_an_item_closed_in_a_discussion_stays_on_its_memo_and_stops_carrying(demo, first):
    later = create_discussion(demo, held_on=LATER)
    item = DevelopmentItem.objects.get(need=NEEDS["open"])
    mayor = demo.client(MAYOR)
    response = mayor.post(
        item_url(later, item), item_data(f"item{item.pk}", need=item.need, status="dropped")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.raised_in_id, item.closed_in_id) == (first.pk, later.pk)
    listed = rows(mayor.get(detail_url(later)))
    assert fi("Dropped") in listed[NEEDS["open"]]
    assert fi("carried over from %(date)s", date=fi_date(first.held_on)) in listed[NEEDS["open"]]
    third = create_discussion(demo, held_on=dt.date(2027, 5, 20))
    assert NEEDS["open"] not in rows(mayor.get(detail_url(third)))

    # Opened again, it carries over again and belongs to no discussion's closing.
    response = mayor.post(item_url(third, item), item_data(f"item{item.pk}", need=item.need, status="open"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.closed_in_id is None
    assert NEEDS["open"] in rows(mayor.get(detail_url(third)))
    assert fi("Not started") in rows(mayor.get(detail_url(later)))[NEEDS["open"]]  # open: it carries


def test_an_open_memo_shows_the_items_as_they_are(demo, first):
    item = DevelopmentItem.objects.get(need=NEEDS["open"])
    DevelopmentItem.objects.filter(pk=item.pk).update(action="Muutettu suoraan")
    assert "Muutettu suoraan" in rows(demo.client(EXECUTIVE).get(detail_url(first)))[NEEDS["open"]]


def state_of(item) -> str:
    item.refresh_from_db()
    return item.status


def test_the_demo_items_carry_over_to_a_discussion_of_the_next_year(demo):
    spring = demo_discussion_of(demo)
    later = create_discussion(demo, plans=[demo.plan, demo.current])
    listed = rows(demo.client(EXECUTIVE).get(detail_url(later)))
    assert set(listed) == set(DEMO_NEEDS)
    for text in listed.values():
        assert fi("carried over from %(date)s", date=fi_date(spring.held_on)) in text


@pytest.mark.parametrize("username", [PREPARER, "paakayttaja", DEPUTY])
def test_items_are_invisible_to_people_outside_the_room(demo, first, username):
    later = create_discussion(demo, held_on=LATER)
    for discussion in (first, later):
        response = demo.client(username).get(detail_url(discussion))
        assert response.status_code == 200
        body = response.content.decode()
        for need in NEEDS.values():
            assert need not in body
        assert "Julkisen talouden johtamiskoulutus keväällä" not in body
        assert not parse(response.content).has_id("development-plan")


@pytest.mark.parametrize("username", [PREPARER, DEPUTY, EXECUTIVE])
def test_people_who_do_not_write_the_memo_cannot_add_or_change_items(demo, first, username):
    item = DevelopmentItem.objects.get(need=NEEDS["open"])
    client = demo.client(username)
    before = state()
    assert client.post(item_new_url(first), item_data(need="Ulkopuolinen")).status_code == 403
    assert client.post(item_url(first, item), item_data(f"item{item.pk}", status="done")).status_code == 403
    assert state() == before
    assert AuditEvent.objects.filter(action="write_memo.denied", actor_label=username).count() == 2


def test_an_item_needs_a_need_an_action_and_a_responsible_person(demo, first):
    before = state()
    response = demo.client(MAYOR).post(item_new_url(first), item_data(need="", action=" ", responsible=""))
    assert response.status_code == 200
    for name in ("need", "action", "responsible"):
        assert field_errors(response, f"id_item-{name}"), name
    assert state() == before


def test_an_item_of_another_agreement_is_not_found(demo, first):

    other_agreement = demo.other_plan.agreement
    other = services.create_discussion(
        demo.user("toinen-kh-pj"),
        other_agreement,
        participants=[demo.user("toinen-kh-pj"), demo.user("toinen-johtaja")],
        plans=[],
        held_on=dt.date(2026, 12, 1),
    )
    foreign = services.save_item(
        demo.user("toinen-kh-pj"), other, None, need="Vieras", action="Vieras toimi", responsible="Joku"
    )
    before = state()
    response = demo.client(MAYOR).post(
        item_url(first, foreign), item_data(f"item{foreign.pk}", status="dropped")
    )
    assert response.status_code == 404
    assert state() == before


def test_writers_edit_an_item_in_its_own_form_and_errors_stay_there(demo, first):
    item = DevelopmentItem.objects.get(need=NEEDS["open"])
    client = demo.client(CHAIR)
    page = parse(client.get(detail_url(first)).content)
    forms = page.find_all(lambda e: e.tag == "form" and e.attrs.get("action") == item_url(first, item))
    assert len(forms) == 1
    assert page.by_id(f"id_item{item.pk}-need").value() == NEEDS["open"]
    # The executive reads the plan but has no forms to change it.
    executive_page = parse(demo.client(EXECUTIVE).get(detail_url(first)).content)
    assert not executive_page.find_all(lambda e: e.tag == "form" and "/items/" in e.attrs.get("action", ""))

    before = state()
    response = client.post(item_url(first, item), item_data(f"item{item.pk}", need="", status="in_progress"))
    assert response.status_code == 200
    assert field_errors(response, f"id_item{item.pk}-need")
    doc = parse(response.content)
    details = doc.by_id(f"id_item{item.pk}-need").closest(lambda e: e.tag == "details")
    assert details is not None and "open" in details.attrs
    assert doc.by_id("id_item-need").value() == ""  # the form for adding stays empty
    assert not field_errors(response, "id_item-need")
    assert state() == before

    response = client.post(
        item_url(first, item), item_data(f"item{item.pk}", need=NEEDS["open"], status="in_progress")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "in_progress"
    (event,) = AuditEvent.objects.filter(action="development_item.update", object_id=str(item.pk))
    assert event.actor_label == CHAIR
    assert NEEDS["open"] not in event.changes
