"""Helpers for the audit tests: tampering through raw SQL (the ORM refuses) and running
verify_audit the way an operator does."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from suunta.audit import services as audit
from suunta.audit.chain import canonical, payload_of, sha256_hex
from suunta.audit.models import AuditChainHead, AuditEvent

EVENTS = AuditEvent._meta.db_table
HEADS = AuditChainHead._meta.db_table


def sql(statement: str, params=()) -> int:
    """Run raw SQL against the audit tables ({events}, {heads}); the affected row count."""
    with connection.cursor() as cursor:
        cursor.execute(statement.format(events=EVENTS, heads=HEADS), params)
        return cursor.rowcount


def verify_audit(*args) -> tuple[bool, str]:
    """(passed, output): stdout when it passed, the error naming the broken events when not.

    In English, to match the reasons by their message ids (the command speaks the
    default language, Finnish)."""
    out = StringIO()
    try:
        with translation.override("en"):
            call_command("verify_audit", *args, stdout=out)
    except CommandError as error:
        return False, str(error)
    return True, out.getvalue()


def record_events(organization, count: int, actor=None) -> list[AuditEvent]:
    return [
        audit.record(
            "goal.update",
            actor=actor,
            organization=organization,
            changes={"title": [f"Tavoite {n}", f"Tavoite {n + 1}"]},
        )
        for n in range(count)
    ]


# --- Forging, as an attacker with database access and docs/audit.md would -----------------

FORGEABLE = ("sequence", "previous_hash", "action", "object_repr", "changes", "hash", "payload")


def forge(source: AuditEvent, **fields) -> AuditEvent:
    """An unsaved copy of `source` with `fields` changed and payload and hash recomputed."""
    event = AuditEvent.objects.get(pk=source.pk)
    for name, value in fields.items():
        setattr(event, name, value)
    event.payload = canonical(payload_of(event))
    event.hash = sha256_hex(event.payload)
    return event


def overwrite(pk: int, forged: AuditEvent) -> None:
    """Write a forged event's columns over a stored one (UPDATE)."""
    assignments = ", ".join(f"{name} = %s" for name in FORGEABLE)
    sql(f"UPDATE {{events}} SET {assignments} WHERE id = %s", [getattr(forged, n) for n in FORGEABLE] + [pk])


def insert(source_pk: int, forged: AuditEvent) -> int:
    """Insert a forged event: the columns of event `source_pk`, the forgeable ones replaced."""
    others = ("created_at", "actor_id", "actor_label", "organization_id", "chain", "object_type", "object_id")
    others += ("outcome", "ip")
    columns = ", ".join(others + FORGEABLE)
    values = ", ".join(others + ("%s",) * len(FORGEABLE))
    sql(
        f"INSERT INTO {{events}} ({columns}) SELECT {values} FROM {{events}} WHERE id = %s",
        [getattr(forged, n) for n in FORGEABLE] + [source_pk],
    )
    return AuditEvent.objects.get(hash=forged.hash).pk


def set_head(chain: str, event: AuditEvent) -> None:
    sql("UPDATE {heads} SET sequence = %s, hash = %s WHERE chain = %s", [event.sequence, event.hash, chain])
