"""Issue 22: an audit event written while a request is served names that request's id
(X-Request-ID), inside the hashed payload (format version 2). Events written outside a
request keep format version 1, and a chain of both verifies."""

import json

import pytest
from django.test import Client, RequestFactory

from suunta.audit import services as audit
from suunta.audit.chain import canonical, sha256_hex
from suunta.audit.models import AuditEvent
from tests.factories import OrganizationFactory, UserFactory

from .tools import record_events, sql, verify_audit

pytestmark = pytest.mark.django_db

REQUEST_ID = "kuormantasaaja-5f0c2e9a"


def payload(event: AuditEvent) -> dict:
    return json.loads(AuditEvent.objects.get(pk=event.pk).payload)


def test_a_login_through_a_request_carries_its_request_id():
    user = UserFactory(username="pormestari")
    user.set_password("oikea-salasana-123")
    user.save()
    response = Client().post(
        "/accounts/login/",
        {"username": "pormestari", "password": "oikea-salasana-123"},
        HTTP_X_REQUEST_ID=REQUEST_ID,
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == REQUEST_ID
    event = AuditEvent.objects.filter(action="auth.login").latest("sequence")
    data = payload(event)
    assert (data["v"], data["request_id"]) == (2, REQUEST_ID)
    assert audit.request_id_of(event) == REQUEST_ID
    assert event.hash == sha256_hex(event.payload)
    passed, output = verify_audit()
    assert passed, output


def test_without_a_header_the_generated_id_is_in_the_event_and_the_response():
    user = UserFactory(username="valmistelija")
    user.set_password("oikea-salasana-123")
    user.save()
    response = Client().post("/accounts/login/", {"username": "valmistelija", "password": "väärä"})
    event = AuditEvent.objects.filter(action="auth.login_failed").latest("sequence")
    assert audit.request_id_of(event) == response["X-Request-ID"]


def test_a_request_object_gives_its_id_and_events_outside_requests_stay_version_1():
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
    request.user = UserFactory()
    request.request_id = REQUEST_ID
    with_request = audit.record("document.export", request=request)
    outside = audit.record("document.export")
    assert (payload(with_request)["v"], audit.request_id_of(with_request)) == (2, REQUEST_ID)
    assert payload(outside)["v"] == 1 and "request_id" not in payload(outside)
    assert audit.request_id_of(outside) is None

    # An id that is not well formed (set by something else than the middleware) is left out.
    request.request_id = "not a valid id"
    assert audit.request_id_of(audit.record("document.export", request=request)) is None


def test_a_chain_of_old_and_new_events_verifies():
    org = OrganizationFactory(slug="sekaketju")
    old = record_events(org, 3)  # as written before request ids existed: version 1
    request = RequestFactory().get("/")
    request.request_id = REQUEST_ID
    new = audit.record("goal.update", organization=org, request=request)
    later = record_events(org, 1)
    assert [payload(event)["v"] for event in [*old, new, *later]] == [1, 1, 1, 2, 1]
    passed, output = verify_audit("--organization", "sekaketju")
    assert passed, output
    assert f"sekaketju length=5 head={later[-1].hash}" in output


def tampered(event: AuditEvent, data: dict, *, rehash: bool) -> None:
    text = canonical(data)
    columns = {"payload": text, **({"hash": sha256_hex(text)} if rehash else {})}
    assignments = ", ".join(f"{name} = %s" for name in columns)
    sql(f"UPDATE {{events}} SET {assignments} WHERE id = %s", [*columns.values(), event.pk])


@pytest.fixture
def chain():
    org = OrganizationFactory(slug="pyyntoketju")
    request = RequestFactory().get("/")
    request.request_id = REQUEST_ID
    return [audit.record("goal.update", organization=org, request=request) for _ in range(3)]


def test_a_changed_request_id_breaks_the_chain(chain):
    events = chain
    tampered(events[1], {**payload(events[1]), "request_id": "toinen-pyynto-123"}, rehash=False)
    passed, output = verify_audit("--organization", "pyyntoketju")
    assert not passed
    assert f"sequence=2 id={events[1].pk}: The stored hash is not the hash of the stored payload" in output


@pytest.mark.parametrize(
    "change",
    [
        {"request_id": "no spaces allowed"},  # not a request id
        {"request_id": 12345678},  # not text
        {"v": 1},  # a version 1 payload with a request id
        {"v": 3},  # an unknown version
    ],
    ids=["bad-id", "not-text", "v1-with-id", "v3"],
)
def test_a_payload_that_is_no_valid_version_2_event_is_refused(chain, change):
    events = chain
    tampered(events[1], {**payload(events[1]), **change}, rehash=True)
    passed, output = verify_audit("--organization", "pyyntoketju")
    assert not passed
    assert f"sequence=2 id={events[1].pk}: The payload is not a valid event" in output
