from django.shortcuts import redirect
from django.urls import reverse

from . import sessions, two_factor

# What a session waiting to set up its second factor may still open.
_ENROLMENT_OPEN = ("two_factor_enable", "logout", "set_language")


class SessionSecurityMiddleware:
    """After authentication: moves the session's last-seen time on (cheaply, see
    sessions.touch), and keeps a session that must set up two-factor authentication
    on the setting-up page (flagged at a password sign-in, two_factor.require_enrolment;
    a test client's force_login is never flagged)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(sessions.RECORD_KEY) and request.user.is_authenticated:
            sessions.touch(request)
            if session.get(two_factor.ENROL_KEY) and not self._open(request):
                return redirect("two_factor_enable")
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        path = request.path_info
        return any(path == reverse(name) for name in _ENROLMENT_OPEN) or path.startswith("/static/")
