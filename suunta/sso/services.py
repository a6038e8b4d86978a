"""Single sign-on: which provider, who may sign in, linking through invitations, audit.

Linking rules (docs/access.md): a provider proves who someone is; Suunta decides who that
is. A known (provider, subject) signs in its linked user. An unknown subject is refused
unless the browser started the sign-in from an open invitation of that organization:
then the invitation is accepted (with the logged-in account, or a new one without a
password) and the account linked to the subject. Never by e-mail address.
"""

from __future__ import annotations

import re
import urllib.parse

import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from suunta import policies
from suunta.audit import services as audit
from suunta.lib.clock import today
from suunta.organizations import services as organization_services
from suunta.organizations.models import Membership
from suunta.security.models import SignInMethod

from .models import OrganizationLogin
from .provider import SsoRefused, StrictOIDCProvider

SESSION_INVITATION = "sso_invitation"  # {"provider": slug, "token": the invitation link's token}
SESSION_ID_TOKEN = "sso_id_token"  # the raw ID token, for id_token_hint at logout only
SESSION_PROVIDER = "sso_provider"  # the slug of the provider the session came from
SESSION_ORIGINS = "sso_origins"  # where the logout form may lead (CSP form-action)

# Why a sign-in was refused: the audit's reason code and what the user is told.
_VERIFY = _(
    "The answer of your organization's sign-in service could not be verified, so nobody was "
    "signed in. Try again; if this happens again, tell your organization's admin."
)
REASONS = {
    "bad_signature": _VERIFY,
    "wrong_audience": _VERIFY,
    "wrong_issuer": _VERIFY,
    "nonce": _VERIFY,
    "expired": _("The answer of your organization's sign-in service had expired. Sign in again."),
    "state": _(
        "This sign-in was already used or has expired. Start again with the button "
        "“Sign in with your organization's account”."
    ),
    "unknown_user": _(
        "No Suunta account is linked to this sign-in. Ask your organization's admin for an "
        "invitation to Suunta and accept it with your organization's account."
    ),
    "domain_not_allowed": _(
        "Your e-mail address is not in a domain your organization has allowed for Suunta, so "
        "nobody was signed in."
    ),
    "email_not_verified": _(
        "Your organization's sign-in service says your e-mail address is not verified, so "
        "nobody was signed in."
    ),
    "provider_down": _(
        "Your organization's sign-in service did not answer. Try again later, or log in with "
        "your Suunta password if you have one."
    ),
    "provider_error": _(
        "Your organization's sign-in service refused or failed the sign-in. Try again later."
    ),
    "cancelled": _("The sign-in was cancelled at your organization's sign-in service."),
    "inactive": _("This account has been closed. Ask your organization's admin."),
    "invitation": _("This invitation has already been used, was cancelled or has expired."),
}


# --- Configuration ------------------------------------------------------------------------


def login_for(provider_id: str) -> OrganizationLogin | None:
    """The enabled single sign-on of the organization whose slug is `provider_id`."""
    return (
        OrganizationLogin.objects.select_related("organization")
        .filter(enabled=True, organization__slug=provider_id)
        .first()
    )


def enabled_logins():
    return OrganizationLogin.objects.select_related("organization").filter(enabled=True)


def login_for_email(email: str) -> OrganizationLogin | None:
    """The one enabled provider whose allowed domains hold the address's domain."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    found = [ol for ol in enabled_logins() if domain in {d.lower() for d in ol.allowed_domains}]
    return found[0] if len(found) == 1 else None


def app_for(organization_login: OrganizationLogin) -> SocialApp:
    """allauth's app for the organization, built at runtime and never saved."""
    app = SocialApp(
        provider="openid_connect",
        provider_id=organization_login.provider_id,
        name=organization_login.organization.name,
        client_id=organization_login.client_id,
        secret=organization_login.client_secret,
        settings={
            "server_url": organization_login.server_url,
            "fetch_userinfo": False,
            "oauth_pkce_enabled": True,
            "scope": ["openid", "email", "profile"],
        },
    )
    app.organization_login = organization_login
    return app


def provider_for(request, organization_login: OrganizationLogin) -> StrictOIDCProvider:
    return StrictOIDCProvider(request, app=app_for(organization_login))


def read_discovery(organization_login: OrganizationLogin) -> dict:
    """The provider's discovery document, its issuer checked; SsoRefused otherwise."""
    try:
        with get_adapter().get_requests_session() as session:
            response = session.get(organization_login.server_url)
            response.raise_for_status()
            config = response.json()
    except (requests.RequestException, ValueError) as error:
        raise SsoRefused("provider_down", type(error).__name__) from None
    if str(config.get("issuer", "")).rstrip("/") != organization_login.issuer.rstrip("/"):
        raise SsoRefused("wrong_issuer", "the discovery document names another issuer")
    return config


@transaction.atomic
def save_settings(actor, organization_login: OrganizationLogin, *, new_secret: str, before: dict) -> None:
    """Saves an admin's settings (the secret only when a new one was typed), audited
    without the secret."""
    policies.require(actor, policies.CONFIGURE_SSO, organization_login.organization)
    created = organization_login.pk is None
    if new_secret:
        organization_login.client_secret = new_secret
    organization_login.full_clean(exclude=["organization"])
    organization_login.save()
    fields = ["issuer", "discovery_url", "client_id", "allowed_domains", "require_sso", "enabled"]
    changes = audit.diff(before, audit.snapshot(organization_login, fields))
    if new_secret:
        changes["client_secret"] = [None, "set" if created else "replaced"]  # never the secret itself
    audit.record(
        "sso.create" if created else "sso.update",
        actor=actor,
        organization=organization_login.organization,
        obj=organization_login,
        changes=changes,
    )


# --- Refusals -----------------------------------------------------------------------------


def refuse(request, reason: str, *, organization_login=None, detail: str = "", claims=None, message=None):
    """Audits a refused sign-in (auth.sso_failed, outside any transaction) and answers
    with the login page and the reason's message. Never a token in either."""
    claims = claims or {}
    changes = {"reason": [None, reason]}
    if organization_login is not None:
        changes["provider"] = [None, organization_login.provider_id]
    if detail:
        changes["detail"] = [None, detail[:200]]
    if claims.get("sub"):
        changes["issuer"] = [None, str(claims.get("iss", ""))[:300]]
        changes["subject"] = [None, str(claims["sub"])[:200]]
    audit.record_refusal(
        "auth.sso_failed",
        actor=None,
        organization=organization_login.organization_id if organization_login else None,
        outcome="failed",
        changes=changes,
        request=request,
    )
    request.session.pop(SESSION_INVITATION, None)
    messages.error(request, message or REASONS.get(reason, REASONS["provider_error"]))
    return redirect("login")


def reason_of(error=None, exception=None, extra_context=None) -> tuple[str, str]:
    """allauth's error paths as (reason, detail)."""
    extra_context = extra_context or {}
    if isinstance(exception, SsoRefused):
        return exception.reason, exception.detail
    if isinstance(exception, requests.RequestException):
        return "provider_down", type(exception).__name__
    if exception is not None:
        return "provider_error", type(exception).__name__
    if "state_id" in extra_context and extra_context.get("state") is None:
        return "state", ""
    if str(error) == "cancelled":
        return "cancelled", ""
    return "provider_error", ""


# --- Who signs in -------------------------------------------------------------------------


def _claims_email(claims: dict) -> str:
    email = claims.get("email") or ""
    if not email and "@" in str(claims.get("preferred_username") or ""):
        email = claims["preferred_username"]
    return str(email).strip()


def admit(request, sociallogin) -> None:
    """allauth's pre_social_login: lets a linked subject through, links one through an
    open invitation, refuses everyone else (ImmediateHttpResponse)."""
    organization_login = sociallogin.provider.app.organization_login
    claims = sociallogin.account.extra_data

    def no(reason, **kwargs):
        kwargs.setdefault("claims", claims)
        raise ImmediateHttpResponse(refuse(request, reason, organization_login=organization_login, **kwargs))

    if claims.get("email_verified") is False or str(claims.get("email_verified")).lower() == "false":
        no("email_not_verified")
    if organization_login.allowed_domains and not organization_login.allows_email(_claims_email(claims)):
        no("domain_not_allowed")
    pending = request.session.get(SESSION_INVITATION)
    if not (pending and pending.get("provider") == organization_login.provider_id):
        pending = None
    if not sociallogin.is_existing and pending is None:
        no("unknown_user")
    if pending is not None:
        invitation = organization_services.invitation_for_token(pending.get("token", ""))
        if invitation is None or invitation.organization_id != organization_login.organization_id:
            no("invitation")
        try:
            user = _accept_and_link(request, sociallogin, invitation, organization_login)
        except audit.Refused as refusal:
            request.session.pop(SESSION_INVITATION, None)
            messages.error(request, getattr(refusal, "message", REASONS["invitation"]))
            raise ImmediateHttpResponse(redirect("login")) from None
        except ValidationError as error:
            no("invitation", message=" ".join(error.messages))
        request.session.pop(SESSION_INVITATION, None)
        sociallogin.user = user
    if not sociallogin.user.is_active:
        no("inactive")
    # Suunta's own backend for the session (allauth would pick the first one listed); the
    # session is recorded as a single sign-on one, so it is never held for a second factor
    # (the organization's provider decides about that).
    sociallogin.user.backend = "django.contrib.auth.backends.ModelBackend"
    request.suunta_sign_in_method = SignInMethod.SSO


def _username_for(email: str, fallback: str) -> str:
    base = re.sub(r"[^\w.@+-]", "", (email or fallback).lower())[:140] or "user"
    users = get_user_model().objects
    candidate, number = base, 1
    while users.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@audit.recording_refusals
@transaction.atomic
def _accept_and_link(request, sociallogin, invitation, organization_login):
    """The invitation accepted and the subject linked, together or not at all."""
    if sociallogin.is_existing:
        user = sociallogin.user
        organization_services.accept_invitation(user, invitation)
        return user
    if request.user.is_authenticated:
        user = request.user
        organization_services.accept_invitation(user, invitation)
    else:
        user = organization_services.create_account_and_accept(
            invitation,
            username=_username_for(invitation.email, _claims_email(sociallogin.account.extra_data)),
            password=None,
        )
    account = sociallogin.account
    account.user = user
    account.save()
    claims = account.extra_data
    audit.record(
        "auth.sso_link",
        actor=user,
        organization=organization_login.organization,
        obj=user,
        changes={
            "provider": [None, organization_login.provider_id],
            "issuer": [None, claims.get("iss", "")],
            "subject": [None, account.uid],
            "invitation": [None, invitation.pk],
        },
        request=request,
    )
    return user


def signed_in(request, user, sociallogin) -> None:
    """After allauth logged the user in: audited, and what logout needs kept in the
    session (server side)."""
    organization_login = sociallogin.provider.app.organization_login
    request.session[SESSION_PROVIDER] = organization_login.provider_id
    request.session[SESSION_ORIGINS] = sorted(organization_login.origins())
    id_token = getattr(sociallogin, "suunta_id_token", "")
    if id_token:
        request.session[SESSION_ID_TOKEN] = id_token
    audit.record(
        "auth.sso_login",
        actor=user,
        organization=organization_login.organization,
        obj=user,
        changes={
            "provider": [None, organization_login.provider_id],
            "subject": [None, sociallogin.account.uid],
        },
        request=request,
    )


# --- Starting the sign-in -----------------------------------------------------------------


def start(
    request,
    organization_login: OrganizationLogin,
    *,
    invitation_token: str = "",
    next_url: str = "",
    login_hint: str = "",
):
    """The redirect to the provider's authorization endpoint (state, nonce, PKCE); the
    address typed on the login page goes along as login_hint (Entra ID fills it in)."""
    if invitation_token:
        request.session[SESSION_INVITATION] = {
            "provider": organization_login.provider_id,
            "token": invitation_token,
        }
    else:
        request.session.pop(SESSION_INVITATION, None)
    provider = provider_for(request, organization_login)
    try:
        auth_params = {"login_hint": login_hint} if login_hint else None
        response = provider.redirect(request, "login", next_url=next_url or None, auth_params=auth_params)
    except SsoRefused as refusal:
        return refuse(request, refusal.reason, organization_login=organization_login, detail=refusal.detail)
    location = response.get("Location", "")
    endpoint = urllib.parse.urlunsplit((*urllib.parse.urlsplit(location)[:3], "", ""))
    if location.startswith(("https://", "http://")) and endpoint != organization_login.authorization_endpoint:
        OrganizationLogin.objects.filter(pk=organization_login.pk).update(authorization_endpoint=endpoint)
    return response


def allow_sign_in_forms(response, logins=None):
    """Lets this page's forms lead to the providers (CSP form-action): a form that posts
    to Suunta and is redirected to another origin is blocked by the browser otherwise."""
    origins = set()
    for organization_login in enabled_logins() if logins is None else logins:
        origins |= organization_login.origins()
    if origins:
        update = dict(getattr(response, "_csp_update", None) or {})
        update["form-action"] = sorted(set(update.get("form-action", [])) | origins)
        response._csp_update = update
    return response


# --- Passwords and logout -----------------------------------------------------------------


def password_login_refusal(request, user):
    """The message when `user` may not log in with a password (a member of an
    organization that requires single sign-on; never an operator), else None. Audited."""
    if user is None or user.is_superuser:
        return None
    required = (
        OrganizationLogin.objects.filter(enabled=True, require_sso=True)
        .filter(
            organization__in=Membership.objects.valid_on(today()).filter(user=user).values("organization")
        )
        .select_related("organization")
        .first()
    )
    if required is None:
        return None
    audit.record_refusal(
        "auth.password_refused",
        actor=None,
        organization=required.organization_id,
        obj=user,
        outcome="denied",
        changes={"reason": [None, "sso_required"]},
        request=request,
    )
    return _(
        "%(organization)s requires you to sign in with your organization's account: use the button "
        "“Sign in with your organization's account” below."
    ) % {"organization": required.organization.display_name}


def end_session_url(request) -> str | None:
    """The provider's end_session_endpoint with id_token_hint and the way back to the
    login page, when the session came from single sign-on and the provider has one."""
    provider_id = request.session.get(SESSION_PROVIDER)
    id_token = request.session.get(SESSION_ID_TOKEN)
    organization_login = login_for(provider_id) if provider_id else None
    if organization_login is None or not id_token:
        return None
    try:
        endpoint = read_discovery(organization_login).get("end_session_endpoint")
    except SsoRefused:
        return None
    if not endpoint:
        return None
    query = urllib.parse.urlencode(
        {
            "id_token_hint": id_token,
            "client_id": organization_login.client_id,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL)),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
