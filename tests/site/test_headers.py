"""Issue 14, finding 7: pages that can show personal or restricted content are never
stored by a browser or a shared cache (`Cache-Control: private, no-store` on every
response of a logged-in session and on the login and password pages), static files
stay cacheable, and a Permissions-Policy denies the powerful features Suunta never
uses."""

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from suunta.site.middleware import NoStoreMiddleware
from tests.helpers import HTMX
from tests.pages import every_page

pytestmark = pytest.mark.django_db

NO_STORE = "private, no-store"
DENIED = ("camera", "microphone", "geolocation", "payment", "usb")


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def assert_no_store(response, what: str) -> None:
    assert {"private", "no-store"} <= cache_control(response), (what, response.get("Cache-Control"))


def test_every_page_of_a_logged_in_user_is_private_and_not_stored(demo):
    clients: dict[str, Client] = {}
    checked = 0
    for page in every_page(demo):
        if page.persona is None:
            continue
        client = clients.setdefault(page.persona, demo.client(page.persona))
        response = client.get(page.url)
        assert_no_store(response, f"{page.label} ({response.status_code})")
        checked += 1
    assert checked > 40


@pytest.mark.parametrize(
    "name",
    ["member_list", "audit_log"],
)
def test_the_member_list_and_the_audit_log_are_not_stored(demo, name):
    response = demo.client("paakayttaja").get(reverse(name, args=[demo.org.slug]))
    assert response.status_code == 200
    assert cache_control(response) == {"private", "no-store"}


def test_an_htmx_fragment_of_the_plan_is_not_stored(demo):
    response = demo.client("valmistelija").get(reverse("plan_detail", args=[demo.draft.pk]), **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert_no_store(response, "the annex fragment")


def test_a_refusal_and_a_missing_page_for_a_logged_in_user_are_not_stored(demo):
    client = demo.client("hallitus")
    missing = client.get(reverse("plan_detail", args=[999999]))
    assert missing.status_code == 404
    assert_no_store(missing, "404")
    refused = client.get(reverse("member_list", args=[demo.org.slug]))
    assert refused.status_code in (403, 404)
    assert_no_store(refused, "refusal")


def test_a_document_download_keeps_its_own_header(demo):
    response = demo.client("valmistelija").get(
        reverse("document_download", args=[demo.plan.pk, "annex", "docx"])
    )
    assert response.status_code == 200
    assert cache_control(response) == {"private", "no-store"}


@pytest.mark.parametrize("name", ["login", "password_reset"])
def test_the_login_and_password_pages_are_not_stored(db, name):
    response = Client().get(reverse(name))
    assert response.status_code == 200
    assert_no_store(response, name)


def test_a_failed_login_is_not_stored(demo):
    response = Client().post(reverse("login"), {"username": "pormestari", "password": "väärä"})
    assert response.status_code == 200
    assert_no_store(response, "failed login")


def static_response(cookies: str = ""):
    """A static file as Django's static file handler serves it (runserver, the live
    server of the browser tests); a production web server serves them itself."""
    environ = RequestFactory()._base_environ(PATH_INFO="/static/css/suunta.css", HTTP_COOKIE=cookies)
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"] = status
        captured["headers"] = dict(headers)

    # As the test client does: the request signals must not close the test's database
    # connection (PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(StaticFilesHandler(WSGIHandler())(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return captured["status"], captured["headers"], body


def test_a_static_file_is_not_marked_no_store(demo):
    status, headers, body = static_response()
    assert status.startswith("200"), status
    assert b"{" in body
    assert "no-store" not in headers.get("Cache-Control", "")
    client = demo.client("hallitus")
    status, headers, _ = static_response(f"sessionid={client.cookies['sessionid'].value}")
    assert status.startswith("200"), status
    assert "no-store" not in headers.get("Cache-Control", "")


def permissions_policy(response) -> dict[str, str]:
    header = response.get("Permissions-Policy", "")
    return dict(part.strip().split("=", 1) for part in header.split(",") if "=" in part)


@pytest.mark.parametrize("who", ["anonymous", "logged in"])
def test_the_permissions_policy_denies_powerful_features(demo, who):
    client = Client() if who == "anonymous" else demo.client("hallitus")
    response = client.get(reverse("login") if who == "anonymous" else reverse("home"))
    assert response.status_code == 200
    policy = permissions_policy(response)
    for feature in DENIED:
        assert policy.get(feature) == "()", (feature, response.get("Permissions-Policy"))


def test_the_middleware_leaves_a_static_url_alone_even_if_django_serves_it(settings):

    middleware = NoStoreMiddleware(lambda request: HttpResponse("body { }", content_type="text/css"))
    static = middleware(RequestFactory().get(settings.STATIC_URL + "css/suunta.css"))
    assert "Cache-Control" not in static
    page = middleware(RequestFactory().get("/accessibility/"))
    assert page["Cache-Control"] == NO_STORE
