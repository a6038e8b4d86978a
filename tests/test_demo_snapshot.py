"""The demo copied into a test (tests/demo_snapshot.py) is the demo a load writes."""

from django.db import transaction

from suunta.agreements.models import GoalPlan
from suunta.audit.models import AuditEvent
from suunta.organizations.models import Organization

from .conftest import demo_handles_after_load
from .demo_snapshot import capture, copied_models, restore, rows_by_pk


def all_rows() -> dict:
    return {model._meta.label: rows_by_pk(model) for model in copied_models()}


def row_count(rows: dict) -> int:
    return sum(len(table) for table in rows.values())


def test_a_copied_demo_has_every_row_of_a_loaded_one(db):
    from_migrations = row_count(all_rows())
    savepoint = transaction.savepoint()
    handles, snapshot = capture(demo_handles_after_load)
    loaded = all_rows()
    transaction.savepoint_rollback(savepoint)
    assert not GoalPlan.objects.exists()

    restore(snapshot)

    copied = all_rows()
    assert copied.keys() == loaded.keys()
    for label, rows in loaded.items():
        assert copied[label] == rows, f"{label} differs"
    # Not an empty comparison: the plans, their many-to-many rows and the audit chain.
    assert GoalPlan.objects.get(pk=handles.draft.pk).title == "Kansliapäällikön tavoitteet 2027"
    assert snapshot.count == row_count(loaded) - from_migrations > 300
    assert AuditEvent.objects.count() > 100


def test_ids_made_after_a_copy_follow_the_copied_ones(db):
    savepoint = transaction.savepoint()
    _handles, snapshot = capture(demo_handles_after_load)
    highest = Organization.objects.order_by("-pk").first().pk
    transaction.savepoint_rollback(savepoint)

    restore(snapshot)
    organization = Organization.objects.create(name="Kopiokunta", slug="kopiokunta")
    assert organization.pk > highest
