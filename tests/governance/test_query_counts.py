"""The version history page and the step form: their query counts do not grow with
the number of versions, handlings, goals or people."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suunta.agreements.models import PlanVersion
from suunta.governance import workflow
from suunta.governance.models import WorkflowStep

from ..conftest import client_for
from ..factories import (
    AgreementFactory,
    BodyFactory,
    CheckpointFactory,
    GoalAreaFactory,
    HandlingFactory,
    MembershipFactory,
    MetricFactory,
    OrganizationFactory,
    PlanFactory,
    UserFactory,
    VersionFactory,
)
from ..helpers import known_sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization():
    organization = OrganizationFactory()
    BodyFactory(
        organization=organization, kind="preparatory", name="Poliittinen johtoryhmä", short_name="Poljory"
    )
    BodyFactory(organization=organization, kind="board", name="Kunnanhallitus", short_name="KH")
    workflow.ensure_workflow(organization)
    return organization


@pytest.fixture
def preparer(organization):
    user = UserFactory()
    MembershipFactory(organization=organization, user=user, role="preparer", title="")
    return user


def build(agreement, year: int, versions: int, goals: int, metrics: int, latest_status: str):
    """A plan with `versions` versions, each with content, two handlings (poljory and
    the board, with a presenter and people who left the room); earlier ones superseded."""
    plan = PlanFactory(
        agreement=agreement, period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31), version=None
    )
    organization = agreement.organization
    poljory, board = organization.bodies.order_by("order", "name")[:2]
    presenter = UserFactory()
    MembershipFactory(organization=organization, user=presenter, role="evaluator")
    for number in range(1, versions + 1):
        version = VersionFactory(plan=plan, number=number, status="draft")
        for _ in range(goals):
            goal = GoalAreaFactory(version=version, title=f"Tavoite {number}-{_}")
            MetricFactory.create_batch(metrics, goal_area=goal)
        CheckpointFactory.create_batch(2, version=version)
        HandlingFactory(version=version, body=poljory, section="", outcome="handled")
        approval = HandlingFactory(
            version=version,
            body=board,
            section=str(number),
            outcome="approved",
            presenter=presenter,
            snapshot="{}",
            snapshot_sha256="0" * 64,
        )
        approval.disqualified.set([agreement.executive, UserFactory()])
        status = latest_status if number == versions else "superseded"
        PlanVersion.objects.filter(pk=version.pk).update(status=status)
    return plan


def count_queries(client, url: str) -> tuple[int, list[str]]:
    known_sign_in(client)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries), [q["sql"] for q in context.captured_queries]


def assert_same_count(small, big) -> None:
    if small[0] != big[0]:
        pytest.fail(f"{small[0]} queries for little data, {big[0]} for more:\n" + "\n".join(big[1]))


def test_the_history_page_query_count_does_not_grow_with_versions(organization, preparer):
    agreement = AgreementFactory(organization=organization)
    small = build(agreement, 2023, versions=1, goals=2, metrics=1, latest_status="approved")
    big = build(agreement, 2024, versions=4, goals=6, metrics=3, latest_status="approved")
    client = client_for(preparer)
    small_count = count_queries(client, reverse("plan_history", args=[small.pk]))
    big_count = count_queries(client, reverse("plan_history", args=[big.pk]))
    assert_same_count(small_count, big_count)
    # The big page really shows four versions and their diffs.
    content = client.get(reverse("plan_history", args=[big.pk])).content.decode()
    assert content.count('class="card"') == 4
    assert content.count('class="change-list"') == 3


def test_the_history_page_query_count_does_not_grow_for_a_board_member(organization):
    agreement = AgreementFactory(organization=organization)
    small = build(agreement, 2023, versions=1, goals=2, metrics=1, latest_status="approved")
    big = build(agreement, 2024, versions=4, goals=6, metrics=3, latest_status="approved")
    board_member = UserFactory()
    MembershipFactory(organization=organization, user=board_member, role="board_member", title="")
    client = client_for(board_member)
    assert_same_count(
        count_queries(client, reverse("plan_history", args=[small.pk])),
        count_queries(client, reverse("plan_history", args=[big.pk])),
    )


@pytest.mark.parametrize("action", ["approve", "table"])
def test_the_step_form_query_count_does_not_grow_with_the_plan(organization, preparer, action):
    agreement = AgreementFactory(organization=organization)
    small = build(agreement, 2023, versions=1, goals=2, metrics=1, latest_status="proposed")
    big = build(agreement, 2024, versions=4, goals=6, metrics=3, latest_status="proposed")
    step = WorkflowStep.objects.get(organization=organization, action=action)
    client = client_for(preparer)
    small_count = count_queries(client, reverse("plan_step", args=[small.pk, step.pk]))
    MembershipFactory.create_batch(5, organization=organization, role="evaluator")
    big_count = count_queries(client, reverse("plan_step", args=[big.pk, step.pk]))
    assert_same_count(small_count, big_count)
