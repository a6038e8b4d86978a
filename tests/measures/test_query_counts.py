"""Pages whose query count must not grow with the data: the metric page (values,
checkpoints) and the plan page of an organization that weighs its goals."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suunta.agreements.models import Metric, PlanVersion
from suunta.measures.models import MetricValue

from ..conftest import client_for
from ..factories import (
    AgreementFactory,
    CheckpointFactory,
    GoalAreaFactory,
    MembershipFactory,
    MetricFactory,
    OrganizationFactory,
    PlanFactory,
    UserFactory,
    VersionFactory,
)
from ..helpers import known_sign_in

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> tuple[int, list[str]]:
    known_sign_in(client)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries), [q["sql"] for q in context.captured_queries]


def assert_same_count(small: tuple[int, list[str]], big: tuple[int, list[str]]) -> None:
    if small[0] != big[0]:
        extra = "\n".join(big[1])
        pytest.fail(f"{small[0]} queries for little data, {big[0]} for more:\n{extra}")


def member(organization, role: str):
    user = UserFactory()
    MembershipFactory(
        organization=organization, user=user, role=role, title="mayor" if role == "evaluator" else ""
    )
    return user


def build_plan(agreement, year: int, *, values: int, checkpoints: int, recorder, status="approved"):
    """An approved plan with one quantitative metric holding `values` values, and
    `checkpoints` checkpoints within the year."""
    plan = PlanFactory(
        agreement=agreement, period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31), version=None
    )
    version = VersionFactory(plan=plan, number=1, status="draft")
    goal = GoalAreaFactory(version=version)
    MetricFactory(goal_area=goal)  # one in words beside it
    metric = MetricFactory(
        goal_area=goal, unit="€", baseline=Decimal(0), target=Decimal(1000), direction="increase"
    )
    for n in range(checkpoints):
        CheckpointFactory(
            version=version,
            label=f"Seuranta {n}",
            window_start=dt.date(year, 2 + 2 * n, 1),
            window_end=dt.date(year, 2 + 2 * n, 28),
        )
    PlanVersion.objects.filter(pk=version.pk).update(status=status)
    MetricValue.objects.bulk_create(
        MetricValue(
            plan=plan,
            metric_lineage=metric.lineage,
            measured_on=dt.date(year, 1, 1) + dt.timedelta(days=7 * n),
            value=Decimal(10 * n),
            comment=f"Arvo {n}",
            recorded_by=recorder,
        )
        for n in range(values)
    )
    return plan, metric


@pytest.fixture
def organization():
    return OrganizationFactory()


@pytest.mark.parametrize("role", ["evaluator", "preparer", "executive", "board_member"])
def test_the_metric_page_query_count_does_not_grow_with_values_or_checkpoints(organization, role):
    user = member(organization, role)
    agreement = AgreementFactory(
        organization=organization, executive=user if role == "executive" else UserFactory()
    )
    # Values recorded by different people: the "Recorded by" column must not cost a query each.
    recorders = [member(organization, "preparer") for _ in range(3)]
    small, small_metric = build_plan(agreement, 2024, values=2, checkpoints=1, recorder=recorders[0])
    big, big_metric = build_plan(agreement, 2025, values=20, checkpoints=4, recorder=recorders[1])
    MetricValue.objects.filter(plan=big, measured_on__month__gt=3).update(recorded_by=recorders[2])
    client = client_for(user)
    small_count = count_queries(client, reverse("metric_detail", args=[small.pk, small_metric.pk]))
    big_count = count_queries(client, reverse("metric_detail", args=[big.pk, big_metric.pk]))
    assert_same_count(small_count, big_count)
    # And the page does show all of them.
    response = client.get(reverse("metric_detail", args=[big.pk, big_metric.pk]))
    assert len(re.findall(r"<td>Arvo \d+</td>", response.content.decode())) == 20


def test_the_metric_page_of_an_amended_plan_does_not_grow_with_versions(organization):
    """An earlier version's metric page looks up the metric in force once."""

    user = member(organization, "evaluator")
    recorder = member(organization, "preparer")
    agreement = AgreementFactory(organization=organization)
    plan, metric = build_plan(agreement, 2025, values=3, checkpoints=2, recorder=recorder)
    client = client_for(user)
    one = count_queries(client, reverse("metric_detail", args=[plan.pk, metric.pk]))
    # Two more versions, each with a copy of the metric: the first one is now superseded.
    for number in (2, 3):
        version = VersionFactory(plan=plan, number=number, status="draft")
        goal = GoalAreaFactory(version=version)
        Metric.objects.create(
            goal_area=goal,
            lineage=metric.lineage,
            text=metric.text,
            unit="€",
            target=Decimal(1000),
            direction="increase",
        )
        PlanVersion.objects.filter(pk=version.pk).update(status="approved")
        PlanVersion.objects.filter(plan=plan, number=number - 1).update(status="superseded")
    many = count_queries(client, reverse("metric_detail", args=[plan.pk, metric.pk]))
    # The notice link costs its one lookup; no more for further versions.
    assert many[0] <= one[0] + 1, many[1]


# --- The plan page with weights -------------------------------------------------------------------


def weighted_plan(agreement, year: int, goals: int, status: str):
    plan = PlanFactory(
        agreement=agreement, period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31), version=None
    )
    version = VersionFactory(plan=plan, number=1, status="draft")
    base, rest = divmod(100, goals)
    for n in range(goals):
        goal = GoalAreaFactory(version=version, weight=base + (1 if n < rest else 0))
        MetricFactory.create_batch(2, goal_area=goal)
    CheckpointFactory.create_batch(2, version=version)
    PlanVersion.objects.filter(pk=version.pk).update(status=status)
    return plan


@pytest.mark.parametrize("status", ["draft", "approved"])
@pytest.mark.parametrize("role", ["evaluator", "preparer", "executive"])
def test_the_plan_page_query_count_does_not_grow_with_weighted_goals(status, role):
    organization = OrganizationFactory(use_weights=True)
    user = member(organization, role)
    agreement = AgreementFactory(
        organization=organization, executive=user if role == "executive" else UserFactory()
    )
    small = weighted_plan(agreement, 2024, 3, status)
    big = weighted_plan(agreement, 2025, 8, status)
    client = client_for(user)
    small_count = count_queries(client, reverse("plan_detail", args=[small.pk]))
    big_count = count_queries(client, reverse("plan_detail", args=[big.pk]))
    assert_same_count(small_count, big_count)
    content = client.get(reverse("plan_detail", args=[big.pk])).content.decode()
    assert content.count('class="goal-weight"') == 8


def test_weights_add_no_query_per_goal_compared_with_an_unweighted_organization():
    """The weights section costs the same whatever the number of goals: compare the
    growth from 3 to 8 goals with and without weights."""
    counts = {}
    for use_weights in (False, True):
        organization = OrganizationFactory(use_weights=use_weights)
        user = member(organization, "evaluator")
        agreement = AgreementFactory(organization=organization)
        client = client_for(user)
        counts[use_weights] = [
            count_queries(
                client, reverse("plan_detail", args=[weighted_plan(agreement, year, goals, "draft").pk])
            )[0]
            for year, goals in ((2024, 3), (2025, 8))
        ]
    assert counts[True][1] - counts[True][0] == counts[False][1] - counts[False][0] == 0, counts
