"""The chain format: canonical JSON text, hashes, chain keys. See docs/audit.md.

An event's payload is the canonical JSON text of its content fields plus the previous
event's hash; its hash is the SHA-256 of that text (UTF-8). The text itself is stored,
so verification hashes exactly the bytes that were hashed when the event was written,
never a re-serialization by the database or by a newer library.
"""

import datetime
import decimal
import enum
import hashlib
import ipaddress
import json
import math
import re
import uuid

from django.db import models
from django.utils.functional import Promise

FORMAT_VERSION = 1
# Version 2 is version 1 plus "request_id": the id of the HTTP request the event was
# written in (X-Request-ID, also in that request's log lines). Events written outside a
# request stay version 1, and events written before version 2 existed are unchanged.
REQUEST_ID_VERSION = 2
GLOBAL_CHAIN = "global"
GENESIS = "0" * 64  # the "previous hash" of each chain's first event

# Keys of a version 1 payload; verification refuses anything else.
PAYLOAD_KEYS = frozenset(
    {
        "v",
        "chain",
        "sequence",
        "previous_hash",
        "created_at",
        "actor",
        "actor_label",
        "organization",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "changes",
        "outcome",
        "ip",
    }
)
PAYLOAD_KEYS_BY_VERSION = {FORMAT_VERSION: PAYLOAD_KEYS, REQUEST_ID_VERSION: PAYLOAD_KEYS | {"request_id"}}
# What a request id may look like (suunta.site.logs.RequestIdMiddleware accepts no other).
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,99}")  # fullmatch


def chain_key(organization_id) -> str:
    """The chain of an organization's events: its id as text; "global" without one."""
    return GLOBAL_CHAIN if organization_id is None else str(organization_id)


def canonical(value) -> str:
    """The one JSON text of a JSON-safe value: sorted keys, no spaces, real UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def format_datetime(value: datetime.datetime) -> str:
    """ISO 8601 in UTC with microseconds, e.g. 2025-03-31T09:15:00.000000Z."""
    if value.tzinfo is None:
        return value.isoformat()
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_datetime(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.UTC)


def normalize_ip(value) -> str | None:
    """A valid address in its compressed form; anything else (missing, a socket path) None."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        return None


def same_ip(a, b) -> bool:
    """Equal as addresses: PostgreSQL's inet and SQLite's text may spell one differently."""
    if a is None or b is None:
        return a is None and b is None
    try:
        return ipaddress.ip_address(str(a)) == ipaddress.ip_address(str(b))
    except ValueError:
        return False


def json_safe(value):
    """Make a field value JSON-safe: dates and datetimes as ISO text (datetimes in UTC),
    decimals and UUIDs as text, model instances as their primary key."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, enum.Enum):  # TextChoices/IntegerChoices members: their value
        return json_safe(value.value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return format_datetime(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Promise):  # lazy translations
        return str(value)
    if isinstance(value, models.Model):
        return json_safe(value.pk)
    if isinstance(value, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((json_safe(item) for item in value), key=canonical)
    raise TypeError(f"Cannot record a {type(value).__name__} in the audit log")


def value_digest(value) -> str | None:
    """SHA-256 of a (restricted) value: of its UTF-8 text, or of its canonical JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return sha256_hex(str(value))
    return sha256_hex(canonical(json_safe(value)))


def payload_of(event, request_id: str | None = None) -> dict:
    """The hashed content of an AuditEvent, from its fields (before it is saved), with
    the request id when it was written while serving a request (version 2)."""
    payload = {
        "v": FORMAT_VERSION,
        "chain": event.chain,
        "sequence": event.sequence,
        "previous_hash": event.previous_hash,
        "created_at": format_datetime(event.created_at),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "organization": event.organization_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "changes": json.loads(event.changes),
        "outcome": event.outcome,
        "ip": normalize_ip(event.ip),
    }
    if request_id:
        payload["v"] = REQUEST_ID_VERSION
        payload["request_id"] = request_id
    return payload
