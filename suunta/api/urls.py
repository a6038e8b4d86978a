from .api import api


def _open(patterns):
    """The API answers 401 itself (problem details) rather than the login redirect."""
    for pattern in patterns:
        pattern.callback.login_required = False
    return patterns


_patterns, _app, _namespace = api.urls
# Included by the project's urls.py at /api/v1/ (namespace "api_v1").
api_patterns = (_open(_patterns), _app, _namespace)

urlpatterns: list = []
