"""Calendar feeds at a secret address, parsed back with icalendar; a checkpoint moved
after its reminder went out (issue 25)."""

import datetime as dt

import pytest
from django.test import Client
from icalendar import Calendar

from suunta.agreements import services as plan_services
from suunta.agreements.models import Checkpoint
from suunta.discussions import services as discussion_services
from suunta.discussions.models import DiscussionKind, Section
from suunta.followup.models import Assessment
from suunta.organizations.models import Membership
from suunta.reminders import services
from suunta.reminders.models import Reminder
from tests.governance.common import latest, meeting, set_checkpoints
from tests.governance.test_lifecycle_services import approve, to_proposed

from .common import run_day

D = dt.date


def fetch(path: str) -> Calendar:
    response = Client().get(path)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar) -> dict[str, object]:
    found = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event["UID"])
        assert uid not in found, uid  # stable and unique
        found[uid] = event
    return found


def test_the_personal_feed_has_own_windows_discussions_and_board_meetings_and_nothing_confidential(demo):
    chief = demo.user("kansliapaallikko")
    # A discussion in the spring, with a restricted note in its memo.
    discussion = discussion_services.create_discussion(
        demo.user("pormestari"),
        demo.current.agreement,
        participants=[demo.user("pormestari"), chief],
        plans=[demo.current],
        kind=DiscussionKind.ANNUAL,
        held_on=D(2027, 3, 15),
        starts_at=dt.time(13, 0),
        place="Kunnantalo",
    )
    section = Section.objects.filter(discussion=discussion).order_by("order").first()
    discussion_services.save_section(demo.user("pormestari"), section, text="SALAINEN-MUISTIO", revision=1)
    token = services.renew_feed(chief)

    calendar = fetch(f"/calendar/{token}.ics")
    (timezone,) = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/Helsinki"
    found = events(calendar)
    current = Checkpoint.objects.get(version__plan=demo.current, version__status="approved", order=1)
    window = found[f"checkpoint-{demo.current.pk}-1@suunta"]
    assert (window.decoded("DTSTART"), window.decoded("DTEND")) == (D(2026, 11, 17), D(2026, 12, 18))
    assert f"/plans/{demo.current.pk}/followup/{current.pk}/" in str(window["URL"])
    meeting_event = found[f"{discussion.uid}@suunta"]
    start = meeting_event.decoded("DTSTART")
    assert (start.isoformat(), str(start.tzinfo)) == ("2027-03-15T13:00:00+02:00", "Europe/Helsinki")
    assert meeting_event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    # The board's handlings of his plans (the 2026 plan's approval is on the agenda).
    boards = [e for uid, e in found.items() if uid.startswith("handling-")]
    assert boards and all(e.decoded("DTSTART") >= D(2025, 10, 23) for e in boards)
    # Only his own agreement's and those he evaluates (the directors'): not Toinen kunta's.
    assert not any("Kunnanjohtajan" in str(e["SUMMARY"]) for e in found.values())
    text = calendar.to_ical().decode()
    assert "SALAINEN-MUISTIO" not in text
    for assessment in Assessment.objects.exclude(text=""):
        assert assessment.text not in text

    # The mayor (an evaluator) sees the chief's windows; a board member has none of his own.
    assert f"checkpoint-{demo.current.pk}-1@suunta" in events(
        fetch(f"/calendar/{services.renew_feed(demo.user('pormestari'))}.ics")
    )
    assert not [
        uid
        for uid in events(fetch(f"/calendar/{services.renew_feed(demo.user('hallitus'))}.ics"))
        if uid.startswith("checkpoint-")
    ]


def test_the_feed_reads_a_fixed_number_of_queries(demo, django_assert_num_queries):
    token = services.renew_feed(demo.user("valmistelija"))
    client = Client()
    # The token, the roles, the checkpoints, the discussions, the handlings (the
    # organization's feed also the organization): the same however many plans.
    with django_assert_num_queries(5):
        small = client.get(f"/calendar/{token}.ics")
    with django_assert_num_queries(6):
        whole = client.get(f"/calendar/{token}/esimerkkikunta.ics")
    assert small.status_code == whole.status_code == 200


def test_a_renewed_or_ended_feed_address_is_not_found(demo):
    chief = demo.user("kansliapaallikko")
    old = services.renew_feed(chief)
    new = services.renew_feed(chief)
    client = Client()
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    assert client.get("/calendar/no-such-token.ics").status_code == 404
    # The organization's feed is for its preparers: not for the chief, nor another organization.
    assert client.get(f"/calendar/{new}/esimerkkikunta.ics").status_code == 404
    preparer = services.renew_feed(demo.user("valmistelija"))
    assert client.get(f"/calendar/{preparer}/esimerkkikunta.ics").status_code == 200
    assert client.get(f"/calendar/{preparer}/toinen-kunta.ics").status_code == 404
    # Every membership ended yesterday: the address stops working.
    Membership.objects.filter(user=chief).update(valid_to=D(2026, 11, 26))
    assert client.get(f"/calendar/{new}.ics").status_code == 404


@pytest.mark.parametrize("persona", ["valmistelija"])
def test_a_moved_checkpoint_keeps_its_uid_with_a_higher_sequence_and_is_reminded_once_more(
    demo, smtp_server, fixed_today, persona
):
    preparer, mayor = demo.user("valmistelija"), demo.user("pormestari")
    v1 = latest(demo.draft)
    set_checkpoints(preparer, v1, 2027)  # August 2027 and January/February 2028
    to_proposed(preparer, v1, meeting(0))
    approve(preparer, v1, meeting(1), presenter=mayor)
    token = services.renew_feed(demo.user(persona))
    uid = f"checkpoint-{demo.draft.pk}-1@suunta"

    received = []
    written = run_day(fixed_today, smtp_server, D(2027, 8, 1), received)
    assert {(r.user.username, r.kind) for r in written} == {
        (u, "window_opens") for u in ("kansliapaallikko", "pormestari", "apulaispormestari", "valtuuston-pj")
    }
    before = events(fetch(f"/calendar/{token}.ics"))[uid]
    assert (before.decoded("DTSTART"), before.decoded("DTEND")) == (D(2027, 8, 1), D(2027, 9, 1))

    # On 2.8. the plan is amended: the August follow-up moves to 10.8.–10.9.
    fixed_today.move_to(dt.datetime(2027, 8, 2, 7, 0, tzinfo=dt.UTC))
    v2 = plan_services.amend(preparer, demo.draft)
    moved = Checkpoint.objects.get(version=v2, order=1)
    plan_services.update_checkpoint(preparer, moved, window_start=D(2027, 8, 10), window_end=D(2027, 9, 10))
    to_proposed(preparer, v2, meeting(18))
    approve(preparer, v2, meeting(19), section="90", presenter=mayor)

    after = events(fetch(f"/calendar/{token}.ics"))[uid]
    assert (after.decoded("DTSTART"), after.decoded("DTEND")) == (D(2027, 8, 10), D(2027, 9, 11))
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])

    # The days up to the new closing: the new opening once, then the two "about to close".
    for offset in range(1, 41):
        run_day(fixed_today, smtp_server, D(2027, 8, 1) + dt.timedelta(offset), received)
        run_day(
            fixed_today, smtp_server, D(2027, 8, 1) + dt.timedelta(offset), received
        )  # twice: nothing new
    mayor_mail = [(m.day.isoformat(), m.kind) for m in received if m.to.startswith("pormestari@")]
    assert mayor_mail == [
        ("2027-08-01", "window_opens"),
        ("2027-08-10", "window_opens"),
        ("2027-09-03", "window_closes"),
        ("2027-09-09", "window_closes"),
    ]
    rows = Reminder.objects.filter(user=mayor, object_key=f"checkpoint:{demo.draft.pk}:1")
    assert sorted((r.kind, r.due_on.isoformat()) for r in rows) == [
        ("window_closes", "2027-09-03"),
        ("window_closes", "2027-09-09"),
        ("window_opens", "2027-08-01"),
        ("window_opens", "2027-08-10"),
    ]
    # The first reminder's checkpoint was the superseded version's: its mail was sent,
    # and its row still says so.
    assert rows.get(due_on=D(2027, 8, 1)).mail.status == "sent"
