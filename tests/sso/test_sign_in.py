"""Single sign-on against the real loopback providers (tests/oidc): who signs in, who is
linked, and every refusal with its audited reason."""

import urllib.parse

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from suunta.audit.models import AuditEvent
from suunta.organizations.models import InvitationStatus, Membership
from suunta.security.models import UserSession
from suunta.sso import services
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.oidc import TamperingProxy, unreachable_url

from .flow import Browser, configure, events, open_invitation


@pytest.fixture
def orgs(db, oidc_providers):
    a = OrganizationFactory(name="Kunta A", slug="kunta-a")
    b = OrganizationFactory(name="Kunta B", slug="kunta-b")
    configure(a, oidc_providers["kunta-a"])
    configure(b, oidc_providers["kunta-b"])
    return a, b


@pytest.fixture
def anna(orgs):
    """A preparer of both organizations, linked to her account at each provider."""
    a, b = orgs
    user = UserFactory(username="anna", email="anna.virtanen@kunta-a.fi")
    MembershipFactory(organization=a, user=user, role="preparer")
    MembershipFactory(organization=b, user=user, role="preparer")
    SocialAccount.objects.create(user=user, provider="kunta-a", uid="kunta-a-0001-anna", extra_data={})
    SocialAccount.objects.create(user=user, provider="kunta-b", uid="kunta-b-0002-anna", extra_data={})
    return user


def link(user, provider, sub):
    return SocialAccount.objects.create(user=user, provider=provider, uid=sub, extra_data={})


def test_a_linked_user_signs_in_with_either_organizations_provider(anna, orgs):
    a, b = orgs
    b.sso_login.allowed_domains = ["kunta-b.fi"]
    b.sso_login.save()
    roles_before = list(Membership.objects.filter(user=anna).values_list("pk", flat=True))

    first = Browser()
    response = first.sign_in("anna", organization="kunta-a")
    assert response.status_code == 302 and response["Location"] == "/", response
    assert first.user_id() == anna.pk
    # The provider is found from the e-mail address's domain.
    second = Browser()
    response = second.sign_in("anna", email="anna.virtanen@kunta-b.fi")
    assert response["Location"] == "/"
    assert second.user_id() == anna.pk

    logins = events("auth.sso_login")
    assert [e["provider"][1] for e in logins] == ["kunta-a", "kunta-b"]
    assert [e["subject"][1] for e in logins] == ["kunta-a-0001-anna", "kunta-b-0002-anna"]
    # The issuer and the claims are kept with the link; never a token.
    account = SocialAccount.objects.get(provider="kunta-a")
    assert account.extra_data["iss"] == a.sso_login.issuer
    assert "nonce" not in account.extra_data
    assert not account.socialtoken_set.exists()
    # No role from a sign-in.
    assert list(Membership.objects.filter(user=anna).values_list("pk", flat=True)) == roles_before
    # Both sessions are listed as single sign-on ones (never held for a second factor).
    assert sorted(UserSession.objects.filter(user=anna).values_list("method", flat=True)) == ["sso", "sso"]
    assert first.client.get("/").status_code == 200


def test_an_unknown_subject_is_refused_and_audited(orgs):
    browser = Browser()
    response = browser.sign_in("bertta", organization="kunta-b")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert browser.user_id() is None
    assert "No Suunta account is linked to this sign-in" in browser.messages_on_login_page()
    (event,) = events("auth.sso_failed")
    assert event["reason"][1] == "unknown_user"
    assert event["subject"][1] == "kunta-b-0001-bertta"
    assert not SocialAccount.objects.exists()
    assert not get_user_model().objects.exists()
    # The organization's admin reads it in the audit log, in words.
    _a, b = orgs
    admin = UserFactory(username="b-admin")
    MembershipFactory(organization=b, user=admin, role="admin")
    reader = Browser()
    reader.client.force_login(admin)
    log = reader.client.get(reverse("audit_log", args=["kunta-b"])).content.decode()
    assert "Sign-in with the organization&#x27;s account refused" in log
    assert "unknown_user" in log and "kunta-b-0001-bertta" in log


def test_an_account_with_the_same_email_is_never_signed_in_nor_linked(orgs):
    a, _b = orgs
    same = UserFactory(username="anna-local", email="anna.virtanen@kunta-a.fi")
    MembershipFactory(organization=a, user=same, role="preparer")
    browser = Browser()
    response = browser.sign_in("anna", organization="kunta-a")
    assert response["Location"] == "/accounts/login/"
    assert browser.user_id() is None
    assert not SocialAccount.objects.exists()
    assert events("auth.sso_failed")[0]["reason"][1] == "unknown_user"


def test_the_first_sign_in_through_an_invitation_makes_and_links_the_account(orgs):
    a, _b = orgs
    admin = UserFactory(username="a-admin")
    MembershipFactory(organization=a, user=admin, role="admin")
    invitation = open_invitation(a, admin, "kutsu-anna-1234", "anna.virtanen@kunta-a.fi")
    browser = Browser()
    page = browser.client.get("/invitations/kutsu-anna-1234/")
    assert "Sign in with the organization's account" in page.content.decode()
    assert a.sso_login.issuer in page["Content-Security-Policy"]

    response = browser.sign_in("anna", invitation="kutsu-anna-1234")
    assert response["Location"] == "/"
    user = get_user_model().objects.get(pk=browser.user_id())
    assert not user.has_usable_password()
    assert (user.email, user.first_name) == ("anna.virtanen@kunta-a.fi", "Anna")
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED and invitation.accepted_by == user
    assert Membership.objects.get(user=user).role == "preparer"
    assert SocialAccount.objects.get(user=user).uid == "kunta-a-0001-anna"
    (linked,) = events("auth.sso_link")
    assert linked["subject"][1] == "kunta-a-0001-anna" and linked["provider"][1] == "kunta-a"
    # Later sign-ins match by the subject, without any invitation.
    again = Browser()
    assert again.sign_in("anna", organization="kunta-a")["Location"] == "/"
    assert again.user_id() == user.pk


def test_an_existing_account_accepts_an_invitation_with_its_organization_account(orgs):
    _a, b = orgs
    admin = UserFactory(username="b-admin")
    MembershipFactory(organization=b, user=admin, role="admin")
    bertta = UserFactory(username="bertta", email="bertta@elsewhere.fi")
    open_invitation(b, admin, "kutsu-bertta-1234", "bertta.korhonen@kunta-b.fi", role="auditor")
    browser = Browser()
    browser.client.force_login(bertta)
    response = browser.sign_in("bertta", invitation="kutsu-bertta-1234")
    assert response["Location"] == "/"
    assert browser.user_id() == bertta.pk
    assert SocialAccount.objects.get(provider="kunta-b").user == bertta
    assert Membership.objects.get(user=bertta, organization=b).role == "auditor"
    assert get_user_model().objects.count() == 2


def test_an_invitation_of_another_organization_does_not_link(orgs):
    a, _b = orgs
    admin = UserFactory(username="a-admin")
    MembershipFactory(organization=a, user=admin, role="admin")
    open_invitation(a, admin, "kutsu-toinen-1234", "x@kunta-a.fi")
    browser = Browser()
    # The invitation names Kunta A: its provider is used, whatever is chosen.
    started = browser.start(invitation="kutsu-toinen-1234", organization="kunta-b")
    assert started["Location"].startswith(a.sso_login.issuer)


TAMPERED = {
    "signature": "bad_signature",
    "foreign_key": "bad_signature",
    "aud": "wrong_audience",
    "iss": "wrong_issuer",
    "exp": "expired",
    "nonce": "nonce",
    "error": "provider_error",
    "drop": "provider_down",
}


@pytest.mark.parametrize("mode", TAMPERED)
def test_a_tampered_or_failed_token_answer_signs_nobody_in(anna, orgs, oidc_providers, mode):
    a, _b = orgs
    with TamperingProxy(oidc_providers["kunta-a"], mode=mode) as proxy:
        a.sso_login.discovery_url = proxy.discovery_url
        a.sso_login.save()
        browser = Browser()
        response = browser.sign_in("anna", organization="kunta-a")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert browser.user_id() is None
    page = browser.messages_on_login_page()
    with translation.override("en"):
        assert str(services.REASONS[TAMPERED[mode]]).replace("'", "&#x27;") in page
    (event,) = events("auth.sso_failed")
    assert event["reason"][1] == TAMPERED[mode]
    assert event["provider"][1] == "kunta-a"
    assert not events("auth.sso_login")
    if proxy.id_tokens:
        original, sent = proxy.id_tokens[0]
        stored = " ".join(AuditEvent.objects.values_list("changes", flat=True))
        assert original not in stored and sent not in stored


def test_the_faithful_proxy_signs_in(anna, orgs, oidc_providers):
    a, _b = orgs
    with TamperingProxy(oidc_providers["kunta-a"]) as proxy:
        a.sso_login.discovery_url = proxy.discovery_url
        a.sso_login.save()
        browser = Browser()
        assert browser.sign_in("anna", organization="kunta-a")["Location"] == "/"
    assert browser.user_id() == anna.pk


def test_a_replayed_callback_or_a_forged_state_is_refused(anna, orgs):
    browser = Browser()
    started = browser.start(organization="kunta-a")
    callback = browser.at_provider(started["Location"], "anna")
    assert browser.client.get(callback)["Location"] == "/"
    browser.client.post("/accounts/logout/")
    assert browser.user_id() is None
    # The same state and code again: the state was used up.
    assert browser.client.get(callback)["Location"] == "/accounts/login/"
    assert browser.user_id() is None
    # A state this browser never got.
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(callback).query))
    forged = urllib.parse.urlsplit(callback).path + "?" + urllib.parse.urlencode({**query, "state": "forged"})
    assert browser.client.get(forged)["Location"] == "/accounts/login/"
    # The code in another browser, with its own state: the code was used (and PKCE's
    # verifier is the other browser's).
    other = Browser()
    other_started = other.start(organization="kunta-a")
    other_state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(other_started["Location"]).query))[
        "state"
    ]
    stolen = (
        urllib.parse.urlsplit(callback).path + "?" + urllib.parse.urlencode({**query, "state": other_state})
    )
    assert other.client.get(stolen)["Location"] == "/accounts/login/"
    assert other.user_id() is None
    reasons = [e["reason"][1] for e in events("auth.sso_failed")]
    assert reasons == ["state", "state", "provider_error"]


def test_an_address_outside_the_allowed_domains_is_refused(orgs):
    a, _b = orgs
    a.sso_login.allowed_domains = ["kunta-a.fi"]
    a.sso_login.save()
    link(UserFactory(username="ulla"), "kunta-a", "kunta-a-0003-ulla")
    browser = Browser()
    assert browser.sign_in("ulla", organization="kunta-a")["Location"] == "/accounts/login/"
    assert browser.user_id() is None
    assert "not in a domain your organization has allowed" in browser.messages_on_login_page()
    assert events("auth.sso_failed")[0]["reason"][1] == "domain_not_allowed"


def test_an_unverified_email_is_refused(orgs):
    link(UserFactory(username="ville"), "kunta-a", "kunta-a-0002-ville")
    browser = Browser()
    assert browser.sign_in("ville", organization="kunta-a")["Location"] == "/accounts/login/"
    assert browser.user_id() is None
    assert "is not verified" in browser.messages_on_login_page()
    assert events("auth.sso_failed")[0]["reason"][1] == "email_not_verified"


def test_no_email_verified_claim_at_all_is_accepted_as_entra_id_sends_none(anna):
    # Kunta B sends no email_verified (as Entra ID): a linked subject signs in.
    browser = Browser()
    assert browser.sign_in("anna", organization="kunta-b")["Location"] == "/"


def test_a_provider_that_is_down_gives_a_clear_message(orgs):
    a, _b = orgs
    a.sso_login.issuer = unreachable_url()
    a.sso_login.save()
    browser = Browser()
    response = browser.start(organization="kunta-a")
    assert response["Location"] == "/accounts/login/"
    assert "did not answer" in browser.messages_on_login_page()
    assert events("auth.sso_failed")[0]["reason"][1] == "provider_down"


def test_the_typed_address_goes_along_as_a_login_hint_and_pkce_state_and_nonce_are_sent(orgs):
    a, _b = orgs
    a.sso_login.allowed_domains = ["kunta-a.fi"]
    a.sso_login.save()
    started = Browser().start(email="anna.virtanen@kunta-a.fi")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(started["Location"]).query))
    assert query["login_hint"] == "anna.virtanen@kunta-a.fi"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert len(query["state"]) >= 16 and len(query["nonce"]) >= 32
    assert sorted(query["scope"].split()) == ["email", "openid", "profile"]


def test_a_sign_in_cancelled_at_the_provider_is_refused_with_its_reason(orgs):
    browser = Browser()
    # The provider refuses a login name it does not know: access_denied at the callback.
    response = browser.sign_in("nobody", organization="kunta-a")
    assert response["Location"] == "/accounts/login/"
    assert browser.user_id() is None
    assert "was cancelled" in browser.messages_on_login_page()
    assert events("auth.sso_failed")[0]["reason"][1] == "cancelled"


def test_an_unknown_domain_or_nothing_chosen_is_shown_next_to_the_field(orgs):
    browser = Browser()
    response = browser.start(email="someone@nowhere.fi")
    assert response.status_code == 200
    page = response.content.decode()
    assert "No organization" in page and 'value="someone@nowhere.fi"' in page
    assert "Type your work e-mail address" in browser.start().content.decode()


def test_the_login_page_lets_its_forms_lead_to_the_providers(orgs, oidc_providers):
    response = Browser().client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    form_action = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
    assert oidc_providers["kunta-a"].issuer in form_action
    assert oidc_providers["kunta-b"].issuer in form_action
    assert "Kunta A" in response.content.decode()
