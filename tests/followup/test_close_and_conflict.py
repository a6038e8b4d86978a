"""Issue 5: a step someone never completes is closed by the preparer or the mayor with a
recorded reason (the forced close), and two evaluators saving the same agreed text get
a conflict view, losing nothing (optimistic locking)."""

import pytest
from django.core.exceptions import ValidationError

from suunta.followup import services
from suunta.followup.models import Assessment, AssessmentKind, FollowUpStatus, SkippedStep

from ..dom import parse
from ..helpers import REQUIRED_FI, assert_field_error
from .common import (
    EXECUTIVE,
    PREPARER,
    action_url,
    agreed_data,
    agreed_url,
    denied,
    fi,
    fi_date,
    form_revision,
    goals,
    main_text,
    open_checkpoint,
    page_url,
    ratings,
    self_assess,
    squash,
    state,
    status_of,
    views_in,
)

pytestmark = pytest.mark.django_db

REASON = "Apulaispormestari on sairauslomalla; näkemykset käsitellään kokouksessa."


# --- The forced close ---------------------------------------------------------------------------


@pytest.mark.parametrize("closer", [PREPARER, "pormestari"])
def test_the_preparer_or_mayor_closes_the_views_step_with_a_reason(demo, closer):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    scale = ratings(demo.org)
    self_assess(demo, checkpoint, scale["progressed"])
    views_in(demo, checkpoint, scale["progressed"], usernames=("pormestari", "valtuuston-pj"))
    assert status_of(checkpoint) == FollowUpStatus.SELF_ASSESSED
    client = demo.client(closer)
    page = client.get(page_url(plan, checkpoint))
    assert parse(page.content).has_id("id_close-reason")
    assert fi("Views submitted by %(done)s of %(total)s evaluators.", done=2, total=3) in main_text(page)

    response = client.post(action_url("close", plan, checkpoint), {"close-reason": f"  {REASON}  "})
    assert response.status_code == 302
    assert response["Location"] == page_url(plan, checkpoint)
    assert status_of(checkpoint) == FollowUpStatus.VIEWS_IN
    step = SkippedStep.objects.get(followup__checkpoint=checkpoint)
    assert (step.from_status, step.to_status, step.reason, step.closed_by) == (
        FollowUpStatus.SELF_ASSESSED,
        FollowUpStatus.VIEWS_IN,
        REASON,
        demo.user(closer),
    )
    closed = demo.org.audit_events.filter(action="followup.step_closed", object_id=str(step.followup_id))
    assert [e.actor_label for e in closed] == [closer]

    # Shown on the page, to everyone inside: who closed it, when and why.
    user = demo.user(closer)
    for username in (EXECUTIVE, "apulaispormestari", PREPARER):
        shown = main_text(demo.client(username).get(page_url(plan, checkpoint)))
        expected = fi(
            "Step closed by %(name)s on %(date)s: %(reason)s",
            name=str(user),
            date=fi_date(step.created_at.date()),
            reason=REASON,
        )
        assert expected in shown, username
    # The step is closed: no close form any more, the agreement can go on.
    page = client.get(page_url(plan, checkpoint))
    assert not parse(page.content).has_id("id_close-reason")


def test_the_self_assessment_step_can_be_closed_too(demo):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    response = demo.client(PREPARER).post(action_url("close", plan, checkpoint), {"close-reason": REASON})
    assert response.status_code == 302
    assert status_of(checkpoint) == FollowUpStatus.SELF_ASSESSED
    assert SkippedStep.objects.get(followup__checkpoint=checkpoint).from_status == FollowUpStatus.OPEN


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_an_empty_reason_is_an_error_beside_the_field(demo, reason):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    scale = ratings(demo.org)
    self_assess(demo, checkpoint, scale["progressed"])
    views_in(demo, checkpoint, scale["progressed"], usernames=("pormestari", "valtuuston-pj"))
    before = state()
    response = demo.client(PREPARER).post(action_url("close", plan, checkpoint), {"close-reason": reason})
    assert_field_error(response, "id_close-reason", REQUIRED_FI)
    assert state() == before
    assert status_of(checkpoint) == FollowUpStatus.SELF_ASSESSED


def test_the_service_refuses_an_empty_reason_too(demo):
    checkpoint = open_checkpoint(demo)
    with pytest.raises(ValidationError) as error:
        services.close_step(demo.user(PREPARER), checkpoint, "  ")
    assert error.value.message_dict == {"reason": [fi("Write why the step is closed.")]}
    assert not SkippedStep.objects.filter(followup__checkpoint=checkpoint).exists()


@pytest.mark.parametrize(
    "username", ["apulaispormestari", "valtuuston-pj", EXECUTIVE, "hallitus", "paakayttaja"]
)
def test_no_one_else_closes_a_step(demo, username):
    """Another evaluator (not the mayor), the executive, a board member, the admin: 403, audited."""
    plan, checkpoint = demo.current, open_checkpoint(demo)
    scale = ratings(demo.org)
    self_assess(demo, checkpoint, scale["progressed"])
    views_in(demo, checkpoint, scale["progressed"], usernames=("pormestari", "valtuuston-pj"))
    client = demo.client(username)
    assert not parse(client.get(page_url(plan, checkpoint)).content).has_id("id_close-reason")
    before, refused = state(), len(denied(demo.org))
    response = client.post(action_url("close", plan, checkpoint), {"close-reason": REASON})
    assert response.status_code == 403
    assert state() == before
    events = denied(demo.org)
    assert len(events) == refused + 1
    assert (events[-1].action, events[-1].actor_label) == ("close_followup_step.denied", username)
    assert status_of(checkpoint) == FollowUpStatus.SELF_ASSESSED


# --- Conflicting edits of the agreed text ------------------------------------------------------------


@pytest.mark.parametrize("already_agreed", [False, True], ids=["first-text", "existing-text"])
def test_the_second_evaluator_saving_the_agreed_text_gets_the_conflict_view(demo, already_agreed):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    scale = ratings(demo.org)
    goal = goals(plan)[2]
    if already_agreed:
        services.save_assessment(
            demo.user(PREPARER),
            checkpoint,
            goal,
            AssessmentKind.AGREED,
            rating=scale["partly"],
            text="Aiempi teksti",
        )
    mayor, chair = demo.client("pormestari"), demo.client("valtuuston-pj")
    url = page_url(plan, checkpoint)
    # Both open the page: the same revision in both forms.
    mayor_revision = form_revision(mayor.get(url), goal)
    chair_revision = form_revision(chair.get(url), goal)
    assert mayor_revision == chair_revision

    first = mayor.post(
        agreed_url(plan, checkpoint, goal),
        agreed_data(goal, scale["progressed"], "Pormestarin muotoilu", mayor_revision),
    )
    assert first.status_code == 302
    saved = Assessment.objects.get(checkpoint=checkpoint, goal_area=goal, kind=AssessmentKind.AGREED)
    assert (saved.text, saved.rating, saved.author) == (
        "Pormestarin muotoilu",
        scale["progressed"],
        demo.user("pormestari"),
    )
    before = state()

    second = chair.post(
        agreed_url(plan, checkpoint, goal),
        agreed_data(goal, scale["partly"], "Puheenjohtajan muotoilu", chair_revision),
    )
    # The conflict view: nothing saved, both texts on the page.
    assert second.status_code == 200
    assert state() == before
    doc = parse(second.content)
    conflict = doc.find_all(lambda e: "conflict" in e.classes and e.tag == "section")
    assert len(conflict) == 1
    assert conflict[0].attrs.get("role") == "alert"
    shown = squash(conflict[0].text())
    assert "Pormestarin muotoilu" in shown and "Edistynyt" in shown  # the saved one, rating as text
    assert "Puheenjohtajan muotoilu" not in shown
    assert str(demo.user("pormestari")) in shown
    # Their own text is still in the form, with their rating, and the new revision.
    assert doc.by_id(f"id_agreed-{goal.pk}-text").value() == "Puheenjohtajan muotoilu"
    checked = [
        e.attrs["value"]
        for e in doc.find_all(
            lambda e: e.attrs.get("name") == f"agreed-{goal.pk}-rating" and "checked" in e.attrs
        )
    ]
    assert checked == [str(scale["partly"].pk)]
    new_revision = doc.by_id(f"id_agreed-{goal.pk}-revision").value()
    assert new_revision == str(saved.revision)
    assert new_revision != chair_revision

    # Saving again, knowingly (the new revision now in the form), succeeds.
    third = chair.post(
        agreed_url(plan, checkpoint, goal),
        agreed_data(goal, scale["partly"], "Puheenjohtajan muotoilu", new_revision),
    )
    assert third.status_code == 302
    saved.refresh_from_db()
    assert (saved.text, saved.rating, saved.author) == (
        "Puheenjohtajan muotoilu",
        scale["partly"],
        demo.user("valtuuston-pj"),
    )
    assert saved.revision == int(new_revision) + 1
    # And the mayor, still holding the old form, would now get the conflict view.
    stale = mayor.post(
        agreed_url(plan, checkpoint, goal), agreed_data(goal, scale["achieved"], "Myöhässä", mayor_revision)
    )
    assert stale.status_code == 200
    assert parse(stale.content).find_all(lambda e: "conflict" in e.classes)
    saved.refresh_from_db()
    assert saved.text == "Puheenjohtajan muotoilu"


def test_the_service_raises_a_conflict_with_both_versions(demo):
    checkpoint = open_checkpoint(demo)
    scale = ratings(demo.org)
    goal = goals(demo.current)[0]
    saved = services.save_assessment(
        demo.user("pormestari"),
        checkpoint,
        goal,
        AssessmentKind.AGREED,
        rating=scale["achieved"],
        text="Ensimmäinen",
    )
    with pytest.raises(services.ConflictError) as conflict:
        services.save_assessment(
            demo.user("valtuuston-pj"),
            checkpoint,
            goal,
            AssessmentKind.AGREED,
            rating=scale["partly"],
            text="Toinen",
            revision=saved.revision - 1,
        )
    assert conflict.value.assessment.text == "Ensimmäinen"
    assert (conflict.value.mine_text, conflict.value.mine_rating_id) == ("Toinen", scale["partly"].pk)
    saved.refresh_from_db()
    assert saved.text == "Ensimmäinen"


def test_closing_the_self_assessment_moves_on_when_the_views_are_already_in(demo):
    """The executive never submitted, the three evaluators did: closing the self-assessment
    step leaves nothing open, so the follow-up is at "views in" (not stuck with no one due)."""
    plan, checkpoint = demo.current, open_checkpoint(demo)
    views_in(demo, checkpoint, ratings(demo.org)["partly"])
    assert status_of(checkpoint) == FollowUpStatus.OPEN
    response = demo.client(PREPARER).post(action_url("close", plan, checkpoint), {"close-reason": REASON})
    assert response.status_code == 302
    assert status_of(checkpoint) == FollowUpStatus.VIEWS_IN
    assert SkippedStep.objects.filter(followup__checkpoint=checkpoint).count() == 1
    page = demo.client(PREPARER).get(page_url(plan, checkpoint))
    assert parse(page.content).has_id("id_mark-meeting_date")


def test_an_agreed_text_sent_after_the_follow_up_was_agreed_comes_back_with_the_reason(demo):
    """The mayor had the page open while the follow-up was marked agreed: the save is
    refused, and the form comes back with what was typed and why, not as a blank page."""
    plan, checkpoint = demo.current, open_checkpoint(demo)
    scale = ratings(demo.org)
    goal = goals(plan)[0]
    mayor = demo.client("pormestari")
    revision = form_revision(mayor.get(page_url(plan, checkpoint)), goal)
    followup = services.followup_of(checkpoint)
    followup.status = FollowUpStatus.AGREED
    followup.save()
    before = state()

    response = mayor.post(
        agreed_url(plan, checkpoint, goal),
        agreed_data(goal, scale["achieved"], "Myöhästynyt muotoilu", revision),
    )

    assert response.status_code == 200
    assert state() == before
    doc = parse(response.content)
    assert doc.by_id(f"id_agreed-{goal.pk}-text").value() == "Myöhästynyt muotoilu"
    form = doc.by_id(f"id_agreed-{goal.pk}-text").closest(lambda e: e.tag == "form")
    assert fi("This follow-up has already been agreed.") in squash(form.text())
