"""schemathesis against the live OpenAPI schema: every operation, both organizations'
tokens (and a person's), generated data plus the demo's real ids. No server errors;
every response matches the schema (status code, content type, body)."""

import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from suunta.agreements.models import Checkpoint, Metric
from suunta.strategy.models import BudgetIndicator

from .conftest import personal, service

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 10  # per operation and token: the whole run stays well under two minutes


@pytest.fixture
def wsgi_in_test_transaction(settings):
    """The WSGI app in this thread, on the test's connection and transaction: the
    request signals must not close it (Django's test client does the same)."""
    # Many requests a minute per token here: the rate limit is tested in test_access.py.
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def real_ids(demo) -> dict:
    version = demo.current.versions.get(status="approved")
    return {
        "slug": demo.org.slug,
        "agreement_id": demo.current.agreement_id,
        "plan_id": demo.current.pk,
        "number": version.number,
        "checkpoint_id": Checkpoint.objects.filter(version=version).first().pk,
        "metric_id": Metric.objects.filter(goal_area__version=version).exclude(target=None).first().pk,
        "indicator_id": BudgetIndicator.objects.filter(target__organization=demo.org).first().pk,
        "kind": "annex",
        "fmt": "pdf",
        "handling_id": version.handlings.first().pk,
    }


def run_generated(operation, headers) -> None:
    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def generated(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    generated()


def test_the_api_keeps_to_its_schema(demo, wsgi_in_test_transaction):
    started = time.monotonic()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_in_test_transaction)
    tokens = {
        "esimerkkikunta": service(demo, demo.org, "read", "write:values").token,
        "toinen-kunta": service(demo, demo.other_org, "read", "write:values").token,
        "valmistelija": personal(demo, "valmistelija", "read", "write:values", days=30).token,
    }
    ids = real_ids(demo)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    calls = 0
    for operation in operations:
        for token in tokens.values():
            headers = {"Authorization": f"Bearer {token}"}
            run_generated(operation, headers)
            path_parameters = {name: ids[name] for name in ids if "{" + name + "}" in operation.path}
            real = operation.Case(path_parameters=path_parameters)
            if operation.method.upper() == "POST":
                continue  # generated bodies above; real writes are tested in test_writes.py
            response = real.call(headers=headers)
            real.validate_response(response, checks=CHECKS)
            calls += EXAMPLES + 1
    assert calls > 50
    assert time.monotonic() - started < 120


def test_stateful_links(demo, wsgi_in_test_transaction):
    """schemathesis follows the schema's OpenAPI links (organizations → budget
    indicators, plans → plan → version → follow-up, values, package; and the links it
    infers itself) with each organization's read-only token (the state stays the same
    between scenarios; writes are refused with 403): every step keeps to the schema
    and no step fails."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_in_test_transaction)
    links = [
        link
        for path in schema.raw_schema["paths"].values()
        for operation in path.values()
        for link in operation["responses"].get("200", {}).get("links", {})
    ]
    assert len(links) >= 9
    reached = set()
    for organization in (demo.org, demo.other_org):
        _walk(schema, service(demo, organization, "read", name="BI").token, reached, 30)
    # Which chains the random walk takes varies with the data's ids (the links'
    # targets themselves are followed one by one in test_every_link_leads_to_an_answer).
    assert "/api/v1/plans" in reached and "/api/v1/organizations/{slug}" in reached, reached
    assert len(reached) >= 6, reached


def _pointer(body, expression: str):
    """The value of a link parameter's `$response.body#/a/0/b` in a response body."""
    value = body
    for part in expression.removeprefix("$response.body#/").split("/"):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def test_every_link_leads_to_an_answer(demo, api_personal):
    """Each OpenAPI link of the schema, followed from a real answer of the demo (the
    preparer, who may read every linked object, the package included): the target
    answers 200 and keeps to the schema."""
    client = api_personal("valmistelija")
    raw = client.get("/api/v1/openapi.json").json()
    operations = {
        operation["operationId"]: (path, operation)
        for path, item in raw["paths"].items()
        for method, operation in item.items()
        if method == "get"
    }
    answers = {}
    for operation_id, (path, _operation) in operations.items():
        if "{" not in path:  # the lists: where the walk starts
            answers[operation_id] = client.get(path).json()
    followed = set()
    pending = list(answers)
    while pending:
        source = pending.pop(0)
        links = operations[source][1]["responses"]["200"].get("links", {})
        for name, link in links.items():
            target_path, _target = operations[link["operationId"]]
            values = {key: _pointer(answers[source], expr) for key, expr in link["parameters"].items()}
            url = target_path.format(**values)
            response = client.get(url)
            assert response.status_code == 200, (name, url, response.content[:300])
            followed.add(name)
            if link["operationId"] not in answers and response["Content-Type"].startswith("application/json"):
                answers[link["operationId"]] = response.json()
                pending.append(link["operationId"])
    declared = {name for _path, op in operations.values() for name in op["responses"]["200"].get("links", {})}
    assert followed == declared and len(declared) >= 7, (followed, declared)


def _walk(schema, token: str, reached: set, examples: int) -> None:
    """schemathesis's stateful run with a token: every response checked, the paths
    answered 200 added to `reached`."""

    class Workflow(schema.as_state_machine()):
        headers = {"Authorization": f"Bearer {token}"}

        def get_call_kwargs(self, case):
            return {"headers": self.headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS)
            if response.status_code == 200:
                reached.add(case.operation.path)

    Workflow.run(
        settings=hypothesis_settings(
            max_examples=examples,
            stateful_step_count=12,
            derandomize=True,  # the same walk each run
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
