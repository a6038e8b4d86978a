"""Issue 14, finding 6: a change made to an approved version with raw SQL, beside the
application, must not be shown under the board's decision. The plan page, its annex
fragment and the version history check the rows against the snapshot hash stored with
the approval and show an integrity error instead; `export_plan` fails; every
detection is written to the audit log."""

import html
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from suunta.agreements.models import GoalPlan, PlanVersion
from suunta.audit.models import AuditEvent
from suunta.audit.services import changes_of
from suunta.governance.models import Handling

from ..conftest import client_for
from ..helpers import HTMX, goal_titles
from ..tamper import CHANGES, PAGE_ERROR, approved_version, change_goal_title, message, sql

pytestmark = pytest.mark.django_db


@pytest.fixture(params=list(CHANGES))
def tampered(request, demo):
    return CHANGES[request.param](demo.plan)


def integrity_events(demo):
    return list(AuditEvent.objects.filter(action="plan.integrity_failed").order_by("sequence"))


def page(demo, username="hallitus", **extra):
    return demo.client(username).get(reverse("plan_detail", args=[demo.plan.pk]), **extra)


# --- An untouched plan ----------------------------------------------------------------------


def test_an_untouched_approved_plan_shows_its_goals_and_no_integrity_error(demo):
    response = page(demo)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="annex-table"' in body
    for title in goal_titles(approved_version(demo.plan)):
        assert html.escape(title) in body
    assert message(PAGE_ERROR) not in body
    assert "29.9.2025" not in body  # the tampering below would show this date
    assert integrity_events(demo) == []


def test_untouched_plans_export_as_before(demo):
    out = io.StringIO()
    call_command("export_plan", stdout=out)
    assert len(json.loads(out.getvalue())) >= 3
    assert integrity_events(demo) == []


# --- The plan page ----------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["hallitus", "valmistelija", "tarkastaja"])
def test_the_plan_page_shows_the_integrity_error_and_not_the_changed_content(demo, tampered, username):
    response = page(demo, username)
    body = response.content.decode()
    assert response.status_code == 200
    assert message(PAGE_ERROR) in body
    assert 'role="alert"' in body
    assert tampered.shown not in body
    # The goal table is gone: nothing of the version is shown as approved.
    assert 'class="annex-table"' not in body


def test_the_integrity_error_is_in_the_users_language(demo):
    change_goal_title(demo.plan)
    user = demo.user("hallitus")
    approval = Handling.objects.get(version__plan=demo.plan, outcome="approved")
    for language in ("sv", "en"):
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        body = client_for(user).get(reverse("plan_detail", args=[demo.plan.pk])).content.decode()
        with translation.override(language):
            reference = approval.reference
        assert message(PAGE_ERROR, language, reference=reference) in body


def test_the_annex_fragment_shows_the_integrity_error(demo, tampered):
    response = page(demo, "valmistelija", **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert message(PAGE_ERROR) in body
    assert tampered.shown not in body


def test_a_tampered_version_offers_no_documents_or_amendment(demo):
    untouched = page(demo, "valmistelija").content.decode()
    assert reverse("document_preview", args=[demo.plan.pk, "annex"]) in untouched
    change_goal_title(demo.plan)
    body = page(demo, "valmistelija").content.decode()
    assert reverse("document_preview", args=[demo.plan.pk, "annex"]) not in body
    assert reverse("plan_amend", args=[demo.plan.pk]) not in body
    assert reverse("plan_next_period", args=[demo.plan.pk]) not in body


def test_a_changed_stored_snapshot_is_detected_too(demo):
    approval = Handling.objects.get(version__plan=demo.plan, outcome="approved")
    changed = approval.snapshot.replace("tavoitteet 2025", "tavoitteet 2024", 1)
    assert changed != approval.snapshot
    sql("UPDATE governance_handling SET snapshot = %s WHERE id = %s", [changed, approval.pk])
    assert message(PAGE_ERROR) in page(demo).content.decode()


def test_a_changed_stored_hash_is_detected_too(demo):
    approval = Handling.objects.get(version__plan=demo.plan, outcome="approved")
    sql("UPDATE governance_handling SET snapshot_sha256 = %s WHERE id = %s", ["0" * 64, approval.pk])
    assert message(PAGE_ERROR) in page(demo).content.decode()


def test_each_detection_is_written_to_the_audit_log_once(demo, tampered):
    approval = Handling.objects.get(version=tampered.version, outcome="approved")
    page(demo, "hallitus")
    events = integrity_events(demo)
    assert len(events) == 1
    event = events[0]
    assert event.outcome == "failed"
    assert event.organization_id == demo.org.pk
    assert event.object_id == str(tampered.version.pk)
    assert event.actor.username == "hallitus"
    changes = changes_of(event)
    assert changes["sha256"][0] == approval.snapshot_sha256
    assert changes["sha256"][1] != approval.snapshot_sha256
    assert changes["where"] == [None, "plan page"]
    page(demo, "tarkastaja")
    assert len(integrity_events(demo)) == 2


def test_another_plan_of_the_organization_is_not_affected(demo):
    change_goal_title(demo.plan)
    body = demo.client("hallitus").get(reverse("plan_detail", args=[demo.current.pk])).content.decode()
    assert message(PAGE_ERROR, reference="KH 31.3.2026 § 40") not in body
    assert 'class="annex-table"' in body


# --- The version history ------------------------------------------------------------------


def test_the_history_page_shows_the_integrity_error(demo, tampered):
    body = demo.client("hallitus").get(reverse("plan_history", args=[demo.plan.pk])).content.decode()
    assert message(PAGE_ERROR) in body
    assert 'role="alert"' in body


def test_the_history_page_of_an_untouched_plan_has_no_integrity_error(demo):
    body = demo.client("hallitus").get(reverse("plan_history", args=[demo.plan.pk])).content.decode()
    assert message(PAGE_ERROR) not in body


# --- export_plan ------------------------------------------------------------------------------


def test_export_of_a_tampered_plan_fails_loudly(demo, tampered, tmp_path):
    output = tmp_path / "plan.json"
    with pytest.raises(CommandError, match="differs from its approved snapshot"):
        call_command("export_plan", str(demo.plan.pk), "-o", str(output), stdout=io.StringIO())
    assert not output.exists()
    [event] = integrity_events(demo)
    assert changes_of(event)["where"] == [None, "export"]


def test_export_of_every_plan_fails_when_one_is_tampered(demo, tmp_path):
    tampered = change_goal_title(demo.plan)
    output = tmp_path / "plans.json"
    with pytest.raises(CommandError, match=f"Version {tampered.version.number} of plan {demo.plan.pk}"):
        call_command("export_plan", "-o", str(output), stdout=io.StringIO())
    assert not output.exists()


@pytest.mark.parametrize(
    ("name", "which", "username"),
    [("plan_amend", "plan", "valmistelija"), ("plan_next_period", "other_plan", "toinen-valmistelija")],
)
def test_amending_or_continuing_a_tampered_version_is_refused(demo, name, which, username):

    plan = getattr(demo, which)
    page_before = demo.client(username).get(reverse("plan_detail", args=[plan.pk])).content.decode()
    assert reverse(name, args=[plan.pk]) in page_before  # offered while untouched
    change_goal_title(plan)
    approval = Handling.objects.get(version__plan=plan, outcome="approved")
    versions, plans = PlanVersion.objects.count(), GoalPlan.objects.count()
    response = demo.client(username).post(reverse(name, args=[plan.pk]), follow=True)
    assert response.status_code == 200
    assert message(PAGE_ERROR, reference=approval.reference) in response.content.decode()
    assert (PlanVersion.objects.count(), GoalPlan.objects.count()) == (versions, plans)
    assert len(integrity_events(demo)) == 2  # the refusal and the plan page it returns to
