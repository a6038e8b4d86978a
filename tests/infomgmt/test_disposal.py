"""Disposal on the injectable clock: exactly what has passed its period, nothing
permanent, nothing on legal hold, and the audit chains still verify."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from suunta.agreements.models import GoalPlan, PlanVersion
from suunta.audit.models import AuditEvent
from suunta.audit.verify import verify
from suunta.discussions.models import DevelopmentItem, Discussion, Section, SurveyAnswer
from suunta.evidence import uploads
from suunta.evidence.models import Evidence
from suunta.followup.models import Assessment, FollowUp
from suunta.governance.models import Handling
from suunta.infomgmt import disposal, tasks
from suunta.infomgmt.models import LegalHold, RetentionRule
from suunta.infomgmt.retention import DEFAULTS, add_years, agreement_ends
from suunta.measures.models import MetricValue

from .common import add_evidence


def travel(fixed_today, day: dt.date):
    fixed_today.move_to(dt.datetime(day.year, day.month, day.day, 10, tzinfo=dt.UTC))


def permanent_counts(org):
    return (
        GoalPlan.objects.filter(agreement__organization=org).count(),
        PlanVersion.objects.filter(plan__agreement__organization=org).count(),
        Handling.objects.filter(version__plan__agreement__organization=org).count(),
        AuditEvent.objects.filter(organization=org).exclude(action="retention.dispose").count(),
    )


def restricted_texts(org):
    return dict(
        Section.objects.filter(discussion__agreement__organization=org, publicity="restricted").values_list(
            "pk", "text"
        )
    )


def test_nothing_is_disposed_before_its_period_ends(demo):
    before = restricted_texts(demo.org)
    call_command("dispose")
    assert restricted_texts(demo.org) == before
    assert not AuditEvent.objects.filter(action="retention.dispose").exists()


def test_restricted_notes_go_first_exactly_when_their_period_ends(demo, fixed_today):
    sections = Section.objects.filter(discussion__agreement__organization=demo.org).exclude(text="")
    held_on = {s.pk: s.discussion.held_on for s in sections}
    restricted = [s.pk for s in sections if s.publicity == "restricted"]
    public_before = {s.pk: s.text for s in sections if s.publicity == "public"}
    assert restricted and public_before
    last_day = add_years(max(held_on[pk] for pk in restricted), DEFAULTS["discussions_restricted"].years)
    permanent = permanent_counts(demo.org)

    travel(fixed_today, last_day)  # the period's last day: still kept
    call_command("dispose", "--organization", "esimerkkikunta")
    assert all(restricted_texts(demo.org)[pk] for pk in restricted)

    travel(fixed_today, last_day + dt.timedelta(days=1))
    call_command("dispose", "--organization", "esimerkkikunta")
    assert all(text == "" for pk, text in restricted_texts(demo.org).items() if pk in restricted)
    assert {s.pk: s.text for s in Section.objects.filter(pk__in=public_before)} == public_before
    for discussion in Discussion.objects.filter(sections__pk__in=restricted).exclude(memo_json="").distinct():
        memo = json.loads(discussion.memo_json)
        assert all(s["text"] == "" for s in memo["sections"] if s["publicity"] == "restricted")
        assert any(s["text"] for s in memo["sections"] if s["publicity"] == "public")
    event = AuditEvent.objects.get(action="retention.dispose", changes__contains="discussions_restricted")
    recorded = json.loads(event.changes)["disposed"][1]
    assert recorded["count"] == len(restricted) and sorted(recorded["ids"]) == sorted(restricted)
    assert recorded["rule"]["years"] == 2 and recorded["rule"]["trigger"] == "record_date"
    assert "text" not in event.payload.lower().split("changes")[0]
    assert permanent_counts(demo.org) == permanent
    assert all(report.ok for report in verify())
    call_command("verify_audit")


def test_a_dry_run_lists_and_removes_nothing(demo, fixed_today, capsys):
    before = restricted_texts(demo.org)
    travel(fixed_today, dt.date(2040, 1, 1))
    call_command("dispose", "--dry-run")
    out = capsys.readouterr().out
    assert "esimerkkikunta: discussions_restricted due 3" in out
    assert restricted_texts(demo.org) == before
    assert not AuditEvent.objects.filter(action="retention.dispose").exists()


def test_everything_but_the_permanent_and_the_held_goes_in_the_end(
    demo, fixed_today, django_capture_on_commit_callbacks
):
    evidence = add_evidence(demo)
    chief = demo.plan.agreement
    LegalHold.objects.create(agreement=chief, reason="Valitus vireillä", placed_by=demo.user("paakayttaja"))
    kept_of_chief = (
        FollowUp.objects.filter(checkpoint__version__plan__agreement=chief).count(),
        Assessment.objects.filter(checkpoint__version__plan__agreement=chief).count(),
        DevelopmentItem.objects.filter(agreement=chief).count(),
        SurveyAnswer.objects.filter(survey__discussion__agreement=chief).count(),
        restricted_texts(demo.org),
        MetricValue.objects.filter(plan__agreement=chief).count(),
    )
    assert kept_of_chief[-1]
    others = [a for a in agreement_ends(demo.org.pk) if a != chief.pk]
    assert FollowUp.objects.filter(checkpoint__version__plan__agreement__in=others).exists()
    other_org = (
        permanent_counts(demo.other_org),
        FollowUp.objects.filter(checkpoint__version__plan__agreement__organization=demo.other_org).count(),
    )
    permanent = permanent_counts(demo.org)

    travel(fixed_today, dt.date(2045, 1, 1))
    call_command("dispose", "--organization", "esimerkkikunta")
    assert not FollowUp.objects.filter(checkpoint__version__plan__agreement__in=others).exists()
    assert not Assessment.objects.filter(checkpoint__version__plan__agreement__in=others).exists()
    assert kept_of_chief == (
        FollowUp.objects.filter(checkpoint__version__plan__agreement=chief).count(),
        Assessment.objects.filter(checkpoint__version__plan__agreement=chief).count(),
        DevelopmentItem.objects.filter(agreement=chief).count(),
        SurveyAnswer.objects.filter(survey__discussion__agreement=chief).count(),
        restricted_texts(demo.org),
        MetricValue.objects.filter(plan__agreement=chief).count(),
    )
    assert Evidence.objects.filter(pk=evidence.pk).exists()  # the chief's: on hold
    assert permanent_counts(demo.org) == permanent
    assert (
        permanent_counts(demo.other_org),
        FollowUp.objects.filter(checkpoint__version__plan__agreement__organization=demo.other_org).count(),
    ) == other_org  # only the organization asked for

    LegalHold.objects.filter(agreement=chief).delete()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("dispose", "--organization", "esimerkkikunta")
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert not uploads.storage().exists(evidence.stored_name)
    assert not FollowUp.objects.filter(checkpoint__version__plan__agreement__organization=demo.org).exists()
    assert not Assessment.objects.filter(checkpoint__version__plan__agreement__organization=demo.org).exists()
    assert not DevelopmentItem.objects.filter(agreement__organization=demo.org).exists()
    assert not MetricValue.objects.filter(plan__agreement__organization=demo.org).exists()
    assert all(text == "" for text in restricted_texts(demo.org).values())
    assert permanent_counts(demo.org) == permanent
    call_command("verify_audit")


def test_an_organizations_own_rule_applies(demo, fixed_today):
    RetentionRule.objects.create(
        organization=demo.org,
        record_type="survey_answers",
        trigger="record_date",
        years=10,
        task_class="01.02",
    )
    travel(fixed_today, dt.date(2029, 6, 1))
    due = {item.record_type for item in disposal.plan(demo.org.pk)}
    assert "survey_answers" not in due and "discussions_restricted" in due


@pytest.mark.parametrize("record_type", ["plans", "audit_events"])
def test_permanent_types_are_never_planned(demo, record_type):
    assert record_type not in {item.record_type for item in disposal.plan(demo.org.pk, dt.date(2200, 1, 1))}


def test_the_daily_task_disposes_and_enqueues_its_next_run(demo, fixed_today):
    call_command("dispose", "--schedule")
    call_command("dispose", "--schedule")
    assert DBTaskResult.objects.filter(task_path=tasks.PATH).count() == 1
    DBTaskResult.objects.filter(task_path=tasks.PATH).delete()
    travel(fixed_today, dt.date(2029, 6, 1))
    result = tasks.dispose_all.call()
    assert result["esimerkkikunta"] == 5  # 3 restricted sections, 2 survey answers
    assert all(text == "" for text in restricted_texts(demo.org).values())
    following = DBTaskResult.objects.get(task_path=tasks.PATH)
    assert following.run_after.date() == dt.date(2029, 6, 2)
