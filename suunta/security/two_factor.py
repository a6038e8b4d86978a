"""Two-factor authentication (TOTP and recovery codes) on allauth.mfa's models and
internals, behind Suunta's own pages and login.

- The secret of an authenticator being set up lives in the session until a code made
  with it is typed; then allauth's `TOTP.activate` stores it and `RecoveryCodes.activate`
  makes ten single-use recovery codes (shown once).
- A code is accepted once: allauth marks it used in the cache (`cache.add`, keyed by
  user and code, for the code's whole period). Suunta's cache is the database
  (settings.CACHES), so every app server sees the mark, and `add` is an insert on the
  cache key, so two servers given the same code at the same moment accept it once.
- A sign-in with a password stops before the session is authenticated when the user has
  an authenticator (`start_second_step`): the session holds only the pending user's id,
  for PENDING_SECONDS. A wrong code is a failed login for django-axes (the same
  username+address counter as a wrong password, suunta/accounts/lockout.py).

Never is a secret or a code written to the audit log.
"""

import enum
import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, validate_totp_code
from allauth.mfa.utils import decrypt
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.db import IntegrityError, transaction

from suunta import policies
from suunta.audit import services as audit
from suunta.audit.models import Outcome

from .models import SignInMethod

PENDING_KEY = "security.pending"  # {"user", "backend", "at", "next"} between the two steps
ENROL_KEY = "security.enrol"  # the session may do nothing but set up an authenticator
SECRET_KEY = "security.totp_secret"  # the secret being set up, until confirmed
PENDING_SECONDS = 300


class Check(enum.Enum):
    TOTP = "totp"
    RECOVERY_CODE = "recovery_code"
    REUSED = "reused"
    WRONG = "wrong"


def _authenticator(user, kind) -> Authenticator | None:
    return Authenticator.objects.filter(user_id=user.pk, type=kind).first()


def is_enabled(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def normalize(code: str) -> str:
    return "".join((code or "").split()).replace("-", "")


def check_code(user, code: str, *, recovery: bool = True) -> Check:
    """Whether `code` is the user's current authenticator code (once) or, when
    `recovery`, one of the unused recovery codes (consumed)."""
    code = normalize(code)
    totp = _authenticator(user, Authenticator.Type.TOTP)
    if totp is None or not code.isdigit():
        return Check.WRONG
    if len(code) == mfa_settings.TOTP_DIGITS:
        if totp.wrap().validate_code(code):
            totp.record_usage()
            return Check.TOTP
        if validate_totp_code(decrypt(totp.data["secret"]), code):
            return Check.REUSED
        return Check.WRONG
    codes = _authenticator(user, Authenticator.Type.RECOVERY_CODES) if recovery else None
    if codes is not None and codes.wrap().validate_code(code):
        codes.record_usage()
        return Check.RECOVERY_CODE
    return Check.WRONG


def unused_recovery_codes(user) -> int:
    codes = _authenticator(user, Authenticator.Type.RECOVERY_CODES)
    return len(codes.wrap().get_unused_codes()) if codes else 0


# --- Setting up, new recovery codes, turning off -------------------------------------------


def secret_for_setup(session) -> str:
    secret = session.get(SECRET_KEY)
    if not secret:
        secret = session[SECRET_KEY] = generate_totp_secret()
    return secret


def enable(request, user, code: str) -> list[str] | None:
    """Turn TOTP on with the secret shown to the user, when `code` was made with it.
    Returns the recovery codes (to show once), or None for a wrong code."""
    secret = request.session.get(SECRET_KEY)
    code = normalize(code)
    if not secret or not validate_totp_code(secret, code):
        return None
    try:
        with transaction.atomic():
            if is_enabled(user):
                return None
            totp = TOTP.activate(user, secret)
            Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES).delete()
            codes = RecoveryCodes.activate(user).generate_codes()
            audit.record("auth.mfa_enabled", actor=user, obj=user, request=request)
    except IntegrityError:  # the same form sent twice at once: the other one turned it on
        return None
    totp._mark_code_used(code)  # the code that confirmed it does not sign in too
    request.session.pop(SECRET_KEY, None)
    request.session.pop(ENROL_KEY, None)
    return codes


def regenerate_recovery_codes(request, user) -> list[str]:
    with transaction.atomic():
        Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES).delete()
        codes = RecoveryCodes.activate(user).generate_codes()
        audit.record("auth.recovery_codes_regenerated", actor=user, obj=user, request=request)
    return codes


def disable(request, user) -> None:
    if not policies.can(user, policies.DISABLE_TWO_FACTOR, user):
        raise audit.Refused(f"{policies.DISABLE_TWO_FACTOR}.denied", actor=user, obj=user)
    with transaction.atomic():
        Authenticator.objects.filter(
            user_id=user.pk, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
        ).delete()
        audit.record("auth.mfa_disabled", actor=user, obj=user, request=request)


# --- The second step of a password sign-in -----------------------------------------------


def start_second_step(request, user, next_url: str) -> bool:
    """After a correct password: True when the user has an authenticator, and the session
    now waits for a code (nobody is signed in yet)."""
    if not is_enabled(user):
        return False
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "at": time.time(),
        "next": next_url,
    }
    return True


def pending(request):
    """(user, next URL) waiting for the second step, or None (none, or too old)."""
    data = request.session.get(PENDING_KEY)
    if not data:
        return None
    if time.time() - data["at"] > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user = get_user_model().objects.filter(pk=data["user"], is_active=True).first()
    if user is None:
        return None
    return user, data["next"]


def locked(request, user) -> bool:
    credentials = {"username": user.username}
    if AxesProxyHandler.is_allowed(request, credentials):
        return False
    # AxesMiddleware turns the response into the lockout page (429).
    request.axes_locked_out = True
    request.axes_credentials = credentials
    return True


def refuse(request, user, result: Check) -> None:
    """A wrong or reused code: audited, and a failed login for the lockout counter."""
    audit.record_refusal(
        "auth.mfa_failed",
        actor=None,
        obj=user,
        outcome=Outcome.FAILED,
        changes={"reason": [None, result.value]},
        request=request,
    )
    user_login_failed.send(sender=__name__, credentials={"username": user.username}, request=request)


def finish(request, user, result: Check) -> str:
    """Sign the pending user in; returns where to go."""
    data = request.session.pop(PENDING_KEY)
    method = SignInMethod.TOTP if result is Check.TOTP else SignInMethod.RECOVERY_CODE
    request.suunta_sign_in_method = method
    auth.login(request, user, backend=data["backend"])
    audit.record(
        "auth.mfa_login", actor=user, obj=user, changes={"method": [None, method.value]}, request=request
    )
    if result is Check.RECOVERY_CODE:
        audit.record(
            "auth.recovery_code_used",
            actor=user,
            obj=user,
            changes={"unused_left": [None, unused_recovery_codes(user)]},
            request=request,
        )
    return data["next"]


def require_enrolment(request, user) -> None:
    """At a local sign-in: flag a session whose user must have a second factor and has
    none; suunta.security.middleware lets it do nothing but set one up."""
    if policies.requires_two_factor(user) and not is_enabled(user):
        request.session[ENROL_KEY] = True
