"""record(): what an event holds, how events link into chains, snapshot() and diff()."""

import datetime as dt
import hashlib
import json
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import RequestFactory

from suunta.audit import services as audit
from suunta.audit.chain import GENESIS
from suunta.audit.models import AuditChainHead, AuditEvent
from suunta.audit.verify import verify_chain
from tests.factories import GoalAreaFactory, MetricFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def canonical(value) -> str:
    # Written out here rather than imported, so the test pins the format.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_it_links_each_event_to_the_previous_one_by_hash():
    org = OrganizationFactory()
    user = UserFactory(username="valmistelija")
    goal = GoalAreaFactory(version__plan__agreement__organization=org, title="Talous tasapainoon")

    first = audit.record("goal.create", actor=user, organization=org, obj=goal)
    second = audit.record(
        "goal.update",
        actor=user,
        organization=org,
        obj=goal,
        changes={"title": ["Talous", "Talous tasapainoon"]},
    )
    third = audit.record("goal.delete", actor=user, organization=org, obj=goal)

    assert [e.sequence for e in (first, second, third)] == [1, 2, 3]
    assert first.previous_hash == GENESIS == "0" * 64
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert AuditChainHead.objects.get(chain=str(org.pk)).hash == third.hash

    stored = AuditEvent.objects.get(pk=second.pk)
    assert stored.chain == str(org.pk)
    assert stored.organization == org
    assert stored.actor == user
    assert stored.actor_label == "valmistelija"
    assert stored.action == "goal.update"
    assert stored.object_type == "agreements.goalarea"
    assert stored.object_id == str(goal.pk)
    assert stored.object_repr == "Talous tasapainoon"
    assert stored.outcome == "ok"
    assert stored.changes == '{"title":["Talous","Talous tasapainoon"]}'

    # The hash is the SHA-256 of the stored canonical text, which holds every field.
    assert stored.hash == hashlib.sha256(stored.payload.encode("utf-8")).hexdigest()
    data = json.loads(stored.payload)
    assert stored.payload == canonical(data)
    assert data == {
        "v": 1,
        "chain": str(org.pk),
        "sequence": 2,
        "previous_hash": first.hash,
        "created_at": stored.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": user.pk,
        "actor_label": "valmistelija",
        "organization": org.pk,
        "action": "goal.update",
        "object_type": "agreements.goalarea",
        "object_id": str(goal.pk),
        "object_repr": "Talous tasapainoon",
        "changes": {"title": ["Talous", "Talous tasapainoon"]},
        "outcome": "ok",
        "ip": None,
    }
    assert verify_chain(str(org.pk)).ok


def test_each_organization_and_the_events_without_one_have_their_own_chain():
    org, other = OrganizationFactory(), OrganizationFactory()
    a1 = audit.record("plan.create", organization=org)
    g1 = audit.record("auth.login_failed", outcome="failed")
    b1 = audit.record("plan.create", organization=other)
    a2 = audit.record("plan.update", organization=org.pk)  # an id will do
    g2 = audit.record("auth.login", actor=UserFactory())

    assert (a1.chain, a1.sequence, a2.chain, a2.sequence) == (str(org.pk), 1, str(org.pk), 2)
    assert (b1.chain, b1.sequence) == (str(other.pk), 1)
    assert (g1.chain, g1.sequence, g2.chain, g2.sequence) == ("global", 1, "global", 2)
    assert g1.organization is None
    assert a1.previous_hash == b1.previous_hash == g1.previous_hash == GENESIS
    assert a2.previous_hash == a1.hash
    assert g2.previous_hash == g1.hash


def test_it_takes_actor_and_ip_from_the_request():
    user = UserFactory(username="pormestari")
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
    request.user = user
    event = audit.record("document.export", request=request)
    assert (event.actor, event.actor_label, event.ip) == (user, "pormestari", "203.0.113.7")

    # An explicit actor wins over the request's user.
    other = UserFactory(username="tarkastaja")
    assert audit.record("document.export", actor=other, request=request).actor == other

    anonymous = RequestFactory().post("/", REMOTE_ADDR="2001:DB8:0:0::1")
    anonymous.user = AnonymousUser()
    event = audit.record("auth.login_failed", request=anonymous, outcome="failed")
    assert (event.actor, event.actor_label, event.ip) == (None, "", "2001:db8::1")

    # A REMOTE_ADDR that is no address (a unix socket) is left out, not an error.
    odd = RequestFactory().post("/", REMOTE_ADDR="unix:/run/gunicorn.sock")
    odd.user = AnonymousUser()
    assert audit.record("auth.login_failed", request=odd, outcome="failed").ip is None

    # Whatever the database does to the address, the stored events still verify.
    assert verify_chain("global").ok


def test_the_actor_label_keeps_the_username_after_a_rename():
    user = UserFactory(username="vanha-nimi")
    event = audit.record("auth.login", actor=user)
    user.username = "uusi-nimi"
    user.save()
    event.refresh_from_db()
    assert event.actor_label == "vanha-nimi"
    assert event.actor == user
    assert verify_chain("global").ok


def test_the_time_comes_from_the_clock():
    moment = dt.datetime(2025, 3, 31, 9, 15, 0, 250, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        event = audit.record("plan.approve", organization=OrganizationFactory())
    event.refresh_from_db()
    assert event.created_at == moment
    assert json.loads(event.payload)["created_at"] == "2025-03-31T09:15:00.000250Z"


def test_a_change_and_its_event_roll_back_together():
    org = OrganizationFactory(name="Ennen")
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        org.name = "Jälkeen"
        org.save()
        audit.record("organization.update", organization=org, obj=org, changes={"name": ["Ennen", "Jälkeen"]})
        1 / 0  # noqa: B018
    org.refresh_from_db()
    assert org.name == "Ennen"
    assert not AuditEvent.objects.exists()
    # The chain's head rolled back too: the next event is still the first.
    assert audit.record("organization.update", organization=org).sequence == 1


def test_it_refuses_actions_and_outcomes_outside_the_format():
    for action in ["update", "Goal.Update", "goal update", "goal.", "x" * 60 + ".abcde"]:
        with pytest.raises(ValueError, match="dotted"):
            audit.record(action)
    with pytest.raises(ValueError, match="outcome"):
        audit.record("goal.update", outcome="maybe")
    assert not AuditEvent.objects.exists()


def test_diff_keeps_only_changed_fields_and_makes_values_json_safe():
    lineage = uuid.UUID("12345678-1234-5678-1234-567812345678")
    before = {
        "title": "Sama",
        "target": Decimal("10.50"),
        "window_start": dt.date(2025, 8, 1),
        "lineage": None,
        "signed_at": dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC),
        "gone": "poistuu",
    }
    after = {
        "title": "Sama",
        "target": Decimal("12.0000"),
        "window_start": dt.date(2025, 9, 1),
        "lineage": lineage,
        "signed_at": dt.datetime(
            2025, 1, 1, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))
        ),  # same instant
        "new": 3,
    }
    assert audit.diff(before, after) == {
        "target": ["10.50", "12.0000"],
        "window_start": ["2025-08-01", "2025-09-01"],
        "lineage": [None, "12345678-1234-5678-1234-567812345678"],
        "gone": ["poistuu", None],
        "new": [None, 3],
    }
    assert audit.diff(before, dict(before)) == {}
    # Equal decimals written differently are no change.
    assert audit.diff({"target": Decimal("1.0")}, {"target": Decimal("1.00")}) == {}


def test_snapshot_and_diff_of_a_model_instance():
    metric = MetricFactory(text="Vanha mittari", target=Decimal("5"))
    metric.refresh_from_db()
    before = audit.snapshot(metric)
    assert "id" not in before
    assert "created_at" not in before and "updated_at" not in before  # auto-updated
    assert before["goal_area"] == metric.goal_area_id

    metric.text = "Uusi mittari"
    metric.target = Decimal("7.5")
    metric.save()
    metric.refresh_from_db()
    changes = audit.diff(before, audit.snapshot(metric))
    assert changes == {"text": ["Vanha mittari", "Uusi mittari"], "target": ["5.0000", "7.5000"]}

    event = audit.record("metric.update", obj=metric, changes=changes)
    assert audit.changes_of(event) == changes
    assert audit.snapshot(metric, fields=["text"]) == {"text": "Uusi mittari"}
