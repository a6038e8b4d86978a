import functools

from django.urls import path

from . import views
from .api import api
from .problems import CONTENT_TYPE, problem


def _problems(view):
    """The API answers 401 itself (problem details) rather than the login redirect, and
    a method the path does not take as a 405 problem (with Allow)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if _has_nul(request):  # no text column takes it (PostgreSQL refuses it: was a 500)
            return problem(request, 400)
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != CONTENT_TYPE:
            return problem(request, 405, headers={"Allow": response.get("Allow", "")})
        return response

    wrapped.login_required = False
    return wrapped


def _has_nul(request) -> bool:
    """A NUL character anywhere in the address, the query or a JSON body (as \\u0000).
    Django's forms refuse it on the pages (ProhibitNullCharactersValidator); the API's
    schemas do not."""
    if "\x00" in request.path or any("\x00" in value for value in request.GET.values()):
        return True
    return request.method in ("POST", "PUT", "PATCH") and b"\\u0000" in request.body


def _open(patterns):
    for pattern in patterns:
        pattern.callback = _problems(pattern.callback)
    return patterns


_patterns, _app, _namespace = api.urls
# Included by the project's urls.py at /api/v1/ (namespace "api_v1"), with a last
# pattern that answers any other /api/v1/ address with a 404 problem.
api_patterns = (
    [*_open(_patterns), path("<path:rest>", views.api_not_found, name="not_found")],
    _app,
    _namespace,
)

urlpatterns = [
    path("api/docs/", views.docs, name="api_docs"),
    path("accounts/api-tokens/", views.tokens, name="api_tokens"),
    path("accounts/api-tokens/<int:pk>/revoke/", views.token_revoke, name="api_token_revoke"),
    path("organizations/<slug:slug>/api-tokens/", views.organization_tokens, name="organization_api_tokens"),
    path(
        "organizations/<slug:slug>/api-tokens/<int:pk>/revoke/",
        views.organization_token_revoke,
        name="organization_api_token_revoke",
    ),
]
