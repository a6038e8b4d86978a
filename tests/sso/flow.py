"""A person signing in: Django's test client is Suunta's side of the browser, `requests`
the provider's side (the provider's own login and consent pages, filled in as a person
would). The provider redirects back to http://127.0.0.1:40123/...; that address is only
a name here: the test client takes the callback (its Host header says the same)."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from html.parser import HTMLParser

import requests
from django.conf import settings
from django.test import Client

from suunta.audit.models import AuditEvent
from suunta.lib.clock import now
from suunta.mail.messages import token_digest
from suunta.organizations.models import Invitation
from suunta.sso.models import OrganizationLogin

HOST = "127.0.0.1:40123"
BASE = f"http://{HOST}"


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def client(language: str = "en") -> Client:
    browser = Client(HTTP_HOST=HOST)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return browser


class Browser:
    """One person's browser: Suunta's cookies in `client`, the providers' in `session`."""

    def __init__(self, django_client: Client | None = None):
        self.client = django_client or client()
        self.session = requests.Session()

    def at_provider(self, location: str, login: str | None) -> str:
        """From the authorization request to the redirect back to Suunta (its path and
        query), through the provider's login and consent pages."""
        response = self.session.get(location, allow_redirects=False, timeout=10)
        for _step in range(12):
            if response.is_redirect:
                target = urllib.parse.urljoin(response.url, response.headers["Location"])
                if target.startswith(BASE):
                    return target.removeprefix(BASE)
                response = self.session.get(target, allow_redirects=False, timeout=10)
                continue
            (form,) = forms_of(response.text)
            fields = dict(form["fields"])
            if "login" in fields:
                assert login is not None, "the provider asks for a login"
                fields.update(login=login, password="anything")
            response = self.session.post(
                urllib.parse.urljoin(response.url, form["action"]),
                data=fields,
                allow_redirects=False,
                timeout=10,
            )
        raise AssertionError("the provider never redirected back")

    def start(self, **data):
        return self.client.post("/accounts/sso/", data)

    def sign_in(self, login: str, **data):
        """Starts with `data` (organization, email or invitation), signs in at the
        provider as `login`, returns Suunta's answer to the callback."""
        started = self.start(**data)
        assert started.status_code == 302, started.content.decode()[:2000]
        callback = self.at_provider(started["Location"], login)
        return self.client.get(callback)

    def user_id(self):
        value = self.client.session.get("_auth_user_id")
        return int(value) if value else None

    def messages_on_login_page(self) -> str:
        return self.client.get("/accounts/login/").content.decode()


def configure(organization, provider, **fields) -> OrganizationLogin:
    values = {
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
        "enabled": True,
        **fields,
    }
    return OrganizationLogin.objects.update_or_create(organization=organization, defaults=values)[0]


def events(action: str) -> list[dict]:
    return [json.loads(e.changes) for e in AuditEvent.objects.filter(action=action).order_by("pk")]


def open_invitation(organization, inviter, token: str, email: str, role: str = "preparer") -> Invitation:
    return Invitation.objects.create(
        organization=organization,
        email=email,
        first_name="Anna",
        last_name="Virtanen",
        role=role,
        valid_from=dt.date(2026, 11, 1),
        invited_by=inviter,
        token_sha256=token_digest(token),
        link_expires_at=now() + dt.timedelta(days=14),
    )
