from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.cache import patch_vary_headers

from suunta.audit import services as audit

# Languages a browser may choose by itself. English is available on request only:
# a Finnish official with an English browser still gets the Finnish service.
BROWSER_LANGUAGES = ("fi", "sv")


class LanguageMiddleware:
    """Picks the language: a logged-in user's preference (the switcher and the
    preferences page set it), then the switcher's cookie, then Finnish or Swedish from
    the browser, then Finnish (settings.LANGUAGE_CODE). The preference comes first so a
    Swedish-speaking councillor gets Swedish on a shared computer whatever the last
    user chose there."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = self.choose(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        return response

    def choose(self, request) -> str:
        user = getattr(request, "user", None)
        preferred = getattr(user, "preferred_language", "") if user and user.is_authenticated else ""
        if preferred in self.available:
            return preferred
        return language_without_user(request)


def language_without_user(request) -> str:
    """The switcher's cookie, then Finnish or Swedish from the browser, then Finnish:
    the choice when the user cannot be known (not logged in, or no database)."""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in {code for code, _ in settings.LANGUAGES}:
        return cookie
    accept = request.headers.get("Accept-Language", "")
    for part in accept.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in BROWSER_LANGUAGES:
            return code
    return settings.LANGUAGE_CODE


class RefusalAuditMiddleware:
    """Writes the audit event of a refusal a view raised (policies.require).

    By the time process_exception runs, the view's transactions have rolled back, so
    the event is written in its own committed transaction and survives."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PermissionDenied) or audit.in_transaction():
            return None
        if isinstance(exception, audit.Refused):
            if exception.event is None:
                exception.event = audit.record_refusal(
                    exception.action, **{**exception.audit, "request": request}
                )
            return None
        user = getattr(request, "user", None)
        audit.record_refusal(
            "access.denied",
            actor=user if user is not None and user.is_authenticated else None,
            changes={"path": [None, request.path], "method": [None, request.method]},
            request=request,
        )
        return None


class NoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response Django makes that does not
    set its own: pages of a logged-in session (plans, follow-ups, discussions and their
    htmx fragments, documents, the member list, the audit log, errors) and the login
    and password pages alike, so neither a shared proxy nor the browser's cache or
    back button keeps personal or restricted content after logging out.

    Static files are left alone: in production the web server serves them without
    Django, and under STATIC_URL (runserver, the browser tests' live server) they are
    public and cacheable. A view that sets its own Cache-Control keeps it (the
    organization colours' style sheet: `private, max-age=300`)."""

    VALUE = "private, no-store"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response and not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = self.VALUE
        return response
