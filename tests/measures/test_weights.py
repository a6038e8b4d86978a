"""Goal weights and the weighted overall result (issue 6): organizations that weigh
their goals (Toinen kunta in the demo) give every goal of a draft a weight, together
100; the follow-up shows Σ(weight × points) / Σ weight over the agreed ratings, with
the formula. Organizations without weights see none of it."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from suunta.agreements import services as plan_services
from suunta.agreements.models import FrozenVersionError, GoalArea, PlanVersion
from suunta.followup import services as followup_services
from suunta.followup.models import AssessmentKind, Rating
from suunta.measures import services
from suunta.measures.weights import overall_result

from ..helpers import REQUIRED_FI
from ..helpers import fi as django_fi
from .common import (
    PREPARER,
    event_changes,
    events,
    fi,
    field_errors,
    form_errors,
    goals_of,
    page,
    squash,
    success_messages,
    weights_url,
)

TOINEN_PREPARER = "toinen-valmistelija"
TOINEN_EVALUATOR = "toinen-kh-pj"
TOINEN_EXECUTIVE = "toinen-johtaja"


def weights_of(version) -> list:
    return [g.weight for g in goals_of(version)]


@pytest.fixture
def amendment(demo) -> PlanVersion:
    """Version 2 of Toinen kunta's approved plan: a draft whose weights may be set."""
    return plan_services.amend(demo.user(TOINEN_PREPARER), demo.other_plan)


def weights_data(version, *weights) -> dict:
    return {f"goal_{g.pk}": str(w) for g, w in zip(goals_of(version), weights, strict=False)}


# --- Setting weights on a draft -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_weighs_toinen_kuntas_goals_40_40_20(demo):
    assert demo.other_org.use_weights and not demo.org.use_weights
    assert weights_of(demo.other_plan.versions.get()) == [40, 40, 20]


@pytest.mark.django_db
def test_an_amendment_keeps_the_weights(demo, amendment):
    """The weights are part of the goals the amendment copies, like their texts."""
    assert weights_of(amendment) == [40, 40, 20]


@pytest.mark.django_db
@pytest.mark.parametrize("username", [TOINEN_PREPARER, TOINEN_EVALUATOR])
def test_an_editor_saves_weights_that_sum_to_100(demo, amendment, username):
    before_events = len(events(demo.other_org, "goal.weight"))
    client = demo.client(username)
    # From whatever they are to 50 / 30 / 20: each change one audit event.
    start = weights_of(amendment)
    response = client.post(weights_url(demo.other_plan), weights_data(amendment, 50, 30, 20))
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("plan_detail", args=[demo.other_plan.pk]) + "#weights"
    assert weights_of(amendment) == [50, 30, 20]
    new_events = events(demo.other_org, "goal.weight")[before_events:]
    expected = [[old, new] for old, new in zip(start, [50, 30, 20], strict=True) if old != new]
    assert [event_changes(e) for e in new_events] == [{"weight": pair} for pair in expected]
    assert {e.actor_label for e in new_events} == {username}
    followed = client.get(response["Location"])
    assert success_messages(followed) == [fi("The weights were saved.")]
    # The plan page shows each goal's weight.
    doc = page(followed)
    shown = [squash(e.text()) for e in doc.find_all(lambda e: "goal-weight" in e.classes)]
    assert shown == [fi("Weight %(weight)s %%", weight=w) for w in (50, 30, 20)]


@pytest.mark.django_db
def test_only_changed_weights_are_audited(demo, amendment):
    client = demo.client(TOINEN_PREPARER)
    assert client.post(weights_url(demo.other_plan), weights_data(amendment, 40, 40, 20)).status_code == 302
    before = len(events(demo.other_org, "goal.weight"))
    assert client.post(weights_url(demo.other_plan), weights_data(amendment, 40, 30, 30)).status_code == 302
    changed = events(demo.other_org, "goal.weight")[before:]
    goals = goals_of(amendment)
    assert [(e.object_id, event_changes(e)) for e in changed] == [
        (str(goals[1].pk), {"weight": [40, 30]}),
        (str(goals[2].pk), {"weight": [20, 30]}),
    ]


@pytest.mark.django_db
def test_the_plan_page_offers_the_weights_form_with_the_current_weights(demo, amendment):
    services.set_weights(
        demo.user(TOINEN_PREPARER),
        amendment,
        dict(zip([g.pk for g in goals_of(amendment)], [60, 25, 15], strict=True)),
    )
    response = demo.client(TOINEN_PREPARER).get(reverse("plan_detail", args=[demo.other_plan.pk]))
    doc = page(response)
    assert [doc.by_id(f"id_goal_{g.pk}").value() for g in goals_of(amendment)] == ["60", "25", "15"]
    form = doc.by_id("weights").find_all(lambda e: e.tag == "form")[0]
    assert form.attrs["action"] == weights_url(demo.other_plan)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("weights", "total"), [((40, 40, 10), 90), ((50, 50, 20), 120), ((0, 0, 0), 0), ((100, 100, 0), 200)]
)
def test_weights_that_do_not_sum_to_100_are_refused(demo, amendment, weights, total):
    before, weight_events = weights_of(amendment), len(events(demo.other_org, "goal.weight"))
    response = demo.client(TOINEN_PREPARER).post(
        weights_url(demo.other_plan), weights_data(amendment, *weights)
    )
    assert fi("The weights must sum to 100; now they sum to %(total)s.", total=total) in form_errors(response)
    doc = page(response)
    assert [doc.by_id(f"id_goal_{g.pk}").value() for g in goals_of(amendment)] == [str(w) for w in weights]
    assert weights_of(amendment) == before
    assert len(events(demo.other_org, "goal.weight")) == weight_events


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "-10",
            django_fi("Ensure this value is greater than or equal to %(limit_value)s.") % {"limit_value": 0},
        ),
        (
            "120",
            django_fi("Ensure this value is less than or equal to %(limit_value)s.") % {"limit_value": 100},
        ),
        ("abc", django_fi("Enter a whole number.")),
        ("12,5", django_fi("Enter a whole number.")),
        ("", REQUIRED_FI),
    ],
)
def test_a_bad_weight_is_refused_beside_its_goal(demo, amendment, typed, message):
    before = weights_of(amendment)
    data = weights_data(amendment, 40, 40, 20)
    goal = goals_of(amendment)[0]
    data[f"goal_{goal.pk}"] = typed
    response = demo.client(TOINEN_PREPARER).post(weights_url(demo.other_plan), data)
    assert field_errors(response, f"id_goal_{goal.pk}") == [message]
    assert page(response).by_id(f"id_goal_{goal.pk}").value() == typed
    assert weights_of(amendment) == before


@pytest.mark.django_db
def test_a_missing_goal_is_refused(demo, amendment):
    before = weights_of(amendment)
    data = weights_data(amendment, 60, 40)  # the third goal left out
    response = demo.client(TOINEN_PREPARER).post(weights_url(demo.other_plan), data)
    assert field_errors(response, f"id_goal_{goals_of(amendment)[2].pk}") == [REQUIRED_FI]
    assert weights_of(amendment) == before


@pytest.mark.django_db
def test_the_service_wants_a_weight_for_every_goal_of_the_version(demo, amendment):
    user = demo.user(TOINEN_PREPARER)
    goals = goals_of(amendment)
    before = weights_of(amendment)
    with pytest.raises(ValidationError) as error:
        services.set_weights(user, amendment, {goals[0].pk: 60, goals[1].pk: 40})
    assert error.value.messages == [fi("Give a weight for every goal.")]
    other = goals_of(demo.other_plan.versions.get(number=1))[2]
    with pytest.raises(ValidationError):
        services.set_weights(user, amendment, {goals[0].pk: 40, goals[1].pk: 40, other.pk: 20})
    with pytest.raises(ValidationError) as error:
        services.set_weights(user, amendment, {goals[0].pk: 40, goals[1].pk: 40, goals[2].pk: 40})
    assert error.value.messages == [fi("The weights must sum to 100; now they sum to %(total)s.", total=120)]
    assert weights_of(amendment) == before


# --- Who may, and when -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_weights_where_the_organization_does_not_weigh_goals(demo):
    """Esimerkkikunta: no weights section on the plan page, and a forged post is refused."""
    version = demo.draft.versions.get()
    client = demo.client(PREPARER)
    doc = page(client.get(reverse("plan_detail", args=[demo.draft.pk])))
    assert not doc.has_id("weights")
    assert not doc.find_all(lambda e: "goal-weight" in e.classes)
    refused = len(events(demo.org, outcome="denied"))
    response = client.post(weights_url(demo.draft), weights_data(version, *([20] * 5), 0))
    assert response.status_code == 403
    assert weights_of(version) == [None] * 6
    assert events(demo.org, outcome="denied")[refused:][0].action == "set_weights.denied"


@pytest.mark.django_db
def test_the_executive_does_not_weigh_own_goals(demo, amendment):
    before = weights_of(amendment)
    refused = len(events(demo.other_org, outcome="denied"))
    response = demo.client(TOINEN_EXECUTIVE).post(
        weights_url(demo.other_plan), weights_data(amendment, 50, 30, 20)
    )
    assert response.status_code == 403
    assert weights_of(amendment) == before
    assert [e.action for e in events(demo.other_org, outcome="denied")[refused:]] == ["set_weights.denied"]
    doc = page(demo.client(TOINEN_EXECUTIVE).get(reverse("plan_detail", args=[demo.other_plan.pk])))
    assert not doc.find_all(lambda e: e.tag == "input" and e.attrs.get("name", "").startswith("goal_"))


@pytest.mark.django_db
def test_another_organization_gets_404(demo, amendment):
    before = weights_of(amendment)
    response = demo.client(PREPARER).post(weights_url(demo.other_plan), weights_data(amendment, 50, 30, 20))
    assert response.status_code == 404
    assert weights_of(amendment) == before


@pytest.mark.django_db
def test_weights_are_frozen_once_approved(demo):
    """Toinen kunta's plan without a draft: its approved weights do not change."""
    version = demo.other_plan.versions.get()
    user = demo.user(TOINEN_PREPARER)
    response = demo.client(TOINEN_PREPARER).post(
        weights_url(demo.other_plan), weights_data(version, 50, 30, 20)
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.set_weights(
            user, version, {g.pk: w for g, w in zip(goals_of(version), (50, 30, 20), strict=True)}
        )
    goal = goals_of(version)[0]
    goal.weight = 50
    with pytest.raises(FrozenVersionError):
        goal.save()
    with pytest.raises(FrozenVersionError):
        GoalArea.objects.filter(pk=goal.pk).update(weight=50)
    assert weights_of(version) == [40, 40, 20]
    # The approved plan's page shows the weights, without a form.
    doc = page(demo.client(TOINEN_PREPARER).get(reverse("plan_detail", args=[demo.other_plan.pk])))
    section = doc.by_id("weights")
    assert not section.find_all(lambda e: e.tag == "form")
    items = [squash(li.text()) for li in section.find_all(lambda e: e.tag == "li")]
    assert items == [
        "Elinvoiman vahvistaminen: 40 %",
        "Talouden tasapainottaminen: 40 %",
        "Henkilöstön hyvinvointi: 20 %",
    ]


# --- overall_result() ---------------------------------------------------------------------------------


def goal(pk, weight):
    return SimpleNamespace(pk=pk, weight=weight, display_title=f"Tavoite {pk}")


def agreed(points):
    return SimpleNamespace(rating=SimpleNamespace(points=points))


def test_the_overall_result_weighs_the_points():
    goals = [goal(1, 40), goal(2, 40), goal(3, 20)]
    overall = overall_result(goals, {1: agreed(100), 2: agreed(50), 3: agreed(75)})
    assert overall.result == Decimal("75.0")
    assert [(t.goal.pk, t.weight, t.points) for t in overall.terms] == [
        (1, 40, 100),
        (2, 40, 50),
        (3, 20, 75),
    ]
    assert overall.left_out == []
    assert overall.formula == "(40 × 100 + 40 × 50 + 20 × 75) / (40 + 40 + 20) = 75"


def test_cannot_be_assessed_and_not_yet_agreed_are_left_out_of_both_sums():
    goals = [goal(1, 40), goal(2, 40), goal(3, 20)]
    overall = overall_result(goals, {1: agreed(100), 2: agreed(75), 3: agreed(None)})
    # (40 × 100 + 40 × 75) / 80 = 87.5: the third goal weighs nothing, rather than zero points.
    assert overall.result == Decimal("87.5")
    assert [g.pk for g in overall.left_out] == [3]

    with translation.override("fi"):
        assert overall.formula == "(40 × 100 + 40 × 75) / (40 + 40) = 87,5"
        assert overall.result_text == "87,5"
    overall = overall_result(goals, {2: agreed(0)})
    assert overall.result == Decimal("0")
    assert [g.pk for g in overall.left_out] == [1, 3]
    assert overall.formula == "(40 × 0) / (40) = 0"


def test_the_result_rounds_half_up_to_one_decimal():
    goals = [goal(1, 33), goal(2, 33), goal(3, 34)]
    overall = overall_result(goals, {1: agreed(100), 2: agreed(0), 3: agreed(0)})
    assert overall.result == Decimal("33.0")
    goals = [goal(1, 1), goal(2, 99)]
    assert overall_result(goals, {1: agreed(100), 2: agreed(50)}).result == Decimal("50.5")
    goals = [goal(1, 3), goal(2, 97)]
    # (300 + 97 × 75) / 100 = 75.75 → 75.8
    assert overall_result(goals, {1: agreed(100), 2: agreed(75)}).result == Decimal("75.8")


def test_nothing_agreed_yet_has_no_result():
    goals = [goal(1, 50), goal(2, 50)]
    overall = overall_result(goals, {})
    assert (overall.result, overall.formula, overall.result_text) == (None, "", "")
    assert [g.pk for g in overall.left_out] == [1, 2]


def test_a_zero_weight_goal_is_left_out():
    overall = overall_result([goal(1, 100), goal(2, 0)], {1: agreed(50), 2: agreed(100)})
    assert overall.result == Decimal("50.0")
    assert [g.pk for g in overall.left_out] == [2]


@pytest.mark.parametrize(
    "weights", [[], [50, None], [40, 40], [60, 60]], ids=["no-goals", "missing", "under-100", "over-100"]
)
def test_no_overall_result_without_a_complete_set_of_weights(weights):
    goals = [goal(n, w) for n, w in enumerate(weights, start=1)]
    assert overall_result(goals, {g.pk: agreed(100) for g in goals}) is None


# --- The follow-up page ------------------------------------------------------------------------------


def toinen_checkpoint(demo):
    return demo.other_plan.versions.get().checkpoints.order_by("order").first()


def agree(demo, checkpoint, codes):
    scale = {r.code: r for r in Rating.objects.filter(organization=demo.other_org)}
    for goal_area, code in zip(goals_of(checkpoint.version), codes, strict=True):
        followup_services.save_assessment(
            demo.user(TOINEN_PREPARER),
            checkpoint,
            goal_area,
            AssessmentKind.AGREED,
            rating=scale[code],
            text=f"Sovittu ({goal_area.title})",
        )


def overall_section(response):
    doc = page(response)
    return doc.by_id("overall") if doc.has_id("overall") else None


@pytest.mark.django_db
def test_the_follow_up_shows_the_weighted_overall_result_with_its_formula(demo):
    checkpoint = toinen_checkpoint(demo)
    agree(demo, checkpoint, ["achieved", "progressed", "not_assessable"])
    response = demo.client(TOINEN_EVALUATOR).get(
        reverse("followup", args=[demo.other_plan.pk, checkpoint.pk])
    )
    section = overall_section(response)
    assert section is not None
    text = squash(section.text())
    assert squash(section.by_id("overall-heading").text()) == fi("Weighted overall result")
    assert fi("%(result)s points out of 100", result="87,5") in text
    formulas = section.find_all(lambda e: e.tag == "code")
    assert [f.text() for f in formulas] == ["(40 × 100 + 40 × 75) / (40 + 40) = 87,5"]
    rows = [
        [squash(c.text()) for c in tr.children if not isinstance(c, str)]
        for tr in section.find_all(lambda e: e.tag == "tr")
    ][1:]
    assert rows == [["Elinvoiman vahvistaminen", "40 %", "100"], ["Talouden tasapainottaminen", "40 %", "75"]]
    assert "Henkilöstön hyvinvointi" in text  # left out, and said so


@pytest.mark.django_db
def test_the_follow_up_in_finnish_says_painotettu_kokonaistulos(demo):
    checkpoint = toinen_checkpoint(demo)
    agree(demo, checkpoint, ["achieved", "progressed", "partly"])
    response = demo.client(TOINEN_EVALUATOR).get(
        reverse("followup", args=[demo.other_plan.pk, checkpoint.pk])
    )
    assert "Painotettu kokonaistulos" in squash(overall_section(response).text())


@pytest.mark.django_db
def test_before_agreed_ratings_there_is_no_formula(demo):
    checkpoint = toinen_checkpoint(demo)
    response = demo.client(TOINEN_EVALUATOR).get(
        reverse("followup", args=[demo.other_plan.pk, checkpoint.pk])
    )
    section = overall_section(response)
    assert section is not None
    assert not section.find_all(lambda e: e.tag == "code")
    assert fi("The overall result is computed once agreed ratings are recorded.") in squash(section.text())


@pytest.mark.django_db
def test_no_overall_result_where_goals_are_not_weighed(demo):
    """Esimerkkikunta's 2025 follow-ups are agreed, but it does not weigh its goals."""
    checkpoint = demo.plan.versions.get().checkpoints.order_by("order").first()
    response = demo.client("pormestari").get(reverse("followup", args=[demo.plan.pk, checkpoint.pk]))
    assert overall_section(response) is None
    content = response.content.decode()
    assert fi("Weighted overall result") not in content
    assert "×" not in content
