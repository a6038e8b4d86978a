"""A small goal cascade on top of the demo (issue 21, part 2): the chief of staff
(kansliapaallikko, the executive of the demo agreement) evaluates an education
director, whose 2025 plan has goals that may serve the chief's approved 2025 goals; the
education director evaluates a unit head further down."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from suunta.agreements import services as plan_services
from suunta.agreements.models import DirectorAgreement, GoalArea, GoalPlan, PlanVersion
from suunta.governance.services import take_step
from suunta.organizations import services as org_services
from suunta.organizations.models import Membership, Position, Role

from ..governance.common import latest, meeting, step_for

D = dt.date
BASIS = "KH 12.1.2026 § 4, arvioijat"


@dataclass
class Tree:
    demo: object
    admin: object  # paakayttaja
    preparer: object  # valmistelija
    chief: object  # kansliapaallikko: executive of the demo agreement
    director: object  # opetusjohtaja-t: executive of `agreement`
    agreement: DirectorAgreement  # evaluated by the chief
    plan: GoalPlan  # the director's 2025 plan (a draft)
    goal: GoalArea  # its first goal
    position: str  # the code of the chief of staff's position as an evaluator

    @property
    def version(self) -> PlanVersion:
        return latest(self.plan)

    def chief_goals(self, plan=None) -> list[GoalArea]:
        """The goals of the chief's approved 2025 plan (or `plan`), in order."""
        plan = plan or self.demo.plan
        version = PlanVersion.objects.filter(plan=plan, status="approved").get()
        return list(GoalArea.objects.filter(version=version).order_by("order", "id"))


def new_executive(demo, username: str, first: str, last: str):
    """A person with the executive role in Esimerkkikunta (the agreement form offers
    only such people)."""
    person = get_user_model().objects.create_user(
        username, first_name=first, last_name=last, email=f"{username}@example.fi"
    )
    Membership.objects.create(
        organization=demo.org, user=person, role=Role.EXECUTIVE, valid_from=D(2024, 1, 1), basis=BASIS
    )
    return person


def agreement_for(demo, admin, executive, title: str, genitive: str) -> DirectorAgreement:
    return plan_services.create_agreement(
        admin,
        demo.org,
        executive=executive,
        position_title=title,
        position_genitive=genitive,
        starts_on=D(2025, 1, 1),
    )


def make_evaluator(admin, organization, person, agreement, position: str):
    return org_services.add_membership(
        admin,
        organization,
        person=person,
        role=Role.EVALUATOR,
        title=position,
        agreement=agreement,
        valid_from=D(2025, 1, 1),
        basis=BASIS,
    )


def plan_for(preparer, agreement, title: str, year: int = 2025) -> GoalPlan:
    return plan_services.create_plan(
        preparer,
        agreement,
        title=title,
        title_sv="",
        period_start=D(year, 1, 1),
        period_end=D(year, 12, 31),
    )


def approve(preparer, version: PlanVersion, year: int = 2025, first_meeting: int = 10) -> PlanVersion:
    """Give a draft the content it needs (a metric per goal, a checkpoint) and take it
    through the organization's workflow to approval, in meetings from the
    `first_meeting`-th (governance.common.meeting) on."""
    for goal in GoalArea.objects.filter(version=version):
        if not goal.metrics.exists():
            plan_services.add_metric(preparer, goal, text=f"Mittari: {goal.title}")
    if not version.checkpoints.exists():
        plan_services.add_checkpoint(
            preparer,
            version,
            label=f"elokuu {year}",
            window_start=D(year, 8, 1),
            window_end=D(year, 8, 31),
        )
    for k, action in enumerate(("handle", "propose", "approve")):
        version.refresh_from_db()
        steps = [s for s in [_step(version, action)] if s is not None]
        if not steps:
            continue
        data = {"meeting_date": meeting(first_meeting + k)} if action != "propose" else {}
        if action == "approve":
            data["section"] = str(40 + k)
        take_step(preparer, version, steps[0], expected_status=version.status, **data)
    version.refresh_from_db()
    assert version.status == "approved", version.status
    return version


def _step(version, action):
    try:
        return step_for(version, action)
    except AssertionError:
        return None


@pytest.fixture
def tree(demo) -> Tree:
    admin, preparer, chief = (
        demo.user("paakayttaja"),
        demo.user("valmistelija"),
        demo.user("kansliapaallikko"),
    )
    (position,) = org_services.save_positions(
        admin,
        demo.org,
        [Position(name="Kansliapäällikkö", genitive="kansliapäällikön", may_create_survey=True)],
    )
    director = new_executive(demo, "opetusjohtaja-t", "Elina", "Saari")
    agreement = agreement_for(demo, admin, director, "opetusjohtaja", "opetusjohtajan")
    make_evaluator(admin, demo.org, chief, agreement, position.code)
    plan = plan_for(preparer, agreement, "Opetusjohtajan tavoitteet 2025")
    goal = plan_services.add_goal_area(preparer, latest(plan), title="Oppimistulokset paranevat")
    plan_services.add_goal_area(preparer, latest(plan), title="Kouluverkko on ajan tasalla")
    return Tree(
        demo=demo,
        admin=admin,
        preparer=preparer,
        chief=chief,
        director=director,
        agreement=agreement,
        plan=plan,
        goal=goal,
        position=position.code,
    )


@pytest.fixture
def unit(tree):
    """A unit head below the director: the director evaluates the unit head's agreement,
    which has a 2025 draft plan with one goal."""
    head = new_executive(tree.demo, "yksikonjohtaja-t", "Ville", "Aho")
    agreement = agreement_for(tree.demo, tree.admin, head, "yksikön johtaja", "yksikön johtajan")
    make_evaluator(tree.admin, tree.demo.org, tree.director, agreement, tree.position)
    plan = plan_for(tree.preparer, agreement, "Yksikön johtajan tavoitteet 2025")
    goal = plan_services.add_goal_area(tree.preparer, latest(plan), title="Yksikön palvelut toimivat")
    return head, agreement, plan, goal
