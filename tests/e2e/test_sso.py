"""Single sign-on in Chromium through the loopback providers' own login and consent
pages (tests/oidc): both organizations, an invitation accepted with the organization's
account, a tampered answer refused with its message, and the logout at the provider.

The provider accepts redirect URIs on 127.0.0.1 only, so the browser uses the live
server by that address."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from suunta.organizations.models import Invitation, Organization
from suunta.sso.models import OrganizationLogin
from tests.oidc import TamperingProxy, oidc_provider_process_fixture, oidc_providers_fixture  # noqa: F401
from tests.sso.flow import open_invitation

from .browser import assert_accessible, assert_no_csp_violations


@pytest.fixture
def sso_demo(live_demo, oidc_providers):
    """Esimerkkikunta with Kunta A's provider, Toinen kunta with Kunta B's; the base URL."""
    for slug, name in (("esimerkkikunta", "kunta-a"), ("toinen-kunta", "kunta-b")):
        provider = oidc_providers[name]
        OrganizationLogin.objects.create(
            organization=Organization.objects.get(slug=slug),
            issuer=provider.issuer,
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            allowed_domains=[f"{name}.fi"],
            enabled=True,
        )
    return live_demo.replace("localhost", "127.0.0.1")


def link(username, provider, sub):
    user = get_user_model().objects.get(username=username)
    SocialAccount.objects.create(user=user, provider=provider, uid=sub)
    return user


def at_provider(page, login):
    """The provider's own pages, as a person fills them in."""
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    consent = page.locator("input[name=prompt][value=consent]")
    consent.wait_for(state="attached")
    consent.locator("xpath=ancestor::form").locator("button[type=submit]").click()  # "Continue"


def start_from_login_page(page, base, *, email=None, organization=None):
    page.goto(f"{base}/accounts/login/")
    form = page.locator('form[action="/accounts/sso/"]')
    if email:
        form.locator("input[name=email]").fill(email)
    if organization:
        form.locator("select[name=organization]").select_option(organization)
    form.locator("button[type=submit]").click()


def test_staff_of_both_organizations_sign_in_with_their_organizations_accounts(sso_demo, page):
    valmistelija = link("valmistelija", "esimerkkikunta", "kunta-a-0001-anna")
    toinen = link("toinen-valmistelija", "toinen-kunta", "kunta-b-0001-bertta")
    page.goto(f"{sso_demo}/accounts/login/")
    assert_accessible(page, "login-sso")

    start_from_login_page(page, sso_demo, email="anna.virtanen@kunta-a.fi")
    at_provider(page, "anna")
    page.wait_for_url(f"{sso_demo}/")
    assert page.locator(".user-name").inner_text() == str(valmistelija)
    assert_no_csp_violations(page)
    # Out of Suunta and out of the provider (its own confirmation page), back to the login.
    page.locator(".logout-form button[type=submit]").click()
    page.locator("button[name=logout][value=yes]").click()  # the provider's "Yes, sign me out"
    page.wait_for_url(f"{sso_demo}/accounts/login/")
    assert page.locator(".user-name").count() == 0
    assert_no_csp_violations(page)

    start_from_login_page(page, sso_demo, organization="toinen-kunta")
    at_provider(page, "bertta")
    page.wait_for_url(f"{sso_demo}/")
    assert page.locator(".user-name").inner_text() == str(toinen)
    assert_no_csp_violations(page)


def test_an_invitation_is_accepted_with_the_organizations_account(sso_demo, page):
    admin = get_user_model().objects.get(username="paakayttaja")
    organization = Organization.objects.get(slug="esimerkkikunta")
    invitation = open_invitation(organization, admin, "selaimen-kutsu-1234", "anna.virtanen@kunta-a.fi")
    page.goto(f"{sso_demo}/invitations/selaimen-kutsu-1234/")
    assert_accessible(page, "invitation-sso")
    page.locator('form[action="/accounts/sso/"] button[type=submit]').click()
    at_provider(page, "anna")
    page.wait_for_url(f"{sso_demo}/")
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    user = invitation.accepted_by
    assert not user.has_usable_password()
    assert SocialAccount.objects.get(user=user, provider="esimerkkikunta").uid == "kunta-a-0001-anna"
    assert page.locator(".user-name").inner_text() == str(user)
    assert Invitation.objects.filter(status="open", pk=invitation.pk).count() == 0


def test_a_tampered_answer_is_refused_with_its_message_visible(sso_demo, page, oidc_providers):
    link("valmistelija", "esimerkkikunta", "kunta-a-0001-anna")
    with TamperingProxy(oidc_providers["kunta-a"], mode="aud") as proxy:
        OrganizationLogin.objects.filter(organization__slug="esimerkkikunta").update(
            discovery_url=proxy.discovery_url
        )
        start_from_login_page(page, sso_demo, organization="esimerkkikunta")
        at_provider(page, "anna")
        page.wait_for_url(f"{sso_demo}/accounts/login/")
    message = page.locator(".messages .message--error")
    assert "kirjautumispalvelun vastausta ei voitu todentaa" in message.inner_text()
    assert page.locator(".user-name").count() == 0
    assert_accessible(page, "login-sso-refused")
    assert_no_csp_violations(page)
