"""Tokens act within their user's (or service principal's) rights and scopes."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from suunta import policies
from suunta.agreements.models import GoalPlan
from suunta.api import services
from suunta.api.models import ApiToken
from suunta.audit.models import AuditEvent
from suunta.discussions.models import DevelopmentItem, Section, SurveyAnswer
from suunta.lib.publicity import Publicity
from tests.conftest import DEMO_PERSONAS

from .conftest import ApiClient
from .crawl import crawl


def test_one_organizations_token_sees_nothing_of_another(demo, api_service):
    esimerkki = api_service(demo.org)
    toinen = api_service(demo.other_org)
    own = crawl(esimerkki)
    assert all(r.status_code == 200 for r in own.values()), {p: r.status_code for p, r in own.items()}
    other_ids = set(
        GoalPlan.objects.filter(agreement__organization=demo.other_org).values_list("pk", flat=True)
    )
    assert other_ids
    for path, response in crawl(toinen).items():
        assert response.status_code == 200, path
        assert b"esimerkkikunta" not in response.content, path
        if path.startswith("/api/v1/plans/"):
            plan_id = int(path.split("/")[4])
            assert plan_id in other_ids
            # The same path with Esimerkkikunta's token: 404, as on the pages.
            assert esimerkki.get(path).status_code == 404, path
    for plan_id in other_ids:
        assert esimerkki.get(f"/api/v1/plans/{plan_id}").status_code == 404
    assert esimerkki.get("/api/v1/organizations/toinen-kunta").status_code == 404


def test_the_api_shows_no_discussion_texts(demo, api_service, api_personal):
    """Restricted notes, development items and survey answers are never in the API,
    whoever asks (even the people in the room)."""
    secrets = [s.text for s in Section.objects.filter(publicity=Publicity.RESTRICTED) if s.text]
    secrets += [i.need for i in DevelopmentItem.objects.all()] + [
        i.action for i in DevelopmentItem.objects.all()
    ]
    secrets += [a.text for a in SurveyAnswer.objects.all() if a.text]
    assert len(secrets) >= 5
    clients = [api_service(demo.org), api_service(demo.other_org)]
    clients += [api_personal(username) for username in DEMO_PERSONAS]
    bodies = 0
    for client in clients:
        for path, response in crawl(client).items():
            text = response.content.decode()
            bodies += 1
            for secret in secrets:
                assert secret[:60] not in text, (path, secret[:60])
    assert bodies > 100


def test_a_read_token_cannot_write(demo, api_personal):
    client = api_personal("valmistelija", "read")
    plan = client.get(f"/api/v1/plans/{demo.current.pk}/versions/1").json()
    metric = next(m for g in plan["goals"] for m in g["metrics"] if m["target"] is not None)
    response = client.post(
        f"/api/v1/plans/{demo.current.pk}/metrics/{metric['id']}/values",
        {"measured_on": "2026-10-31", "value": "1"},
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_a_write_token_only_reads_where_it_lacks_read(demo, api_personal):
    client = api_personal("valmistelija", "write:values")
    assert client.get("/api/v1/plans").status_code == 403


@pytest.mark.parametrize("state", ["revoked", "expired", "wrong secret", "inactive user"])
def test_a_dead_token_is_refused(demo, api_personal, state):
    client = api_personal("valmistelija")
    row = ApiToken.objects.get(prefix=client.token.split("_")[1])
    if state == "revoked":
        row.revoked_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        row.save()
    elif state == "expired":
        row.expires_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        row.save()
    elif state == "wrong secret":
        client = ApiClient(client.token[:-3] + "xyz")
    else:
        row.user.is_active = False
        row.user.save()
    response = client.get("/api/v1/plans")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_no_token_no_session_is_401(db):
    response = Client().get("/api/v1/plans")
    assert response.status_code == 401


def test_tokens_are_stored_hashed_and_their_use_noted(demo, api_personal):
    client = api_personal("hallitus")
    row = ApiToken.objects.get(prefix=client.token.split("_")[1])
    assert client.token.split("_", 2)[2] not in row.secret_sha256
    assert row.last_used_at is None
    assert client.get("/api/v1/plans").status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None
    assert row.last_used_ip == "127.0.0.1"


def test_a_token_is_rate_limited(demo, api_personal, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 3
    client = api_personal("hallitus")
    statuses = [client.get("/api/v1/organizations").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    response = client.get("/api/v1/organizations")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_command_prints_only_the_token(demo, capsys):
    call_command(
        "create_api_token", "valmistelija", "--scope", "read", "--scope", "write:values", "--expires", "7"
    )
    token = capsys.readouterr().out.strip()
    assert token.startswith("suunta_") and "\n" not in token
    row = ApiToken.objects.get(prefix=token.split("_")[1])
    assert row.scope_list == ["read", "write:values"] and row.user.username == "valmistelija"
    assert ApiClient(token).get("/api/v1/plans").status_code == 200
    call_command(
        "create_api_token", "--service", "Talous", "--organization", "toinen-kunta", "--scope", "read"
    )
    token = capsys.readouterr().out.strip()
    body = ApiClient(token).get("/api/v1/organizations").json()
    assert [o["slug"] for o in body["items"]] == ["toinen-kunta"]


def test_a_service_principal_never_signs_in(demo, api_service):
    api_service(demo.org)
    principal = ApiToken.objects.get(organization=demo.org).user
    assert not principal.is_active and not principal.has_usable_password()
    # Without its token, the account has no roles anywhere.
    assert policies.roles_by_organization(principal) == {}


def test_a_wrong_method_and_an_unknown_address_are_problems(demo, api_personal):
    client = api_personal("valmistelija")
    wrong = client.post("/api/v1/plans", {})
    assert wrong.status_code == 405
    assert wrong["Content-Type"] == "application/problem+json"
    assert "GET" in wrong["Allow"]
    unknown = client.get("/api/v1/no/such/thing")
    assert unknown.status_code == 404
    assert unknown["Content-Type"] == "application/problem+json"


def test_a_refusal_through_the_api_is_audited(demo, api_personal):
    client = api_personal("hallitus")
    before = AuditEvent.objects.filter(action="read_document.denied").count()
    assert client.get(f"/api/v1/plans/{demo.plan.pk}/documents/agenda.pdf").status_code == 403
    assert AuditEvent.objects.filter(action="read_document.denied").count() == before + 1


def test_an_invalid_token_is_refused_even_with_a_session(demo):
    client = demo.client("valmistelija")
    assert client.get("/api/v1/plans").status_code == 200
    response = client.get("/api/v1/plans", headers={"Authorization": "Bearer suunta_0000_nope"})
    assert response.status_code == 401


def test_a_person_with_the_principals_username_is_never_its_token(demo):
    """Someone who chose `service.<org>.<name>` as a username at an invitation: the
    service token gets an account of its own, and acts with a board member's reading
    rights only, never with that person's."""
    person = get_user_model().objects.create_user(username="service.esimerkkikunta.talous", password="x" * 20)
    row, token = services.create_service_token(demo.user("paakayttaja"), demo.org, "Talous", ["read"], 30)
    assert row.user != person
    assert row.user.username == "service.esimerkkikunta.talous.2"
    assert services.is_service_account(row.user)
    assert ApiClient(token).get("/api/v1/organizations").status_code == 200
    # A token whose account could sign in (made active later by hand) is refused.
    type(row.user).objects.filter(pk=row.user.pk).update(is_active=True)
    assert ApiClient(token).get("/api/v1/organizations").status_code == 401
