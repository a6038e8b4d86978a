"""Evaluator grants that would break the cascade are refused (issue 21, "Bad input"):
the executive of an agreement evaluating his or her own goals, and the executive of an
agreement below made an evaluator of an agreement above (a cycle), whether given on the
people page, by an invitation accepted or confirmed by a second admin."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from suunta.audit.models import AuditEvent
from suunta.organizations import services as org_services
from suunta.organizations.models import Invitation, Membership, Role

from ..helpers import assert_field_error, fi
from .conftest import BASIS, agreement_for, make_evaluator, new_executive

OWN = "The executive cannot evaluate his or her own goals."
CYCLE = (
    "%(executive)s evaluates the goals of %(person)s already, directly or through the "
    "chain: an evaluator cannot sit below the goals he or she evaluates."
)
NEW = reverse("member_new", args=["esimerkkikunta"])


def grant(tree, person, agreement) -> dict:
    return {
        "person": person.pk,
        "role": "evaluator",
        "title": tree.position,
        "agreement": agreement.pk,
        "valid_from": "2026-12-01",
        "valid_to": "",
        "basis": BASIS,
    }


def evaluators(agreement) -> set[str]:
    return set(
        Membership.objects.filter(agreement=agreement, role=Role.EVALUATOR).values_list(
            "user__username", flat=True
        )
    )


def test_the_executive_is_not_made_an_evaluator_of_his_own_agreement(tree):
    before = evaluators(tree.agreement)
    response = tree.demo.client("paakayttaja").post(NEW, grant(tree, tree.director, tree.agreement))
    assert_field_error(response, "id_agreement", fi(OWN))
    assert evaluators(tree.agreement) == before
    with pytest.raises(ValidationError) as refused:
        make_evaluator(tree.admin, tree.demo.org, tree.director, tree.agreement, tree.position)
    assert refused.value.message_dict == {"agreement": [fi(OWN)]}


def test_a_director_is_not_made_an_evaluator_of_the_chief(tree):
    chief_agreement = tree.demo.plan.agreement
    before = evaluators(chief_agreement)
    response = tree.demo.client("paakayttaja").post(NEW, grant(tree, tree.director, chief_agreement))
    message = fi(CYCLE, executive=str(tree.chief), person=str(tree.director))
    assert_field_error(response, "id_agreement", message)
    assert evaluators(chief_agreement) == before


def test_nor_is_anyone_further_down_the_chain(tree, unit):
    head = unit[0]
    with pytest.raises(ValidationError) as refused:
        make_evaluator(tree.admin, tree.demo.org, head, tree.demo.plan.agreement, tree.position)
    assert refused.value.message_dict == {
        "agreement": [fi(CYCLE, executive=str(tree.chief), person=str(head))]
    }
    # The unit head evaluating the director: also upside down.
    with pytest.raises(ValidationError):
        make_evaluator(tree.admin, tree.demo.org, head, tree.agreement, tree.position)
    assert head.username not in evaluators(tree.agreement)


def test_grants_that_keep_the_tree_are_given(tree, unit):
    """The mayor (no agreement of his own) evaluates the director too; the chief
    evaluates the unit head directly as well."""
    mayor = tree.demo.user("pormestari")
    make_evaluator(tree.admin, tree.demo.org, mayor, tree.agreement, tree.position)
    make_evaluator(tree.admin, tree.demo.org, tree.chief, unit[1], tree.position)
    assert {"pormestari", "kansliapaallikko"} <= evaluators(tree.agreement)
    assert "kansliapaallikko" in evaluators(unit[1])


def test_an_accepted_invitation_is_refused_the_same_way(tree):
    """Invited by address, the director accepts with his own account: refused, no role."""
    invitation = org_services.invite(
        tree.admin,
        tree.demo.org,
        email=tree.director.email,
        first_name="Elina",
        last_name="Saari",
        role=Role.EVALUATOR,
        title=tree.position,
        agreement=tree.demo.plan.agreement,
        valid_from=dt.date(2026, 12, 1),
        basis=BASIS,
        base_url="http://testserver",
        language="fi",
    )
    with pytest.raises(ValidationError) as refused:
        org_services.accept_invitation(tree.director, invitation)
    assert refused.value.message_dict == {
        "agreement": [fi(CYCLE, executive=str(tree.chief), person=str(tree.director))]
    }
    assert "opetusjohtaja-t" not in evaluators(tree.demo.plan.agreement)
    assert Invitation.objects.get(pk=invitation.pk).status == "open"


def test_a_grant_waiting_for_confirmation_is_checked_again(tree):
    """Given to an admin, the role waits for a second admin; meanwhile the chain changed."""
    second_admin = get_user_model().objects.create_user(
        "toinen-admin-t", first_name="Olavi", last_name="Toinen"
    )
    Membership.objects.create(
        organization=tree.demo.org, user=second_admin, role=Role.ADMIN, valid_from=dt.date(2024, 1, 1)
    )
    Membership.objects.create(
        organization=tree.demo.org, user=tree.director, role=Role.ADMIN, valid_from=dt.date(2024, 1, 1)
    )
    # The director is made an evaluator of a new agreement (waits: he is an admin) ...
    other = new_executive(tree.demo, "talousjohtaja-t", "Tiina", "Raha")
    other_agreement = agreement_for(tree.demo, tree.admin, other, "talousjohtaja", "talousjohtajan")
    waiting = make_evaluator(tree.admin, tree.demo.org, tree.director, other_agreement, tree.position)
    assert waiting.awaiting_confirmation
    # ... and before it is confirmed, that agreement's executive comes to evaluate the chief.
    make_evaluator(tree.admin, tree.demo.org, other, tree.demo.plan.agreement, tree.position)
    confirm = reverse("membership_confirm", args=["esimerkkikunta", waiting.pk])
    response = tree.demo.client("toinen-admin-t").post(confirm)
    assert response.status_code == 403
    waiting.refresh_from_db()
    assert waiting.awaiting_confirmation
    assert AuditEvent.objects.filter(
        action="membership.grant.denied", actor__username="toinen-admin-t"
    ).exists()
