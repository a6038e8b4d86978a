"""The audit page in words: what was done to what, field names and values as the pages
show them (statuses by their labels, dates in the user's format), the codes beside."""

from django.urls import reverse
from django.utils.text import capfirst

from suunta.agreements.models import VersionStatus

from ..dom import parse
from ..helpers import fi

AUDIT = reverse("audit_log", args=["esimerkkikunta"])


def rows_text(response) -> str:
    return " ".join(parse(response.content).find_all(lambda e: e.tag == "tbody")[0].text().split())


def test_an_approval_reads_as_words_with_the_code_beside(demo):
    page = demo.client("paakayttaja").get(AUDIT, {"action": "plan.approve"})
    text = rows_text(page)
    with_labels = f"{fi('plan version').capitalize()}: {fi('approval recorded')}"
    assert with_labels in text
    assert "plan.approve" in text  # the code stays, for the filter
    # The status by its label, both sides.
    assert f"{fi('Proposed to the board')} → {fi('Approved')}" in text
    assert f"{VersionStatus.PROPOSED} → {VersionStatus.APPROVED}" not in text


def test_dates_are_shown_in_the_users_format(demo):
    text = rows_text(demo.client("paakayttaja").get(AUDIT, {"action": "checkpoint.create"}))
    assert "1.8.2025" in text
    assert "2025-08-01" not in text


def test_keys_that_are_no_field_have_names_too(demo):
    text = rows_text(demo.client("paakayttaja").get(AUDIT, {"action": "plan.approve"}))
    assert f"{capfirst(fi('checksum (SHA-256)'))}:" in text
    assert "snapshot_sha256:" not in text
