"""Issue 4, "Bad input": steps not allowed from the state or for the role, meeting
dates before the previous handling, approvals without a section, the executive as
presenter, two tabs approving the same version, and forged step ids."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from suunta.agreements import services as plan_services
from suunta.audit import services as audit
from suunta.audit.models import AuditEvent
from suunta.governance import workflow
from suunta.governance.models import Handling, WorkflowStep
from suunta.governance.services import StaleStepError, take_step
from suunta.lib.clock import today

from ..dom import parse
from ..factories import MembershipFactory
from ..helpers import REQUIRED_FI, assert_field_error, fi, snapshot
from .common import events, fi_date, latest, meeting, squash, step_for


def iso(day) -> str:
    return day.isoformat()


def step_url(plan, step) -> str:
    return reverse("plan_step", args=[plan.pk, step.pk])


def to_status(demo, status: str):
    """Take demo.draft to `status` through the service, as the preparer."""
    preparer = demo.user("valmistelija")
    version = latest(demo.draft)
    path = {
        "draft": [],
        "preparatory": [("handle", {"meeting_date": meeting(0)})],
        "proposed": [("handle", {"meeting_date": meeting(0)}), ("propose", {})],
        "approved": [
            ("handle", {"meeting_date": meeting(0)}),
            ("propose", {}),
            ("approve", {"meeting_date": meeting(2), "section": "45"}),
        ],
    }[status]
    for action, data in path:
        take_step(preparer, version, step_for(version, action), **data)
        version.refresh_from_db()
    assert version.status == status
    return version


def denied_events(demo) -> list[AuditEvent]:
    return [e for e in events(demo.org) if e.outcome == "denied"]


def messages_on(response) -> list[str]:
    return [squash(m.text()) for m in parse(response.content).find_all(lambda e: "message" in e.classes)]


# --- A step not allowed from the current state ---------------------------------------------


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("draft", "approve"),
        ("draft", "table"),
        ("draft", "close"),
        ("proposed", "handle"),
        ("approved", "approve"),
    ],
)
def test_a_step_not_allowed_from_the_current_state_is_refused(demo, status, action):
    version = to_status(demo, status)
    step = next(s for s in demo.org.workflow_steps.all() if s.action == action and s.from_status != status)
    client = demo.client("valmistelija")
    before, denied = snapshot(), len(denied_events(demo))
    assert client.get(step_url(demo.draft, step)).status_code == 403
    response = client.post(
        step_url(demo.draft, step),
        {"expected_status": status, "meeting_date": iso(meeting(4)), "section": "1"},
    )
    assert response.status_code == 403
    assert snapshot() == before
    assert len(denied_events(demo)) == denied + 2

    with pytest.raises(audit.Refused):
        take_step(demo.user("valmistelija"), version, step, meeting_date=meeting(4), section="1")
    assert snapshot() == before
    assert denied_events(demo)[-1].action == "plan.step.denied"
    version.refresh_from_db()
    assert version.status == status


# --- A step by a role that may not --------------------------------------------------------


@pytest.mark.parametrize(
    "username", ["pormestari", "apulaispormestari", "hallitus", "tarkastaja", "paakayttaja"]
)
def test_only_the_preparer_records_the_boards_decision(demo, username):
    version = to_status(demo, "proposed")
    step = step_for(version, "approve")
    client = demo.client(username)
    before, denied = snapshot(), len(denied_events(demo))
    data = {"expected_status": "proposed", "meeting_date": iso(meeting(2)), "section": "45"}
    # Who may not read a proposal gets a 404, who may read it a 403.
    expected = 404 if username == "tarkastaja" else 403
    assert client.get(step_url(demo.draft, step)).status_code == expected
    assert client.post(step_url(demo.draft, step), data).status_code == expected
    assert snapshot() == before
    assert len(denied_events(demo)) == denied + 2

    with pytest.raises(audit.Refused):
        take_step(demo.user(username), version, step, meeting_date=meeting(2), section="45")
    assert snapshot() == before
    event = denied_events(demo)[-1]
    assert (event.action, event.actor_label, event.object_id) == (
        "plan.step.denied",
        username,
        str(version.pk),
    )


@pytest.mark.parametrize("extra_role", [None, "preparer", "evaluator"])
@pytest.mark.parametrize("status", ["draft", "preparatory", "proposed", "approved"])
def test_the_executive_takes_no_step_on_own_plan(demo, status, extra_role):
    """Disqualified (hallintolaki 28 §): whatever roles the executive also holds."""
    executive = demo.user("kansliapaallikko")
    if extra_role:
        MembershipFactory(organization=demo.org, user=executive, role=extra_role, title="")
    version = to_status(demo, status)
    steps = workflow.steps_from(version)
    assert steps
    client = demo.client("kansliapaallikko")
    page = client.get(reverse("plan_detail", args=[demo.draft.pk]))
    assert page.status_code == 200
    assert 'aria-labelledby="actions-heading"' not in page.content.decode()
    assert workflow.available_steps(executive, version) == []
    before = snapshot()
    for step in steps:
        denied = len(denied_events(demo))
        assert client.get(step_url(demo.draft, step)).status_code == 403
        data = {"expected_status": status, "meeting_date": iso(meeting(4)), "section": "50"}
        assert client.post(step_url(demo.draft, step), data).status_code == 403
        with pytest.raises(audit.Refused):
            take_step(executive, version, step, meeting_date=meeting(4), section="50")
        assert len(denied_events(demo)) == denied + 3
        assert denied_events(demo)[-1].actor_label == "kansliapaallikko"
    assert snapshot() == before
    if status == "approved":
        assert client.post(reverse("plan_amend", args=[demo.draft.pk])).status_code == 403
        assert client.post(reverse("plan_next_period", args=[demo.draft.pk])).status_code == 403
        with pytest.raises(audit.Refused):
            plan_services.amend(executive, demo.draft)
        with pytest.raises(audit.Refused):
            plan_services.create_next_period_plan(executive, demo.draft)
        assert snapshot() == before


# --- The decision record --------------------------------------------------------------------


def test_a_meeting_date_before_the_previous_handling_is_refused_beside_the_date(demo):
    to_status(demo, "preparatory")
    version = latest(demo.draft)
    step = step_for(version, "handle")
    client = demo.client("valmistelija")
    before = snapshot()
    response = client.post(
        step_url(demo.draft, step),
        {
            "expected_status": "preparatory",
            "meeting_date": iso(meeting(0) - dt.timedelta(days=1)),
            "text": "Toinen käsittely",
            "case_number": "7/2026",
        },
    )
    message = fi(
        "The meeting date cannot be before the previous handling (%(reference)s).",
        reference=f"Poliittinen johtoryhmä {fi_date(meeting(0))}",
    )
    assert_field_error(response, "id_meeting_date", message, typed=iso(meeting(0) - dt.timedelta(days=1)))
    doc = parse(response.content)
    assert doc.by_id("id_text").value() == "Toinen käsittely"
    assert doc.by_id("id_case_number").value() == "7/2026"
    assert snapshot() == before

    with pytest.raises(ValidationError) as raised:
        take_step(demo.user("valmistelija"), version, step, meeting_date=meeting(0) - dt.timedelta(days=9))
    assert raised.value.message_dict == {"meeting_date": [message]}
    assert snapshot() == before
    # The same day as the previous handling is fine.
    take_step(demo.user("valmistelija"), version, step, meeting_date=meeting(0))
    assert Handling.objects.filter(version=version).count() == 2


def test_an_amendments_handling_cannot_predate_the_approval_of_the_previous_version(demo):
    to_status(demo, "approved")
    v2 = plan_services.amend(demo.user("valmistelija"), demo.draft)
    with pytest.raises(ValidationError) as raised:
        take_step(
            demo.user("valmistelija"),
            v2,
            step_for(v2, "handle"),
            meeting_date=meeting(2) - dt.timedelta(days=1),
        )
    assert list(raised.value.message_dict) == ["meeting_date"]
    v2.refresh_from_db()
    assert v2.status == "draft"


def test_a_missing_meeting_date_is_refused_beside_the_date(demo):
    step = step_for(latest(demo.draft), "handle")
    before = snapshot()
    response = demo.client("valmistelija").post(
        step_url(demo.draft, step), {"expected_status": "draft", "meeting_date": "", "text": "Jää talteen"}
    )
    assert_field_error(response, "id_meeting_date", REQUIRED_FI, typed="")
    assert parse(response.content).by_id("id_text").value() == "Jää talteen"
    assert snapshot() == before


@pytest.mark.parametrize("section", ["", "   "])
def test_an_approval_without_a_section_is_refused_beside_the_section(demo, section):
    version = to_status(demo, "proposed")
    step = step_for(version, "approve")
    before = snapshot()
    response = demo.client("valmistelija").post(
        step_url(demo.draft, step),
        {
            "expected_status": "proposed",
            "meeting_date": iso(meeting(2)),
            "section": section,
            "case_number": "TUUDno-2026-1",
            "text": "Hyväksytään liitteen mukaisesti.",
            "meeting_changes": "Tekninen muutos",
        },
    )
    assert_field_error(response, "id_section", REQUIRED_FI)
    doc = parse(response.content)
    assert doc.by_id("id_meeting_date").value() == iso(meeting(2))
    assert doc.by_id("id_case_number").value() == "TUUDno-2026-1"
    assert doc.by_id("id_meeting_changes").value() == "Tekninen muutos"
    assert snapshot() == before

    # The service refuses it too, whoever calls it.
    with pytest.raises(ValidationError) as raised:
        take_step(demo.user("valmistelija"), version, step, meeting_date=meeting(2), section=section)
    assert raised.value.message_dict == {"section": [fi("An approval needs the section (§) of the minutes.")]}
    assert snapshot() == before


DISQUALIFIED = "The executive is disqualified in matters of his or her own goals and cannot present them."


def test_the_executive_as_presenter_is_refused_with_a_clear_message(demo):
    version = to_status(demo, "proposed")
    step = step_for(version, "approve")
    executive = demo.user("kansliapaallikko")
    before = snapshot()
    response = demo.client("valmistelija").post(
        step_url(demo.draft, step),
        {
            "expected_status": "proposed",
            "meeting_date": iso(meeting(2)),
            "section": "45",
            "presenter": str(executive.pk),  # forged: the form never offers the executive
        },
    )
    assert_field_error(response, "id_presenter", fi(DISQUALIFIED))
    assert parse(response.content).by_id("id_section").value() == "45"
    assert snapshot() == before

    with pytest.raises(ValidationError) as raised:
        take_step(
            demo.user("valmistelija"),
            version,
            step,
            meeting_date=meeting(2),
            section="45",
            presenter=executive,
        )
    assert raised.value.message_dict == {"presenter": [fi(DISQUALIFIED)]}
    assert snapshot() == before


def test_a_presenter_or_disqualified_person_from_elsewhere_is_refused(demo):
    version = to_status(demo, "proposed")
    step = step_for(version, "approve")
    outsider = demo.user("toinen-kh-pj")
    before = snapshot()
    client = demo.client("valmistelija")
    base = {"expected_status": "proposed", "meeting_date": iso(meeting(2)), "section": "45"}
    response = client.post(step_url(demo.draft, step), {**base, "presenter": str(outsider.pk)})
    assert response.status_code == 200
    assert parse(response.content).by_id("id_presenter").attrs.get("aria-invalid") == "true"
    response = client.post(step_url(demo.draft, step), {**base, "disqualified": [str(outsider.pk)]})
    assert response.status_code == 200
    assert "field--error" in response.content.decode()
    assert snapshot() == before


# --- Two tabs ---------------------------------------------------------------------------------


def test_two_tabs_approving_the_same_version_give_one_approval_and_a_clear_message(demo):
    version = to_status(demo, "proposed")
    step = step_for(version, "approve")
    url = step_url(demo.draft, step)
    first_tab, second_tab = demo.client("valmistelija"), demo.client("valmistelija")
    for tab in (first_tab, second_tab):
        form = parse(tab.get(url).content)
        assert form.by_id("id_expected_status").value() == "proposed"
    data = {"expected_status": "proposed", "meeting_date": iso(meeting(2)), "section": "45"}

    assert first_tab.post(url, data).status_code == 302
    after_first = snapshot()
    response = second_tab.post(url, {**data, "section": "46"})
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("plan_detail", args=[demo.draft.pk])
    page = second_tab.get(response["Location"])
    assert messages_on(page) == [
        fi(
            "This version is already “%(status)s”: someone took a step on it a moment ago. Nothing was saved.",
            status=fi("Approved"),
        )
    ]
    assert snapshot() == after_first
    approvals = Handling.objects.filter(version=version, outcome="approved")
    assert [h.section for h in approvals] == ["45"]
    assert len(events(demo.org, "plan.approve", object_id=str(version.pk))) == 1


def test_two_tabs_in_the_service_layer(demo):
    version = to_status(demo, "proposed")
    step = step_for(version, "approve")
    preparer = demo.user("valmistelija")
    stale_copy = latest(demo.draft)
    take_step(preparer, version, step, meeting_date=meeting(2), section="45", expected_status="proposed")
    before = snapshot()
    with pytest.raises(StaleStepError):
        take_step(
            preparer, stale_copy, step, meeting_date=meeting(2), section="45", expected_status="proposed"
        )
    assert snapshot() == before
    assert Handling.objects.filter(version=version, outcome="approved").count() == 1


def test_two_tabs_proposing_the_same_draft(demo):
    version = latest(demo.draft)
    step = step_for(version, "propose")
    url = step_url(demo.draft, step)
    first_tab, second_tab = demo.client("valmistelija"), demo.client("pormestari")
    first_tab.get(url)
    second_tab.get(url)
    assert first_tab.post(url, {"expected_status": "draft"}).status_code == 302
    before = snapshot()
    response = second_tab.post(url, {"expected_status": "draft"})
    assert response.status_code == 302
    assert messages_on(second_tab.get(response["Location"])) == [
        fi(
            "This version is already “%(status)s”: someone took a step on it a moment ago. Nothing was saved.",
            status=fi("Proposed to the board"),
        )
    ]
    assert snapshot() == before
    assert len(events(demo.org, "plan.propose", object_id=str(version.pk))) == 1


def test_two_tabs_tabling_the_same_proposal_record_one_handling(demo):
    # Tabling keeps the status (proposed → proposed): the number of handlings the form
    # was opened with tells the second tab that the first one got there first.
    version = to_status(demo, "proposed")
    step = step_for(version, "table")
    url = step_url(demo.draft, step)
    first_tab, second_tab = demo.client("valmistelija"), demo.client("valmistelija")
    forms = [parse(tab.get(url).content) for tab in (first_tab, second_tab)]
    assert [doc.by_id("id_expected_handlings").value() for doc in forms] == ["1", "1"]
    data = {"expected_status": "proposed", "expected_handlings": "1", "meeting_date": iso(meeting(2))}
    assert first_tab.post(url, data).status_code == 302
    before = snapshot()
    response = second_tab.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("plan_detail", args=[demo.draft.pk])
    tabled = f"Kunnanhallitus {fi_date(meeting(2))}, {fi('tabled')}"
    assert messages_on(second_tab.get(response["Location"])) == [
        fi(
            "Someone recorded “%(handling)s” on this version a moment ago. Nothing was saved.",
            handling=tabled,
        )
    ]
    assert snapshot() == before
    assert Handling.objects.filter(version=version, outcome="tabled").count() == 1
    assert len(events(demo.org, "plan.table", object_id=str(version.pk))) == 1
    # Opened again, the form knows the new count and tabling a second time is fine.
    assert parse(second_tab.get(url).content).by_id("id_expected_handlings").value() == "2"
    assert second_tab.post(url, {**data, "expected_handlings": "2"}).status_code == 302
    assert Handling.objects.filter(version=version, outcome="tabled").count() == 2


def test_a_second_preparatory_handling_in_two_tabs_is_recorded_once(demo):
    version = to_status(demo, "preparatory")
    step = step_for(version, "handle")
    preparer = demo.user("valmistelija")
    stale_copy = latest(demo.draft)
    seen = {"expected_status": "preparatory", "expected_handlings": 1}
    take_step(preparer, version, step, meeting_date=meeting(1), **seen)
    before = snapshot()
    with pytest.raises(StaleStepError) as raised:
        take_step(preparer, stale_copy, step, meeting_date=meeting(1), **seen)
    handled = f"Poliittinen johtoryhmä {fi_date(meeting(1))}"
    assert raised.value.messages == [
        fi(
            "Someone recorded “%(handling)s” on this version a moment ago. Nothing was saved.",
            handling=handled,
        )
    ]
    assert snapshot() == before


def test_a_follow_up_report_is_no_step_that_makes_the_form_stale(demo):
    # The approved 2025 plan's follow-ups were reported to the board: handlings of a checkpoint.
    version = latest(demo.plan)
    step = step_for(version, "close")
    reports = Handling.objects.filter(version=version, checkpoint__isnull=False).count()
    assert reports == 2
    workflow_handlings = Handling.objects.filter(version=version, checkpoint__isnull=True).count()
    doc = parse(demo.client("valmistelija").get(step_url(demo.plan, step)).content)
    assert doc.by_id("id_expected_handlings").value() == str(workflow_handlings)
    take_step(
        demo.user("valmistelija"),
        version,
        step,
        expected_status="approved",
        expected_handlings=workflow_handlings,
    )
    assert latest(demo.plan).status == "closed"
    assert Handling.objects.filter(version=version, checkpoint__isnull=False).count() == reports


# --- Forged ids -------------------------------------------------------------------------------


def test_a_step_of_another_organization_is_not_found(demo):
    theirs = WorkflowStep.objects.filter(
        organization=demo.other_org, action="propose", from_status="draft"
    ).get()
    client = demo.client("valmistelija")
    before = snapshot()
    assert client.get(step_url(demo.draft, theirs)).status_code == 404
    assert client.post(step_url(demo.draft, theirs), {"expected_status": "draft"}).status_code == 404
    assert client.get(reverse("plan_step", args=[demo.draft.pk, 999_999])).status_code == 404
    # Nor does our step work on their plan, which we cannot see.
    ours = step_for(latest(demo.draft), "propose")
    assert client.post(step_url(demo.other_plan, ours), {"expected_status": "approved"}).status_code == 404
    assert snapshot() == before

    with pytest.raises(audit.Refused):
        take_step(demo.user("valmistelija"), latest(demo.draft), theirs)
    assert snapshot() == before


def test_a_meeting_date_in_the_future_asks_for_confirmation(demo):
    """A typo in the year would freeze the goals under a wrong date: the date is refused
    beside the field with a box to confirm it, and saved once confirmed."""
    step = step_for(latest(demo.draft), "handle")
    page = parse(demo.client("valmistelija").get(step_url(demo.draft, step)).content)
    assert not page.has_id("id_date_confirmed")  # only asked when needed
    future = today() + dt.timedelta(days=30)
    data = {"expected_status": "draft", "meeting_date": iso(future), "text": "Tuleva kokous"}
    before = snapshot()
    response = demo.client("valmistelija").post(step_url(demo.draft, step), data)
    message = fi(
        "The meeting date %(date)s is in the future. Check it; if it is correct, tick "
        "“The date is correct” and save again.",
        date=f"{future.day}.{future.month}.{future.year}",
    )
    assert_field_error(response, "id_meeting_date", message, typed=iso(future))
    assert parse(response.content).has_id("id_date_confirmed")
    assert parse(response.content).by_id("id_text").value() == "Tuleva kokous"
    assert snapshot() == before
    response = demo.client("valmistelija").post(step_url(demo.draft, step), data | {"date_confirmed": "on"})
    assert response.status_code == 302
    assert Handling.objects.get(version=latest(demo.draft)).meeting_date == future


def test_an_empty_plan_cannot_leave_the_draft_and_the_page_says_what_is_missing(demo):
    preparer = demo.user("valmistelija")
    plan = plan_services.create_plan(
        preparer,
        demo.draft.agreement,
        title="Tyhjä",
        title_sv="",
        period_start=dt.date(2030, 1, 1),
        period_end=dt.date(2030, 12, 31),
    )
    version = latest(plan)
    goal = plan_services.add_goal_area(preparer, version, title="Talous", title_sv="")
    step = step_for(version, "propose")
    before = snapshot()
    response = demo.client("valmistelija").post(step_url(plan, step), {"expected_status": "draft"})
    assert response.status_code == 200
    missing = "; ".join(
        [
            fi("the goal area “%(title)s” has no metrics", title=goal.title),
            fi("it has no follow-up checkpoints"),
        ]
    )
    assert fi("The plan cannot go on yet: %(missing)s.", missing=missing) in squash(
        parse(response.content).text()
    )
    assert snapshot() == before
    assert latest(plan).status == "draft"


def test_a_meeting_date_long_before_the_plans_period_asks_for_confirmation(demo):
    """“2017” typed for “2027”: more than a year before the period, confirm it first."""
    step = step_for(latest(demo.draft), "handle")
    typo = dt.date(demo.draft.period_start.year - 10, 3, 24)
    data = {"expected_status": "draft", "meeting_date": iso(typo)}
    before = snapshot()
    response = demo.client("valmistelija").post(step_url(demo.draft, step), data)
    message = fi(
        "The meeting date %(date)s is more than a year before the plan's period. Check it; if "
        "it is correct, tick “The date is correct” and save again.",
        date=f"{typo.day}.{typo.month}.{typo.year}",
    )
    assert_field_error(response, "id_meeting_date", message, typed=iso(typo))
    assert snapshot() == before
    response = demo.client("valmistelija").post(step_url(demo.draft, step), data | {"date_confirmed": "on"})
    assert response.status_code == 302
