"""django-allauth's openid_connect provider, made strict where allauth 65.22 is lax.

What allauth does and what is added here:
- state: allauth's (statekit: random, single use, 10 minutes, per session and provider);
- PKCE S256: allauth's, turned on for every organization's app;
- nonce: allauth sends none and checks none: sent here, kept in the state, checked;
- the ID token: allauth skips its signature when the token came straight from the token
  endpoint and prefers the userinfo endpoint's claims; here the signature is always
  verified against the provider's JWKS (asymmetric algorithms only, the key's own), the
  issuer must be the configured one (and the discovery document's), the audience the
  client id (azp when there are several), exp, iat and sub present, and the claims used
  are the ID token's only (userinfo is never fetched).
Every refusal is an SsoRefused with its reason (audited by the adapter); no token is
ever logged or stored (SOCIALACCOUNT_STORE_TOKENS False).
"""

from __future__ import annotations

import secrets

import jwt
import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

# Asymmetric only: an HMAC "signature" would be made with the client secret, and "none" is none.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
LEEWAY_SECONDS = 60
# The claims kept with the linked account (SocialAccount.extra_data): who, never a token.
KEPT_CLAIMS = (
    "iss",
    "sub",
    "email",
    "email_verified",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
)


class SsoRefused(OAuth2Error):
    """A sign-in refused for `reason` (one of services.REASONS)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail[:200]


def verify_id_token(id_token: str, *, jwks: dict, issuer: str, client_id: str, nonce: str | None) -> dict:
    """The ID token's claims, or SsoRefused with the reason."""
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError:
        raise SsoRefused("bad_signature", "not a JWT") from None
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise SsoRefused("bad_signature", f"algorithm {alg!r} not accepted")
    candidates = [k for k in jwks.get("keys", []) if k.get("use", "sig") == "sig"]
    if header.get("kid") is not None:
        candidates = [k for k in candidates if k.get("kid") == header["kid"]]
    elif len(candidates) != 1:
        candidates = []
    if not candidates or candidates[0].get("alg", alg) != alg:
        raise SsoRefused("bad_signature", "no matching key in the provider's JWKS")
    try:
        key = jwt.PyJWK(candidates[0], algorithm=alg)
        claims = jwt.decode(
            id_token,
            key=key,
            algorithms=[alg],
            audience=client_id,
            issuer=issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub"], "strict_aud": False},
        )
    except jwt.InvalidAudienceError:
        raise SsoRefused("wrong_audience") from None
    except jwt.InvalidIssuerError:
        raise SsoRefused("wrong_issuer") from None
    except jwt.ExpiredSignatureError:
        raise SsoRefused("expired") from None
    except jwt.ImmatureSignatureError:
        raise SsoRefused("expired", "issued in the future") from None
    except jwt.InvalidSignatureError:
        raise SsoRefused("bad_signature") from None
    except (jwt.PyJWTError, jwt.exceptions.PyJWKError) as error:
        raise SsoRefused("bad_signature", type(error).__name__) from None
    audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audience) > 1 and claims.get("azp") != client_id:
        raise SsoRefused("wrong_audience", "azp")
    if nonce is None or not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise SsoRefused("nonce")
    if not isinstance(claims["sub"], str) or not claims["sub"]:
        raise SsoRefused("bad_signature", "no subject")
    return claims


class StrictOIDCAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's adapter with the checks above; `state` is set by StrictCallbackView."""

    state: dict | None = None

    def get_provider(self):
        return get_adapter(self.request).get_provider(self.request, self.provider_id)

    @property
    def organization_login(self):
        return self.get_provider().app.organization_login

    @property
    def openid_config(self):
        if getattr(self, "_checked_config", None) is None:
            try:
                config = super().openid_config
            except (requests.RequestException, ValueError) as error:
                raise SsoRefused("provider_down", type(error).__name__) from None
            expected = self.organization_login.issuer.rstrip("/")
            if str(config.get("issuer", "")).rstrip("/") != expected:
                raise SsoRefused("wrong_issuer", "the discovery document names another issuer")
            if not config.get("authorization_endpoint") or not config.get("token_endpoint"):
                raise SsoRefused("provider_error", "incomplete discovery document")
            self._checked_config = config
        return self._checked_config

    def get_access_token_data(self, request, app, client, pkce_code_verifier=None):
        try:
            return super().get_access_token_data(request, app, client, pkce_code_verifier=pkce_code_verifier)
        except requests.RequestException as error:
            raise SsoRefused("provider_down", type(error).__name__) from None
        except OAuth2Error:
            # allauth's message carries the token endpoint's answer: never repeated here.
            raise SsoRefused("provider_error", "the token endpoint refused or failed") from None

    def _jwks(self) -> dict:
        try:
            with get_adapter().get_requests_session() as session:
                response = session.get(self.openid_config["jwks_uri"])
                response.raise_for_status()
                return response.json()
        except (requests.RequestException, ValueError, KeyError) as error:
            raise SsoRefused("provider_down", f"JWKS: {type(error).__name__}") from None

    def complete_login(self, request, app, token, **kwargs):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise SsoRefused("provider_error", "no ID token in the token response")
        claims = verify_id_token(
            id_token,
            jwks=self._jwks(),
            issuer=self.openid_config["issuer"],
            client_id=app.client_id,
            nonce=(self.state or {}).get("nonce"),
        )
        login = self.get_provider().sociallogin_from_response(request, {"id_token": claims})
        # Kept in the session only, for RP-initiated logout (services.remember_id_token).
        login.suunta_id_token = id_token
        return login


class StrictOIDCProvider(OpenIDConnectProvider):
    """Built per request from an OrganizationLogin (adapter.get_provider)."""

    def get_oauth2_adapter(self, request):
        return StrictOIDCAdapter(request, self.app.provider_id)

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params["nonce"] = nonce
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )

    def extract_uid(self, data):
        return str(data["id_token"]["sub"])

    def extract_extra_data(self, data):
        claims = data["id_token"]
        return {name: claims[name] for name in KEPT_CLAIMS if name in claims}

    def extract_common_fields(self, data):
        claims = data["id_token"]
        return {
            "email": claims.get("email"),
            "first_name": claims.get("given_name"),
            "last_name": claims.get("family_name"),
        }

    def extract_email_addresses(self, data):
        return []  # Suunta's users keep the address Suunta knows; no allauth EmailAddress rows


class StrictCallbackView(OAuth2CallbackView):
    """allauth's callback; the unstashed state (with the nonce) is handed to the adapter."""

    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        self.adapter.state = state
        return state, response
