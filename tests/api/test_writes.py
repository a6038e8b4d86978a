"""Metric values and budget figures through the API: scopes, the policy, idempotency."""

import pytest

from suunta.agreements.models import Metric
from suunta.api import services
from suunta.audit.models import AuditEvent
from suunta.measures.models import MetricValue
from suunta.strategy.models import BudgetIndicator, BudgetRealisation


def free_metrics(plan):
    """Quantitative metrics of the plan's approved version that take typed values."""
    return list(
        Metric.objects.filter(goal_area__version__plan=plan, goal_area__version__status="approved")
        .exclude(target=None)
        .filter(budget_indicator=None)
        .order_by("pk")
    )


def url(plan, metric):
    return f"/api/v1/plans/{plan.pk}/metrics/{metric.pk}/values"


def count(plan, metric):
    return MetricValue.objects.filter(plan=plan, metric_lineage=metric.lineage).count()


def test_a_preparer_records_a_value_once_per_key(demo, api_personal):
    client = api_personal("valmistelija", "read", "write:values")
    metric = free_metrics(demo.current)[0]
    before = count(demo.current, metric)
    body = {"measured_on": "2026-10-31", "value": "123.5", "client_key": "oct-2026"}
    first = client.post(url(demo.current, metric), body)
    assert first.status_code == 201, first.content
    retry = client.post(url(demo.current, metric), body)
    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert count(demo.current, metric) == before + 1
    changed = client.post(url(demo.current, metric), {**body, "value": "99"})
    assert changed.status_code == 409
    assert changed["Content-Type"] == "application/problem+json"


def test_the_service_principal_writes_only_with_the_scope(demo, api_service):
    metric = free_metrics(demo.current)[0]
    body = {"measured_on": "2026-09-30", "value": "10"}
    reader = api_service(demo.org, "read", name="Raportointi")
    assert reader.post(url(demo.current, metric), body).status_code == 403
    writer = api_service(demo.org, "read", "write:values")
    response = writer.post(url(demo.current, metric), body)
    assert response.status_code == 201, response.content
    entry = MetricValue.objects.get(pk=response.json()["id"])
    assert entry.recorded_by.username.startswith("service.esimerkkikunta.")
    assert AuditEvent.objects.filter(action="metric_value.create", object_id=str(entry.pk)).exists()


def test_a_board_member_may_not_record_values_whatever_the_scope(demo, api_personal):
    client = api_personal("hallitus", "read", "write:values")
    metric = free_metrics(demo.current)[0]
    response = client.post(url(demo.current, metric), {"measured_on": "2026-09-30", "value": "10"})
    assert response.status_code == 403


def test_another_organizations_service_cannot_write_here(demo, api_service):
    client = api_service(demo.other_org, "read", "write:values")
    metric = free_metrics(demo.current)[0]
    response = client.post(url(demo.current, metric), {"measured_on": "2026-09-30", "value": "10"})
    assert response.status_code == 404


def test_a_batch_is_idempotent_under_retries(demo, api_service):
    client = api_service(demo.org, "read", "write:values")
    metrics = free_metrics(demo.current)[:2]
    assert len(metrics) == 2
    items = [
        {
            "plan_id": demo.current.pk,
            "metric_id": m.pk,
            "measured_on": day,
            "value": str(n),
            "client_key": f"k-{m.pk}-{day}",
        }
        for n, m in enumerate(metrics)
        for day in ("2026-08-31", "2026-09-30")
    ]
    before = MetricValue.objects.count()
    first = client.post("/api/v1/metric-values/batch", {"items": items})
    assert first.status_code == 200, first.content
    assert first.json()["created"] == 4
    for _retry in range(3):
        again = client.post("/api/v1/metric-values/batch", {"items": items})
        assert again.status_code == 200
        assert again.json()["created"] == 0 and again.json()["unchanged"] == 4
        assert [i["value"] for i in again.json()["items"]] == [i["value"] for i in first.json()["items"]]
    assert MetricValue.objects.count() == before + 4
    # A retry with one more item writes only the new one.
    extra = {**items[0], "measured_on": "2026-07-31", "client_key": "k-extra"}
    grown = client.post("/api/v1/metric-values/batch", {"items": [*items, extra]})
    assert grown.json()["created"] == 1
    assert MetricValue.objects.count() == before + 5


def test_a_batch_with_a_bad_item_writes_nothing(demo, api_service):
    client = api_service(demo.org, "read", "write:values")
    metric = free_metrics(demo.current)[0]
    items = [
        {"plan_id": demo.current.pk, "metric_id": metric.pk, "measured_on": "2026-06-30", "value": "1"},
        {"plan_id": demo.current.pk, "metric_id": metric.pk, "measured_on": "2031-01-01", "value": "2"},
    ]
    before = MetricValue.objects.count()
    response = client.post("/api/v1/metric-values/batch", {"items": items})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["items.1"]
    assert MetricValue.objects.count() == before


@pytest.mark.parametrize(
    "body", [{}, {"measured_on": "x", "value": "1"}, {"measured_on": "2026-01-01", "value": "1e999"}]
)
def test_invalid_bodies_are_422(demo, api_personal, body):
    client = api_personal("valmistelija", "read", "write:values")
    metric = free_metrics(demo.current)[0]
    response = client.post(url(demo.current, metric), body)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_a_finance_system_records_budget_realisation(demo, api_service):
    client = api_service(demo.org, "read", "write:values")
    indicators = client.get("/api/v1/organizations/esimerkkikunta/budget-indicators").json()["items"]
    assert indicators
    indicator = BudgetIndicator.objects.get(pk=indicators[0]["id"])
    path = f"/api/v1/budget-indicators/{indicator.pk}/realisations"
    for _retry in range(2):
        response = client.post(path, {"measured_on": "2026-10-31", "value": "512000"})
        assert response.status_code == 200, response.content
    assert BudgetRealisation.objects.filter(indicator=indicator, measured_on="2026-10-31").count() == 1
    reader = api_service(demo.org, "read", name="BI")
    assert reader.post(path, {"measured_on": "2026-10-31", "value": "1"}).status_code == 403
    other = api_service(demo.other_org, "read", "write:values")
    assert other.post(path, {"measured_on": "2026-10-31", "value": "1"}).status_code == 404


def test_a_retry_that_crossed_the_first_request_gets_its_value(demo, api_personal, monkeypatch):
    """The retry looked its key up before the first request had committed: the day's
    value is there when it tries to write, and the answer is that value (not an error)."""
    client = api_personal("valmistelija", "read", "write:values")
    metric = free_metrics(demo.current)[0]
    body = {"measured_on": "2026-05-31", "value": "7", "client_key": "crossed"}
    first = client.post(url(demo.current, metric), body)
    assert first.status_code == 201
    stored = count(demo.current, metric)
    real = services._known
    calls = []

    def late(user, item):
        calls.append(item.client_key)
        return None if len(calls) == 1 else real(user, item)

    monkeypatch.setattr(services, "_known", late)
    retry = client.post(url(demo.current, metric), body)
    assert retry.status_code == 200, retry.content
    assert retry.json()["id"] == first.json()["id"]
    assert count(demo.current, metric) == stored  # nothing added
    assert len(calls) == 2
