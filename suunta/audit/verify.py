"""Recompute the hash chains and report the first broken event of each.

Per event, in sequence order: the stored hash must be the SHA-256 of the stored
payload text; the sequence must follow the previous one without a gap or a repeat;
the payload's previous hash must be the previous event's hash (GENESIS for the
first); and every column must hold what the hashed payload says. After the last
event, the chain's end must match its AuditChainHead row. Against a head hash kept
outside the system (`expected_heads`), that event must still be in the chain.
"""

import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

from suunta.organizations.models import Organization

from .chain import (
    GENESIS,
    GLOBAL_CHAIN,
    PAYLOAD_KEYS_BY_VERSION,
    REQUEST_ID_PATTERN,
    chain_key,
    parse_datetime,
    same_ip,
    sha256_hex,
)
from .models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class Problem:
    chain: str
    label: str
    sequence: int | None
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        sequence = "-" if self.sequence is None else self.sequence
        event_id = "-" if self.event_id is None else self.event_id
        return f"BROKEN {self.label} chain={self.chain} sequence={sequence} id={event_id}: {self.reason}"


@dataclass
class ChainReport:
    chain: str
    label: str
    length: int = 0
    head: str = GENESIS
    problem: Problem | None = None
    expected_at: int | None = None  # sequence of the expected head, when one was given

    @property
    def ok(self) -> bool:
        return self.problem is None

    def __str__(self) -> str:
        if self.problem:
            return str(self.problem)
        text = f"{self.label} length={self.length} head={self.head}"
        if self.expected_at is not None:
            text += f" expected-head-at={self.expected_at}"
        return text


def chain_labels(chains: list[str]) -> dict[str, str]:
    """Organization slugs for organization chains; "global" for the global one."""
    ids = [int(key) for key in chains if key.isdigit()]
    slugs = {str(pk): slug for pk, slug in Organization.objects.filter(pk__in=ids).values_list("pk", "slug")}
    return {key: slugs.get(key, key) for key in chains}


def all_chains() -> list[str]:
    keys = set(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct())
    keys |= set(AuditChainHead.objects.values_list("chain", flat=True))
    return sorted(keys, key=lambda key: (key == GLOBAL_CHAIN, len(key), key))


def verify(chains: list[str] | None = None, expected_heads: list[str] = ()) -> list[ChainReport]:
    """Verify the given chains (all by default). Each expected head hash must be an
    event of one of them: a chain may have grown since, but not lost that event."""
    chains = all_chains() if chains is None else chains
    labels = chain_labels(chains)
    reports = {key: verify_chain(key, labels[key]) for key in chains}
    for expected in expected_heads:
        found = (
            AuditEvent.objects.filter(hash=expected, chain__in=chains)
            .order_by()
            .values_list("chain", "sequence")
            .first()
        )
        if found is not None:
            key, sequence = found
            reports[key].expected_at = sequence
            continue
        reason = _(
            "The expected head %(hash)s is not in the chain: events were removed from its end, "
            "or the chain was rewritten."
        ) % {"hash": expected}
        key = chains[0] if len(chains) == 1 else "*"
        report = reports.get(key) or reports.setdefault(key, ChainReport(chain=key, label=_("any chain")))
        if report.problem is None:
            report.problem = Problem(key, report.label, None, None, reason)
    return list(reports.values())


def verify_chain(chain: str, label: str | None = None) -> ChainReport:
    label = label or chain
    report = ChainReport(chain=chain, label=label)
    # The head row is read before and after the events: writers append meanwhile.
    head_before = _head(chain)
    expected_sequence, previous_hash, last = 1, GENESIS, None
    events = AuditEvent.objects.filter(chain=chain).order_by("sequence", "id")
    for event in events.iterator(chunk_size=1000):
        reason = check_event(event, chain, expected_sequence, previous_hash)
        if reason:
            report.problem = Problem(chain, label, event.sequence, event.pk, reason)
            return report
        expected_sequence, previous_hash, last = event.sequence + 1, event.hash, event
    report.length = last.sequence if last else 0
    report.head = last.hash if last else GENESIS
    report.problem = _check_head(chain, label, last, head_before, _head(chain))
    return report


def check_event(event: AuditEvent, chain: str, expected_sequence: int, previous_hash: str) -> str | None:
    """Why the event breaks the chain, or None."""
    if sha256_hex(event.payload) != event.hash:
        return _("The stored hash is not the hash of the stored payload: the event was altered.")
    try:
        data = json.loads(event.payload)
    except ValueError:
        data = None
    if not valid_payload(data):
        return _("The payload is not a valid event: the event was altered.")
    if event.sequence < expected_sequence:
        return _("Sequence %(sequence)s appears twice: an event was inserted.") % {"sequence": event.sequence}
    if event.sequence > expected_sequence:
        return _("Sequence %(expected)s is missing: an event before this one was removed.") % {
            "expected": expected_sequence
        }
    if data["previous_hash"] != previous_hash:
        return _(
            "Its previous hash is not the hash of the event before it: that event was altered, "
            "or an event was inserted or removed between them."
        )
    columns = differing_columns(event, data, chain)
    if columns:
        return _("The columns %(columns)s differ from the hashed payload: the event was altered.") % {
            "columns": ", ".join(columns)
        }
    return None


def valid_payload(data) -> bool:
    """A payload of a known version with exactly that version's keys (version 2: a
    well-formed request id)."""
    if not isinstance(data, dict) or type(data.get("v")) is not int:
        return False
    keys = PAYLOAD_KEYS_BY_VERSION.get(data["v"])
    if keys is None or set(data) != keys:
        return False
    return "request_id" not in data or (
        isinstance(data["request_id"], str) and bool(REQUEST_ID_PATTERN.fullmatch(data["request_id"]))
    )


def differing_columns(event: AuditEvent, data: dict, chain: str) -> list[str]:
    try:
        changes = json.loads(event.changes)
    except ValueError:
        changes = object()
    try:
        created_at = parse_datetime(data["created_at"])
    except (TypeError, ValueError):
        created_at = None
    checks = {
        "chain": event.chain == data["chain"] == chain == chain_key(data["organization"]),
        "sequence": event.sequence == data["sequence"],
        "previous_hash": event.previous_hash == data["previous_hash"],
        "created_at": event.created_at == created_at,
        "actor": event.actor_id == data["actor"],
        "actor_label": event.actor_label == data["actor_label"],
        "organization": event.organization_id == data["organization"],
        "action": event.action == data["action"],
        "object_type": event.object_type == data["object_type"],
        "object_id": event.object_id == data["object_id"],
        "object_repr": event.object_repr == data["object_repr"],
        "changes": changes == data["changes"],
        "outcome": event.outcome == data["outcome"],
        "ip": same_ip(event.ip, data["ip"]),
    }
    return [name for name, ok in checks.items() if not ok]


def _head(chain: str) -> tuple[int, str] | None:
    return AuditChainHead.objects.filter(chain=chain).values_list("sequence", "hash").first()


def _check_head(chain, label, last, head_before, head_after) -> Problem | None:
    end = (last.sequence, last.hash) if last else (0, GENESIS)
    heads = [head for head in (head_before, head_after) if head is not None]
    if not heads:
        if last is None:
            return None
        return Problem(
            chain,
            label,
            None,
            None,
            _("The chain has no head record: it was not written by the audit service."),
        )
    if end in heads:
        return None
    if head_before and head_after and head_before[0] < end[0] < head_after[0]:
        return None  # appended while we read
    low, high = min(head[0] for head in heads), max(head[0] for head in heads)
    if end[0] < low:
        return Problem(
            chain,
            label,
            end[0] + 1,
            None,
            _(
                "The chain ends at sequence %(end)s but its head record is at %(head)s: events were removed from the end."
            )
            % {"end": end[0], "head": low},
        )
    if end[0] > high:
        first_extra = (
            AuditEvent.objects.filter(chain=chain, sequence=high + 1).values_list("pk", flat=True).first()
        )
        return Problem(
            chain,
            label,
            high + 1,
            first_extra,
            _(
                "The chain continues after its head record (sequence %(head)s): events were added outside the audit service."
            )
            % {"head": high},
        )
    return Problem(
        chain,
        label,
        end[0],
        last.pk,
        _("The last event's hash differs from the chain's head record: it was replaced."),
    )
