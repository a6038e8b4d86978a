"""verify_audit passes an intact log and names the first broken event of a tampered one.

Tampering goes through raw SQL: the ORM refuses to change events.
"""

import json
import re

import pytest
from django.core.management import CommandError, call_command

from suunta.audit import services as audit
from suunta.audit.models import AuditEvent
from tests.factories import OrganizationFactory, UserFactory

from .tools import forge, insert, overwrite, record_events, set_head, sql, verify_audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def log():
    """Five events of esimerkkikunta, three of toinen-kunta, two without an organization."""
    org = OrganizationFactory(slug="esimerkkikunta")
    other = OrganizationFactory(slug="toinen-kunta")
    user = UserFactory()
    events = record_events(org, 5, actor=user)
    record_events(other, 3)
    audit.record("auth.login", actor=user)
    audit.record("auth.login_failed", outcome="failed")
    return org, events


def chain_of(org) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(chain=str(org.pk)).order_by("sequence"))


def broken(output: str, org, sequence: int, event_id) -> str:
    """The line naming the broken event; fails when there is none."""
    line = next((line for line in output.splitlines() if line.startswith("BROKEN ")), "")
    assert line.startswith(
        f"BROKEN {org.slug} chain={org.pk} sequence={sequence} id={event_id if event_id else '-'}:"
    ), output
    return line


def test_it_passes_an_intact_log_and_prints_every_chains_length_and_head(log):
    _, events = log
    passed, output = verify_audit()
    assert passed, output
    lines = output.splitlines()
    assert lines[0] == "OK"
    assert f"esimerkkikunta length=5 head={events[-1].hash}" in lines
    assert any(re.fullmatch(r"toinen-kunta length=3 head=[0-9a-f]{64}", line) for line in lines)
    global_head = AuditEvent.objects.get(chain="global", sequence=2).hash
    assert f"global length=2 head={global_head}" in lines
    assert len(lines) == 4


def test_it_verifies_one_organization(log):
    _, events = log
    assert verify_audit("--organization", "esimerkkikunta") == (
        True,
        f"OK\nesimerkkikunta length=5 head={events[-1].hash}\n",
    )
    empty = OrganizationFactory(slug="tyhja")
    assert verify_audit("--organization", "tyhja") == (True, f"OK\ntyhja length=0 head={'0' * 64}\n")
    assert empty.pk
    with pytest.raises(CommandError, match="no-such-org"):
        call_command("verify_audit", "--organization", "no-such-org")


def test_it_finds_an_altered_column(log):
    org, events = log
    sql("UPDATE {events} SET object_repr = %s WHERE id = %s", ["Hyväksytty", events[2].pk])
    passed, output = verify_audit()
    assert not passed
    assert "object_repr" in broken(output, org, 3, events[2].pk)
    assert "toinen-kunta" not in output and "global" not in output  # the other chains are intact


def test_it_finds_altered_changes_and_a_rewritten_time(log):
    org, events = log
    sql("UPDATE {events} SET changes = %s WHERE id = %s", ['{"title":["A","B"]}', events[1].pk])
    assert "changes" in broken(verify_audit()[1], org, 2, events[1].pk)
    sql("UPDATE {events} SET changes = %s WHERE id = %s", [events[1].changes, events[1].pk])
    assert verify_audit()[0]
    sql(
        "UPDATE {events} SET created_at = %s WHERE id = %s",
        [events[0].created_at.replace(year=2020), events[0].pk],
    )
    assert "created_at" in broken(verify_audit()[1], org, 1, events[0].pk)


def test_it_finds_an_altered_payload(log):
    org, events = log
    payload = events[3].payload.replace('"goal.update"', '"goal.delete"')
    sql("UPDATE {events} SET payload = %s WHERE id = %s", [payload, events[3].pk])
    assert "hash" in broken(verify_audit()[1], org, 4, events[3].pk)


def test_it_finds_an_event_altered_with_a_recomputed_hash(log):
    # A forger who rewrites one event consistently (columns, payload, its hash) breaks
    # the link from the next event to it.
    org, events = log
    overwrite(events[1].pk, forge(events[1], object_repr="Hyväksytty", action="plan.approve"))
    assert "previous hash" in broken(verify_audit()[1], org, 3, events[2].pk)


def test_it_finds_a_deleted_event(log):
    org, events = log
    sql("DELETE FROM {events} WHERE id = %s", [events[2].pk])
    line = broken(verify_audit()[1], org, 4, events[3].pk)
    assert "Sequence 3 is missing" in line


def test_it_finds_a_deleted_first_event(log):
    org, events = log
    sql("DELETE FROM {events} WHERE id = %s", [events[0].pk])
    assert "Sequence 1 is missing" in broken(verify_audit()[1], org, 2, events[1].pk)


def test_it_finds_an_inserted_event(log):
    # The forger makes room at sequence 3 and inserts an event whose own hash and link
    # to event 2 are right: the original third event no longer follows its predecessor.
    org, events = log
    chain = str(org.pk)
    sql("UPDATE {events} SET sequence = sequence + 1000 WHERE chain = %s AND sequence >= 3", [chain])
    sql("UPDATE {events} SET sequence = sequence - 999 WHERE chain = %s AND sequence >= 1000", [chain])
    forged = forge(events[1], sequence=3, previous_hash=events[1].hash, object_repr="Lisätty jälkikäteen")
    insert(events[1].pk, forged)
    set_head(chain, AuditEvent.objects.get(chain=chain, sequence=6))
    assert "previous hash" in broken(verify_audit()[1], org, 4, events[2].pk)


def test_it_finds_an_event_added_after_the_recorded_head(log):
    org, events = log
    forged = forge(events[4], sequence=6, previous_hash=events[4].hash, object_repr="Lisätty")
    forged_id = insert(events[4].pk, forged)
    assert "after its head record" in broken(verify_audit()[1], org, 6, forged_id)


def test_it_finds_events_removed_from_the_end(log):
    org, events = log
    sql("DELETE FROM {events} WHERE id IN (%s, %s)", [events[3].pk, events[4].pk])
    assert "removed from the end" in broken(verify_audit()[1], org, 4, None)


def test_an_expected_head_kept_outside_catches_a_truncated_tail(log):
    org, events = log
    kept = events[-1].hash
    assert verify_audit("--organization", "esimerkkikunta", "--expect-head", kept)[0]

    # A careful forger cuts the tail and moves the head record back too: the chain alone
    # looks intact, so only the head kept outside the system shows the loss.
    sql("DELETE FROM {events} WHERE id IN (%s, %s)", [events[3].pk, events[4].pk])
    set_head(str(org.pk), events[2])
    assert verify_audit("--organization", "esimerkkikunta") == (
        True,
        f"OK\nesimerkkikunta length=3 head={events[2].hash}\n",
    )
    passed, output = verify_audit("--organization", "esimerkkikunta", "--expect-head", kept)
    assert not passed
    line = broken(output, org, "-", None)
    assert kept in line and "removed from its end" in line
    # Without --organization, all chains are searched for the kept head.
    assert not verify_audit("--expect-head", kept)[0]
    assert verify_audit("--expect-head", events[2].hash)[0]


def test_an_expected_head_catches_a_rewritten_chain(log):
    org, events = log
    kept = events[-1].hash
    # Alter event 2 and recompute every later hash and the head record: a consistent chain.
    previous = events[0].hash
    for index, event in enumerate(events[1:], start=1):
        changes = {"object_repr": "Muutettu"} if index == 1 else {}
        forged = forge(event, previous_hash=previous, **changes)
        overwrite(event.pk, forged)
        previous = forged.hash
    set_head(str(org.pk), AuditEvent.objects.get(pk=events[-1].pk))
    assert verify_audit()[0]
    passed, output = verify_audit("--expect-head", kept)
    assert not passed and kept in output


def test_an_expected_head_allows_the_chain_to_grow(log):
    org, events = log
    kept = events[-1].hash
    record_events(org, 2)
    passed, output = verify_audit("--organization", "esimerkkikunta", "--expect-head", kept.upper())
    assert passed, output
    head = chain_of(org)[-1].hash
    assert output == f"OK\nesimerkkikunta length=7 head={head} expected-head-at=5\n"


def test_the_payload_of_an_intact_log_is_canonical_json(log):
    for event in AuditEvent.objects.all():
        data = json.loads(event.payload)
        assert event.payload == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
