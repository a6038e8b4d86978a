"""A chair-group municipality that weighs its goals, rates each metric and pays
performance pay: the issue's example built through the services, for the year's
evaluation tests (and the figures worked out by hand beside it)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.test import Client

from suunta.agreements import services as plan_services
from suunta.agreements.models import CheckpointKind
from suunta.followup import performance
from suunta.followup import services as followup_services
from suunta.followup.models import AssessmentKind, PayBasis, PayScale, Rating
from suunta.measures import services as measure_services
from suunta.organizations.models import Role
from suunta.organizations.setup import create_organization

from ..factories import AgreementFactory
from ..organizations.test_setup import _freeze, _person

# Five goals at 20 % each; each goal's metrics split evenly. Per metric: a rating code,
# or ("value", target, value) for a metric scored from its values.
GOALS = [
    ("Talous tasapainoon", ["achieved", "progressed"]),  # (100 + 75) / 2 = 87,5
    ("Elinvoima kasvuun", ["achieved"]),  # 100
    ("Palveluverkko ratkaistaan", ["achieved", "progressed", "not_progressed"]),  # 175 / 3 = 58,33…
    ("Asukasluku kasvuun", [("value", "30", "24"), "progressed"]),  # (80 + 75) / 2 = 77,5
    ("Henkilöstö hyvinvoivaksi", ["not_assessable", "partly"]),  # 50 (one left out)
]
# By hand: (20 × 87,5 + 20 × 100 + 20 × 175/3 + 20 × 77,5 + 20 × 50) / 100
#        = (1750 + 2000 + 3500/3 + 1550 + 1000) / 100 = 22400/300 = 74,666… → 74,7 shown.
EXPECTED_POINTS = "74,7"
SALARY = Decimal("61234.00")
# 8 % × 61 234,00 = 4 898,72; × (224/3) / 100 = 3 657,710… → 3 657,71 (from the exact
# points; from the rounded 74,7 it would be 3 659,34).
EXPECTED_MAXIMUM = Decimal("4898.72")
EXPECTED_PAY = Decimal("3657.71")
PASSWORD = "pw-Vuosiarvio-2026"


@dataclass
class Scenario:
    organization: object
    agreement: object
    plan: object
    version: object
    evaluation: object
    goals: list
    metrics: list  # per goal, its metrics
    executive: object
    preparer: object
    admin: object
    chairs: list
    board_member: object

    def client(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client


def build(time_machine, *, pay=True) -> Scenario:
    time_machine.move_to(dt.datetime(2026, 1, 10, 12, 0))
    organization, _invitation, _link = create_organization(
        name="Arviokunta", business_id="0135202-4", admin_email="admin@example.fi", preset="chair-group"
    )
    organization.use_weights = True
    organization.assess_metrics = True
    organization.save(update_fields=["use_weights", "assess_metrics"])
    executive = _person(organization, "johtaja", Role.EXECUTIVE)
    preparer = _person(organization, "valmistelija", Role.PREPARER)
    admin = _person(organization, "paakayttaja", Role.ADMIN)
    board_member = _person(organization, "kh-jasen", Role.BOARD_MEMBER)
    agreement = AgreementFactory(organization=organization, executive=executive)
    chairs = [
        _person(organization, "kh-pj", Role.EVALUATOR, "board_chair", agreement),
        _person(organization, "kv-pj", Role.EVALUATOR, "council_chair", agreement),
    ]
    if pay:
        performance.save_rules(
            admin,
            organization,
            enabled=True,
            basis=PayBasis.PERCENT,
            maximum=Decimal("8"),
            threshold=Decimal("50"),
            scale=PayScale.LINEAR,
            steps=[],
        )
    plan = plan_services.create_plan(
        preparer,
        agreement,
        title="Tavoitteet 2026",
        title_sv="",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    version = plan.versions.get()
    goals, metrics = [], []
    for title, items in GOALS:
        goal = plan_services.add_goal_area(preparer, version, title=title, title_sv="")
        goals.append(goal)
        made = []
        for number, item in enumerate(items, start=1):
            if isinstance(item, tuple):
                made.append(
                    plan_services.add_metric(
                        preparer,
                        goal,
                        text=f"Uudet asukkaat, tavoite +{item[1]}",
                        text_sv="",
                        unit="hlöä",
                        target=Decimal(item[1]),
                        direction="increase",
                    )
                )
            else:
                made.append(
                    plan_services.add_metric(preparer, goal, text=f"{title}: mittari {number}", text_sv="")
                )
        metrics.append(made)
    measure_services.set_weights(
        preparer,
        version,
        {g.pk: 20 for g in goals},
        {m.pk: None for ms in metrics for m in ms},
        {m.pk: ("values" if m.is_quantitative else "rating") for ms in metrics for m in ms},
    )
    plan_services.add_checkpoint(
        preparer,
        version,
        label="elokuu 2026",
        label_sv="",
        window_start=dt.date(2026, 8, 1),
        window_end=dt.date(2026, 8, 31),
    )
    evaluation = plan_services.add_checkpoint(
        preparer,
        version,
        label="vuosiarviointi 2026",
        label_sv="",
        kind=CheckpointKind.EVALUATION,
        window_start=dt.date(2027, 1, 1),
        window_end=dt.date(2027, 2, 28),
    )
    _freeze(preparer, version, chairs[0])
    version.refresh_from_db()
    return Scenario(
        organization,
        agreement,
        plan,
        version,
        evaluation,
        goals,
        metrics,
        executive,
        preparer,
        admin,
        chairs,
        board_member,
    )


def scale(organization) -> dict:
    return {r.code: r for r in Rating.objects.filter(organization=organization)}


def to_views(s: Scenario, time_machine) -> None:
    """The year's evaluation opened: the value recorded, self-assessment and views in."""
    time_machine.move_to(dt.datetime(2027, 1, 20, 12, 0))
    quantitative = s.metrics[3][0]
    measure_services.record_value(
        s.preparer, s.plan, quantitative, measured_on=dt.date(2026, 12, 31), value=Decimal("24")
    )
    levels = scale(s.organization)
    for goal in s.goals:
        followup_services.save_assessment(
            s.executive,
            s.evaluation,
            goal,
            AssessmentKind.SELF,
            rating=levels["progressed"],
            text="Itse",
            submit=True,
        )
    for chair in s.chairs:
        for goal in s.goals:
            followup_services.save_assessment(
                chair,
                s.evaluation,
                goal,
                AssessmentKind.VIEW,
                rating=levels["progressed"],
                text="Näkemys",
                submit=True,
            )


def metric_ratings(s: Scenario, goal_index: int) -> dict:
    levels = scale(s.organization)
    _title, items = GOALS[goal_index]
    return {
        m.pk: levels[item]
        for m, item in zip(s.metrics[goal_index], items, strict=True)
        if not isinstance(item, tuple)
    }


def agree(s: Scenario, time_machine) -> None:
    to_views(s, time_machine)
    for index, goal in enumerate(s.goals):
        followup_services.save_assessment(
            s.chairs[0],
            s.evaluation,
            goal,
            AssessmentKind.AGREED,
            rating=None,
            text=f"Sovittu: {goal.title}",
            metric_ratings=metric_ratings(s, index),
        )
    followup_services.mark_agreed(s.preparer, s.evaluation, dt.date(2027, 1, 20))
