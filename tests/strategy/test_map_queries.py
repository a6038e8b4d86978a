"""The strategy map and the public page read a fixed number of queries: 3 or 15
objectives, 1 or 4 plans, with goals, links, budget figures and follow-ups."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suunta.agreements.models import GoalBudgetTarget, GoalObjective, PlanVersion
from suunta.followup.models import Assessment, FollowUp, Rating
from suunta.strategy.map import strategy_map
from suunta.strategy.models import (
    BudgetIndicator,
    BudgetRealisation,
    BudgetTarget,
    Objective,
    Strategy,
    Theme,
)
from suunta.strategy.public import public_goals

from ..conftest import client_for
from ..factories import (
    AgreementFactory,
    BodyFactory,
    CheckpointFactory,
    GoalAreaFactory,
    MembershipFactory,
    MetricFactory,
    OrganizationFactory,
    PlanFactory,
    UserFactory,
    VersionFactory,
)

pytestmark = pytest.mark.django_db

YEAR = 2026


def build(objectives: int, plans: int):
    """An organization with an approved strategy of `objectives` objectives in three
    themes, and `plans` approved plans of YEAR whose goals link to the objectives and
    to a budget target with realisations, each with a reported follow-up."""
    organization = OrganizationFactory(public_page=True)
    body = BodyFactory(organization=organization)
    strategy = Strategy.objects.create(
        organization=organization,
        title="Strategia",
        status="approved",
        term_start=dt.date(2025, 1, 1),
        term_end=dt.date(2028, 12, 31),
    )
    themes = [Theme.objects.create(strategy=strategy, number=str(n), title=f"Teema {n}") for n in (1, 2, 3)]
    rows = [
        Objective.objects.create(
            strategy=strategy, theme=themes[n % 3], number=f"{n % 3 + 1}.{n}", title=f"Tavoite {n}", order=n
        )
        for n in range(objectives)
    ]
    rating = Rating.objects.create(organization=organization, code="ok", label="Hyvä", background="#ffffff")
    admin = UserFactory()
    MembershipFactory(organization=organization, user=admin, role="admin")
    for n in range(plans):
        target = BudgetTarget.objects.create(
            organization=organization, year=YEAR, body=body, title=f"Sitova {n}"
        )
        indicator = BudgetIndicator.objects.create(target=target, text="Mittari", unit="%", target_value=100)
        for month in (4, 8):
            BudgetRealisation.objects.create(
                indicator=indicator, measured_on=dt.date(YEAR, month, 30), value=Decimal(month)
            )
        build_plan(AgreementFactory(organization=organization), rows, target, rating, admin)
    return organization, admin


def build_plan(agreement, objectives, target, rating, author):
    plan = PlanFactory(
        agreement=agreement, period_start=dt.date(YEAR, 1, 1), period_end=dt.date(YEAR, 12, 31), version=None
    )
    version = VersionFactory(plan=plan, number=1, status="draft")
    checkpoint = CheckpointFactory(
        version=version, window_start=dt.date(YEAR, 8, 1), window_end=dt.date(YEAR, 8, 31)
    )
    for objective in objectives:
        goal = GoalAreaFactory(version=version)
        MetricFactory(goal_area=goal)
        GoalObjective.objects.create(goal_area=goal, objective=objective)
        GoalBudgetTarget.objects.create(goal_area=goal, budget_target=target)
        Assessment.objects.create(
            checkpoint=checkpoint, goal_area=goal, kind="agreed", author=author, rating=rating, text="Sovittu"
        )
    FollowUp.objects.create(checkpoint=checkpoint, status="reported")
    PlanVersion.objects.filter(pk=version.pk).update(status="approved")


def count(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def test_the_map_reads_a_fixed_number_of_queries():
    small_org, small_user = build(objectives=3, plans=1)
    big_org, big_user = build(objectives=15, plans=4)
    small = count(lambda: strategy_map(small_user, small_org, year=YEAR))
    big = count(lambda: strategy_map(big_user, big_org, year=YEAR))
    assert small == big
    context = strategy_map(big_user, big_org, year=YEAR)
    assert sum(len(e.goals) for t in context["themes"] for e in t.objectives) == 15 * 4
    assert all(item.followup and item.budget for row in context["rows"] for item in [row.goal])


def test_the_map_page_and_its_spreadsheet_read_a_fixed_number_of_queries():
    counts = []
    for objectives, plans in ((3, 1), (15, 4)):
        organization, user = build(objectives, plans)
        client = client_for(user)
        for name in ("strategy_map", "strategy_map_xlsx"):
            url = reverse(name, args=[organization.slug]) + f"?year={YEAR}"
            counts.append(count(lambda c=client, u=url: c.get(u)))
    assert counts[:2] == counts[2:]


def test_the_public_page_reads_a_fixed_number_of_queries():
    small_org, _user = build(objectives=3, plans=1)
    big_org, _user = build(objectives=15, plans=4)
    small = count(lambda: public_goals(small_org))
    big = count(lambda: public_goals(big_org))
    assert small == big
    content, _failures = public_goals(big_org)
    assert len(content["plans"]) == 4
    assert all(
        goal["followups"] and goal["objectives"] for plan in content["plans"] for goal in plan["goals"]
    )
