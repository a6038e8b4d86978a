"""List endpoints make a fixed number of queries, whatever the number of items."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suunta.agreements.models import Metric


def queries(client, path, params) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["items"])


def savings_metric_path(demo):
    metric = Metric.objects.filter(goal_area__version__plan=demo.plan, unit="€").first()
    return f"/api/v1/plans/{demo.plan.pk}/metrics/{metric.pk}/values"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/organizations",
        "/api/v1/agreements",
        "/api/v1/plans",
        "/api/v1/organizations/esimerkkikunta/budget-indicators",
        "values",
    ],
)
def test_a_list_costs_the_same_for_one_item_and_all(demo, api_personal, path):
    client = api_personal("valmistelija")
    if path == "values":
        path = savings_metric_path(demo)
    client.get(path)  # the token's first use of the minute is noted once
    one, one_items = queries(client, path, {"limit": 1})
    every, items = queries(client, path, {"limit": 50})
    assert one_items == 1
    assert items > 1 or path == "/api/v1/organizations"
    assert one == every, (path, one, every)
    assert every <= 16


def test_the_plan_list_is_flat_for_a_service_principal(demo, api_service):
    client = api_service(demo.org)
    client.get("/api/v1/plans")
    one, _ = queries(client, "/api/v1/plans", {"limit": 1})
    every, items = queries(client, "/api/v1/plans", {"limit": 50})
    assert items >= 3
    assert one == every
