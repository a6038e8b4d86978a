"""A new agreement without any plan: its plan editors find "create the first plan" among
their next actions on the front page; the executive and readers do not."""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.dom import parse
from tests.factories import AgreementFactory, MembershipFactory, OrganizationFactory, PlanFactory, UserFactory


def hrefs(client) -> list[str]:
    page = parse(client.get(reverse("home")).content)
    return [el.attrs.get("href", "") for el in page.find_all(lambda el: el.tag == "a")]


@pytest.mark.django_db
def test_the_first_plan_is_offered_to_plan_editors_only():
    organization = OrganizationFactory()
    agreement = AgreementFactory(organization=organization)
    preparer, board_member = UserFactory(), UserFactory()
    MembershipFactory(organization=organization, user=preparer, role="preparer", title="")
    MembershipFactory(organization=organization, user=board_member, role="board_member", title="")
    MembershipFactory(organization=organization, user=agreement.executive, role="executive", title="")
    create = reverse("plan_new", args=[agreement.pk])

    assert create in hrefs(client_for(preparer))
    assert create not in hrefs(client_for(board_member))
    assert create not in hrefs(client_for(agreement.executive))

    # Once the agreement has a plan, later ones are made from it on the plan's page.
    PlanFactory(agreement=agreement)
    assert create not in hrefs(client_for(preparer))


@pytest.mark.django_db
def test_another_organizations_agreement_is_never_offered():
    preparer = UserFactory()
    MembershipFactory(user=preparer, role="preparer", title="")
    foreign = AgreementFactory()
    assert reverse("plan_new", args=[foreign.pk]) not in hrefs(client_for(preparer))
