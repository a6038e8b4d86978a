"""Test data builders. Named personas for the demo live in conftest (`demo`)."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from suunta.agreements.models import Checkpoint, DirectorAgreement, GoalArea, GoalPlan, Metric, PlanVersion
from suunta.governance.models import Handling
from suunta.lib.validators import business_id_check_digit
from suunta.organizations.models import Body, Membership, Organization
from suunta.organizations.setup import add_positions


def _business_id(n: int) -> str:
    # Walk forward from n until the seven digits have a valid check digit.
    while True:
        digits = f"{n % 10_000_000:07d}"
        check = business_id_check_digit(digits)
        if check is not None:
            return f"{digits}-{check}"
        n += 1


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    password = factory.django.Password("pw")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Testikunta {n}")
    slug = factory.Sequence(lambda n: f"testikunta-{n}")
    business_id = factory.Sequence(lambda n: _business_id(2_000_000 + n * 13))
    kind = "municipality"

    @factory.post_generation
    def preset(organization, create, extracted, **kwargs):
        # Positions (and their rights) from a preset, the mayor model unless named; the
        # tests make their own bodies and workflow.
        if create:
            add_positions(organization, extracted or "mayor")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = "evaluator"
    title = factory.LazyAttribute(lambda m: "mayor" if m.role == "evaluator" else "")
    valid_from = dt.date(2020, 1, 1)
    valid_to = None


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    organization = factory.SubFactory(OrganizationFactory)
    kind = "board"
    name = factory.Sequence(lambda n: f"Kunnanhallitus {n}")
    short_name = "KH"


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DirectorAgreement

    organization = factory.SubFactory(OrganizationFactory)
    executive = factory.SubFactory(UserFactory)
    position_title = "kunnanjohtaja"
    position_genitive = "kunnanjohtajan"
    legal_basis = "Kuntalaki 410/2015 42 §"
    starts_on = dt.date(2024, 1, 1)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalPlan
        skip_postgeneration_save = True

    agreement = factory.SubFactory(AgreementFactory)
    title = factory.Sequence(lambda n: f"Kunnanjohtajan tavoitteet {2000 + n}")
    period_start = factory.Sequence(lambda n: dt.date(2000 + n, 1, 1))
    period_end = factory.LazyAttribute(lambda p: dt.date(p.period_start.year, 12, 31))
    version = factory.RelatedFactory("tests.factories.VersionFactory", factory_related_name="plan")


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanVersion

    plan = factory.SubFactory(PlanFactory, version=None)
    number = 1
    status = "draft"


class GoalAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalArea

    version = factory.SubFactory(VersionFactory)
    title = factory.Sequence(lambda n: f"Tavoite {n}")
    order = factory.Sequence(lambda n: n)


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric

    goal_area = factory.SubFactory(GoalAreaFactory)
    text = factory.Sequence(lambda n: f"Mittari {n}")
    order = factory.Sequence(lambda n: n)


class CheckpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Checkpoint

    version = factory.SubFactory(VersionFactory)
    label = factory.Sequence(lambda n: f"Seuranta {n}")
    window_start = dt.date(2025, 8, 1)
    window_end = dt.date(2025, 8, 31)
    order = factory.Sequence(lambda n: n)


class HandlingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Handling

    version = factory.SubFactory(VersionFactory)
    body = factory.SubFactory(BodyFactory)
    meeting_date = dt.date(2025, 3, 31)
    section = "45"
