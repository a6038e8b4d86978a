"""Issue 5, every step through the pages as the users take them, on demo.current's open
checkpoint "marraskuu 2026": the executive's draft and submitted self-assessment with
per-metric notes, each evaluator's view, the agreed follow-up per goal, marking it
agreed, reporting it to the board, and the annex showing it; who sees what on the way."""

import datetime as dt

import pytest

from suunta.followup import services
from suunta.followup.models import Assessment, AssessmentKind, FollowUp, FollowUpStatus, MetricNote
from suunta.governance.models import Handling, Outcome
from suunta.organizations.models import BodyKind

from ..dom import parse
from .common import (
    AUDITOR,
    BOARD_MEMBER,
    EVALUATORS,
    EXECUTIVE,
    PREPARER,
    action_url,
    agree_all,
    agreed_data,
    agreed_url,
    assessments_text,
    checkpoints,
    fi,
    field_errors,
    form_revision,
    goal_section,
    goals,
    main_text,
    open_checkpoint,
    own_data,
    own_url,
    page_url,
    ratings,
    self_assess,
    squash,
    status_of,
    success_messages,
    views_in,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 27)
OUTSIDERS = (BOARD_MEMBER, AUDITOR)


def annex_cells(response, goal) -> list[str]:
    """The Seuranta cells of `goal`'s row in the plan page's annex, in checkpoint order."""
    assert response.status_code == 200, response.status_code
    row = parse(response.content).by_id(f"goal-{goal.pk}")
    assert row.tag == "tr"
    return [squash(td.text()) for td in row.find_all(lambda e: e.tag == "td" and "col-followup" in e.classes)]


def annex_rating_labels(response, goal) -> list[list[str]]:
    row = parse(response.content).by_id(f"goal-{goal.pk}")
    cells = row.find_all(lambda e: e.tag == "td" and "col-followup" in e.classes)
    return [[squash(s.text()) for s in td.find_all(lambda e: "rating" in e.classes)] for td in cells]


def test_every_step_through_the_pages(demo):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    goal_list = goals(plan)
    assert len(goal_list) == 6
    scale = ratings(demo.org)
    url = page_url(plan, checkpoint)
    executive = demo.client(EXECUTIVE)
    first = goal_list[0]
    notes = {m.pk: f"Mittarihuomio {m.pk}" for m in first.metrics.all()}
    assert len(notes) == 2

    # --- The executive: a draft, seen by no one else ---
    page = executive.get(url)
    doc = parse(page.content)
    for goal in goal_list:
        assert doc.has_id(f"id_own-{goal.pk}-text")
        assert doc.has_id(f"id_own-{goal.pk}-rating_0")
    response = executive.post(
        own_url(plan, checkpoint), own_data(goal_list, scale["progressed"], "Luonnosteksti itse", notes=notes)
    )
    assert response.status_code == 302
    assert response["Location"] == url
    drafts = Assessment.objects.filter(checkpoint=checkpoint, kind=AssessmentKind.SELF)
    assert drafts.count() == 6
    assert not drafts.filter(submitted_at__isnull=False).exists()
    assert status_of(checkpoint) == FollowUpStatus.OPEN
    page = executive.get(url)
    assert success_messages(page) == [fi("Saved as a draft. Submit when ready.")]
    assert (
        parse(page.content).by_id(f"id_own-{first.pk}-text").value() == f"Luonnosteksti itse ({first.title})"
    )
    assert fi("Draft (not submitted)") in assessments_text(page, first)
    for username in (*EVALUATORS, PREPARER, *OUTSIDERS, "paakayttaja"):
        content = demo.client(username).get(url).content.decode()
        assert "Luonnosteksti itse" not in content, username
        assert "Mittarihuomio" not in content, username

    # --- ... then submitted: visible to the evaluators; self-assessed once all six are in ---
    response = executive.post(
        own_url(plan, checkpoint),
        own_data(goal_list, scale["progressed"], "Itsearvioteksti", submit=True, notes=notes),
    )
    assert response.status_code == 302
    assert success_messages(executive.get(url)) == [fi("Submitted. Thank you.")]
    assert (
        Assessment.objects.filter(
            checkpoint=checkpoint, kind=AssessmentKind.SELF, submitted_at__isnull=False
        ).count()
        == 6
    )
    assert status_of(checkpoint) == FollowUpStatus.SELF_ASSESSED
    saved_notes = MetricNote.objects.filter(assessment__checkpoint=checkpoint)
    assert {(n.metric_id, n.text) for n in saved_notes} == set(notes.items())
    assert all(n.assessment.goal_area_id == first.pk for n in saved_notes)
    page = executive.get(url)
    for metric_id, note in notes.items():
        assert parse(page.content).by_id(f"id_own-{first.pk}-note_{metric_id}").value() == note
    for username in (*EVALUATORS, PREPARER):
        page = demo.client(username).get(url)
        shown = assessments_text(page, first)
        assert f"Itsearvioteksti ({first.title})" in shown, username
        assert "Edistynyt" in shown  # the rating, as text
        assert all(note in shown for note in notes.values())
    for username in OUTSIDERS:
        content = demo.client(username).get(url).content.decode()
        assert "Itsearvioteksti" not in content and "Mittarihuomio" not in content, username

    # --- Each evaluator: a draft view (own eyes only), then submitted (everyone inside sees it) ---
    for number, username in enumerate(EVALUATORS, start=1):
        evaluator = demo.client(username)
        page = evaluator.get(url)
        assert parse(page.content).has_id(f"id_own-{first.pk}-text")
        assert not parse(page.content).has_id(
            f"id_own-{first.pk}-note_{next(iter(notes))}"
        )  # notes: self only
        response = evaluator.post(
            own_url(plan, checkpoint), own_data(goal_list, scale["partly"], f"Näkemysluonnos {username}")
        )
        assert response.status_code == 302
        others = [u for u in (*EVALUATORS, EXECUTIVE, PREPARER, *OUTSIDERS) if u != username]
        for other in others:
            assert f"Näkemysluonnos {username}" not in demo.client(other).get(url).content.decode(), other
        response = evaluator.post(
            own_url(plan, checkpoint),
            own_data(goal_list, scale["partly"], f"Näkemysteksti {username}", submit=True),
        )
        assert response.status_code == 302
        for other in (*EVALUATORS, EXECUTIVE, PREPARER):
            if other != username:
                shown = assessments_text(demo.client(other).get(url), first)
                assert f"Näkemysteksti {username} ({first.title})" in shown, (other, username)
                assert "Osittain" in shown
        for outsider in OUTSIDERS:
            assert f"Näkemysteksti {username}" not in demo.client(outsider).get(url).content.decode()
        expected = FollowUpStatus.VIEWS_IN if number == len(EVALUATORS) else FollowUpStatus.SELF_ASSESSED
        assert status_of(checkpoint) == expected, username
    progress = main_text(demo.client(PREPARER).get(url))
    assert fi("Views submitted by %(done)s of %(total)s evaluators.", done=3, total=3) in progress

    # --- The preparer records the agreed follow-up, goal by goal ---
    preparer = demo.client(PREPARER)
    for goal in goal_list:
        page = preparer.get(url)
        revision = form_revision(page, goal)
        rating = scale["achieved"] if goal == first else scale["progressed"]
        response = preparer.post(
            agreed_url(plan, checkpoint, goal), agreed_data(goal, rating, f"Sovittu: {goal.title}", revision)
        )
        assert response.status_code == 302
        assert response["Location"] == f"{url}#goal-{goal.pk}"
    agreed = Assessment.objects.filter(checkpoint=checkpoint, kind=AssessmentKind.AGREED)
    assert agreed.count() == 6
    assert {a.goal_area_id: a.text for a in agreed} == {g.pk: f"Sovittu: {g.title}" for g in goal_list}
    assert status_of(checkpoint) == FollowUpStatus.VIEWS_IN
    for username in (*EVALUATORS, EXECUTIVE):
        assert f"Sovittu: {first.title}" in assessments_text(demo.client(username).get(url), first)
    for username in OUTSIDERS:
        assert "Sovittu:" not in demo.client(username).get(url).content.decode()
        assert "Sovittu:" not in demo.client(username).get(f"/plans/{plan.pk}/").content.decode()

    # --- The mayor marks it agreed, with the meeting date ---
    mayor = demo.client("pormestari")
    assert parse(mayor.get(url).content).has_id("id_mark-meeting_date")
    meeting = TODAY - dt.timedelta(days=1)
    response = mayor.post(action_url("mark", plan, checkpoint), {"mark-meeting_date": meeting.isoformat()})
    assert response.status_code == 302
    followup = FollowUp.objects.get(checkpoint=checkpoint)
    assert (followup.status, followup.agreed_on) == (FollowUpStatus.AGREED, meeting)
    assert followup.agreed_body.kind == BodyKind.PREPARATORY
    for username in OUTSIDERS:  # agreed, but not reported yet
        assert "Sovittu:" not in demo.client(username).get(url).content.decode()

    # --- The preparer reports it to the board: a decision record "noted" ---
    page = preparer.get(url)
    assert parse(page.content).has_id("id_report-meeting_date")
    response = preparer.post(
        action_url("report", plan, checkpoint),
        {
            "report-meeting_date": TODAY.isoformat(),
            "report-section": "150",
            "report-case_number": "TUUDno-2026-99",
            "report-text": "Kunnanhallitus merkitsee seurannan tiedoksi.",
            "report-outcome": "noted",
        },
    )
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.REPORTED
    handling = Handling.objects.get(checkpoint=checkpoint)
    assert followup.report == handling
    assert handling.outcome == Outcome.NOTED
    assert handling.body.kind == BodyKind.BOARD
    assert (handling.meeting_date, handling.section, handling.case_number) == (TODAY, "150", "TUUDno-2026-99")
    assert list(handling.disqualified.all()) == [demo.user(EXECUTIVE)]
    assert handling.recorded_by == demo.user(PREPARER)
    assert handling.version == checkpoint.version
    page = preparer.get(url)
    assert handling.reference in main_text(page)
    # Nothing is writable any more.
    doc = parse(page.content)
    assert not doc.has_id(f"id_agreed-{first.pk}-text")
    assert not doc.has_id("id_report-meeting_date")

    # --- The annex shows the agreed rating as text and the agreed text in that column ---
    for username in (PREPARER, EXECUTIVE, *OUTSIDERS):
        response = demo.client(username).get(f"/plans/{plan.pk}/")
        for goal in goal_list:
            cells = annex_cells(response, goal)
            assert len(cells) == 2, cells
            label = "Toteutunut" if goal == first else "Edistynyt"
            assert cells[0] == f"{label} Sovittu: {goal.title}", (username, cells)
            assert cells[1] == ""
        assert annex_rating_labels(response, first) == [["Toteutunut"], []]

    # --- Board member and auditor: the agreed follow-ups now, never drafts or views ---
    for username in OUTSIDERS:
        page = demo.client(username).get(url)
        content = page.content.decode()
        shown = assessments_text(page, first)
        assert f"Sovittu: {first.title}" in shown and "Toteutunut" in shown
        for hidden in (
            "Itsearvioteksti",
            "Näkemysteksti",
            "Näkemysluonnos",
            "Luonnosteksti",
            "Mittarihuomio",
        ):
            assert hidden not in content, (username, hidden)

    # Every step was audited.
    events = set(demo.org.audit_events.values_list("action", flat=True))
    assert {
        "assessment.self.save",
        "assessment.self.submit",
        "assessment.view.save",
        "assessment.view.submit",
        "assessment.agreed.save",
        "followup.self_assessed",
        "followup.views_in",
        "followup.agreed",
        "followup.reported",
    } <= events


@pytest.mark.parametrize("username", ["pormestari", PREPARER])
def test_the_mayor_or_the_preparer_marks_it_agreed(demo, username):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    scale = ratings(demo.org)
    self_assess(demo, checkpoint, scale["progressed"])
    views_in(demo, checkpoint, scale["progressed"])
    agree_all(demo, checkpoint, scale["progressed"])
    response = demo.client(username).post(
        action_url("mark", plan, checkpoint), {"mark-meeting_date": TODAY.isoformat()}
    )
    assert response.status_code == 302
    assert status_of(checkpoint) == FollowUpStatus.AGREED
    assert FollowUp.objects.get(checkpoint=checkpoint).agreed_on == TODAY


def test_marking_agreed_needs_every_goals_agreed_text_and_a_past_meeting_date(demo):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    scale = ratings(demo.org)
    self_assess(demo, checkpoint, scale["progressed"])
    views_in(demo, checkpoint, scale["progressed"])
    preparer = demo.client(PREPARER)
    response = preparer.post(action_url("mark", plan, checkpoint), {"mark-meeting_date": TODAY.isoformat()})
    assert response.status_code == 200
    assert fi("Every goal needs an agreed rating and text first.") in main_text(response)
    agree_all(demo, checkpoint, scale["progressed"])
    tomorrow = TODAY + dt.timedelta(days=1)
    response = preparer.post(
        action_url("mark", plan, checkpoint), {"mark-meeting_date": tomorrow.isoformat()}
    )
    assert field_errors(response, "id_mark-meeting_date") == [fi("The meeting date cannot be in the future.")]
    assert status_of(checkpoint) == FollowUpStatus.VIEWS_IN


def test_the_report_cannot_predate_the_agreement(demo):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    scale = ratings(demo.org)
    self_assess(demo, checkpoint, scale["progressed"])
    views_in(demo, checkpoint, scale["progressed"])
    agree_all(demo, checkpoint, scale["progressed"])
    demo.client(PREPARER).post(action_url("mark", plan, checkpoint), {"mark-meeting_date": TODAY.isoformat()})
    before = Handling.objects.count()
    response = demo.client(PREPARER).post(
        action_url("report", plan, checkpoint),
        {"report-meeting_date": (TODAY - dt.timedelta(days=3)).isoformat(), "report-outcome": "noted"},
    )
    assert field_errors(response, "id_report-meeting_date") == [
        fi("The board meeting cannot be before the follow-up was agreed (%(date)s).", date="27.11.2026")
    ]
    assert Handling.objects.count() == before
    assert status_of(checkpoint) == FollowUpStatus.AGREED


def test_the_previous_agreed_text_reaches_the_board_only_once_reported(demo):
    """The next checkpoint's page repeats the previous agreed follow-up: to board members
    and auditors only once that one has been reported."""
    plan, checkpoint = demo.current, open_checkpoint(demo)
    later = checkpoints(plan)[1]
    scale = ratings(demo.org)
    self_assess(demo, checkpoint, scale["progressed"])
    views_in(demo, checkpoint, scale["progressed"])
    agree_all(demo, checkpoint, scale["achieved"])
    services.mark_agreed(demo.user(PREPARER), checkpoint, TODAY)
    first = goals(plan)[0]
    agreed_text = f"Sovittu ({first.title})"
    assert agreed_text in goal_section(demo.client(PREPARER).get(page_url(plan, later)), first).text()
    for username in OUTSIDERS:
        content = demo.client(username).get(page_url(plan, later)).content.decode()
        assert agreed_text not in content, username
    services.report_to_board(demo.user(PREPARER), checkpoint, meeting_date=TODAY, section="1")
    for username in OUTSIDERS:
        page = demo.client(username).get(page_url(plan, later))
        assert agreed_text in goal_section(page, first).text(), username
