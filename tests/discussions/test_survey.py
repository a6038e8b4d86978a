"""Issue 7: the mayor's optional pre-discussion survey. Board members and the council
chair write short views on each goal; only the participants read them, named or
anonymous as the mayor chose; the survey closes on its day."""

import datetime as dt

import pytest

from suunta.agreements.models import GoalArea
from suunta.audit.models import AuditEvent
from suunta.discussions.models import Survey, SurveyAnswer

from ..dom import parse
from .common import (
    AUDITOR,
    BOARD_MEMBER,
    CHAIR,
    DEPUTY,
    EXECUTIVE,
    MAYOR,
    PREPARER,
    SOON,
    assert_not_in_audit,
    create_discussion,
    demo_discussion_of,
    detail_url,
    fi,
    field_errors,
    main_text,
    state,
    survey_new_url,
    survey_url,
    user,
)

pytestmark = pytest.mark.django_db

CLOSES = dt.date(2026, 12, 5)
DUE_MESSAGE = "Answers are due between today and the discussion day."
NOT_A_CHOICE = "Select a valid choice. %(value)s is not one of the available choices."
VIEW = "Strategiatyön aikataulu on pitänyt; toivon raportin hallitukselle kvartaaleittain."
CHAIR_VIEW = "Valtuustoryhmien kuuleminen on sujunut hyvin."


@pytest.fixture
def discussion(demo):
    return create_discussion(demo, plans=[demo.current])


def goals_of(plan) -> list[GoalArea]:
    return list(GoalArea.objects.filter(version=plan.latest_version()).order_by("order", "id"))


def open_survey(demo, discussion, *, anonymous=False, recipients=(BOARD_MEMBER, CHAIR), closes_on=CLOSES):
    data = {"recipients": [user(u).pk for u in recipients], "closes_on": closes_on.isoformat()}
    if anonymous:
        data["anonymous"] = "on"
    response = demo.client(MAYOR).post(survey_new_url(discussion), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == f"{detail_url(discussion)}#survey"
    return Survey.objects.get(discussion=discussion)


def answer(demo, survey, username, texts: dict):
    data = {f"goal_{goal.pk}": text for goal, text in texts.items()}
    return demo.client(username).post(survey_url(survey), data)


# --- Creating ------------------------------------------------------------------------------------


def test_the_mayor_asks_board_members_and_the_council_chair(demo, discussion):
    response = demo.client(MAYOR).get(survey_new_url(discussion))
    assert response.status_code == 200
    doc = parse(response.content)
    offered = {
        int(e.attrs["value"]): "checked" in e.attrs
        for e in doc.find_all(lambda e: e.tag == "input" and e.attrs.get("name") == "recipients")
    }
    assert offered == {user(BOARD_MEMBER).pk: True, user(CHAIR).pk: True}
    # The mayor's own page offers the survey.
    page = parse(demo.client(MAYOR).get(detail_url(discussion)).content)
    assert any(
        a.attrs.get("href") == survey_new_url(discussion) for a in page.find_all(lambda e: e.tag == "a")
    )

    survey = open_survey(demo, discussion)
    assert set(survey.recipients.all()) == {user(BOARD_MEMBER), user(CHAIR)}
    assert (survey.closes_on, survey.anonymous, survey.created_by) == (CLOSES, False, user(MAYOR))
    (event,) = AuditEvent.objects.filter(action="survey.create")
    assert event.actor_label == MAYOR
    # One survey per discussion: the offer is gone, a second one is refused.
    page = parse(demo.client(MAYOR).get(detail_url(discussion)).content)
    assert not any(
        a.attrs.get("href") == survey_new_url(discussion) for a in page.find_all(lambda e: e.tag == "a")
    )
    assert demo.client(MAYOR).get(survey_new_url(discussion)).status_code == 403


@pytest.mark.parametrize("username", [CHAIR, DEPUTY, PREPARER, EXECUTIVE, "paakayttaja"])
def test_nobody_but_the_mayor_creates_a_survey(demo, discussion, username):
    client = demo.client(username)
    before = state()
    assert client.get(survey_new_url(discussion)).status_code == 403
    response = client.post(
        survey_new_url(discussion), {"recipients": [user(BOARD_MEMBER).pk], "closes_on": CLOSES.isoformat()}
    )
    assert response.status_code == 403
    assert state() == before
    assert AuditEvent.objects.filter(action="create_survey.denied", actor_label=username).count() == 2


@pytest.mark.parametrize("username", [PREPARER, MAYOR, EXECUTIVE, AUDITOR, "toinen-kh-pj"])
def test_only_board_members_and_the_council_chair_can_be_asked(demo, discussion, username):
    before = state()
    person = user(username)
    response = demo.client(MAYOR).post(
        survey_new_url(discussion),
        {"recipients": [user(BOARD_MEMBER).pk, person.pk], "closes_on": CLOSES.isoformat()},
    )
    assert field_errors(response, "id_recipients") == [fi(NOT_A_CHOICE, value=person.pk)]
    assert state() == before


@pytest.mark.parametrize(
    "closes_on", [dt.date(2026, 11, 26), SOON + dt.timedelta(days=1), dt.date(2027, 6, 1)]
)
def test_answers_are_due_between_today_and_the_discussion_day(demo, discussion, closes_on):
    before = state()
    response = demo.client(MAYOR).post(
        survey_new_url(discussion),
        {"recipients": [user(BOARD_MEMBER).pk], "closes_on": closes_on.isoformat()},
    )
    assert field_errors(response, "id_closes_on") == [fi(DUE_MESSAGE)]
    assert state() == before


@pytest.mark.parametrize("closes_on", [dt.date(2026, 11, 27), SOON])
def test_today_and_the_discussion_day_are_both_allowed(demo, discussion, closes_on):
    survey = open_survey(demo, discussion, closes_on=closes_on)
    assert survey.closes_on == closes_on


def test_no_recipient_is_an_error(demo, discussion):
    before = state()
    response = demo.client(MAYOR).post(
        survey_new_url(discussion), {"recipients": [], "closes_on": "2026-12-01"}
    )
    assert field_errors(response, "id_recipients") == [fi("This field is required.")]
    assert state() == before


# --- Answering ---------------------------------------------------------------------------------------


def test_a_board_member_finds_the_survey_on_the_front_page_and_answers(demo, discussion):
    survey = open_survey(demo, discussion)
    goals = goals_of(demo.current)
    client = demo.client(BOARD_MEMBER)
    front = parse(client.get("/").content)
    links = [
        a.attrs["href"]
        for a in front.find_all(
            lambda e: e.tag == "a" and e.closest(lambda p: "due-list" in p.classes) is not None
        )
    ]
    assert survey_url(survey) in links
    assert detail_url(discussion) not in links  # not a participant: nothing to confirm

    page = client.get(survey_url(survey))
    assert page.status_code == 200
    doc = parse(page.content)
    for goal in goals:
        assert doc.has_id(f"id_goal_{goal.pk}")
    assert fi("Your answers are shown to the participants of the discussion with your name.") in main_text(
        page
    )

    response = answer(demo, survey, BOARD_MEMBER, {goals[0]: VIEW, goals[1]: "  "})
    assert response.status_code == 302 and response["Location"] == survey_url(survey)
    mine = SurveyAnswer.objects.filter(survey=survey)
    assert list(mine.values_list("respondent__username", "goal_area", "text")) == [
        (BOARD_MEMBER, goals[0].pk, VIEW)
    ]
    # The own answer is shown back for changing until the survey closes.
    assert parse(client.get(survey_url(survey)).content).by_id(f"id_goal_{goals[0].pk}").value() == VIEW
    # The answer is restricted: the log counts answers, never holds their text.
    assert_not_in_audit(VIEW)
    assert AuditEvent.objects.filter(action="survey.answer", actor_label=BOARD_MEMBER).count() == 1

    # Emptying an answer removes it.
    answer(demo, survey, BOARD_MEMBER, {goals[0]: ""})
    assert not mine.exists()


def test_the_participants_read_the_answers_with_names_nobody_else_does(demo, discussion):
    survey = open_survey(demo, discussion)
    goals = goals_of(demo.current)
    answer(demo, survey, BOARD_MEMBER, {goals[0]: VIEW})
    answer(demo, survey, CHAIR, {goals[0]: CHAIR_VIEW})
    for username in (MAYOR, CHAIR, EXECUTIVE):
        doc = parse(demo.client(username).get(detail_url(discussion)).content)
        text = " ".join(doc.by_id("survey").text().split())
        assert f"Pekka Järvinen: {VIEW}" in text, username
        assert f"Leena Koskinen: {CHAIR_VIEW}" in text, username
        assert goals[0].title in text
    for username in (PREPARER, DEPUTY, "paakayttaja"):
        response = demo.client(username).get(detail_url(discussion))
        assert response.status_code == 200
        assert VIEW not in response.content.decode() and CHAIR_VIEW not in response.content.decode()
        assert not parse(response.content).has_id("survey")
    # A board member answers but never opens the discussion.
    for username in (BOARD_MEMBER, AUDITOR):
        response = demo.client(username).get(detail_url(discussion))
        assert response.status_code == 404
        assert VIEW not in response.content.decode()
    # The answer page shows a respondent only the own answers.
    page = demo.client(BOARD_MEMBER).get(survey_url(survey))
    assert VIEW in page.content.decode() and CHAIR_VIEW not in page.content.decode()


def test_anonymous_answers_show_no_name_anywhere_on_the_page(demo, discussion):
    survey = open_survey(demo, discussion, anonymous=True, recipients=(BOARD_MEMBER,))
    goals = goals_of(demo.current)
    page = demo.client(BOARD_MEMBER).get(survey_url(survey))
    assert fi("Your answers are shown to the participants of the discussion without your name.") in main_text(
        page
    )
    answer(demo, survey, BOARD_MEMBER, {goals[0]: VIEW, goals[2]: "Toinen näkemys."})
    for username in (MAYOR, EXECUTIVE):
        response = demo.client(username).get(detail_url(discussion))
        body = response.content.decode()
        assert VIEW in body and "Toinen näkemys." in body
        assert fi("The answers are anonymous.") in main_text(response)
        for name in ("Pekka", "Järvinen", f'"{BOARD_MEMBER}"', f">{BOARD_MEMBER}<", f": {BOARD_MEMBER}"):
            assert name not in body, name


def test_answering_is_refused_once_the_survey_has_closed(demo, discussion, fixed_today):
    survey = open_survey(demo, discussion)
    goals = goals_of(demo.current)
    answer(demo, survey, BOARD_MEMBER, {goals[0]: VIEW})
    fixed_today.move_to(dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC))
    client = demo.client(BOARD_MEMBER)
    page = client.get(survey_url(survey))
    assert page.status_code == 200
    doc = parse(page.content)
    assert not doc.find_all(lambda e: e.tag == "textarea")
    assert fi("The survey is closed.") in main_text(page)
    assert VIEW in main_text(page)  # what was given stays readable
    before = state()
    response = answer(demo, survey, BOARD_MEMBER, {goals[0]: "Myöhästynyt muutos"})
    assert response.status_code == 403
    assert state() == before
    assert AuditEvent.objects.filter(action="answer_survey.denied", actor_label=BOARD_MEMBER).count() == 1
    links = [a.attrs.get("href") for a in parse(client.get("/").content).find_all(lambda e: e.tag == "a")]
    assert survey_url(survey) not in links


def test_the_demo_survey_is_closed_and_frozen(demo):
    survey = Survey.objects.get(discussion=demo_discussion_of(demo))
    before = state()
    goal = survey.answers.first().goal_area
    response = answer(demo, survey, CHAIR, {goal: "Uusi näkemys"})
    assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize("username", [AUDITOR, MAYOR, PREPARER, "toinen-kh-pj"])
def test_people_not_asked_do_not_find_the_survey(demo, discussion, username):
    survey = open_survey(demo, discussion, recipients=(BOARD_MEMBER,))
    goals = goals_of(demo.current)
    before = state()
    client = demo.client(username)
    assert client.get(survey_url(survey)).status_code == 404
    assert client.post(survey_url(survey), {f"goal_{goals[0].pk}": "Ei kysytty"}).status_code == 404
    assert state() == before
    refused = AuditEvent.objects.filter(
        action="access.out_of_scope", actor_label=username, object_type="discussions.survey"
    )
    assert refused.count() == 2
