"""The public goals page and its JSON: open without signing in where the organization
has turned it on, the approved goals with their metrics, objectives and reported
follow-ups; the HTML and the JSON say the same."""

import json

import pytest
from django.urls import reverse

from suunta.organizations.models import Organization
from suunta.strategy.public import JSONEncoder, is_public, public_goals

from ..tamper import change_goal_title

pytestmark = pytest.mark.django_db


def page_url(slug: str) -> str:
    return reverse("public_goals", args=[slug])


def json_url(slug: str) -> str:
    return reverse("public_goals_json", args=[slug])


def strings(data) -> list[str]:
    if isinstance(data, dict):
        return [s for value in data.values() for s in strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in strings(value)]
    return [data] if isinstance(data, str) else []


def test_it_is_open_without_signing_in(demo, client):
    for url in (page_url(demo.org.slug), json_url(demo.org.slug)):
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get(json_url(demo.org.slug))["Content-Type"] == "application/json"


@pytest.mark.parametrize("persona", ["hallitus", "toinen-valmistelija"])
def test_it_is_the_same_for_people_who_are_signed_in(demo, client, persona):
    anonymous = client.get(json_url(demo.org.slug)).json()
    assert demo.client(persona).get(json_url(demo.org.slug)).json() == anonymous


def test_it_is_not_found_where_the_organization_has_not_turned_it_on(demo, client):
    assert not demo.other_org.public_page
    for url in (page_url(demo.other_org.slug), json_url(demo.other_org.slug)):
        assert client.get(url).status_code == 404
    assert client.get(page_url("no-such-organization")).status_code == 404
    Organization.objects.filter(pk=demo.org.pk).update(public_page=False)
    assert client.get(page_url(demo.org.slug)).status_code == 404
    assert client.get(json_url(demo.org.slug)).status_code == 404


def test_it_shows_the_approved_plans_never_the_draft(demo, client):
    data = client.get(json_url(demo.org.slug)).json()
    # The chief of staff's, then the sector directors' (suunta/demo/cascade.py): every
    # agreement's approved plans are public.
    assert [plan["title"] for plan in data["plans"]] == [
        "Kansliapäällikön tavoitteet 2026",
        "Kansliapäällikön tavoitteet 2025",
        "Sivistysjohtajan tavoitteet 2025",
        "Teknisen johtajan tavoitteet 2025",
    ]
    assert all(plan["status"] == "approved" for plan in data["plans"])
    assert "Kansliapäällikön tavoitteet 2027" not in client.get(page_url(demo.org.slug)).content.decode()
    assert data["strategy"]["title"] == "Esimerkkikunnan strategia 2025–2029"
    assert data["strategy"]["decision"] == "KV 17.2.2025 § 12"


def test_goals_carry_metrics_objectives_and_reported_followups(demo, client):
    data = client.get(json_url(demo.org.slug)).json()
    plan = next(p for p in data["plans"] if p["title"] == "Kansliapäällikön tavoitteet 2025")
    assert plan["approval"] == "KH 31.3.2025 § 45"
    goal = next(g for g in plan["goals"] if g["title"] == "Talouden johtaminen")
    assert [o["number"] for o in goal["objectives"]] == ["3.1", "3.2"]
    measured = [m for m in goal["metrics"] if m["target"] is not None]
    assert measured[0]["target"] == "100" and measured[0]["unit"] == "%"
    assert [f["text"] for f in goal["followups"]] == [
        "Säästötavoitteesta on toteutunut noin puolet; loput toimet päätetään syksyllä.",
        "Tilinpäätösennuste talousarvion mukainen; säästöistä toteutui 85 %.",
    ]
    assert goal["followups"][0]["reported_in"] == "KH 8.9.2025 § 112"
    assert goal["followups"][0]["rating"]


def test_the_html_and_the_json_are_one_content(demo, client):
    data = client.get(json_url(demo.org.slug)).json()
    content, failures = public_goals(demo.org)
    assert failures == []
    assert data == json.loads(json.dumps(content, cls=JSONEncoder))
    html = client.get(page_url(demo.org.slug)).content.decode()
    for plan in data["plans"]:
        for goal in plan["goals"]:
            assert goal["title"] in html
            for followup in goal["followups"]:
                assert followup["text"].replace("\n", "<br>") in html
            for objective in goal["objectives"]:
                assert objective["title"] in html
            for metric in goal["metrics"]:
                assert metric["text"] in html


def test_an_approved_version_whose_rows_changed_is_left_out(demo, client):
    tampering = change_goal_title(demo.plan)
    data = client.get(json_url(demo.org.slug)).json()
    assert [plan["title"] for plan in data["plans"]] == [
        "Kansliapäällikön tavoitteet 2026",
        "Sivistysjohtajan tavoitteet 2025",
        "Teknisen johtajan tavoitteet 2025",
    ]
    assert tampering.shown not in client.get(page_url(demo.org.slug)).content.decode()


def test_the_rule_names_what_may_be_shown_and_nothing_else(demo):
    """Rows of kinds the rule does not name are never public."""
    assert is_public(demo.org)
    assert not is_public(demo.other_org)
    assert not is_public(demo.user("hallitus"))
    assert not is_public(demo.draft.versions.get())
    assert is_public(demo.plan.versions.get())
