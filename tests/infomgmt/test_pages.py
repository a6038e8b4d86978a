"""The organization admin's retention page and legal holds."""

import datetime as dt

from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, override

from suunta.audit.models import AuditEvent
from suunta.infomgmt.forms import HoldForm
from suunta.infomgmt.models import LegalHold, RetentionRule
from suunta.infomgmt.retention import rule_for

URL = reverse("retention_rules", args=["esimerkkikunta"])


def finnish(message: str) -> str:
    """The page's text as a Finnish user sees it (the default language)."""
    with override("fi"):
        return escape(gettext(message))


def post_data(**changes) -> dict:
    data = {}
    for record_type, trigger, years, task in (
        ("plans", "permanent", "", "00.01.02"),
        ("followups", "agreement_end", "10", "01.00.01"),
        ("self_assessments", "agreement_end", "6", "01.00.01"),
        ("discussions_public", "agreement_end", "6", "01.00.01"),
        ("discussions_restricted", "record_date", "2", "01.00.01"),
        ("development_items", "agreement_end", "6", "01.00.01"),
        ("survey_answers", "record_date", "3", "01.00.01"),
        ("evidence", "agreement_end", "6", "01.00.01"),
        ("audit_events", "permanent", "", "00.03.01"),
    ):
        data[f"{record_type}-trigger"] = trigger
        data[f"{record_type}-years"] = years
        data[f"{record_type}-task_class"] = task
    return data | changes


def test_the_admin_sees_the_defaults(demo, django_assert_max_num_queries):
    client = demo.client("paakayttaja")
    with django_assert_max_num_queries(20):
        response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="discussions_restricted-years" value="2"' in body
    assert escape(str(demo.plan.agreement)) in body
    assert finnish("Nothing has passed its retention period.") in body


def test_the_page_lists_what_is_due(demo, fixed_today):
    fixed_today.move_to(dt.datetime(2029, 6, 1, 10, tzinfo=dt.UTC))
    body = demo.client("paakayttaja").get(URL).content.decode()
    assert f"{finnish('Discussions: restricted sections')}: 3" in body
    assert f"{finnish('Survey answers')}: 2" in body
    assert finnish("Nothing has passed its retention period.") not in body


def test_the_admin_changes_a_rule_and_it_is_audited(demo):
    response = demo.client("paakayttaja").post(
        URL, post_data(**{"survey_answers-years": "5", "survey_answers-task_class": "01.02.03"})
    )
    assert response.status_code == 302
    rule = rule_for(demo.org.pk, "survey_answers")
    assert (rule.years, rule.task_class, rule.stored) == (5, "01.02.03", True)
    assert RetentionRule.objects.filter(organization=demo.org).count() == 1  # only what changed
    event = AuditEvent.objects.get(action="retention_rule.update")
    assert event.organization_id == demo.org.pk and "01.02.03" in event.changes


def test_plans_cannot_be_given_a_period(demo):
    response = demo.client("paakayttaja").post(
        URL, post_data(**{"plans-trigger": "agreement_end", "plans-years": "10"})
    )
    assert response.status_code == 200
    assert rule_for(demo.org.pk, "plans").permanent
    assert not RetentionRule.objects.exists()


def test_a_period_needs_its_years(demo):
    response = demo.client("paakayttaja").post(URL, post_data(**{"evidence-years": ""}))
    assert response.status_code == 200
    assert not RetentionRule.objects.exists()


def test_a_legal_hold_is_placed_and_released_by_the_admin(demo):
    agreement = demo.plan.agreement
    url = reverse("legal_hold", args=["esimerkkikunta", agreement.pk])
    client = demo.client("paakayttaja")
    assert client.post(url, {"reason": "Valitus vireillä"}).status_code == 302
    assert LegalHold.objects.get(agreement=agreement).reason == "Valitus vireillä"
    assert client.post(url, {"release": "on"}).status_code == 302
    assert not LegalHold.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="legal_hold").values_list("action", flat=True)
    )
    assert actions == ["legal_hold.place", "legal_hold.release"]


def test_a_too_long_reason_places_no_hold_and_says_why(demo):
    url = reverse("legal_hold", args=["esimerkkikunta", demo.plan.agreement_id])
    response = demo.client("paakayttaja").post(url, {"reason": "x" * 201}, follow=True)
    assert not LegalHold.objects.exists()
    with override("fi"):
        said = HoldForm({"reason": "x" * 201}).errors["reason"][0]
    assert "200" in said and escape(said) in response.content.decode()


def test_nobody_else_places_a_hold(demo):
    url = reverse("legal_hold", args=["esimerkkikunta", demo.plan.agreement_id])
    assert demo.client("pormestari").post(url, {"reason": "x"}).status_code == 403
    assert demo.client("toinen-paakayttaja").post(url, {"reason": "x"}).status_code == 404
    assert not LegalHold.objects.exists()
