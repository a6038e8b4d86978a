"""The operators' Django admin: plan contents and follow-ups are read there, not
written (tests/governance/test_freeze.py); memberships are changed only through the
membership service, audited; the superuser flag is not confused with an organization's
own admin (pääkäyttäjä)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils.translation import override

from suunta.audit.models import AuditEvent
from suunta.audit.services import changes_of
from suunta.organizations.models import Membership

from .helpers import fi


@pytest.fixture
def operator(db):
    user = get_user_model().objects.create_superuser("operaattori", password="x")
    client = Client()
    client.force_login(user)
    return client


def test_an_operator_adds_a_membership_through_the_service_and_it_is_audited(demo, operator):
    person = demo.user("hallitus")
    response = operator.post(
        reverse("admin:organizations_membership_add"),
        {
            "organization": demo.org.pk,
            "user": person.pk,
            "role": "auditor",
            "title": "",
            "valid_from": "2026-12-01",
            "valid_to": "",
            "basis": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    membership = Membership.objects.get(user=person, role="auditor")
    assert membership.granted_by.username == "operaattori"
    event = AuditEvent.objects.get(action="membership.create", object_id=str(membership.pk))
    assert event.actor_label == "operaattori"
    assert event.organization == demo.org
    assert changes_of(event)["role"] == [None, "auditor"]


def test_an_operator_cannot_delete_a_membership(demo, operator):
    membership = Membership.objects.get(user__username="hallitus")
    url = reverse("admin:organizations_membership_delete", args=[membership.pk])
    assert operator.post(url, {"post": "yes"}).status_code == 403
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_organization_page_shows_memberships_read_only(demo, operator):
    page = operator.get(reverse("admin:organizations_organization_change", args=[demo.org.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Järvinen" in body
    assert 'name="memberships-0-role"' not in body


def test_the_superuser_flag_is_called_an_operator_not_an_admin(demo, operator):
    person = demo.user("paakayttaja")
    with override("fi"):
        page = operator.get(
            reverse("admin:accounts_user_change", args=[person.pk]), HTTP_ACCEPT_LANGUAGE="fi"
        ).content.decode()
    assert fi("Operator of the service") in page
    assert ">Pääkäyttäjä<" not in page and "Pääkäyttäjä:" not in page


def test_an_operator_ends_a_membership_but_cannot_rewrite_whose_or_which_role_it_was(demo, operator):
    membership = Membership.objects.get(user__username="hallitus")
    url = reverse("admin:organizations_membership_change", args=[membership.pk])
    form = operator.get(url).content.decode()
    assert 'name="valid_to"' in form
    assert 'name="role"' not in form and 'name="user"' not in form
    response = operator.post(
        url,
        {
            "user": demo.user("valmistelija").pk,
            "organization": membership.organization_id,
            "role": "org_admin",
            "valid_from": "2020-01-01",
            "valid_to": "2026-12-31",
            "basis": membership.basis,
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    membership.refresh_from_db()
    assert membership.user.username == "hallitus"
    assert membership.role != "org_admin"
    assert str(membership.valid_to) == "2026-12-31"
    event = AuditEvent.objects.get(action="membership.update", object_id=str(membership.pk))
    assert set(changes_of(event)) == {"valid_to"}


def test_a_board_decision_is_not_added_in_the_admin(demo, operator):
    assert operator.get(reverse("admin:governance_handling_add")).status_code == 403


def test_agreements_are_made_in_the_app_and_their_executive_is_not_changed_here(demo, operator):
    assert operator.get(reverse("admin:agreements_directoragreement_add")).status_code == 403
    url = reverse("admin:agreements_directoragreement_change", args=[demo.plan.agreement_id])
    form = operator.get(url).content.decode()
    assert 'name="executive"' not in form and 'name="organization"' not in form
    assert 'name="position_title"' in form


def test_sign_in_secrets_have_no_admin_page(operator):
    # django-allauth's provider apps, tokens and TOTP secrets are not in the admin: the
    # app configures sign-in per organization, and nobody reads a secret back.
    for path in (
        "/admin/socialaccount/socialapp/",
        "/admin/socialaccount/socialtoken/",
        "/admin/socialaccount/socialaccount/",
        "/admin/mfa/authenticator/",
        "/admin/account/emailaddress/",
    ):
        assert operator.get(path).status_code == 404, path
    assert operator.get("/admin/accounts/user/").status_code == 200
