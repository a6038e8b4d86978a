"""No path through the ORM or the admin changes or deletes an audit event."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from suunta.audit import services as audit
from suunta.audit.models import AppendOnlyError, AuditEvent
from suunta.audit.verify import verify_chain
from tests.conftest import client_for
from tests.factories import OrganizationFactory, UserFactory

from .tools import sql

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    org = OrganizationFactory()
    audit.record("plan.create", organization=org)
    return audit.record("plan.update", organization=org, actor=UserFactory(), changes={"title": ["A", "B"]})


def rows() -> list[dict]:
    return list(AuditEvent.objects.order_by("pk").values())


def test_saving_a_stored_event_is_refused(event):
    before = rows()
    event.object_repr = "muutettu"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.save(update_fields=["object_repr"])
    fetched = AuditEvent.objects.get(pk=event.pk)
    fetched.action = "plan.delete"
    with pytest.raises(AppendOnlyError):
        fetched.save()
    # Not even a fresh instance that claims the stored event's id and content.
    clone = AuditEvent.objects.get(pk=event.pk)
    clone._state.adding = True
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()  # always an INSERT, which the database refuses
    assert rows() == before


def test_deleting_events_is_refused(event):
    before = rows()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        event.actor.audit_events.all().delete()
    assert rows() == before


def test_query_set_writes_are_refused(event):
    before = rows()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(outcome="denied")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="x")
    event.object_repr = "x"
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["object_repr"])
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update_or_create(pk=event.pk, defaults={"object_repr": "x"})
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([AuditEvent(chain="global", sequence=1)])
    assert rows() == before


def test_events_are_written_only_by_the_audit_service(event):
    count = AuditEvent.objects.count()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.create(
            chain="global",
            sequence=1,
            action="plan.update",
            previous_hash="0" * 64,
            hash="f" * 64,
            payload="{}",
        )
    assert AuditEvent.objects.count() == count


def test_users_and_organizations_with_events_cannot_be_deleted(event):
    with pytest.raises(ProtectedError):
        event.actor.delete()
    with pytest.raises(ProtectedError):
        event.organization.delete()
    assert verify_chain(event.chain).ok


def test_the_database_refuses_a_second_event_with_the_same_sequence(event):
    # The last line of defence against a forked chain, below the ORM.
    with pytest.raises(IntegrityError), transaction.atomic():
        sql(
            "INSERT INTO {events} (created_at, actor_label, chain, sequence, action, object_type, object_id,"
            " object_repr, changes, outcome, previous_hash, hash, payload)"
            " SELECT created_at, actor_label, chain, sequence, action, object_type, object_id, object_repr,"
            " changes, outcome, previous_hash, %s, payload FROM {events} WHERE id = %s",
            ["e" * 64, event.pk],
        )
    assert AuditEvent.objects.filter(chain=event.chain, sequence=event.sequence).count() == 1


def test_the_admin_shows_events_but_never_adds_changes_or_deletes_them(event):
    operator = UserFactory(is_superuser=True, is_staff=True)
    client = client_for(operator)
    before = rows()

    listing = client.get(reverse("admin:audit_auditevent_changelist"))
    assert listing.status_code == 200
    assert "plan.update" in listing.content.decode()
    detail = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200
    assert 'name="object_repr"' not in detail.content.decode()  # shown, not editable

    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_add"), {"action": "plan.update"}).status_code == 403
    change = client.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"object_repr": "x"})
    assert change.status_code == 403
    assert (
        client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    bulk = client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)  # no such action: nothing happens
    after = rows()
    # The stored events are untouched; the refused attempts were themselves logged.
    assert after[: len(before)] == before
    refusals = after[len(before) :]
    assert refusals and {r["outcome"] for r in refusals} == {"denied"}
