import pytest
from django.test import Client

from suunta.api import services


class ApiClient:
    """A test client that sends a bearer token."""

    def __init__(self, token: str):
        self.token = token
        self.client = Client()

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path, data=None, headers=None):
        return self.client.get(path, data, headers=self._headers(headers))

    def post(self, path, body, headers=None):
        return self.client.post(path, body, content_type="application/json", headers=self._headers(headers))


def personal(demo, username, *scopes, days=30):
    _row, token = services.create_personal_token(demo.user(username), "test", list(scopes or ["read"]), days)
    return ApiClient(token)


def service(demo, organization, *scopes, name="Talousjärjestelmä"):
    admin = demo.user("paakayttaja" if organization == demo.org else "toinen-paakayttaja")
    _row, token = services.create_service_token(admin, organization, name, list(scopes or ["read"]))
    return ApiClient(token)


@pytest.fixture
def api_personal(demo):
    return lambda username, *scopes, **kw: personal(demo, username, *scopes, **kw)


@pytest.fixture
def api_service(demo):
    return lambda organization, *scopes, **kw: service(demo, organization, *scopes, **kw)
