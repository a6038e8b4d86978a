"""Create once: a plan for a period, the next period's plan and an amendment exist at
most once. A second request (another tab, a second click) gets what the first made,
and the page says so. The races themselves run against a real server in
tests/test_races.py; these are the same rules, one request after the other."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from suunta.agreements import services
from suunta.agreements.models import GoalPlan, PlanVersion
from suunta.audit import services as audit
from suunta.audit.models import AuditEvent

from ..dom import parse
from ..helpers import fi, snapshot


def messages_on(response) -> list[str]:
    doc = parse(response.content)
    return [" ".join(e.text().split()) for e in doc.find_all(lambda e: "message" in e.classes)]


def counts() -> tuple[int, int, int]:
    return GoalPlan.objects.count(), PlanVersion.objects.count(), AuditEvent.objects.count()


# --- The next period's plan -----------------------------------------------------------------


def test_the_next_period_plan_made_a_moment_ago_is_returned_not_made_again(demo):
    # The fixture's 2027 draft is the 2026 plan's next period plan.
    preparer = demo.user("valmistelija")
    before = counts()
    assert services.get_or_create_next_period_plan(preparer, demo.current) == (demo.draft, False)
    assert services.create_next_period_plan(preparer, demo.current) == demo.draft
    assert counts() == before


def test_the_next_period_plan_is_created_once_then_found(demo):
    preparer = demo.user("valmistelija")
    demo.draft.delete()
    plan, created = services.get_or_create_next_period_plan(preparer, demo.current)
    assert created
    assert plan.period_start == dt.date(demo.current.period_start.year + 1, 1, 1)
    before = counts()
    assert services.get_or_create_next_period_plan(preparer, demo.current) == (plan, False)
    assert counts() == before


@pytest.mark.parametrize("username", ["kansliapaallikko", "hallitus", "tarkastaja"])
def test_only_who_may_create_plans_is_shown_the_existing_next_plan(demo, username):
    before = snapshot()
    with pytest.raises(audit.Refused):
        services.get_or_create_next_period_plan(demo.user(username), demo.current)
    assert snapshot() == before


def test_a_second_next_period_click_leads_to_the_plan_with_a_message(demo):
    preparer = demo.client("valmistelija")
    response = preparer.post(reverse("plan_next_period", args=[demo.current.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("plan_detail", args=[demo.draft.pk])
    page = preparer.get(response["Location"])
    assert messages_on(page) == [fi("The next period's plan had already been created; here it is.")]
    assert GoalPlan.objects.filter(agreement=demo.current.agreement).count() == 3


def test_the_next_period_of_another_organization_stays_out_of_reach(demo):
    outsider = demo.client("toinen-valmistelija")
    before = snapshot()
    assert outsider.post(reverse("plan_next_period", args=[demo.current.pk])).status_code == 404
    assert snapshot() == before


# --- A plan for a period ----------------------------------------------------------------------


def plan_fields(plan, **changes) -> dict:
    fields = {
        "title": plan.title,
        "title_sv": plan.title_sv,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
    }
    return {**fields, **changes}


def test_a_plan_for_a_period_that_has_one_is_that_plan(demo):
    preparer = demo.user("valmistelija")
    before = counts()
    fields = plan_fields(demo.draft, title="Toinen otsikko")
    assert services.get_or_create_plan(preparer, demo.draft.agreement, **fields) == (demo.draft, False)
    assert services.create_plan(preparer, demo.draft.agreement, **fields) == demo.draft
    assert counts() == before
    assert GoalPlan.objects.get(pk=demo.draft.pk).title == demo.draft.title


def test_an_overlapping_period_is_still_an_error(demo):
    fields = plan_fields(demo.draft, period_start=demo.draft.period_start + dt.timedelta(days=31))
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        services.get_or_create_plan(demo.user("valmistelija"), demo.draft.agreement, **fields)
    assert list(raised.value.message_dict) == ["period_start"]
    assert snapshot() == before


def test_only_a_plan_editor_is_shown_the_plan_of_the_period(demo):
    with pytest.raises(audit.Refused):
        services.get_or_create_plan(demo.user("hallitus"), demo.draft.agreement, **plan_fields(demo.draft))


def form_data(plan, **changes) -> dict:
    return {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in plan_fields(plan, **changes).items()
    }


def test_the_new_plan_form_for_a_taken_period_leads_to_that_plan(demo):
    preparer = demo.client("valmistelija")
    url = reverse("plan_new", args=[demo.draft.agreement_id])
    before = counts()
    response = preparer.post(url, form_data(demo.draft))
    assert response.status_code == 302
    assert response["Location"] == reverse("plan_detail", args=[demo.draft.pk])
    assert messages_on(preparer.get(response["Location"])) == [
        fi("A plan for this period had already been created; here it is.")
    ]
    assert counts() == before


def test_the_new_plan_form_for_an_overlapping_period_shows_the_error(demo):
    preparer = demo.client("valmistelija")
    url = reverse("plan_new", args=[demo.draft.agreement_id])
    start = demo.draft.period_start + dt.timedelta(days=31)
    response = preparer.post(url, form_data(demo.draft, period_start=start))
    assert response.status_code == 200
    message = fi(
        "This agreement already has a plan for this period: %(title)s (%(start)s–%(end)s).",
        title=demo.draft.title,
        start=f"1.1.{demo.draft.period_start.year}",
        end=f"31.12.{demo.draft.period_start.year}",
    )
    assert message in response.content.decode()


# --- An amendment ------------------------------------------------------------------------------


def test_an_amendment_is_started_once_then_found(demo):
    preparer = demo.user("valmistelija")
    draft, created = services.get_or_start_amendment(preparer, demo.current)
    assert created
    assert (draft.number, draft.status) == (2, "draft")
    before = counts()
    assert services.get_or_start_amendment(preparer, demo.current) == (draft, False)
    assert services.amend(demo.user("pormestari"), demo.current) == draft
    assert counts() == before


def test_only_who_may_amend_is_shown_the_amendment_started(demo):
    services.amend(demo.user("valmistelija"), demo.current)
    for username in ("kansliapaallikko", "hallitus"):
        with pytest.raises(audit.Refused):
            services.get_or_start_amendment(demo.user(username), demo.current)


def test_a_draft_that_was_never_approved_is_no_amendment(demo):
    with pytest.raises(audit.Refused):
        services.get_or_start_amendment(demo.user("valmistelija"), demo.draft)


def test_a_second_amend_click_leads_to_the_draft_with_a_message(demo):
    preparer = demo.client("valmistelija")
    url = reverse("plan_amend", args=[demo.current.pk])
    first = preparer.post(url)
    assert messages_on(preparer.get(first["Location"])) == [
        fi(
            "Version %(number)s was started as a draft. It is handled and approved like the earlier versions.",
            number=2,
        )
    ]
    response = preparer.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("plan_detail", args=[demo.current.pk])
    assert messages_on(preparer.get(response["Location"])) == [
        fi("Version %(number)s had already been started; here it is.", number=2)
    ]
    assert PlanVersion.objects.filter(plan=demo.current).count() == 2
