from django.urls import path

from . import views
from .api import api


def _open(patterns):
    """The API answers 401 itself (problem details) rather than the login redirect."""
    for pattern in patterns:
        pattern.callback.login_required = False
    return patterns


_patterns, _app, _namespace = api.urls
# Included by the project's urls.py at /api/v1/ (namespace "api_v1").
api_patterns = (_open(_patterns), _app, _namespace)

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
