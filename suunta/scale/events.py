"""Audit events of the generated data, hashed into chains as suunta.audit.services
writes them (docs/audit.md, "The chain format").

The generator notes each event when it makes the change the event records, with the
time the change was made; an organization's events are put in time order when the
organization is done and chained then (its chain is its own: the organization's id).
Events of a web request carry its request id (format version 2) and the client's
address, as the app records them; events of an operator's command (the organization's
creation) are version 1. Logins go to the global chain, written once at the end.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Model

from suunta.audit.chain import (
    FORMAT_VERSION,
    GENESIS,
    GLOBAL_CHAIN,
    REQUEST_ID_VERSION,
    canonical,
    format_datetime,
    json_safe,
    sha256_hex,
    value_digest,
)
from suunta.audit.models import AuditChainHead, AuditEvent

REPR_MAX = 200


@dataclass(slots=True)
class Event:
    time: dt.datetime
    number: int  # the order of noting: keeps events of one moment in their order
    actor_id: int | None
    actor_label: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    request_id: str
    ip: str | None


def label_of(model: type[Model]) -> str:
    return model._meta.label_lower


def create_changes(model: type[Model], row: dict, fields=None, restricted=()) -> dict:
    """What audit.diff({}, audit.snapshot(instance, fields)) gives for a new row: each
    editable field that is not empty (None), foreign keys as ids; restricted fields as
    the note and hash the service writes."""
    changes = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or not field.editable:
            continue
        if fields is not None and field.name not in fields:
            continue
        value = row.get(field.attname)
        if value is None:
            continue
        if field.name in restricted:
            changes[field.name] = {"changed": True, "sha256": value_digest(value)}
        else:
            changes[field.name] = [None, json_safe(value)]
    return changes


class Chain:
    """One chain's events: noted in any order, written in time order."""

    def __init__(self, key: str, organization_id: int | None):
        self.key = key
        self.organization_id = organization_id
        self.events: list[Event] = []

    def note(
        self,
        time: dt.datetime,
        action: str,
        *,
        actor=None,
        obj: tuple[type[Model], int, str] | None = None,
        changes: dict | None = None,
        request: tuple[str, str] | None = None,
    ) -> None:
        """actor: (id, username) or None; obj: (model, id, what str() gives); changes:
        JSON-safe already, as audit.diff() makes them (dates and times as text, decimals
        as text); request: (request id, client address) for an event written while
        serving a request."""
        model, pk, text = obj if obj is not None else (None, None, "")
        self.events.append(
            Event(
                time=time,
                number=len(self.events),
                actor_id=actor[0] if actor else None,
                actor_label=actor[1] if actor else "",
                action=action,
                object_type=label_of(model) if model is not None else "",
                object_id="" if pk is None else str(pk),
                object_repr=text[:REPR_MAX],
                changes=changes or {},
                request_id=request[0] if request else "",
                ip=request[1] if request else None,
            )
        )

    def write(self, writer, *, sequence: int = 0, previous: str = GENESIS) -> tuple[int, str]:
        """Add the chain's events to the writer in time order, after `sequence` and
        `previous` (the head it continues); returns the new head."""
        self.events.sort(key=lambda e: (e.time, e.number))
        for event in self.events:
            sequence += 1
            payload = {
                "v": FORMAT_VERSION,
                "chain": self.key,
                "sequence": sequence,
                "previous_hash": previous,
                "created_at": format_datetime(event.time),
                "actor": event.actor_id,
                "actor_label": event.actor_label,
                "organization": self.organization_id,
                "action": event.action,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "object_repr": event.object_repr,
                "changes": event.changes,
                "outcome": "ok",
                "ip": event.ip,
            }
            if event.request_id:
                payload["v"] = REQUEST_ID_VERSION
                payload["request_id"] = event.request_id
            text = canonical(payload)
            digest = sha256_hex(text)
            writer.add(
                AuditEvent,
                {
                    "created_at": event.time,
                    "actor_id": event.actor_id,
                    "actor_label": event.actor_label,
                    "organization_id": self.organization_id,
                    "chain": self.key,
                    "sequence": sequence,
                    "action": event.action,
                    "object_type": event.object_type,
                    "object_id": event.object_id,
                    "object_repr": event.object_repr,
                    "changes": canonical(event.changes),
                    "outcome": "ok",
                    "ip": event.ip,
                    "previous_hash": previous,
                    "hash": digest,
                    "payload": text,
                },
            )
            previous = digest
        self.events = []
        return sequence, previous


def global_chain() -> Chain:
    return Chain(GLOBAL_CHAIN, None)


def write_head(writer, key: str, sequence: int, digest: str) -> None:
    writer.add(AuditChainHead, {"chain": key, "sequence": sequence, "hash": digest})
