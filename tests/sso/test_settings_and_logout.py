"""The organization admin's settings page, passwords refused where single sign-on is
required (not for operators), and the logout that also signs out at the provider."""

import urllib.parse

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from suunta.audit.models import AuditEvent
from suunta.sso.models import OrganizationLogin
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

from .flow import BASE, Browser, client, configure, events, forms_of

SECRET = "very-secret-value-0123456789"


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Kunta A", slug="kunta-a")


def person(org, username, role):
    user = UserFactory(username=username, email=f"{username}@kunta-a.fi")
    MembershipFactory(organization=org, user=user, role=role)
    return user


def logged_in(user):
    browser = client()
    browser.force_login(user)
    return browser


def settings_data(provider, **changes):
    return {
        "issuer": provider.issuer,
        "discovery_url": "",
        "client_id": provider.client_id,
        "new_secret": SECRET,
        "domains": "kunta-a.fi, Kunta-A.fi",
        "require_sso": "",
        "enabled": "on",
        **changes,
    }


def test_the_admin_configures_it_and_the_secret_is_never_shown_back(org, oidc_providers):
    provider = oidc_providers["kunta-a"]
    admin = logged_in(person(org, "admin", "admin"))
    page = admin.get("/organizations/kunta-a/sso/")
    assert page.status_code == 200
    assert f"{BASE}/accounts/oidc/kunta-a/login/callback/" in page.content.decode()
    response = admin.post("/organizations/kunta-a/sso/", settings_data(provider))
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = OrganizationLogin.objects.get(organization=org)
    assert (saved.client_secret, saved.allowed_domains, saved.enabled) == (SECRET, ["kunta-a.fi"], True)
    assert saved.authorization_endpoint.startswith(provider.issuer)
    page = admin.get("/organizations/kunta-a/sso/").content.decode()
    assert SECRET not in page
    assert "A secret is set" in page
    # Saving again without typing the secret keeps it.
    admin.post("/organizations/kunta-a/sso/", settings_data(provider, new_secret="", require_sso="on"))
    saved.refresh_from_db()
    assert saved.client_secret == SECRET and saved.require_sso
    logged = " ".join(AuditEvent.objects.filter(action__startswith="sso.").values_list("changes", flat=True))
    assert SECRET not in logged
    assert [e["client_secret"][1] for e in events("sso.create")] == ["set"]
    assert "client_secret" not in events("sso.update")[0]


def test_bad_settings_are_shown_next_to_their_field_and_nothing_is_saved(org, oidc_providers):
    provider = oidc_providers["kunta-a"]
    admin = logged_in(person(org, "admin", "admin"))
    # Turning it on checks the provider's discovery document: another issuer there.
    wrong = settings_data(
        provider, issuer=oidc_providers["kunta-b"].issuer + "/", discovery_url=provider.discovery_url
    )
    page = admin.post("/organizations/kunta-a/sso/", wrong)
    assert page.status_code == 200
    assert "names another issuer" in page.content.decode()
    page = admin.post(
        "/organizations/kunta-a/sso/",
        settings_data(provider, domains="kunta-a.fi not_a_domain", new_secret=""),
    )
    text = page.content.decode()
    assert "Not a domain: not_a_domain" in text and "Type the client secret." in text
    assert 'value="kunta-a.fi not_a_domain"' in text
    assert not OrganizationLogin.objects.exists()


def test_only_the_organizations_admin_and_operators_open_the_page(org, oidc_providers):
    other = OrganizationFactory(slug="kunta-b")
    other_admin = UserFactory(username="other-admin")
    MembershipFactory(organization=other, user=other_admin, role="admin")
    assert logged_in(other_admin).get("/organizations/kunta-a/sso/").status_code == 404
    member = person(org, "member", "preparer")
    assert logged_in(member).get("/organizations/kunta-a/sso/").status_code == 403
    response = logged_in(member).post("/organizations/kunta-a/sso/", settings_data(oidc_providers["kunta-a"]))
    assert response.status_code == 403
    assert not OrganizationLogin.objects.exists()
    operator = get_user_model().objects.create_superuser("operaattori", password="x")
    assert logged_in(operator).get("/organizations/kunta-a/sso/").status_code == 200


def password_login(username, password="pw"):
    browser = client()
    response = browser.post("/accounts/login/", {"username": username, "password": password})
    return browser, response


def test_required_sso_refuses_the_password_of_members_but_not_of_an_operator(org, oidc_providers):
    configure(org, oidc_providers["kunta-a"], require_sso=True)
    person(org, "member", "preparer")
    browser, response = password_login("member")
    assert response.status_code == 200
    assert "requires you to sign in with your organization" in response.content.decode()
    assert "_auth_user_id" not in browser.session
    assert events("auth.password_refused")[0]["reason"][1] == "sso_required"
    # The operator's break-glass account, also a member, keeps its password.
    operator = get_user_model().objects.create_superuser("operaattori", password="pw")
    MembershipFactory(organization=org, user=operator, role="admin")
    browser, response = password_login("operaattori")
    assert response.status_code == 302
    # Someone of another organization keeps the password, and so do members once it is not required.
    UserFactory(username="outsider")
    assert password_login("outsider")[1].status_code == 302
    OrganizationLogin.objects.update(require_sso=False)
    assert password_login("member")[1].status_code == 302


def test_logout_after_sso_signs_out_at_the_provider_and_comes_back_to_the_login(org, oidc_providers):
    provider = oidc_providers["kunta-a"]
    configure(org, provider)
    anna = person(org, "anna", "preparer")
    SocialAccount.objects.create(user=anna, provider="kunta-a", uid="kunta-a-0001-anna")
    browser = Browser()
    assert browser.sign_in("anna", organization="kunta-a")["Location"] == "/"
    # Every page's logout form may lead to the provider.
    home = browser.client.get("/")
    assert provider.issuer in home["Content-Security-Policy"]
    response = browser.client.post("/accounts/logout/")
    assert browser.user_id() is None
    location = response["Location"]
    assert location.startswith(f"{provider.issuer}/session/end?")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    assert query["post_logout_redirect_uri"] == f"{BASE}/accounts/login/"
    assert query["id_token_hint"].count(".") == 2
    # The provider asks, then sends the browser back to Suunta's login page.
    page = browser.session.get(location, timeout=10)
    (form,) = forms_of(page.text)
    fields = {**form["fields"], "logout": "yes"}
    back = browser.session.post(
        urllib.parse.urljoin(page.url, form["action"]), data=fields, allow_redirects=False, timeout=10
    )
    assert back.headers["Location"] == f"{BASE}/accounts/login/"
    # The provider's session is gone: the next sign-in asks for the login again.
    started = browser.start(organization="kunta-a")
    first = browser.session.get(started["Location"], allow_redirects=True, timeout=10)
    assert 'name="login"' in first.text


def test_a_password_session_logs_out_plainly(org):
    member = person(org, "member", "preparer")
    browser = logged_in(member)
    response = browser.post("/accounts/logout/")
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in browser.session
