"""The record of each signed-in session (UserSession), and ending sessions.

A record is made on `user_logged_in`, whatever the way in (the login form with or
without a second factor, an organization's provider, accepting an invitation), and its
last-seen time is moved on at most every SEEN_EVERY seconds (one UPDATE, from
suunta.security.middleware). Ending a session deletes Django's session row (the
database session backend, settings.SESSION_ENGINE): the cookie stops working on its next
request, and the record goes with the row. Sessions made before this record existed
(and test clients' force_login) have none; they end with their 8 hours.
"""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from suunta.audit import services as audit
from suunta.lib.clock import now

from . import two_factor
from .models import SignInMethod, UserSession

METHOD_KEY = "security.method"
RECORD_KEY = "security.record"  # [session key recorded, last-seen time as a timestamp]
SEEN_EVERY = 300

_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (
    ("Windows", "Windows"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def user_agent_summary(user_agent: str) -> str:
    """ "Firefox, Windows": enough to recognize one's own devices, nothing more kept."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    summary = ", ".join(part for part in (browser, system) if part)
    return summary or user_agent[:80]


def _method(request, user) -> str:
    """How the user signed in: what the sign-in flow set on the request before calling
    `login()` (two_factor.finish sets it; a single sign-on flow may set SignInMethod.SSO),
    else single sign-on when allauth's backend signed the user in, else a password."""
    method = getattr(request, "suunta_sign_in_method", None)
    if method:
        return method
    backend = request.session.get("_auth_user_backend", "")
    return SignInMethod.SSO if "allauth" in backend else SignInMethod.PASSWORD


def record(request, user, method: str) -> UserSession:
    session = request.session
    if not session.session_key:
        session.save()
    moment = now()
    recorded, _created = UserSession.objects.update_or_create(
        session_id=session.session_key,
        defaults={
            "user": user,
            "created_at": moment,
            "last_seen": moment,
            "ip_address": request.META.get("REMOTE_ADDR") or None,
            "user_agent": user_agent_summary(request.headers.get("User-Agent", ""))[:200],
            "method": method,
        },
    )
    session[RECORD_KEY] = [session.session_key, moment.timestamp()]
    return recorded


@receiver(user_logged_in, dispatch_uid="security.session_login")
def _on_login(sender, request, user, **kwargs):
    if request is None or "REQUEST_METHOD" not in request.META or not hasattr(request, "session"):
        return  # a sign-in outside an HTTP request (a test client's force_login builds a bare one)
    method = _method(request, user)
    request.session[METHOD_KEY] = method
    record(request, user, method)
    if method != SignInMethod.SSO:
        two_factor.require_enrolment(request, user)


@receiver(user_logged_out, dispatch_uid="security.session_logout")
def _on_logout(sender, request, user, **kwargs):
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        UserSession.objects.filter(session_id=request.session.session_key).delete()


def touch(request) -> None:
    """Move the current session's last-seen time on, at most every SEEN_EVERY seconds;
    make its record again when the session's key changed (a password change cycles it)."""
    session = request.session
    seen = session.get(RECORD_KEY)
    if seen is None:
        return
    key, at = seen
    moment = now()
    if key != session.session_key:
        record(request, request.user, session.get(METHOD_KEY, SignInMethod.PASSWORD))
    elif moment.timestamp() - at >= SEEN_EVERY:
        if not UserSession.objects.filter(session_id=key).update(last_seen=moment):
            record(request, request.user, session.get(METHOD_KEY, SignInMethod.PASSWORD))
        else:
            session[RECORD_KEY] = [key, moment.timestamp()]


def active_sessions(user):
    return UserSession.objects.filter(user=user, session__expire_date__gt=now()).order_by("-last_seen", "-pk")


@transaction.atomic
def end(session_record: UserSession, *, actor, reason: str, request=None) -> None:
    """End one session (the caller has looked it up scoped to who may end it)."""
    Session.objects.filter(session_key=session_record.session_id).delete()
    audit.record(
        "auth.session_ended",
        actor=actor,
        obj=session_record.user,
        changes={"session": [session_record.pk, None], "reason": [None, reason]},
        request=request,
    )


@transaction.atomic
def end_all(user, *, actor, reason: str, organization=None, keep_key: str | None = None, request=None) -> int:
    """End every recorded session of the user (but `keep_key`'s). Returns how many."""
    keys = list(
        UserSession.objects.filter(user=user)
        .exclude(session_id=keep_key)
        .values_list("session_id", flat=True)
    )
    if not keys:
        return 0
    Session.objects.filter(session_key__in=keys).delete()
    audit.record(
        "auth.session_ended",
        actor=actor,
        organization=organization,
        obj=user,
        changes={"sessions": [len(keys), 0], "reason": [None, reason]},
        request=request,
    )
    return len(keys)


def _user_saved(sender, instance, created, **kwargs):
    """An operator deactivating a user (the Django admin, or any save) ends the user's sessions."""
    if not created and not instance.is_active:
        end_all(instance, actor=None, reason="user_deactivated")


def connect(user_model) -> None:
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="security.user_deactivated")
