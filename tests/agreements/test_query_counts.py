"""Pages whose query count must not grow with the data: the plan page (and its htmx
fragments), the agreement page, the organization page and the front page."""

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suunta.agreements.models import PlanVersion
from suunta.lib import pagecache

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
from ..helpers import HTMX, known_sign_in

pytestmark = pytest.mark.django_db


def build_plan(
    agreement, year: int, goals: int, metrics: int, checkpoints: int, handlings: int, status="draft"
):
    """A plan with earlier closed versions (one per extra handling) and a latest one
    holding goals x metrics and checkpoints, handled in as many bodies."""
    plan = PlanFactory(
        agreement=agreement,
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        version=None,
    )
    for number in range(1, handlings):
        VersionFactory(plan=plan, number=number, status="closed")
    # Content first, then the status: an approved version's content is frozen.
    version = VersionFactory(plan=plan, number=max(handlings, 1), status="draft")
    for _ in range(goals):
        goal = GoalAreaFactory(version=version)
        MetricFactory.create_batch(metrics, goal_area=goal)
    CheckpointFactory.create_batch(checkpoints, version=version)
    for _ in range(handlings):
        HandlingFactory(version=version, body=BodyFactory(organization=agreement.organization))
    PlanVersion.objects.filter(pk=version.pk).update(status=status)
    return plan


def count_queries(client, url: str, **extra) -> tuple[int, list[str]]:
    """The queries of making the page: not of serving it again from the page cache
    (tests/site/test_pagecache.py counts those)."""
    known_sign_in(client)
    caches[pagecache.CACHE].clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries), [q["sql"] for q in context.captured_queries]


def assert_same_count(small: tuple[int, list[str]], big: tuple[int, list[str]]) -> None:
    if small[0] != big[0]:
        extra = "\n".join(big[1])
        pytest.fail(f"{small[0]} queries for little data, {big[0]} for more:\n{extra}")


@pytest.fixture
def organization():
    return OrganizationFactory()


def member(organization, role="evaluator"):
    user = UserFactory()
    MembershipFactory(organization=organization, user=user, role=role)
    return user


# --- The plan page -------------------------------------------------------------------------


@pytest.fixture
def plans(organization):
    agreement = AgreementFactory(organization=organization)
    small = build_plan(agreement, 2023, goals=2, metrics=2, checkpoints=2, handlings=1)
    big = build_plan(agreement, 2024, goals=20, metrics=6, checkpoints=4, handlings=4)
    return small, big


@pytest.mark.parametrize("role", ["evaluator", "preparer", "executive", "admin"])
def test_the_plan_page_query_count_does_not_grow_with_the_plan(organization, plans, role):
    small, big = plans
    user = member(organization, role)
    if role == "executive":
        small.agreement.executive = user
        small.agreement.save()
    client = client_for(user)
    assert_same_count(
        count_queries(client, reverse("plan_detail", args=[small.pk])),
        count_queries(client, reverse("plan_detail", args=[big.pk])),
    )


def test_the_plan_page_query_count_does_not_grow_for_a_board_member(organization):
    agreement = AgreementFactory(organization=organization)
    small = build_plan(agreement, 2023, goals=2, metrics=2, checkpoints=2, handlings=1, status="approved")
    big = build_plan(agreement, 2024, goals=20, metrics=6, checkpoints=4, handlings=4, status="approved")
    client = client_for(member(organization, "board_member"))
    assert_same_count(
        count_queries(client, reverse("plan_detail", args=[small.pk])),
        count_queries(client, reverse("plan_detail", args=[big.pk])),
    )


def test_the_annex_fragment_query_count_does_not_grow_with_the_plan(organization, plans):
    small, big = plans
    client = client_for(member(organization))
    assert_same_count(
        count_queries(client, reverse("plan_detail", args=[small.pk]), **HTMX),
        count_queries(client, reverse("plan_detail", args=[big.pk]), **HTMX),
    )


@pytest.mark.parametrize("name", ["goal_edit", "goal_delete"])
def test_the_goal_forms_query_count_does_not_grow_with_the_plan(organization, plans, name):
    small, big = plans
    client = client_for(member(organization))

    def url(plan):
        goal = plan.versions.order_by("-number").first().goal_areas.first()
        return reverse(name, args=[plan.pk, goal.pk])

    assert_same_count(count_queries(client, url(small)), count_queries(client, url(big)))


def test_the_new_metric_form_query_count_does_not_grow_with_the_plan(organization, plans):
    small, big = plans
    client = client_for(member(organization))

    def url(plan):
        goal = plan.versions.order_by("-number").first().goal_areas.first()
        return reverse("metric_new", args=[plan.pk, goal.pk])

    assert_same_count(count_queries(client, url(small), **HTMX), count_queries(client, url(big), **HTMX))


# --- The agreement and organization pages --------------------------------------------------


def test_the_agreement_page_query_count_does_not_grow_with_plans(organization):
    client = client_for(member(organization))
    agreement = AgreementFactory(organization=organization)
    build_plan(agreement, 2015, goals=2, metrics=2, checkpoints=2, handlings=1)
    url = reverse("agreement_detail", args=[agreement.pk])
    small = count_queries(client, url)
    for year in range(2016, 2025):
        build_plan(agreement, year, goals=3, metrics=2, checkpoints=2, handlings=3)
    big = count_queries(client, url)
    assert agreement.plans.count() == 10
    assert_same_count(small, big)


def test_the_organization_page_query_count_does_not_grow_with_agreements(organization):
    client = client_for(member(organization))
    AgreementFactory(organization=organization)
    BodyFactory(organization=organization)
    url = reverse("organization_detail", args=[organization.slug])
    small = count_queries(client, url)
    AgreementFactory.create_batch(5, organization=organization)
    BodyFactory.create_batch(3, organization=organization)
    assert_same_count(small, count_queries(client, url))


# --- The front page ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["evaluator", "board_member"])
def test_the_front_page_query_count_does_not_grow_with_plans(role):
    status = "draft" if role == "evaluator" else "approved"
    user = UserFactory()
    organizations = OrganizationFactory.create_batch(3)
    for organization in organizations:
        MembershipFactory(organization=organization, user=user, role=role)
    agreements = [AgreementFactory(organization=organization) for organization in organizations]
    build_plan(agreements[0], 2015, goals=2, metrics=2, checkpoints=2, handlings=1, status=status)
    client = client_for(user)
    small = count_queries(client, reverse("home"))
    assert small[0] > 0
    for n in range(9):
        build_plan(
            agreements[n % 3], 2016 + n, goals=2, metrics=2, checkpoints=2, handlings=1 + n % 3, status=status
        )
    # Plans of earlier years are not listed on the front page but counted, and the
    # organization's list of plans is a link away (tests/site/test_current_plans.py).
    html = " ".join(client.get(reverse("home")).content.decode().split())
    counts = [int(n) for n in re.findall(r'class="all-plans"[^>]*>[^<(]*\((\d+)\)', html)]
    assert sum(counts) == 10, f"the front page counts {counts} plans, expected 10 in all"
    assert_same_count(small, count_queries(client, reverse("home")))
