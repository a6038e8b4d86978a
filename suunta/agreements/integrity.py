"""Is an approved version still what was approved? The one check that pages, documents
and exports ask before they show or hand out a frozen version's content.

The approval stored the version's content as canonical JSON text and its SHA-256
(`snapshot.py`, `governance.services`). The ORM refuses every change to a frozen
version, but a change made beside the application (raw SQL, a database console, a
restored backup of one table) passes no guard. So wherever a frozen version is shown,
its content is recomputed from the rows the caller already loaded and hashed again:

- the stored snapshot text must hash to the stored SHA-256 (the record itself is intact);
- the rows' content must hash to it too (the goals, metrics and checkpoints are the
  approved ones).

On a mismatch nothing of the version is shown as approved: the plan page shows an
integrity error instead of the annex, documents and exports refuse
(docs/workflow.md, "Integrity of approved versions"). Every detection is written to the
audit log (`plan.integrity_failed`, outcome "failed").

The check costs no queries when the caller passes the version's goals (metrics
prefetched), checkpoints and handlings it loaded anyway.
"""

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from suunta.audit import services as audit

from .models import PlanVersion
from .snapshot import canonical_text, version_content

AUDIT_ACTION = "plan.integrity_failed"


@dataclass(frozen=True)
class IntegrityFailure:
    version: PlanVersion
    approval: object  # governance.Handling: the decision that stored the snapshot
    expected: str  # the stored SHA-256
    actual: str  # the SHA-256 of the content as the rows hold it now
    snapshot_intact: bool  # does the stored snapshot text still hash to the stored SHA-256?

    @property
    def reference(self) -> str:
        return self.approval.reference

    def page_message(self) -> str:
        """For a page that would have shown the version, in the active language."""
        return _(
            "The content of this approved version differs from what was approved (%(reference)s). "
            "Contact the service's operator; nothing on this page can be trusted as approved."
        ) % {"reference": self.reference}

    def document_message(self) -> str:
        """For a document (preview, PDF, DOCX), in the active language."""
        return _(
            "The content of this approved version differs from what was approved (%(reference)s). "
            "The document is not made from it; contact the service's operator."
        ) % {"reference": self.reference}

    def operator_message(self) -> str:
        """For an operator's command (English, like the commands' other errors)."""
        what = "its content" if self.snapshot_intact else "the stored snapshot"
        return (
            f"Version {self.version.number} of plan {self.version.plan_id} differs from its approved "
            f"snapshot ({self.approval.reference}, SHA-256 {self.expected}): {what} was changed "
            f"outside the application (now {self.actual}). Nothing was written."
        )


class IntegrityError(Exception):
    """A frozen version's content no longer matches its approval's snapshot."""

    def __init__(self, failure: IntegrityFailure):
        super().__init__(failure.operator_message())
        self.failure = failure


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def approval_of(version: PlanVersion, handlings=None):
    """The handling that approved the version and stored its snapshot, or None. Reads
    `handlings` when given, else the version's (prefetched) handlings."""
    if handlings is None:
        handlings = version.handlings.all()
    return next((h for h in handlings if h.snapshot_sha256 and h.checkpoint_id is None), None)


def check(version: PlanVersion, *, goals=None, checkpoints=None, handlings=None) -> IntegrityFailure | None:
    """None when the version is not frozen, has no stored snapshot (nothing to compare
    with) or matches it; otherwise what differs.

    `goals` must be every goal of the version (whatever their publicity) with their
    metrics prefetched, `checkpoints` every checkpoint: then no query is made. The
    version's `plan` should be loaded (the plan's title and period are in the snapshot).
    """
    if not version.is_frozen:
        return None
    approval = approval_of(version, handlings)
    if approval is None:
        return None
    if goals is not None:
        goals = sorted(goals, key=lambda g: (g.order, g.pk))
    if checkpoints is not None:
        checkpoints = sorted(checkpoints, key=lambda c: (c.order, c.window_start, c.pk))
    actual = sha256(canonical_text(version_content(version, goals=goals, checkpoints=checkpoints)))
    snapshot_intact = sha256(approval.snapshot) == approval.snapshot_sha256
    if snapshot_intact and actual == approval.snapshot_sha256:
        return None
    return IntegrityFailure(version, approval, approval.snapshot_sha256, actual, snapshot_intact)


def verify(version: PlanVersion, **rows) -> None:
    """check(), raising IntegrityError on a mismatch."""
    failure = check(version, **rows)
    if failure is not None:
        raise IntegrityError(failure)


def record(failure: IntegrityFailure, where: str, *, actor=None, request=None) -> None:
    """Write the detection to the organization's audit log, in a transaction of its own
    (it must survive whatever the caller does next). Outside any transaction only."""

    changes = {"sha256": [failure.expected, failure.actual], "where": [None, where]}
    if not failure.snapshot_intact:
        changes["snapshot_sha256"] = [failure.expected, sha256(failure.approval.snapshot)]
    audit.record_refusal(
        AUDIT_ACTION,
        actor=actor,
        organization=failure.version.plan.agreement.organization_id,
        obj=failure.version,
        changes=changes,
        outcome="failed",
        request=request,
    )
