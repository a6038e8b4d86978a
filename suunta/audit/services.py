"""Writing the audit log. See docs/audit.md for what to record and the chain format.

- `record(...)` appends an event inside the caller's transaction: a change and its
  event commit (or roll back) together. Call it last in the service's transaction,
  after the domain writes: on PostgreSQL it holds the chain's lock until the commit.
- `record_refusal(...)` writes a refused or failed attempt in its own, immediately
  committed transaction, so it survives the rollback of the refused change. It must
  run where no transaction is open; inside a `transaction.atomic` block raise
  `Refused(...)` instead and put `@recording_refusals` outside the block: the refusal
  is written once the block has rolled back.
- `snapshot(instance)` and `diff(before, after)` build the `changes` argument.

Writers of one chain never fork it: on PostgreSQL the chain's AuditChainHead row is
locked (SELECT ... FOR UPDATE) until the writing transaction ends; on SQLite every
transaction starts with BEGIN IMMEDIATE (settings), which already serializes writers.
The unique (chain, sequence) constraint is the last line of defence.
"""

import json
import re
from collections.abc import Iterable
from contextlib import ContextDecorator

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import translation

from suunta.lib import clock

from .chain import (
    GENESIS,
    REQUEST_ID_PATTERN,
    canonical,
    chain_key,
    json_safe,
    normalize_ip,
    payload_of,
    sha256_hex,
    value_digest,
)
from .context import current_request
from .models import AuditChainHead, AuditEvent, Outcome

__all__ = [
    "Refused",
    "changes_of",
    "diff",
    "in_transaction",
    "record",
    "record_refusal",
    "recording_refusals",
    "request_id_of",
    "snapshot",
]

ACTION_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
REPR_MAX = 200


# --- Public API --------------------------------------------------------------------------


def record(
    action: str,
    *,
    actor=None,
    organization=None,
    obj: models.Model | None = None,
    changes: dict | None = None,
    restricted: Iterable[str] = (),
    outcome: str = Outcome.OK,
    request=None,
) -> AuditEvent:
    """Append an event to the organization's chain (or the global one) inside the
    caller's transaction, or in a transaction of its own when none is open.

    action: a dotted code such as "goal.update". actor: the user (None for the system
    or an anonymous visitor); taken from request.user when not given. organization: an
    Organization or its id. obj: the model instance acted on. changes: {field: [before,
    after]}, see diff(). restricted: fields whose texts never enter the log: they are
    recorded as {"changed": true, "sha256": <hash of the new value>}; fields listed in
    the object's `audit_restricted_fields` are always treated so. request: gives the IP
    (REMOTE_ADDR), the actor and the request id (X-Request-ID, suunta.site.logs), which
    goes into the hashed payload (format version 2); without a request, the one being
    served (suunta.audit.context).
    """
    fields, request_id = _event_fields(
        action, actor, organization, obj, changes, restricted, outcome, request
    )
    with transaction.atomic(savepoint=False):
        return _append(fields, request_id)


def record_refusal(
    action: str,
    *,
    actor=None,
    organization=None,
    obj: models.Model | None = None,
    changes: dict | None = None,
    restricted: Iterable[str] = (),
    outcome: str = Outcome.DENIED,
    request=None,
) -> AuditEvent:
    """Record a refused ("denied") or "failed" attempt in its own transaction,
    committed before this returns, so no later rollback can erase it.

    Raises RuntimeError inside an open transaction.atomic block: writing there would
    be rolled back with the refused change (a separate connection cannot help: on
    SQLite it would wait for the very transaction that holds the write lock). Inside a
    block raise Refused(...) and wrap the block with recording_refusals.
    """
    if outcome == Outcome.OK:
        raise ValueError("A refusal's outcome is 'denied' or 'failed'.")
    if in_transaction():
        raise RuntimeError(
            "record_refusal() must run outside transaction.atomic(): the refusal would be rolled "
            "back with the refused change. Raise suunta.audit.services.Refused inside the block "
            "and decorate the function with @recording_refusals (outside @transaction.atomic)."
        )
    fields, request_id = _event_fields(
        action, actor, organization, obj, changes, restricted, outcome, request
    )
    # durable: Django itself refuses to nest this block inside another transaction
    # (pytest-django's per-test transaction excepted).
    with transaction.atomic(durable=True):
        return _append(fields, request_id)


class Refused(PermissionDenied):
    """Refuse inside a transaction: `raise Refused("goal.update", actor=user, obj=goal, ...)`
    takes record_refusal's keyword arguments. An enclosing @recording_refusals writes
    the refusal after the transaction rolled back; to everything else this is a plain
    PermissionDenied (a 403 in views). `event` is the written AuditEvent, once written."""

    def __init__(self, action: str, **audit):
        super().__init__(action)
        self.action = action
        self.audit = audit
        self.event: AuditEvent | None = None


class _RefusalRecorder(ContextDecorator):
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, traceback):
        # Only where no transaction is open any more: an inner recorder lets the
        # exception pass to the outermost one, after the last rollback.
        if isinstance(exc, Refused) and exc.event is None and not in_transaction():
            exc.event = record_refusal(exc.action, **exc.audit)
        return False


def recording_refusals(func=None):
    """Write a Refused raised inside after the transaction around it rolled back.

    As a decorator, outside @transaction.atomic::

        @recording_refusals
        @transaction.atomic
        def update_goal_area(user, goal, **fields): ...

    or as a context manager around the atomic block. Put one at every outermost
    transaction boundary that may see a Refused (service entry points, a view that
    opens its own atomic block): a Refused that leaves the last open block without
    meeting one is not recorded.
    """
    recorder = _RefusalRecorder()
    return recorder if func is None else recorder(func)


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict:
    """{field name: value} of a model instance's editable concrete fields (foreign keys
    as ids; without the primary key and auto-updated timestamps), for diff()."""
    names = set(fields) if fields is not None else None
    result = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or not field.editable:
            continue
        if names is not None and field.name not in names:
            continue
        result[field.name] = getattr(instance, field.attname)
    return result


def diff(instance_before: dict, instance_after: dict) -> dict[str, list]:
    """{field: [before, after]} of the fields whose values differ, JSON-safe (dates and
    datetimes as ISO text, decimals and UUIDs as text). A field missing on one side
    counts as None there."""
    changes = {}
    for name in sorted(set(instance_before) | set(instance_after)):
        before, after = instance_before.get(name), instance_after.get(name)
        if before != after:
            changes[name] = [json_safe(before), json_safe(after)]
    return changes


# --- Internals ---------------------------------------------------------------------------


def in_transaction(using=None) -> bool:
    """Is a transaction open on the connection, other than a test case's own? Where it
    is not, record_refusal() may run.

    Django marks the atomic blocks that TestCase (and so pytest-django) wraps each
    test in with `_from_testcase`; its own durable=True check relies on the same flag.
    """
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)
    return not connection.get_autocommit()


def _event_fields(
    action, actor, organization, obj, changes, restricted, outcome, request
) -> tuple[dict, str]:
    """The event's column values, and the request id for its payload ("" without one)."""
    if not isinstance(action, str) or len(action) > 64 or not ACTION_PATTERN.match(action):
        raise ValueError(f"Audit actions are dotted codes such as 'goal.update', not {action!r}.")
    if outcome not in Outcome.values:
        raise ValueError(f"Unknown audit outcome {outcome!r}.")

    if request is None:
        request = current_request.get()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None  # AnonymousUser

    organization_id = getattr(organization, "pk", organization)
    if organization_id is not None and not isinstance(organization_id, int):
        raise TypeError("organization must be an Organization, its id or None.")

    restricted = set(restricted) | set(getattr(obj, "audit_restricted_fields", ()))
    safe_changes, hidden_values = _protect(changes or {}, restricted)
    if obj is not None:
        hidden_values += [getattr(obj, name, None) for name in restricted]

    fields = {
        "actor": actor,
        "actor_label": actor.get_username() if actor is not None else "",
        "organization_id": organization_id,
        "chain": chain_key(organization_id),
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": "" if obj is None or obj.pk is None else str(obj.pk),
        "object_repr": _object_repr(obj, hidden_values),
        "changes": canonical(json_safe(safe_changes)),
        "outcome": str(outcome),
        "ip": normalize_ip(request.META.get("REMOTE_ADDR")) if request is not None else None,
    }
    return fields, request_id_of_request(request)


def request_id_of_request(request) -> str:
    """The id RequestIdMiddleware gave the request, if it is a well-formed one."""
    request_id = getattr(request, "request_id", "") if request is not None else ""
    return request_id if isinstance(request_id, str) and REQUEST_ID_PATTERN.fullmatch(request_id) else ""


def _protect(changes: dict, restricted: set[str]) -> tuple[dict, list]:
    """Replace restricted fields' before/after by a note and the new value's hash."""
    if not isinstance(changes, dict):
        raise TypeError("changes must be a dict of {field: [before, after]}.")
    safe, hidden = {}, []
    for name, value in changes.items():
        if name in restricted:
            pair = value if isinstance(value, list | tuple) and len(value) == 2 else [None, value]
            hidden += list(pair)
            safe[name] = {"changed": True, "sha256": value_digest(pair[1])}
        else:
            safe[name] = value
    return safe, hidden


def _object_repr(obj, hidden_values: list) -> str:
    if obj is None:
        return ""
    with translation.override(None):  # the same words whoever acts, in any language
        neutral = f"{obj._meta.verbose_name} {obj.pk if obj.pk is not None else ''}".strip()
    if getattr(obj, "publicity", None) == "restricted":
        return neutral[:REPR_MAX]
    text = str(obj)
    secrets = [str(value) for value in hidden_values if value not in (None, "")]
    if any(secret in text for secret in secrets):
        return neutral[:REPR_MAX]
    return text[:REPR_MAX]


def _lock_head(chain: str) -> AuditChainHead:
    """The chain's head row, locked until the transaction ends (a no-op on SQLite, where
    the IMMEDIATE transaction already holds the database's write lock)."""
    locked = AuditChainHead.objects.select_for_update()
    head = locked.filter(chain=chain).first()
    if head is None:
        # First event of the chain (or a lost head row: continue after the last event).
        last = AuditEvent.objects.filter(chain=chain).order_by("-sequence").values("sequence", "hash").first()
        start = AuditChainHead(chain=chain, **(last or {"sequence": 0, "hash": GENESIS}))
        # INSERT ... ON CONFLICT DO NOTHING: a concurrent first writer may have won.
        AuditChainHead.objects.bulk_create([start], ignore_conflicts=True)
        head = locked.get(chain=chain)
    return head


def _append(fields: dict, request_id: str = "") -> AuditEvent:
    head = _lock_head(fields["chain"])
    event = AuditEvent(
        sequence=head.sequence + 1,
        previous_hash=head.hash,
        created_at=clock.now(),  # after the lock: times follow the chain's order
        **fields,
    )
    event.payload = canonical(payload_of(event, request_id))
    event.hash = sha256_hex(event.payload)
    event.save()
    AuditChainHead.objects.filter(chain=head.chain).update(sequence=event.sequence, hash=event.hash)
    return event


def changes_of(event: AuditEvent) -> dict:
    """The event's {field: [before, after]} as data."""
    return json.loads(event.changes)


def request_id_of(event: AuditEvent) -> str | None:
    """The id of the request the event was written in (its payload's "request_id"),
    None for an event written outside a request or before format version 2."""
    return json.loads(event.payload).get("request_id")
