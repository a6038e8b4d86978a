import json

import pytest
from django.utils import translation

from suunta.agreements.models import Metric
from suunta.lib.publicity import Publicity
from suunta.strategy.models import Objective, Strategy

from .test_writes import free_metrics


def test_a_service_token_reads_its_organizations_plans(demo, api_service):
    client = api_service(demo.org)
    response = client.get("/api/v1/plans")
    assert response.status_code == 200, response.content
    body = response.json()
    titles = {p["title"] for p in body["items"]}
    assert "Kansliapäällikön tavoitteet 2025" in titles
    # A board member sees no drafts: the 2027 draft is not listed.
    assert "Kansliapäällikön tavoitteet 2027" not in titles
    assert all(p["organization"] == "esimerkkikunta" for p in body["items"])


def test_another_organizations_plan_is_not_found(demo, api_service):
    client = api_service(demo.org)
    response = client.get(f"/api/v1/plans/{demo.other_plan.pk}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_an_approved_version_has_an_etag(demo, api_personal):
    client = api_personal("valmistelija")
    url = f"/api/v1/plans/{demo.plan.pk}/versions/{demo.plan.latest_version().number}"
    first = client.get(url)
    assert first.status_code == 200, first.content
    assert first["ETag"]
    assert first.json()["goals"]
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_metric_values_page_with_a_cursor(demo, api_personal):
    client = api_personal("valmistelija")
    metric = Metric.objects.filter(goal_area__version__plan=demo.plan).exclude(target=None).first()
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        response = client.get(f"/api/v1/plans/{demo.plan.pk}/metrics/{metric.pk}/values", params)
        assert response.status_code == 200, response.content
        seen += [v["id"] for v in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen))
    assert seen == sorted(seen)


@pytest.mark.parametrize("language", ["sv", "fi"])
def test_problems_are_in_the_requests_language(demo, api_service, language):
    # A token has no person's preference: Accept-Language decides, Finnish or Swedish
    # as on the pages (English is not offered to browsers).
    client = api_service(demo.org)
    response = client.get("/api/v1/plans/999999", headers={"Accept-Language": language})
    assert response.status_code == 404
    with translation.override(language):
        expected = translation.gettext("Not found.")
    assert expected != "Not found."  # translated, so the check below can tell
    assert response.json()["title"] == expected
    assert response["Content-Language"] == language


def _kinds(client, plan):
    version = client.get(f"/api/v1/plans/{plan.pk}").json()["versions"][-1]["number"]
    detail = client.get(f"/api/v1/plans/{plan.pk}/versions/{version}").json()
    kinds = set()
    for checkpoint in detail["checkpoints"]:
        response = client.get(f"/api/v1/plans/{plan.pk}/checkpoints/{checkpoint['id']}/followup")
        assert response.status_code == 200
        kinds |= {a["kind"] for a in response.json()["assessments"]}
    return kinds


def test_self_assessments_and_views_only_where_the_pages_show_them(demo, api_service, api_personal):
    # The preparer (an insider) reads self-assessments, views and agreed texts; a board
    # member's reading service principal only the agreed texts of reported follow-ups.
    assert {"self", "view", "agreed"} <= _kinds(api_personal("valmistelija"), demo.plan)
    assert _kinds(api_service(demo.org), demo.plan) == {"agreed"}
    assert _kinds(api_personal("hallitus"), demo.plan) == {"agreed"}


def test_a_goals_objectives_are_the_ones_the_annex_shows(demo, api_service):
    """Public objectives of a public strategy; none of a strategy made restricted, as in
    the annex (documents.content.public_objectives)."""
    client = api_service(demo.org)
    version = demo.plan.versions.get(status="approved")
    url = f"/api/v1/plans/{demo.plan.pk}/versions/{version.number}"

    def objectives():
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        return {o["id"] for goal in response.json()["goals"] for o in goal["objectives"]}

    linked = set(Objective.objects.filter(goal_areas__version=version).values_list("pk", flat=True))
    assert linked and objectives() == linked
    Strategy.objects.filter(objectives__in=linked).update(publicity=Publicity.RESTRICTED)
    assert objectives() == set()


def test_a_nul_character_is_a_bad_request_not_a_server_error(demo, api_service, api_personal):
    """schemathesis found `?organization=%00` a 500 on PostgreSQL (no text column takes
    a NUL): a 400 problem now, in the query as in a JSON body."""
    response = api_service(demo.org).get("/api/v1/agreements", {"organization": "esimerkki\x00kunta"})
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    plan = demo.current
    metric = free_metrics(plan)[0]
    writer = api_personal("valmistelija", "read", "write:values")
    body = json.dumps({"measured_on": "2026-10-31", "value": "5", "comment": "a\x00b"})
    response = writer.post(f"/api/v1/plans/{plan.pk}/metrics/{metric.pk}/values", body)
    assert response.status_code == 400
    # The same value without the NUL is taken (the 400 was the NUL's).
    body = json.dumps({"measured_on": "2026-10-31", "value": "5", "comment": "ab"})
    assert writer.post(f"/api/v1/plans/{plan.pk}/metrics/{metric.pk}/values", body).status_code in (200, 201)
