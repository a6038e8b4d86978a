"""Issue 5, "Bad input": ratings outside the scale, submitting without a rating or text,
a checkpoint not open yet or already agreed, a plan version not approved, roles that
may not, forged ids. Clear messages in Finnish, nothing half-saved."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from suunta.followup import services
from suunta.followup.models import Assessment, AssessmentKind, FollowUpStatus

from ..dom import parse
from ..factories import MembershipFactory
from .common import (
    EVALUATORS,
    EXECUTIVE,
    PREPARER,
    action_url,
    agree_all,
    agreed_data,
    agreed_url,
    checkpoints,
    denied,
    fi,
    field_errors,
    goals,
    notices,
    open_checkpoint,
    own_data,
    own_url,
    page_url,
    ratings,
    self_assess,
    state,
    status_of,
    views_in,
)

pytestmark = pytest.mark.django_db


def foreign_rating(demo, which: str) -> str:
    """A rating id that is not on Esimerkkikunta's scale."""
    if which == "other-organization":
        return str(ratings(demo.other_org)["achieved"].pk)
    if which == "non-existent":
        return "999999"
    return "paras"


def assert_nothing_saved(before) -> None:
    assert state() == before, "something was (half-)saved"


# --- Ratings outside the scale --------------------------------------------------------------------


@pytest.mark.parametrize("which", ["other-organization", "non-existent", "not-a-number"])
@pytest.mark.parametrize("submit", [False, True], ids=["draft", "submit"])
def test_one_goal_rated_outside_the_scale_saves_none_of_the_six(demo, which, submit):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    goal_list = goals(plan)
    bad = goal_list[2]
    data = own_data(goal_list, ratings(demo.org)["progressed"], "Itsearvioteksti", submit=submit)
    data[f"own-{bad.pk}-rating"] = foreign_rating(demo, which)
    before = state()
    response = demo.client(EXECUTIVE).post(own_url(plan, checkpoint), data)
    assert field_errors(response, f"id_own-{bad.pk}-rating") == [fi("Choose a rating from the scale.")]
    assert_nothing_saved(before)
    # What the user typed is still there, in every goal.
    doc = parse(response.content)
    for goal in goal_list:
        assert doc.by_id(f"id_own-{goal.pk}-text").value() == f"Itsearvioteksti ({goal.title})"
    assert field_errors(response, f"id_own-{goal_list[0].pk}-rating") == []


@pytest.mark.parametrize("which", ["other-organization", "non-existent"])
def test_an_evaluators_view_rated_outside_the_scale_is_refused(demo, which):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    goal_list = goals(plan)
    data = own_data(goal_list, ratings(demo.org)["partly"], "Näkemysteksti", submit=True)
    data[f"own-{goal_list[-1].pk}-rating"] = foreign_rating(demo, which)
    before = state()
    response = demo.client("valtuuston-pj").post(own_url(plan, checkpoint), data)
    assert field_errors(response, f"id_own-{goal_list[-1].pk}-rating") == [
        fi("Choose a rating from the scale.")
    ]
    assert_nothing_saved(before)


@pytest.mark.parametrize("which", ["other-organization", "non-existent"])
def test_an_agreed_follow_up_rated_outside_the_scale_is_refused(demo, which):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    goal = goals(plan)[0]
    before = state()
    data = agreed_data(goal, foreign_rating(demo, which), "Sovittu teksti", 0)
    response = demo.client(PREPARER).post(agreed_url(plan, checkpoint, goal), data)
    assert field_errors(response, f"id_agreed-{goal.pk}-rating") == [fi("Choose a rating from the scale.")]
    assert parse(response.content).by_id(f"id_agreed-{goal.pk}-text").value() == "Sovittu teksti"
    assert_nothing_saved(before)


def test_the_service_refuses_another_organizations_rating(demo):
    checkpoint = open_checkpoint(demo)
    before = state()
    with pytest.raises(ValidationError) as error:
        services.save_assessment(
            demo.user(EXECUTIVE),
            checkpoint,
            goals(demo.current)[0],
            AssessmentKind.SELF,
            rating=ratings(demo.other_org)["achieved"],
            text="Teksti",
            submit=True,
        )
    assert error.value.message_dict == {"rating": [fi("Choose a rating from the scale.")]}
    assert_nothing_saved(before)


# --- Submitting without a rating or a text ---------------------------------------------------------


def test_submitting_without_a_rating_or_text_saves_nothing_and_says_where(demo):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    goal_list = goals(plan)
    no_rating, no_text, blank_text = goal_list[1], goal_list[3], goal_list[5]
    data = own_data(goal_list, ratings(demo.org)["progressed"], "Itsearvioteksti", submit=True)
    data[f"own-{no_rating.pk}-rating"] = ""
    data[f"own-{no_text.pk}-text"] = ""
    data[f"own-{blank_text.pk}-text"] = "   \n  "
    before = state()
    response = demo.client(EXECUTIVE).post(own_url(plan, checkpoint), data)
    assert field_errors(response, f"id_own-{no_rating.pk}-rating") == [
        fi("Choose a rating before submitting.")
    ]
    assert field_errors(response, f"id_own-{no_text.pk}-text") == [
        fi("Write the assessment before submitting.")
    ]
    assert field_errors(response, f"id_own-{blank_text.pk}-text") == [
        fi("Write the assessment before submitting.")
    ]
    assert field_errors(response, f"id_own-{goal_list[0].pk}-text") == []
    assert_nothing_saved(before)
    assert status_of(checkpoint) == FollowUpStatus.OPEN


def test_a_failed_submit_leaves_the_earlier_draft_untouched(demo):
    """The draft saved earlier stays as it was: not some goals updated or submitted."""
    plan, checkpoint = demo.current, open_checkpoint(demo)
    goal_list = goals(plan)
    client = demo.client(EXECUTIVE)
    scale = ratings(demo.org)
    assert (
        client.post(
            own_url(plan, checkpoint), own_data(goal_list, scale["partly"], "Vanha luonnos")
        ).status_code
        == 302
    )
    before = state()
    data = own_data(goal_list, scale["achieved"], "Uusi teksti", submit=True)
    data[f"own-{goal_list[-1].pk}-rating"] = ""
    response = client.post(own_url(plan, checkpoint), data)
    assert field_errors(response, f"id_own-{goal_list[-1].pk}-rating") == [
        fi("Choose a rating before submitting.")
    ]
    assert_nothing_saved(before)
    assert set(Assessment.objects.filter(checkpoint=checkpoint).values_list("submitted_at", flat=True)) == {
        None
    }


def test_a_draft_may_be_incomplete(demo):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    goal_list = goals(plan)
    data = own_data(goal_list, None, "")
    data[f"own-{goal_list[0].pk}-text"] = "Vasta aloitettu"
    response = demo.client(EXECUTIVE).post(own_url(plan, checkpoint), data)
    assert response.status_code == 302
    drafts = Assessment.objects.filter(checkpoint=checkpoint, kind=AssessmentKind.SELF)
    assert drafts.count() == 6 and not drafts.filter(submitted_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("rating", "text", "field"), [(None, "Sovittu teksti", "rating"), ("progressed", "  ", "text")]
)
def test_the_agreed_follow_up_needs_a_rating_and_a_text(demo, rating, text, field):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    goal = goals(plan)[0]
    before = state()
    data = agreed_data(goal, ratings(demo.org)[rating] if rating else None, text, 0)
    response = demo.client(PREPARER).post(agreed_url(plan, checkpoint, goal), data)
    message = {
        "rating": "Choose a rating before submitting.",
        "text": "Write the assessment before submitting.",
    }[field]
    assert field_errors(response, f"id_agreed-{goal.pk}-{field}") == [fi(message)]
    assert_nothing_saved(before)


# --- A checkpoint not open, or already agreed ----------------------------------------------------------


@pytest.mark.parametrize("username", [EXECUTIVE, "pormestari", PREPARER])
def test_writing_before_the_window_opens_is_refused(demo, fixed_today, username):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    fixed_today.move_to(dt.datetime(2026, 11, 16, 12, 0, tzinfo=dt.UTC))  # the window opens on 17.11.
    client = demo.client(username)
    goal_list = goals(plan)
    message = fi("This follow-up opens on %(date)s.", date="17.11.2026")
    page = client.get(page_url(plan, checkpoint))
    assert message in notices(page)
    assert not parse(page.content).has_id(f"id_own-{goal_list[0].pk}-text")
    assert not parse(page.content).has_id(f"id_agreed-{goal_list[0].pk}-text")
    before = state()
    if username == PREPARER:
        response = client.post(
            agreed_url(plan, checkpoint, goal_list[0]),
            agreed_data(goal_list[0], ratings(demo.org)["partly"], "Sovittu", 0),
        )
    else:
        response = client.post(
            own_url(plan, checkpoint), own_data(goal_list, ratings(demo.org)["partly"], "Teksti", submit=True)
        )
    assert response.status_code == 200
    assert message in notices(response)
    assert_nothing_saved(before)


def test_the_next_checkpoint_is_not_open_yet(demo):
    plan, later = demo.current, checkpoints(demo.current)[1]
    assert later.window_start == dt.date(2027, 1, 1)
    before = state()
    response = demo.client(EXECUTIVE).post(
        own_url(plan, later), own_data(goals(plan), ratings(demo.org)["partly"], "Teksti")
    )
    assert fi("This follow-up opens on %(date)s.", date="1.1.2027") in notices(response)
    assert_nothing_saved(before)


@pytest.mark.parametrize("username", [EXECUTIVE, "valtuuston-pj", PREPARER])
def test_writing_on_a_reported_checkpoint_of_the_seed_plan_is_refused(demo, username):
    plan = demo.plan
    checkpoint = checkpoints(plan)[0]
    assert status_of(checkpoint) == FollowUpStatus.REPORTED
    goal_list = goals(plan)
    client = demo.client(username)
    message = fi("This follow-up has already been agreed.")
    assert message in notices(client.get(page_url(plan, checkpoint)))
    before = state()
    if username == PREPARER:
        response = client.post(
            agreed_url(plan, checkpoint, goal_list[0]),
            agreed_data(goal_list[0], ratings(demo.org)["partly"], "Uusi", None),
        )
    else:
        response = client.post(
            own_url(plan, checkpoint), own_data(goal_list, ratings(demo.org)["partly"], "Uusi", submit=True)
        )
    assert response.status_code == 200
    assert message in notices(response)
    assert_nothing_saved(before)


def test_writing_on_an_agreed_checkpoint_is_refused(demo):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    scale = ratings(demo.org)
    self_assess(demo, checkpoint, scale["progressed"])
    views_in(demo, checkpoint, scale["progressed"])
    agree_all(demo, checkpoint, scale["progressed"])
    services.mark_agreed(demo.user(PREPARER), checkpoint, dt.date(2026, 11, 26))
    goal = goals(plan)[0]
    before = state()
    response = demo.client("pormestari").post(
        agreed_url(plan, checkpoint, goal), agreed_data(goal, scale["achieved"], "Jälkikäteen", None)
    )
    assert fi("This follow-up has already been agreed.") in notices(response)
    response = demo.client(PREPARER).post(action_url("close", plan, checkpoint), {"close-reason": "Myöhässä"})
    assert fi("There is no open step to close at this point.") in notices(response)
    assert_nothing_saved(before)


# --- A plan version that is not approved --------------------------------------------------------------


@pytest.mark.parametrize("username", [EXECUTIVE, "pormestari", PREPARER])
def test_a_draft_plan_takes_no_follow_ups(demo, fixed_today, username):
    plan = demo.draft
    assert plan.latest_version().status == "draft"
    checkpoint = checkpoints(plan)[0]
    # Even with its window open.
    fixed_today.move_to(dt.datetime(2027, 11, 20, 12, 0, tzinfo=dt.UTC))
    assert checkpoint.window_start <= dt.date(2027, 11, 20) <= checkpoint.window_end
    goal_list = goals(plan)
    client = demo.client(username)
    message = fi(
        "Follow-ups are written on an approved plan; this version is “%(status)s”.", status="Luonnos"
    )
    assert message in notices(client.get(page_url(plan, checkpoint)))
    before = state()
    if username == PREPARER:
        response = client.post(
            agreed_url(plan, checkpoint, goal_list[0]),
            agreed_data(goal_list[0], ratings(demo.org)["partly"], "Sovittu", 0),
        )
    else:
        response = client.post(
            own_url(plan, checkpoint), own_data(goal_list, ratings(demo.org)["partly"], "Teksti", submit=True)
        )
    assert response.status_code == 200
    assert message in notices(response)
    assert_nothing_saved(before)


# --- Roles that may not: 403, audited --------------------------------------------------------------------

ROLE_CASES = [
    # (who, what, the refused action)
    ("hallitus", "own", "write_view.denied"),
    ("tarkastaja", "own", "write_view.denied"),
    ("paakayttaja", "own", "write_view.denied"),
    ("hallitus", "agreed", "write_agreed.denied"),
    (EXECUTIVE, "agreed", "write_agreed.denied"),
    ("paakayttaja", "agreed", "write_agreed.denied"),
    ("pormestari", "report", "report_followup.denied"),
    ("valtuuston-pj", "report", "report_followup.denied"),
    (EXECUTIVE, "report", "report_followup.denied"),
    ("apulaispormestari", "mark", "mark_agreed.denied"),
    (EXECUTIVE, "mark", "mark_agreed.denied"),
    ("hallitus", "mark", "mark_agreed.denied"),
    (EXECUTIVE, "close", "close_followup_step.denied"),
]


def ready_for(demo, checkpoint, what: str) -> None:
    """Bring the checkpoint to where `what` would be the next step for someone allowed."""
    scale = ratings(demo.org)
    if what in ("mark", "report"):
        self_assess(demo, checkpoint, scale["progressed"])
        views_in(demo, checkpoint, scale["progressed"])
        agree_all(demo, checkpoint, scale["progressed"])
    if what == "report":
        services.mark_agreed(demo.user(PREPARER), checkpoint, dt.date(2026, 11, 26))


@pytest.mark.parametrize(("username", "what", "action"), ROLE_CASES)
def test_a_role_that_may_not_gets_403_and_is_audited(demo, username, what, action):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    ready_for(demo, checkpoint, what)
    goal = goals(plan)[0]
    scale = ratings(demo.org)
    url, data = {
        "own": (own_url(plan, checkpoint), own_data(goals(plan), scale["partly"], "Teksti", submit=True)),
        "agreed": (agreed_url(plan, checkpoint, goal), agreed_data(goal, scale["partly"], "Sovittu", 0)),
        "report": (
            action_url("report", plan, checkpoint),
            {"report-meeting_date": "2026-11-27", "report-section": "9"},
        ),
        "mark": (action_url("mark", plan, checkpoint), {"mark-meeting_date": "2026-11-26"}),
        "close": (action_url("close", plan, checkpoint), {"close-reason": "Syy"}),
    }[what]
    status = status_of(checkpoint)
    before, refused = state(), len(denied(demo.org))
    response = demo.client(username).post(url, data)
    assert response.status_code == 403
    assert_nothing_saved(before)
    assert status_of(checkpoint) == status
    events = denied(demo.org)
    assert len(events) == refused + 1
    assert (events[-1].action, events[-1].actor_label) == (action, username)


@pytest.mark.parametrize("extra_role", [None, "evaluator", "preparer"])
def test_the_executive_never_writes_a_view_or_the_agreed_text(demo, extra_role):
    """Whatever roles the executive also holds (disqualified on own goals)."""
    checkpoint = open_checkpoint(demo)
    executive = demo.user(EXECUTIVE)
    if extra_role:
        MembershipFactory(organization=demo.org, user=executive, role=extra_role, title="")
    goal = goals(demo.current)[0]
    before, refused = state(), len(denied(demo.org))
    for kind in (AssessmentKind.VIEW, AssessmentKind.AGREED):
        with pytest.raises(PermissionDenied):
            services.save_assessment(
                executive,
                checkpoint,
                goal,
                kind,
                rating=ratings(demo.org)["achieved"],
                text="Oma",
                submit=True,
            )
    assert_nothing_saved(before)
    assert [e.action for e in denied(demo.org)[refused:]] == ["write_view.denied", "write_agreed.denied"]
    # Through the page, the executive's own form stays the self-assessment.
    client = demo.client(EXECUTIVE)
    response = client.post(
        agreed_url(demo.current, checkpoint, goal), agreed_data(goal, ratings(demo.org)["achieved"], "Oma", 0)
    )
    assert response.status_code == 403
    response = client.post(
        own_url(demo.current, checkpoint), own_data(goals(demo.current), ratings(demo.org)["achieved"], "Oma")
    )
    assert response.status_code == 302
    assert set(
        Assessment.objects.filter(author=executive, checkpoint=checkpoint).values_list("kind", flat=True)
    ) == {"self"}


def test_an_evaluator_never_writes_the_self_assessment(demo):
    checkpoint = open_checkpoint(demo)
    before = state()
    for username in (*EVALUATORS, PREPARER):
        with pytest.raises(PermissionDenied):
            services.save_assessment(
                demo.user(username),
                checkpoint,
                goals(demo.current)[0],
                AssessmentKind.SELF,
                rating=ratings(demo.org)["achieved"],
                text="Toisen puolesta",
                submit=True,
            )
    assert_nothing_saved(before)


# --- Forged ids --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["seed-plan", "other-organization", "non-existent"])
def test_a_forged_goal_id_is_404(demo, where):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    goal = {
        "seed-plan": lambda: goals(demo.plan)[0],
        "other-organization": lambda: goals(demo.other_plan)[0],
        "non-existent": lambda: type(goals(plan)[0])(pk=999999),
    }[where]()
    before = state()
    response = demo.client(PREPARER).post(
        agreed_url(plan, checkpoint, goal), agreed_data(goal, ratings(demo.org)["partly"], "Väärä", 0)
    )
    assert response.status_code == 404
    assert_nothing_saved(before)


def test_a_forged_goal_in_the_all_goals_form_is_ignored(demo):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    stranger = goals(demo.plan)[0]
    data = own_data(goals(plan), ratings(demo.org)["partly"], "Teksti")
    data.update(
        {
            f"own-{stranger.pk}-rating": str(ratings(demo.org)["achieved"].pk),
            f"own-{stranger.pk}-text": "Väärä",
        }
    )
    assert demo.client(EXECUTIVE).post(own_url(plan, checkpoint), data).status_code == 302
    assert not Assessment.objects.filter(goal_area=stranger, text="Väärä").exists()
    assert set(
        Assessment.objects.filter(checkpoint=checkpoint).values_list("goal_area__version", flat=True)
    ) == {checkpoint.version_id}


@pytest.mark.parametrize("where", ["seed-plan", "other-organization"])
def test_a_forged_checkpoint_id_is_404(demo, where):
    plan = demo.current
    foreign = checkpoints(demo.plan if where == "seed-plan" else demo.other_plan)[0]
    client = demo.client(PREPARER)
    before = state()
    assert client.get(page_url(plan, foreign)).status_code == 404
    response = client.post(
        own_url(plan, foreign), own_data(goals(plan), ratings(demo.org)["partly"], "Teksti")
    )
    assert response.status_code == 404
    assert client.post(action_url("close", plan, foreign), {"close-reason": "Syy"}).status_code == 404
    assert_nothing_saved(before)


def test_another_organizations_user_sees_nothing(demo):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    client = demo.client("toinen-kh-pj")
    before = state()
    assert client.get(page_url(plan, checkpoint)).status_code == 404
    assert (
        client.post(
            own_url(plan, checkpoint), own_data(goals(plan), ratings(demo.org)["partly"], "Teksti")
        ).status_code
        == 404
    )
    assert_nothing_saved(before)
