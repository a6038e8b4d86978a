"""The one-time key of create forms (suunta.lib.once): a form sent twice saves once
and the second answer is the first one's result; a form with errors releases its key.
The concurrent double submits run against a real server in tests/test_races.py."""

import datetime as dt
import re

import pytest
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from suunta.agreements.models import Checkpoint, GoalArea, GoalPlan, Metric, PlanVersion
from suunta.audit.models import AuditEvent
from suunta.evidence.models import Evidence
from suunta.governance.models import Handling
from suunta.lib import once
from suunta.lib.models import SubmissionKey
from suunta.measures.models import MetricValue

from ..dom import parse
from ..followup.common import open_checkpoint, page_url
from ..helpers import HTMX, fi
from ..measures.common import savings

ALREADY_SENT = "This form had already been sent: it was saved once. Here is the result."


def keys_in(response) -> list[str]:
    doc = parse(response.content)
    return [
        e.attrs["value"]
        for e in doc.find_all(lambda e: e.tag == "input" and e.attrs.get("name") == "once_key")
    ]


def messages_on(response) -> list[str]:
    doc = parse(response.content)
    return [" ".join(e.text().split()) for e in doc.find_all(lambda e: "message" in e.classes)]


def draft_version(demo) -> PlanVersion:
    return PlanVersion.objects.get(plan=demo.draft)


def goal_url(demo) -> str:
    return reverse("goal_new", args=[demo.draft.pk])


def goal_data(key: str, title: str = "Kerran tallentuva tavoite") -> dict:
    return {"once_key": key, "new-goal-title": title}


# --- The key in the forms ----------------------------------------------------------------------


def test_every_create_form_carries_a_fresh_key(demo):
    preparer, executive = demo.client("valmistelija"), demo.client("kansliapaallikko")
    draft, version = demo.draft, draft_version(demo)
    propose = version.plan.agreement.organization.workflow_steps.get(action="propose", from_status="draft")
    metric = savings(demo.plan)
    pages = {
        "new plan": preparer.get(reverse("plan_new", args=[draft.agreement_id])),
        "new goal": preparer.get(goal_url(demo)),
        "new goal, htmx": preparer.get(goal_url(demo), **HTMX),
        "new checkpoint": preparer.get(reverse("checkpoint_new", args=[draft.pk])),
        "step": preparer.get(reverse("plan_step", args=[draft.pk, propose.pk])),
        "metric value": preparer.get(reverse("metric_detail", args=[demo.plan.pk, metric.pk])),
        "evidence": executive.get(page_url(demo.current, open_checkpoint(demo))),
    }
    goal = GoalArea.objects.filter(version=version).first()
    pages["new metric"] = preparer.get(reverse("metric_new", args=[draft.pk, goal.pk]))
    edit_form = preparer.get(reverse("goal_edit", args=[draft.pk, goal.pk]), **HTMX)
    # The approved 2026 plan offers both buttons once its next period's plan is gone.
    demo.draft.delete()
    pages["amend and next period"] = preparer.get(reverse("plan_detail", args=[demo.current.pk]))
    # Two buttons; an evidence form for each goal of the follow-up.
    goals = GoalArea.objects.filter(version=open_checkpoint(demo).version).count()
    expected = {"amend and next period": 2, "evidence": goals}
    seen = []
    for name, response in pages.items():
        assert response.status_code == 200, name
        keys = keys_in(response)
        assert len(keys) == expected.get(name, 1), name
        assert all(once.KEY_PATTERN.match(key) for key in keys), name
        seen += keys
    assert len(set(seen)) == len(seen), "every rendered form gets a key of its own"
    # An edit form is no create form: no key.
    assert edit_form.status_code == 200
    assert not keys_in(edit_form)


def test_the_import_confirmation_carries_a_key(demo):
    metric = savings(demo.plan)
    url = reverse("metric_value_import", args=[demo.plan.pk, metric.pk])
    preview = demo.client("valmistelija").post(url, {"text": "15.6.2025;100\n"})
    assert preview.status_code == 200
    assert len(keys_in(preview)) == 1  # in the confirmation, not in the preview's own form


# --- Sent twice ----------------------------------------------------------------------------------


def test_a_goal_form_sent_twice_saves_once_and_answers_with_the_first_result(demo):
    preparer = demo.client("valmistelija")
    key = once.new_key()
    first = preparer.post(goal_url(demo), goal_data(key))
    assert first.status_code == 302
    assert messages_on(preparer.get(first["Location"])) == [fi("Goal added.")]
    events = AuditEvent.objects.count()

    second = preparer.post(goal_url(demo), goal_data(key))
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert messages_on(preparer.get(second["Location"])) == [fi(ALREADY_SENT)]
    assert GoalArea.objects.filter(title="Kerran tallentuva tavoite").count() == 1
    assert AuditEvent.objects.count() == events
    row = SubmissionKey.objects.get(key=key)
    assert (row.user.username, row.path, row.result) == ("valmistelija", goal_url(demo), first["Location"])


def test_an_htmx_form_sent_twice_is_redirected_to_the_first_result(demo):
    preparer = demo.client("valmistelija")
    key = once.new_key()
    first = preparer.post(goal_url(demo), goal_data(key), **HTMX)
    assert first.status_code == 200  # the annex fragment
    goal = GoalArea.objects.get(title="Kerran tallentuva tavoite")
    second = preparer.post(goal_url(demo), goal_data(key), **HTMX)
    # htmx follows the redirect and swaps the annex it finds there.
    assert second.status_code == 302
    assert second["Location"] == reverse("plan_detail", args=[demo.draft.pk]) + f"#goal-{goal.pk}"
    assert GoalArea.objects.filter(title="Kerran tallentuva tavoite").count() == 1


def test_a_form_with_errors_releases_its_key(demo):
    preparer = demo.client("valmistelija")
    key = once.new_key()
    invalid = preparer.post(goal_url(demo), goal_data(key, title=""))
    assert invalid.status_code == 200
    assert not SubmissionKey.objects.filter(key=key).exists()
    corrected = preparer.post(goal_url(demo), goal_data(key))
    assert corrected.status_code == 302
    assert messages_on(preparer.get(corrected["Location"])) == [fi("Goal added.")]
    assert GoalArea.objects.filter(title="Kerran tallentuva tavoite").count() == 1


def test_a_refusal_inside_the_guard_is_audited_and_keeps_no_key(demo):
    executive = demo.client("kansliapaallikko")
    before = AuditEvent.objects.filter(outcome="denied").count()
    response = executive.post(reverse("plan_amend", args=[demo.current.pk]), {"once_key": once.new_key()})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(outcome="denied").count() == before + 1
    assert not SubmissionKey.objects.exists()


def test_a_key_sent_to_another_form_is_a_bad_request(demo):
    preparer = demo.client("valmistelija")
    key = once.new_key()
    assert preparer.post(goal_url(demo), goal_data(key)).status_code == 302
    checkpoints = Checkpoint.objects.count()
    other = reverse("checkpoint_new", args=[demo.draft.pk])
    response = preparer.post(
        other,
        {
            "once_key": key,
            "new-checkpoint-label": "joulukuu",
            "new-checkpoint-window_start": "2027-12-01",
            "new-checkpoint-window_end": "2027-12-31",
        },
    )
    assert response.status_code == 400
    assert Checkpoint.objects.count() == checkpoints


def test_keys_are_per_user(demo):
    key = once.new_key()
    for username in ("valmistelija", "pormestari"):
        assert demo.client(username).post(goal_url(demo), goal_data(key)).status_code == 302
    assert GoalArea.objects.filter(title="Kerran tallentuva tavoite").count() == 2


def test_a_post_without_a_key_or_with_a_malformed_one_is_not_guarded(demo):
    preparer = demo.client("valmistelija")
    for data in ({}, {}, {"once_key": "x"}, {"once_key": "x"}):
        assert preparer.post(goal_url(demo), {**goal_data(""), **data}).status_code == 302
    assert GoalArea.objects.filter(title="Kerran tallentuva tavoite").count() == 4
    assert not SubmissionKey.objects.exists()


def test_keys_older_than_a_day_are_removed_as_new_ones_come(demo):
    preparer = demo.client("valmistelija")
    old_key, young_key, new_key = once.new_key(), once.new_key(), once.new_key()
    for key in (old_key, young_key):
        assert preparer.post(goal_url(demo), goal_data(key, key)).status_code == 302
    now = timezone.now()
    SubmissionKey.objects.filter(key=old_key).update(created_at=now - dt.timedelta(days=1, minutes=1))
    SubmissionKey.objects.filter(key=young_key).update(created_at=now - dt.timedelta(hours=23))
    assert preparer.post(goal_url(demo), goal_data(new_key, "Tänään")).status_code == 302
    assert sorted(SubmissionKey.objects.values_list("key", flat=True)) == sorted([young_key, new_key])


def test_done_needs_a_redirect_or_the_url_of_the_result(demo):
    request = RequestFactory().post("/", {"once_key": once.new_key()})
    request.user = demo.user("valmistelija")
    with pytest.raises(ValueError, match="needs a redirect"), once.submission(request) as submission:
        submission.done(HttpResponse("fragment"))
    assert not SubmissionKey.objects.exists()


# --- Every guarded form ------------------------------------------------------------------------


def sent_twice(client, url: str, data: dict) -> tuple:
    key = once.new_key()
    first = client.post(url, {**data, "once_key": key})
    second = client.post(url, {**data, "once_key": key})
    assert first.status_code == 302, (first.status_code, first.content.decode()[-2000:])
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert messages_on(client.get(second["Location"]))[-1] == fi(ALREADY_SENT)
    return first, second


def test_a_new_plan_sent_twice(demo):
    data = {"title": "Kahdesti 2031", "period_start": "2031-01-01", "period_end": "2031-12-31"}
    sent_twice(demo.client("valmistelija"), reverse("plan_new", args=[demo.draft.agreement_id]), data)
    assert GoalPlan.objects.filter(title="Kahdesti 2031").count() == 1


def test_a_metric_and_a_checkpoint_sent_twice(demo):
    preparer = demo.client("valmistelija")
    goal = GoalArea.objects.filter(version=draft_version(demo)).first()
    sent_twice(
        preparer, reverse("metric_new", args=[demo.draft.pk, goal.pk]), {"new-metric-text": "Kahdesti"}
    )
    assert Metric.objects.filter(goal_area=goal, text="Kahdesti").count() == 1
    checkpoint = {
        "new-checkpoint-label": "joulukuu 2027",
        "new-checkpoint-window_start": "2027-12-01",
        "new-checkpoint-window_end": "2027-12-31",
    }
    sent_twice(preparer, reverse("checkpoint_new", args=[demo.draft.pk]), checkpoint)
    assert draft_version(demo).checkpoints.filter(label="joulukuu 2027").count() == 1


def test_amend_and_next_period_sent_twice(demo):
    preparer = demo.client("valmistelija")
    sent_twice(preparer, reverse("plan_amend", args=[demo.current.pk]), {})
    assert PlanVersion.objects.filter(plan=demo.current).count() == 2
    demo.draft.delete()
    sent_twice(preparer, reverse("plan_next_period", args=[demo.current.pk]), {})
    assert GoalPlan.objects.filter(agreement=demo.current.agreement).count() == 3


def test_a_step_sent_twice(demo):
    version = draft_version(demo)
    step = version.plan.agreement.organization.workflow_steps.get(action="handle", from_status="draft")
    data = {"expected_status": "draft", "expected_handlings": "0", "meeting_date": "2026-11-20"}
    sent_twice(demo.client("valmistelija"), reverse("plan_step", args=[demo.draft.pk, step.pk]), data)
    assert Handling.objects.filter(version=version).count() == 1


def test_a_metric_value_and_an_import_sent_twice(demo):
    preparer = demo.client("valmistelija")
    metric = savings(demo.plan)
    url = reverse("metric_value_add", args=[demo.plan.pk, metric.pk])
    sent_twice(preparer, url, {"measured_on": "2025-06-17", "value": "123"})
    values = MetricValue.objects.filter(plan=demo.plan, metric_lineage=metric.lineage)
    assert values.filter(measured_on="2025-06-17").count() == 1
    url = reverse("metric_value_import", args=[demo.plan.pk, metric.pk])
    sent_twice(preparer, url, {"text": "18.6.2025;100\n19.6.2025;200\n", "confirm": "1"})
    assert values.filter(measured_on__in=["2025-06-18", "2025-06-19"]).count() == 2


def test_evidence_sent_twice(demo):
    executive = demo.client("kansliapaallikko")
    checkpoint = open_checkpoint(demo)
    goal = GoalArea.objects.filter(version=checkpoint.version).first()
    url = reverse("evidence_add", args=[demo.current.pk, checkpoint.pk, goal.pk])
    data = {f"evidence-{goal.pk}-url": "https://example.fi/raportti", f"evidence-{goal.pk}-title": "Raportti"}
    sent_twice(executive, url, data)
    assert Evidence.objects.filter(url="https://example.fi/raportti").count() == 1


def test_the_key_field_name_is_what_the_tag_renders():
    assert re.search(rf'name="{once.FIELD}" value="[A-Za-z0-9_-]{{32}}"', _render_tag())


def _render_tag() -> str:

    return engines["django"].from_string("{% load once %}{% once_key %}").render({})
