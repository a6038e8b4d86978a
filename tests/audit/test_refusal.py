"""A refused attempt is recorded in its own transaction: the rollback of the refused
change does not erase it."""

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test import RequestFactory

from suunta.audit import services as audit
from suunta.audit.models import AuditEvent
from suunta.audit.verify import verify_chain
from suunta.organizations.models import Organization
from tests.factories import OrganizationFactory, UserFactory


@audit.recording_refusals
@transaction.atomic
def rename(user, org, name, request=None):
    """A service that changes state, writes its event, then finds it must refuse."""
    org.name = name
    org.save()
    audit.record("organization.update", actor=user, organization=org, obj=org)
    raise audit.Refused("organization.update", actor=user, organization=org, obj=org, request=request)


@audit.recording_refusals
@transaction.atomic
def rename_twice(user, org):
    """An outer service calling the refusing one inside its own transaction."""
    org.slug = "muutettu"
    org.save()
    rename(user, org, "Sisempi")


def read_in_another_connection(query):
    """Run `query` in a thread, i.e. on a connection of its own: sees only committed rows."""
    result = {}

    def run():
        try:
            result["value"] = query()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result["value"]


@pytest.mark.django_db
def test_a_refusal_survives_the_rollback_of_the_refused_change():
    user = UserFactory(username="toinen-johtaja")
    org = OrganizationFactory(name="Alkuperäinen")
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.4")
    with pytest.raises(PermissionDenied) as refused:
        rename(user, org, "Muutettu", request=request)

    org.refresh_from_db()
    assert org.name == "Alkuperäinen"  # the change rolled back
    event = AuditEvent.objects.get()  # ... with its event; the refusal stayed
    assert refused.value.event == event
    assert (event.action, event.outcome, event.actor, event.ip) == (
        "organization.update",
        "denied",
        user,
        "198.51.100.4",
    )
    assert (event.chain, event.sequence) == (str(org.pk), 1)
    assert verify_chain(event.chain).ok


@pytest.mark.django_db(transaction=True)
def test_a_refusal_is_committed_when_the_real_transaction_rolls_back():
    user = UserFactory()
    org = OrganizationFactory(name="Alkuperäinen")
    with pytest.raises(PermissionDenied):
        rename(user, org, "Muutettu")
    assert not connection.in_atomic_block
    assert read_in_another_connection(lambda: Organization.objects.get(pk=org.pk).name) == "Alkuperäinen"
    outcomes = read_in_another_connection(lambda: list(AuditEvent.objects.values_list("action", "outcome")))
    assert outcomes == [("organization.update", "denied")]


@pytest.mark.django_db(transaction=True)
def test_only_the_outermost_recorder_writes_after_every_transaction_rolled_back():
    user = UserFactory()
    org = OrganizationFactory(name="Alkuperäinen", slug="alkuperainen")
    with pytest.raises(PermissionDenied) as refused:
        rename_twice(user, org)
    org.refresh_from_db()
    assert (org.name, org.slug) == ("Alkuperäinen", "alkuperainen")
    assert read_in_another_connection(
        lambda: list(AuditEvent.objects.values_list("outcome", "sequence"))
    ) == [("denied", 1)]
    assert refused.value.event.sequence == 1


@pytest.mark.django_db(transaction=True)
def test_record_refusal_outside_a_transaction_commits_at_once():
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.1")
    request.user = UserFactory()
    event = audit.record_refusal("access.denied", request=request, obj=OrganizationFactory())
    assert read_in_another_connection(lambda: AuditEvent.objects.filter(pk=event.pk).exists())
    assert event.outcome == "denied"


@pytest.mark.django_db
def test_record_refusal_refuses_to_run_inside_a_transaction_it_cannot_survive():
    assert not audit.in_transaction()  # pytest-django's own test transaction does not count
    with transaction.atomic():
        assert audit.in_transaction()
        with pytest.raises(RuntimeError, match=r"outside transaction\.atomic"):
            audit.record_refusal("access.denied")
        assert not AuditEvent.objects.exists()
    with pytest.raises(ValueError, match="denied"):
        audit.record_refusal("access.denied", outcome="ok")
    # Outside any block (pytest-django's own test transaction aside) it writes.
    assert audit.record_refusal("auth.login_failed", outcome="failed").outcome == "failed"
