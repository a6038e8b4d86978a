"""The board's decision on a follow-up report, as decided: taken for information,
approved or returned; the report and its agenda item print the decision that was
recorded, never the draft's default, and a returned follow-up can be reported again."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from suunta.audit.models import AuditEvent
from suunta.documents import content
from suunta.governance.models import Handling, Outcome

from .common import (
    PREPARER,
    action_url,
    agree_all,
    fi,
    field_errors,
    open_checkpoint,
    ratings,
    self_assess,
    status_of,
    views_in,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 27)


def agreed_checkpoint(demo):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    scale = ratings(demo.org)
    self_assess(demo, checkpoint, scale["progressed"])
    views_in(demo, checkpoint, scale["progressed"])
    agree_all(demo, checkpoint, scale["progressed"])
    demo.client(PREPARER).post(action_url("mark", plan, checkpoint), {"mark-meeting_date": TODAY.isoformat()})
    assert status_of(checkpoint) == "agreed"
    return plan, checkpoint


def report(demo, plan, checkpoint, outcome: str, text: str):
    return demo.client(PREPARER).post(
        action_url("report", plan, checkpoint),
        {
            "report-meeting_date": TODAY.isoformat(),
            "report-section": "151",
            "report-outcome": outcome,
            "report-text": text,
        },
    )


def test_an_approval_is_stored_and_printed_as_decided(demo):
    plan, checkpoint = agreed_checkpoint(demo)
    text = "Kunnanhallitus hyväksyy seurannan ja kehottaa jatkamaan talouden tasapainotusta."
    assert report(demo, plan, checkpoint, "approved", text).status_code == 302
    handling = Handling.objects.get(checkpoint=checkpoint)
    assert (handling.outcome, handling.text) == (Outcome.APPROVED, text)
    assert status_of(checkpoint) == "reported"
    for document in (
        content.followup_report(plan, checkpoint, "fi"),
        content.agenda(plan, checkpoint.version, "fi", checkpoint),
    ):
        assert document["closing"]["heading"] == fi("Decision")
        assert document["closing"]["items"][-1] == text
        assert fi("approved") in document["closing"]["items"][0]
        assert content.followup_decision(plan.agreement, checkpoint) not in str(document["closing"])
    agenda = content.agenda(plan, checkpoint.version, "fi", checkpoint)
    assert agenda["footer"].startswith(fi("Decided: %(reference)s", reference=handling.reference))
    out = io.StringIO()
    call_command("export_plan", str(plan.pk), stdout=out)
    (exported,) = [c for c in json.loads(out.getvalue())["checkpoints"] if c["label"] == checkpoint.label]
    assert (exported["report"]["outcome"], exported["report"]["text"]) == ("approved", text)


def test_a_returned_follow_up_stays_agreed_and_is_reported_again(demo):
    plan, checkpoint = agreed_checkpoint(demo)
    assert report(demo, plan, checkpoint, "returned", "Palautetaan valmisteluun.").status_code == 302
    assert status_of(checkpoint) == "agreed"
    assert AuditEvent.objects.filter(action="followup.returned").exists()
    # Not a decision on the report: the documents still show the draft.
    assert content.followup_report(plan, checkpoint, "fi")["closing"]["heading"] == fi("Draft decision")
    assert report(demo, plan, checkpoint, "noted", "Merkitään tiedoksi.").status_code == 302
    assert status_of(checkpoint) == "reported"
    assert content.followup_report(plan, checkpoint, "fi")["closing"]["items"][-1] == "Merkitään tiedoksi."
    assert list(Handling.objects.filter(checkpoint=checkpoint).values_list("outcome", flat=True)) == [
        "returned",
        "noted",
    ]


def test_an_unknown_outcome_is_explained_next_to_the_choice(demo):
    plan, checkpoint = agreed_checkpoint(demo)
    before = Handling.objects.count()
    response = report(demo, plan, checkpoint, "tabled", "")
    assert field_errors(response, "id_report-outcome")
    assert Handling.objects.count() == before
    assert status_of(checkpoint) == "agreed"
