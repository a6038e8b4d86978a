"""The loopback OpenID Connect providers and the tampering proxy work: a relying party's
whole flow with `requests` (no Django) against the real oidc-provider, and the ID token
verified with PyJWT, then refused for the right reason in each tampering mode."""

import base64
import dataclasses
import email.utils
import hashlib
import re
import secrets
import time
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser

import jwt
import pytest
import requests
import time_machine

from tests.oidc import (
    OidcProviderUnavailable,
    Provider,
    ProviderSpec,
    TamperingProxy,
    oidc_provider_process_fixture,  # noqa: F401  (the fixture oidc_provider_process)
    oidc_providers_fixture,  # noqa: F401  (the fixture oidc_providers)
    start_providers,
    unreachable_url,
)

# Never fetched: the flow stops at the redirect to the relying party.
REDIRECT_URI = "http://127.0.0.1:40123/accounts/oidc/org-1/login/callback/"


class Forms(HTMLParser):
    """The page's forms as a browser submits them: action, hidden and filled inputs, and
    the buttons (a button may sit outside its form and name it with form="...")."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.buttons: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "id": attrs.get("id"), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "button":
            self.buttons.append(attrs)


def forms_of(html: str) -> Forms:
    parser = Forms()
    parser.feed(html)
    return parser


@dataclass
class Authorization:
    state: str
    nonce: str
    verifier: str
    redirect: str  # the provider's redirect to the relying party

    @property
    def query(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.redirect).query))


def follow_to_page(browser: requests.Session, response: requests.Response) -> requests.Response:
    """Follows the provider's redirects until a page or the redirect to the relying party."""
    while response.is_redirect:
        location = urllib.parse.urljoin(response.url, response.headers["Location"])
        if location.startswith(REDIRECT_URI):
            return response
        response = browser.get(location, allow_redirects=False, timeout=10)
    return response


def submit(browser: requests.Session, page: requests.Response, **fields: str) -> requests.Response:
    (form,) = forms_of(page.text).forms
    data = {**form["fields"], **fields}
    response = browser.post(
        urllib.parse.urljoin(page.url, form["action"]), data=data, allow_redirects=False, timeout=10
    )
    return follow_to_page(browser, response)


def authorize(
    provider: Provider,
    login: str | None,
    client_id: str | None = None,
    browser: requests.Session | None = None,
    **extra: str,
) -> Authorization:
    """The browser's part: the authorization request with state, nonce and PKCE S256, the
    provider's login and consent pages filled in as a person would (login None: none
    expected, the provider already knows the browser)."""
    discovery = requests.get(provider.discovery_url, timeout=10).json()
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)  # oidc-provider wants 43 to 128 characters
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    browser = browser or requests.Session()
    response = browser.get(
        discovery["authorization_endpoint"],
        params={
            "response_type": "code",
            "client_id": client_id or provider.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid email profile",
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            **extra,
        },
        allow_redirects=False,
        timeout=10,
    )
    page = follow_to_page(browser, response)
    if login is None:
        assert page.is_redirect, page.text
        return Authorization(state, nonce, verifier, page.headers["Location"])
    assert 'name="login"' in page.text, page.text
    page = submit(browser, page, login=login, password="anything")
    if page.is_redirect:  # refused
        return Authorization(state, nonce, verifier, page.headers["Location"])
    assert 'name="prompt" value="consent"' in page.text, page.text
    done = submit(browser, page)
    assert done.is_redirect, done.text
    return Authorization(state, nonce, verifier, done.headers["Location"])


def exchange(
    server_url: str,
    provider: Provider,
    auth: Authorization,
    client_id: str | None = None,
    basic: bool = False,
    secret: str | None = None,
):
    """The relying party's part: the code at the token endpoint (client_secret_post, or
    client_secret_basic)."""
    client = provider.client(client_id or provider.client_id)
    if secret is not None:
        client = dataclasses.replace(client, client_secret=secret)
    discovery = requests.get(f"{server_url}/.well-known/openid-configuration", timeout=10).json()
    data = {
        "grant_type": "authorization_code",
        "code": auth.query["code"],
        "redirect_uri": REDIRECT_URI,
        "code_verifier": auth.verifier,
    }
    if basic:
        credentials = (client.client_id, client.client_secret)
    else:
        credentials = None
        data.update(client_id=client.client_id, client_secret=client.client_secret)
    return discovery, requests.post(discovery["token_endpoint"], data=data, auth=credentials, timeout=10)


class NonceMismatch(Exception):
    pass


def verify(id_token: str, discovery: dict, client_id: str, nonce: str, **options) -> dict:
    """What a relying party checks: signature against the JWKS, iss, aud, exp, nonce."""
    keys = requests.get(discovery["jwks_uri"], timeout=10).json()
    kid = jwt.get_unverified_header(id_token)["kid"]
    key = next(jwt.PyJWK(k) for k in keys["keys"] if k["kid"] == kid)
    claims = jwt.decode(
        id_token,
        key=key,
        algorithms=["RS256"],
        audience=client_id,
        issuer=discovery["issuer"],
        options={"require": ["exp", "iat", "iss", "aud", "sub"], **options},
    )
    if claims.get("nonce") != nonce:
        raise NonceMismatch(claims.get("nonce"))
    return claims


def test_a_relying_party_signs_in_through_the_providers_own_pages(oidc_providers):
    provider = oidc_providers["kunta-a"]
    auth = authorize(provider, "anna")
    assert auth.redirect.startswith(REDIRECT_URI)
    assert auth.query["state"] == auth.state
    assert auth.query["iss"] == provider.issuer

    discovery, response = exchange(provider.issuer, provider, auth)
    assert response.status_code == 200, response.text
    claims = verify(response.json()["id_token"], discovery, provider.client_id, auth.nonce)
    assert claims["iss"] == provider.issuer
    assert claims["sub"] == "kunta-a-0001-anna"
    assert claims["email"] == "anna.virtanen@kunta-a.fi"
    assert claims["email_verified"] is True
    assert (claims["name"], claims["given_name"], claims["family_name"]) == (
        "Anna Virtanen",
        "Anna",
        "Virtanen",
    )

    # The same code a second time: refused.
    _discovery, again = exchange(provider.issuer, provider, auth)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_the_second_provider_sends_no_email_verified_and_has_its_own_key(oidc_providers):
    a, b = oidc_providers["kunta-a"], oidc_providers["kunta-b"]
    auth = authorize(b, "anna")
    discovery, response = exchange(b.issuer, b, auth)
    id_token = response.json()["id_token"]
    claims = verify(id_token, discovery, b.client_id, auth.nonce)
    assert claims["sub"] == "kunta-b-0002-anna"
    assert "email_verified" not in claims
    # Kunta A's keys do not verify Kunta B's token.
    a_keys = requests.get(f"{a.issuer}/jwks", timeout=10).json()["keys"]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(id_token, key=jwt.PyJWK(a_keys[0]), algorithms=["RS256"], audience=b.client_id)


def test_the_secret_is_taken_by_post_or_basic_and_a_wrong_one_refused(oidc_providers):
    """oidc-provider 9 accepts either of the two from a client registered with one."""
    provider = oidc_providers["kunta-b"]
    auth = authorize(provider, "bertta")
    _discovery, wrong = exchange(provider.issuer, provider, auth, secret="not-the-secret")
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    _discovery, wrong = exchange(provider.issuer, provider, auth, secret="not-the-secret", basic=True)
    assert wrong.status_code == 401
    discovery, by_basic = exchange(provider.issuer, provider, auth, basic=True)
    assert by_basic.status_code == 200, by_basic.text
    claims = verify(by_basic.json()["id_token"], discovery, provider.client_id, auth.nonce)
    assert claims["sub"] == "kunta-b-0001-bertta"


def test_the_providers_clock_is_the_tests_and_its_cookies_the_browsers(oidc_providers):
    """The tests run days away from the real date (time-machine): tokens carry the tests'
    time, cookies' expiry the real time (Chromium knows no other and would drop them)."""
    provider = oidc_providers["kunta-a"]
    real_now = time_machine.escape_hatch.time.time()
    assert abs(real_now - time.time()) > 3600, "the tests' clock is expected to differ from the real one"
    auth = authorize(provider, "anna")
    _discovery, response = exchange(provider.issuer, provider, auth)
    claims = jwt.decode(response.json()["id_token"], options={"verify_signature": False})
    assert abs(claims["iat"] - time.time()) < 60

    response = requests.get(
        f"{provider.issuer}/auth",
        params={
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid",
            "state": "s",
            "nonce": "n",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        },
        allow_redirects=False,
        timeout=10,
    )
    cookies = response.raw.headers.getlist("Set-Cookie")
    assert any(cookie.startswith("_interaction_kunta-a=") for cookie in cookies), cookies
    for cookie in cookies:
        expires = email.utils.parsedate_to_datetime(re.search(r"expires=([^;]+)", cookie).group(1))
        assert real_now < expires.timestamp() <= real_now + 3600 + 60, cookie


def test_one_browser_keeps_its_sessions_at_both_providers(oidc_providers):
    """Cookies are shared by every port of 127.0.0.1: each provider names its own."""
    a, b = oidc_providers["kunta-a"], oidc_providers["kunta-b"]
    browser = requests.Session()
    authorize(a, "anna", browser=browser)
    authorize(b, "bertta", browser=browser)
    again = authorize(a, None, browser=browser, prompt="none")
    assert "code" in again.query, again.query
    discovery, response = exchange(a.issuer, a, again)
    assert (
        verify(response.json()["id_token"], discovery, a.client_id, again.nonce)["sub"] == "kunta-a-0001-anna"
    )


def test_pkce_is_required(oidc_providers):
    provider = oidc_providers["kunta-a"]
    response = requests.get(
        f"{provider.issuer}/auth",
        params={
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": "openid",
            "state": "s",
            "nonce": "n",
        },
        allow_redirects=False,
        timeout=10,
    )
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(response.headers["Location"]).query))
    assert query["error"] == "invalid_request"
    assert "PKCE" in query["error_description"]


def test_an_unknown_login_is_refused(oidc_providers):
    auth = authorize(oidc_providers["kunta-a"], "nobody")
    assert auth.redirect.startswith(REDIRECT_URI)
    assert auth.query["error"] == "access_denied"
    assert auth.query["state"] == auth.state
    assert "code" not in auth.query


def test_a_short_lived_id_token_expires_when_the_tests_clock_moves(oidc_providers, fixed_today):
    provider = oidc_providers["kunta-a"]
    auth = authorize(provider, "anna", client_id="suunta-kunta-a-short")
    discovery, response = exchange(provider.issuer, provider, auth, client_id="suunta-kunta-a-short")
    id_token = response.json()["id_token"]
    claims = verify(id_token, discovery, "suunta-kunta-a-short", auth.nonce)
    assert claims["exp"] - claims["iat"] == 5
    fixed_today.shift(10)
    with pytest.raises(jwt.ExpiredSignatureError):
        verify(id_token, discovery, "suunta-kunta-a-short", auth.nonce)


def test_rp_initiated_logout_returns_to_any_loopback_port(oidc_providers):
    provider = oidc_providers["kunta-a"]
    auth = authorize(provider, "anna")
    discovery, response = exchange(provider.issuer, provider, auth)
    back = "http://127.0.0.1:40124/accounts/login/"
    browser = requests.Session()
    page = browser.get(
        discovery["end_session_endpoint"],
        params={
            "id_token_hint": response.json()["id_token"],
            "post_logout_redirect_uri": back,
            "state": "bye",
        },
        timeout=10,
    )
    assert page.status_code == 200, page.text
    (form,) = forms_of(page.text).forms
    done = browser.post(
        urllib.parse.urljoin(page.url, form["action"]),
        data={**form["fields"], "logout": "yes"},
        allow_redirects=False,
    )
    while done.is_redirect and not done.headers["Location"].startswith(back):
        done = browser.get(urllib.parse.urljoin(done.url, done.headers["Location"]), allow_redirects=False)
    assert done.headers["Location"] == f"{back}?state=bye"


def test_the_proxy_passes_everything_through_unchanged(oidc_providers):
    provider = oidc_providers["kunta-a"]
    with TamperingProxy(provider) as proxy:
        auth = authorize(provider, "anna")
        discovery, response = exchange(proxy.url, provider, auth)
        assert discovery["issuer"] == provider.issuer
        assert discovery["token_endpoint"] == f"{proxy.url}/token"
        assert discovery["jwks_uri"] == f"{proxy.url}/jwks"
        assert discovery["authorization_endpoint"] == f"{provider.issuer}/auth"
        claims = verify(response.json()["id_token"], discovery, provider.client_id, auth.nonce)
        assert claims["sub"] == "kunta-a-0001-anna"
        ((original, sent),) = proxy.id_tokens
        assert original == sent
        assert discovery["userinfo_endpoint"] == f"{proxy.url}/me"
        userinfo = requests.get(
            discovery["userinfo_endpoint"],
            headers={"Authorization": f"Bearer {response.json()['access_token']}"},
            timeout=10,
        )
        assert userinfo.status_code == 200, userinfo.text
        assert userinfo.json()["email"] == "anna.virtanen@kunta-a.fi"


# mode: (what verification raises, the check that, left out, lets the token through)
REFUSALS = {
    "signature": (jwt.InvalidSignatureError, {"verify_signature": False}),
    "foreign_key": (jwt.InvalidSignatureError, {"verify_signature": False}),
    "aud": (jwt.InvalidAudienceError, {"verify_aud": False}),
    "iss": (jwt.InvalidIssuerError, {"verify_iss": False}),
    "exp": (jwt.ExpiredSignatureError, {"verify_exp": False}),
    "nonce": (NonceMismatch, None),
}


@pytest.mark.parametrize("mode", REFUSALS)
def test_a_tampered_id_token_is_refused_for_the_right_reason(oidc_providers, mode):
    provider = oidc_providers["kunta-a"]
    with TamperingProxy(provider, mode=mode) as proxy:
        auth = authorize(provider, "anna")
        discovery, response = exchange(proxy.url, provider, auth)
        assert response.status_code == 200
        error, without_that_check = REFUSALS[mode]
        id_token = response.json()["id_token"]
        with pytest.raises(error):
            verify(id_token, discovery, provider.client_id, auth.nonce)
        if without_that_check is None:  # the nonce: everything else verifies, signature included
            claims = jwt.decode(
                id_token,
                key=provider.private_key.public_key(),
                algorithms=["RS256"],
                audience=provider.client_id,
                issuer=provider.issuer,
            )
            assert claims["nonce"] != auth.nonce
        else:  # only that check fails: the rest, the nonce included, verifies
            claims = verify(id_token, discovery, provider.client_id, auth.nonce, **without_that_check)
            assert claims["sub"] == "kunta-a-0001-anna"


def test_a_provider_that_fails_or_goes_down(oidc_providers):
    provider = oidc_providers["kunta-a"]
    with TamperingProxy(provider, mode="error") as proxy:
        auth = authorize(provider, "anna")
        _discovery, response = exchange(proxy.url, provider, auth)
        assert response.status_code == 502
        proxy.mode = "drop"
        with pytest.raises(requests.ConnectionError):
            exchange(proxy.url, provider, auth)
        # The code never reached the provider: it still works directly.
        _discovery, direct = exchange(provider.issuer, provider, auth)
        assert direct.status_code == 200
        proxy.take_down()
        with pytest.raises(requests.ConnectionError):
            requests.get(proxy.discovery_url, timeout=10)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{unreachable_url()}/.well-known/openid-configuration", timeout=10)


def test_start_providers_fails_loudly_without_oidc_provider(tmp_path):
    spec = ProviderSpec("x", accounts={})
    missing = pytest.raises(
        OidcProviderUnavailable, match=r"node_modules/oidc-provider is missing: run `make node-tools`"
    )
    with missing, start_providers([spec], tmp_path, node_modules=tmp_path / "node_modules"):
        pass
    with (
        pytest.raises(OidcProviderUnavailable, match=r"`no-such-node` was not found"),
        start_providers([spec], tmp_path, node="no-such-node"),
    ):
        pass


def test_a_provider_process_can_be_stopped(tmp_path):
    with start_providers([ProviderSpec("x", accounts={"eve": {"email": "eve@x.fi"}})], tmp_path) as (x,):
        assert requests.get(x.discovery_url, timeout=10).json()["issuer"] == x.issuer
        x.process.stop()
        with pytest.raises(requests.ConnectionError):
            requests.get(x.discovery_url, timeout=10)
