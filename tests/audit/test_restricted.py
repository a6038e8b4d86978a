"""Restricted texts never enter the audit log: only that they changed, and a hash."""

import hashlib

import pytest
from django.db import connection

from suunta.audit import services as audit
from suunta.audit.models import AuditEvent
from suunta.audit.verify import verify_chain
from tests.factories import GoalAreaFactory, OrganizationFactory, PlanFactory

from .tools import EVENTS

pytestmark = pytest.mark.django_db

SECRET = "Luottamuksellinen: sairausloma 3 viikkoa"
OLD_SECRET = "Aiempi arvio: tyydyttävä"


def every_stored_text() -> str:
    """All columns of all events, straight from the database."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {EVENTS}")
        return "\n".join(repr(row) for row in cursor.fetchall())


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_restricted_fields_are_recorded_as_changed_with_a_hash_only():
    org = OrganizationFactory()
    goal = GoalAreaFactory(version__plan__agreement__organization=org)
    event = audit.record(
        "discussion.update",
        organization=org,
        obj=goal,
        changes={"notes": [OLD_SECRET, SECRET], "status": ["draft", "done"]},
        restricted=["notes"],
    )
    assert audit.changes_of(event) == {
        "notes": {"changed": True, "sha256": sha256(SECRET)},
        "status": ["draft", "done"],
    }
    stored = every_stored_text()
    assert "draft" in stored  # the search would find a copied text
    for secret in (SECRET, OLD_SECRET, "sairausloma", "tyydyttävä"):
        assert secret not in stored
        assert secret not in event.payload
    assert verify_chain(str(org.pk)).ok


def test_the_object_name_is_left_out_when_it_shows_a_restricted_text():
    goal = GoalAreaFactory(title=SECRET)
    event = audit.record("goal.update", obj=goal, changes={"title": ["Vanha", SECRET]}, restricted=["title"])
    assert event.object_repr == f"goal {goal.pk}"
    assert SECRET not in every_stored_text()

    # Also when only the object's current value holds it, with no change recorded.
    event = audit.record("goal.view", obj=goal, restricted=["title"])
    assert SECRET not in event.object_repr
    assert SECRET not in every_stored_text()


def test_the_object_name_of_a_restricted_object_is_never_copied():
    plan = PlanFactory(title=SECRET, publicity="restricted")
    event = audit.record("plan.update", obj=plan)
    assert event.object_repr == f"goal plan {plan.pk}"
    assert SECRET not in every_stored_text()


def test_fields_the_model_declares_restricted_are_hidden_without_being_named():
    goal = GoalAreaFactory()
    goal.audit_restricted_fields = ("description",)
    event = audit.record("goal.update", obj=goal, changes={"description": [OLD_SECRET, SECRET]})
    assert audit.changes_of(event) == {"description": {"changed": True, "sha256": sha256(SECRET)}}
    assert SECRET not in every_stored_text()
    assert OLD_SECRET not in every_stored_text()


def test_a_restricted_value_that_is_no_text_is_hashed_as_canonical_json():
    event = audit.record("assessment.update", changes={"grade": [2, 4]}, restricted=["grade"])
    assert audit.changes_of(event) == {"grade": {"changed": True, "sha256": sha256("4")}}
    cleared = audit.record("assessment.update", changes={"grade": [4, None]}, restricted=["grade"])
    assert audit.changes_of(cleared) == {"grade": {"changed": True, "sha256": None}}
    assert AuditEvent.objects.count() == 2
