"""Who reads a development item is decided by the circle of the discussion where it was
written (its participants) and the executive it concerns, or by a share they make:
never by a circle someone draws later (issue 14, finding 1). And who has been shown
restricted texts is logged for the executive to see (finding 8)."""

import json

import pytest
from django.urls import reverse

from suunta.audit.models import AuditEvent
from suunta.discussions.models import DevelopmentItem, ItemShare, Participant, SectionKind
from tests.conftest import DEMO_PERSONAS
from tests.helpers import fi_n

from .common import (
    ADMIN,
    AUDITOR,
    BOARD_MEMBER,
    CHAIR,
    DEMO_ANSWERS,
    DEMO_ITEM_TEXTS,
    DEMO_RESTRICTED_NOTES,
    DEPUTY,
    EXECUTIVE,
    MAYOR,
    PREPARER,
    create_discussion,
    demo_discussion_of,
    detail_url,
    discussion_data,
    edit_url,
    fi,
    field_errors,
    fragment_url,
    page_text,
    restricted_use_url,
    section_of,
    user,
    write,
)

DEMO_NEEDS = ["Muutosjohtamisen osaaminen", "Työkuorman hallinta"]


def share_url(discussion) -> str:
    return reverse("development_items_share", args=[discussion.pk])


def visible_secrets(demo, username, discussion) -> list[str]:
    """The demo's development item texts a persona finds on the discussion page."""
    response = demo.client(username).get(detail_url(discussion))
    if response.status_code == 404:
        return ["404"]
    text = page_text(response)
    return [secret for secret in DEMO_ITEM_TEXTS if secret in text]


def test_the_preparer_drawing_a_new_circle_does_not_read_earlier_items(demo):
    """The reproduction: a preparer in no discussion creates one with the executive and
    opens it. The earlier development items stay in the room where they were written."""
    created = create_discussion(demo, by=PREPARER, participants=(PREPARER, EXECUTIVE))
    response = demo.client(PREPARER).get(detail_url(created))
    text = page_text(response)
    for secret in DEMO_ITEM_TEXTS:
        assert secret not in text
    assert (
        fi_n(
            "%(counter)s development item from an earlier discussion is not shown to you: items are read by "
            "the people who took part in the discussion where they were written, the executive, and those "
            "they share them with.",
            "%(counter)s development items from earlier discussions are not shown to you: items are read by "
            "the people who took part in the discussion where they were written, the executive, and those "
            "they share them with.",
            2,
        )
        in text
    )
    # The executive they concern still reads them there.
    executive = page_text(demo.client(EXECUTIVE).get(detail_url(created)))
    for secret in DEMO_ITEM_TEXTS:
        assert secret in executive


# The new discussion's circle: the preparer, the executive and the mayor (who was in the
# room in spring 2025). Which of the earlier items does each persona read on its page?
EXPECTED_ON_NEW = {
    MAYOR: DEMO_ITEM_TEXTS,  # in the 2025 circle
    DEPUTY: [],  # in the 2025 circle, but not a participant here: no restricted part at all
    CHAIR: [],
    EXECUTIVE: DEMO_ITEM_TEXTS,
    PREPARER: [],  # a participant here, never in the 2025 room
    BOARD_MEMBER: ["404"],
    AUDITOR: ["404"],
    ADMIN: [],
    # The sector directors: executives of other agreements, outside the chief's.
    "sivistysjohtaja": ["404"],
    "tekninen-johtaja": ["404"],
    "toinen-paakayttaja": ["404"],
    "toinen-johtaja": ["404"],
    "toinen-kh-pj": ["404"],
    "toinen-valmistelija": ["404"],
}


@pytest.mark.parametrize("username", DEMO_PERSONAS)
def test_who_reads_the_earlier_items_on_a_new_discussion(demo, username):
    assert set(EXPECTED_ON_NEW) == set(DEMO_PERSONAS)
    created = create_discussion(demo, by=PREPARER, participants=(PREPARER, EXECUTIVE, MAYOR))
    assert visible_secrets(demo, username, created) == EXPECTED_ON_NEW[username]


# The spring 2025 room read its items; the staff of the organization see the page only.
EXPECTED_ON_DEMO = {
    **EXPECTED_ON_NEW,
    DEPUTY: DEMO_ITEM_TEXTS,
    CHAIR: DEMO_ITEM_TEXTS,
}


@pytest.mark.parametrize("username", DEMO_PERSONAS)
def test_who_reads_the_items_on_the_discussion_where_they_were_written(demo, username):
    assert visible_secrets(demo, username, demo_discussion_of(demo)) == EXPECTED_ON_DEMO[username]


def test_the_executive_shares_the_items_with_a_new_participant_and_can_withdraw(demo):
    created = create_discussion(demo, by=PREPARER, participants=(PREPARER, EXECUTIVE))
    response = demo.client(EXECUTIVE).post(share_url(created), {"share-person": user(PREPARER).pk})
    assert response.status_code == 302
    assert visible_secrets(demo, PREPARER, created) == DEMO_ITEM_TEXTS
    shares = ItemShare.objects.filter(user=user(PREPARER))
    assert shares.count() == 2
    assert {s.shared_by.username for s in shares} == {EXECUTIVE}
    event = AuditEvent.objects.get(action="development_item.share")
    assert event.actor == user(EXECUTIVE)
    for secret in DEMO_ITEM_TEXTS:
        assert secret not in event.payload
    # The executive's page lists the share; withdrawing it closes the items again.
    page = page_text(demo.client(EXECUTIVE).get(restricted_use_url(demo)))
    assert "Sari Heikkinen" in page and "Muutosjohtamisen osaaminen" in page
    withdraw = reverse("share_withdraw", args=[demo.plan.agreement.pk, shares.first().pk])
    assert demo.client(EXECUTIVE).post(withdraw).status_code == 302
    assert ItemShare.objects.filter(user=user(PREPARER)).count() == 1
    assert AuditEvent.objects.filter(action="development_item.unshare").count() == 1


def test_a_member_of_the_original_circle_may_share_but_an_outsider_may_not(demo):
    created = create_discussion(demo, by=PREPARER, participants=(PREPARER, EXECUTIVE, MAYOR))
    before = ItemShare.objects.count()
    refused = demo.client(PREPARER).post(share_url(created), {"share-person": user(DEPUTY).pk})
    assert refused.status_code == 403
    assert ItemShare.objects.count() == before
    assert AuditEvent.objects.filter(action="development_item.share.denied", outcome="denied").exists()
    assert demo.client(MAYOR).post(share_url(created), {"share-person": user(PREPARER).pk}).status_code == 302
    assert visible_secrets(demo, PREPARER, created) == DEMO_ITEM_TEXTS


def test_items_are_shared_only_with_people_who_take_part_in_discussions(demo):
    created = create_discussion(demo, by=PREPARER, participants=(PREPARER, EXECUTIVE))
    response = demo.client(EXECUTIVE).post(share_url(created), {"share-person": user(BOARD_MEMBER).pk})
    assert response.status_code == 200
    assert field_errors(response, "id_share-person")
    assert not ItemShare.objects.exists()


def test_once_the_memo_is_started_only_a_participant_brings_someone_new_in(demo):
    created = create_discussion(demo, by=PREPARER, participants=(PREPARER, EXECUTIVE))
    data = discussion_data((PREPARER, EXECUTIVE, DEPUTY), plans=[demo.current])
    # Nothing written yet: whoever arranges it may still change the people.
    assert demo.client(DEPUTY).post(edit_url(created), data).status_code == 302
    assert Participant.objects.filter(discussion=created, user=user(DEPUTY)).exists()
    write(demo.client(PREPARER), section_of(created, SectionKind.WELLBEING), "Jaksaminen on hyvä.")
    # Now an evaluator outside the room cannot draw himself into it ...
    chair_in = discussion_data((PREPARER, EXECUTIVE, DEPUTY, CHAIR), plans=[demo.current])
    response = demo.client(CHAIR).post(edit_url(created), chair_in)
    assert response.status_code == 200
    assert fi(
        "The memo has already been started: only a participant can bring someone new into the discussion."
    ) in field_errors(response, "id_participants_0")
    assert not Participant.objects.filter(discussion=created, user=user(CHAIR)).exists()
    # ... but a participant can bring him in.
    assert demo.client(DEPUTY).post(edit_url(created), chair_in).status_code == 302
    assert Participant.objects.filter(discussion=created, user=user(CHAIR)).exists()


def test_a_frozen_memo_shows_each_reader_only_the_items_of_their_rooms(demo):
    created = create_discussion(demo, by=PREPARER, participants=(PREPARER, EXECUTIVE, MAYOR))
    demo.client(PREPARER).post(
        reverse("development_item_new", args=[created.pk]),
        {
            "item-need": "Talousjohtamisen osaaminen",
            "item-action": "Koulutus keväällä",
            "item-responsible": "Kansliapäällikkö",
            "item-due_on": "2027-05-31",
            "item-status": "open",
        },
    )
    for username in (PREPARER, EXECUTIVE, MAYOR):
        demo.client(username).post(reverse("discussion_confirm", args=[created.pk]))
    created.refresh_from_db()
    assert created.is_frozen
    ids = [item["id"] for item in json.loads(created.memo_json)["items"]]
    assert len(ids) == 3  # the memo records the whole plan as it stood
    preparer = page_text(demo.client(PREPARER).get(detail_url(created)))
    assert "Talousjohtamisen osaaminen" in preparer
    assert not any(need in preparer for need in DEMO_NEEDS)
    mayor = page_text(demo.client(MAYOR).get(detail_url(created)))
    assert all(need in mayor for need in [*DEMO_NEEDS, "Talousjohtamisen osaaminen"])


def test_an_item_outside_ones_circle_cannot_be_edited_by_id(demo):
    created = create_discussion(demo, by=PREPARER, participants=(PREPARER, EXECUTIVE))
    item = DevelopmentItem.objects.get(need=DEMO_NEEDS[0])
    url = reverse("development_item_save", args=[created.pk, item.pk])
    response = demo.client(PREPARER).post(
        url, {f"item{item.pk}-need": "Muutettu", f"item{item.pk}-status": "done"}
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.need == DEMO_NEEDS[0]


# --- The use log -------------------------------------------------------------------------------


def test_every_showing_of_restricted_texts_is_logged_without_the_texts(demo):
    discussion = demo_discussion_of(demo)
    before = AuditEvent.objects.filter(action="discussion.read_restricted").count()
    demo.client(MAYOR).get(detail_url(discussion))
    event = AuditEvent.objects.filter(action="discussion.read_restricted").order_by("-id").first()
    assert AuditEvent.objects.filter(action="discussion.read_restricted").count() == before + 1
    assert event.actor == user(MAYOR)
    assert event.object_id == str(discussion.pk)
    changes = json.loads(event.changes)
    assert len(changes["sections"][1]) == 3
    assert len(changes["items"][1]) == 2
    assert len(changes["answers"][1]) == 2
    for secret in DEMO_RESTRICTED_NOTES + DEMO_ITEM_TEXTS + DEMO_ANSWERS:
        assert secret not in event.payload
    # A reader who is shown no restricted text leaves no such event.
    demo.client(ADMIN).get(detail_url(discussion))
    assert AuditEvent.objects.filter(action="discussion.read_restricted").count() == before + 1
    # A restricted section fetched on its own (htmx) is logged too.
    section = section_of(discussion, SectionKind.WELLBEING)
    demo.client(CHAIR).get(fragment_url(section), HTTP_HX_REQUEST="true")
    fragment = AuditEvent.objects.filter(action="discussion.read_restricted").order_by("-id").first()
    assert fragment.actor == user(CHAIR)
    assert json.loads(fragment.changes) == {"sections": [None, [section.pk]]}


def test_the_executive_sees_who_has_read_their_restricted_notes(demo):
    demo.client(CHAIR).get(detail_url(demo_discussion_of(demo)))
    response = demo.client(EXECUTIVE).get(restricted_use_url(demo))
    text = page_text(response)
    assert response.status_code == 200
    assert "Leena Koskinen" in text
    assert fi_n("%(counter)s restricted section", "%(counter)s restricted sections", 3) in text
    assert DEMO_NEEDS[0] in text


@pytest.mark.parametrize("username", [MAYOR, PREPARER, ADMIN, AUDITOR, "toinen-johtaja"])
def test_only_the_executive_opens_the_use_log_of_their_notes(demo, username):
    assert demo.client(username).get(restricted_use_url(demo)).status_code in (403, 404)
