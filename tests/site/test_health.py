"""Issue 22, part 2: /healthz, /readyz and /metrics; request ids and JSON logs.

In process with the test client, on either database. The production stack itself
(gunicorn, WhiteNoise's static files, the JSON access log) is tested at the end of this
file on a real server (tests/served.py's database, with DEBUG off).
"""

import datetime as dt
import gzip
import json
import logging
import re
import time
import urllib.error
import urllib.request

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY

from suunta.mail.tasks import deliver as deliver_task
from suunta.site import health, worker
from suunta.site.logs import JsonFormatter, current_request_id
from suunta.site.models import WorkerBeat
from tests.factories import UserFactory
from tests.served import _NoRedirect
from tests.test_two_servers import production_env, production_site, start_gunicorn  # noqa: F401 (production_site: a fixture)

pytestmark = pytest.mark.django_db

HEX_ID = re.compile(r"[0-9a-f]{32}")


def get(path: str, **headers):
    return Client().get(path, **headers)


def body(response) -> dict:
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    return json.loads(response.content)


# --- /healthz -------------------------------------------------------------------------------


def test_healthz_answers_without_a_login_or_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = get("/healthz")
    assert response.status_code == 200
    assert body(response) == {"status": "ok", "checks": {"process": {"status": "ok"}}}
    assert response["Cache-Control"] == "private, no-store"
    assert get("/healthz", REQUEST_METHOD="HEAD").status_code == 200


# --- /readyz --------------------------------------------------------------------------------


def test_readyz_names_every_check_and_is_ready(evidence_root):
    worker.beat("worker-a", timezone.now())  # a tasks worker is alive
    response = get("/readyz")
    assert response.status_code == 200
    data = body(response)
    assert data["status"] == "ok"
    assert set(data["checks"]) == {"database", "migrations", "evidence_storage", "tasks_worker"}
    assert {name: check["status"] for name, check in data["checks"].items()} == dict.fromkeys(
        data["checks"], "ok"
    )
    # The probe file went through the storage and is gone again.
    assert evidence_root.is_dir() and list(evidence_root.iterdir()) == []


def test_readyz_is_503_when_the_database_does_not_answer(monkeypatch):
    def unreachable():
        raise OperationalError("connection to server at db.internal failed")

    monkeypatch.setattr(health, "check_database", unreachable)
    response = get("/readyz")
    assert response.status_code == 503
    data = body(response)
    assert data["status"] == "fail"
    # Only the kind of error: no host names or passwords to whoever asks.
    assert data["checks"]["database"] == {"status": "fail", "error": "OperationalError"}
    assert data["checks"]["migrations"] == {"status": "skipped", "reason": "database"}
    assert data["checks"]["tasks_worker"]["status"] == "skipped"
    assert data["checks"]["evidence_storage"]["status"] == "ok"


def test_readyz_is_503_while_a_migration_is_unapplied(monkeypatch):
    from django.db.migrations import Migration  # noqa: PLC0415

    class Executor:
        def __init__(self, connection):
            self.loader = type(
                "Loader", (), {"graph": type("Graph", (), {"leaf_nodes": lambda self: []})()}
            )()

        def migration_plan(self, targets):
            return [(Migration("0099_new_things", "agreements"), False)]

    monkeypatch.setattr(health, "MigrationExecutor", Executor)
    response = get("/readyz")
    assert response.status_code == 503
    assert body(response)["checks"]["migrations"] == {
        "status": "fail",
        "detail": "1 unapplied: agreements.0099_new_things",
    }


def test_the_real_migration_check_finds_the_test_database_migrated():
    assert health.check_migrations() == {}


def test_readyz_is_503_when_the_evidence_storage_takes_no_file(settings, tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the evidence directory should be")
    settings.EVIDENCE_ROOT = blocked / "evidence"
    response = get("/readyz")
    assert response.status_code == 503
    data = body(response)
    assert data["status"] == "fail"
    assert data["checks"]["evidence_storage"]["status"] == "fail"
    assert data["checks"]["database"]["status"] == "ok"


def test_a_missing_worker_is_degraded_without_failing_readyz(fixed_today, settings):
    settings.WORKER_STALE_SECONDS = 300
    tasks_before = DBTaskResult.objects.count()
    # No worker has ever beaten: degraded, and the server stays in rotation.
    response = get("/readyz")
    assert response.status_code == 200
    data = body(response)
    assert data["status"] == "degraded"
    assert data["checks"]["tasks_worker"] == {
        "status": "degraded",
        "detail": "no tasks worker has been heard of",
        "last_seen": None,
        "waiting": 0,
        "oldest_waiting_seconds": 0.0,
        "stale_after_seconds": 300,
    }
    assert {data["checks"][name]["status"] for name in ("database", "migrations", "evidence_storage")} == {
        "ok"
    }

    # A worker beats: ready.
    worker.beat("worker-a", timezone.now())
    data = body(get("/readyz"))
    assert data["status"] == "ok"
    assert data["checks"]["tasks_worker"]["last_seen"] is not None

    # Five minutes without a beat: degraded again.
    fixed_today.shift(dt.timedelta(seconds=301))
    data = body(get("/readyz"))
    assert (data["status"], data["checks"]["tasks_worker"]["detail"]) == (
        "degraded",
        "no tasks worker has been heard of",
    )

    # A worker that beats but leaves a task waiting for five minutes takes none.
    deliver_task.enqueue(0)
    fixed_today.shift(dt.timedelta(seconds=301))
    worker.beat("worker-a", timezone.now())
    data = body(get("/readyz"))
    assert data["status"] == "degraded"
    checked = data["checks"]["tasks_worker"]
    assert checked["detail"] == "no tasks worker has taken the waiting tasks"
    assert checked["waiting"] == 1 and checked["oldest_waiting_seconds"] >= 300

    # Reading the state wrote nothing: no heartbeat task, no beat.
    assert DBTaskResult.objects.count() == tasks_before + 1
    assert WorkerBeat.objects.count() == 1


# --- /metrics -------------------------------------------------------------------------------


def test_metrics_are_404_to_everyone_not_allowed(settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    settings.METRICS_TOKEN = "oikea-tunniste-1234567890"
    assert get("/metrics").status_code == 404  # the test client is 127.0.0.1
    assert get("/metrics", HTTP_AUTHORIZATION="Bearer väärä").status_code == 404
    assert get("/metrics", HTTP_AUTHORIZATION="oikea-tunniste-1234567890").status_code == 404
    settings.METRICS_TOKEN = ""
    assert get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404, "no token configured: none works"


def test_metrics_from_an_allowed_address_or_with_the_token(settings):
    settings.METRICS_ALLOWED_IPS = ["192.0.2.0/24", "not an address"]
    settings.METRICS_TOKEN = "oikea-tunniste-1234567890"
    assert get("/metrics", REMOTE_ADDR="192.0.2.17").status_code == 200
    assert get("/metrics", REMOTE_ADDR="198.51.100.1").status_code == 404
    response = get("/metrics", HTTP_AUTHORIZATION="Bearer oikea-tunniste-1234567890")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_metrics_hold_latency_per_view_queries_per_request_and_the_queue(settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1"]
    latency = "django_http_requests_latency_seconds_by_view_method_count"
    queries = "suunta_http_request_queries_count"
    counted = "suunta_http_request_queries_sum"
    before = [
        sample(latency, view="readyz", method="GET"),
        sample(queries, view="readyz"),
        sample(counted, view="readyz"),
    ]
    get("/readyz")
    deliver_task.enqueue(0)  # two tasks waiting for a worker
    deliver_task.enqueue(0)
    assert sample(latency, view="readyz", method="GET") == before[0] + 1
    assert sample(queries, view="readyz") == before[1] + 1
    # The queries of that one request were counted: a few, not none and not hundreds.
    assert 3 <= sample(counted, view="readyz") - before[2] <= 40

    text = get("/metrics").content.decode()
    assert (
        'django_http_requests_latency_seconds_by_view_method_bucket{le="0.01",method="GET",view="readyz"}'
        in text
    )
    assert 'suunta_http_request_queries_bucket{le="10.0",view="readyz"}' in text
    assert 'suunta_tasks_ready{queue="default"} 2.0' in text
    assert re.search(r'suunta_tasks_oldest_waiting_seconds\{queue="default"\} [0-9.]+', text)


# --- Not blocked by the login or the HTTPS redirect -------------------------------------------


def test_health_pages_are_not_redirected_to_https(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    assert get("/accounts/login/").status_code == 301
    assert get("/healthz").status_code == 200
    assert get("/readyz").status_code == 200
    assert get("/metrics").status_code == 404  # not a redirect: the answer of /metrics itself


def test_the_urls():
    assert reverse("healthz") == "/healthz"
    assert reverse("readyz") == "/readyz"
    assert reverse("prometheus_metrics") == "/metrics"


# --- Request ids and JSON logs ----------------------------------------------------------------


def test_every_response_carries_a_request_id():
    generated = get("/healthz")["X-Request-ID"]
    assert HEX_ID.fullmatch(generated)
    assert get("/healthz")["X-Request-ID"] != generated
    kept = get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c1e.0001")
    assert kept["X-Request-ID"] == "lb-7f3a9c1e.0001"
    for bad in ("short", "x" * 101, "bad id with spaces", "id\nInjected: header", "-starts-with-dash"):
        replaced = get("/healthz", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert HEX_ID.fullmatch(replaced), (bad, replaced)


def record(name: str, message: str, *args, **extra) -> logging.LogRecord:
    made = logging.LogRecord(name, logging.WARNING, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(made, key, value)
    return made


def test_json_log_lines_carry_the_request_id():
    formatter = JsonFormatter()
    token = current_request_id.set("pyynto-12345678")
    try:
        line = json.loads(formatter.format(record("suunta.test", "Saved %s", "plan 7", extra_field=3)))
    finally:
        current_request_id.reset(token)
    assert line["level"] == "WARNING"
    assert line["logger"] == "suunta.test"
    assert line["message"] == "Saved plan 7"
    assert line["request_id"] == "pyynto-12345678"
    assert line["extra_field"] == 3
    assert dt.datetime.fromisoformat(line["time"]).tzinfo is not None
    # Outside a request: no request id.
    assert "request_id" not in json.loads(formatter.format(record("suunta.test", "Idle")))


def test_djangos_request_log_after_the_middleware_still_has_the_request_id(caplog):
    # A 404 is logged by Django's handler after every middleware has returned.
    client = Client()
    client.force_login(UserFactory())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        answer = client.get("/ei-ole-olemassa/", HTTP_X_REQUEST_ID="pyynto-404-abcdef")
    assert answer.status_code == 404
    logged = [r for r in caplog.records if r.name == "django.request" and r.status_code == 404]
    line = json.loads(JsonFormatter().format(logged[-1]))
    assert line["request_id"] == "pyynto-404-abcdef"
    assert line["request"] == "GET /ei-ole-olemassa/"


def test_gunicorns_access_lines_become_fields():
    atoms = {
        "h": "127.0.0.1",
        "m": "GET",
        "U": "/readyz",
        "q": "",
        "s": "200",
        "B": 254,
        "M": 12,
        "a": "kube-probe/1.30",
        "{x-request-id}o": "3f2c9a0b1d2e4f5a6b7c8d9e0f1a2b3c",
    }
    access = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(m)s %(U)s" %(s)s', (), None
    )
    access.args = atoms
    line = json.loads(JsonFormatter().format(access))
    assert line["message"] == '127.0.0.1 "GET /readyz" 200'
    assert line["status"] == 200 and line["duration_ms"] == 12 and line["bytes"] == 254
    assert line["path"] == "/readyz" and line["method"] == "GET"
    assert line["request_id"] == "3f2c9a0b1d2e4f5a6b7c8d9e0f1a2b3c"
    assert "query" not in line


# --- The production stack on a real server ------------------------------------------------------


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def test_gunicorn_serves_the_app_its_static_files_and_json_logs(production_site):  # noqa: F811 (the fixture)
    """What `make serve` runs, on a copy of the demo database: DEBUG off, static files
    collected with hashed names, gunicorn with deploy/gunicorn.conf.py."""
    served = production_site

    # The production settings' HTTPS redirect, which the health pages are exempt from;
    # the other requests come "through the proxy" (X-Forwarded-Proto: https).
    env = {
        **production_env(),
        "SECURE_SSL_REDIRECT": "1",
        "SUUNTA_METRICS_TOKEN": "mittarit-1234567890",
    }
    served.collect_static(env=env)
    (url,) = start_gunicorn(served, env, "gunicorn A")
    server = served.processes[-1]

    proxied = {"X-Forwarded-Proto": "https"}
    status, headers, _ = fetch(url + "/accounts/login/")
    assert status == 301 and headers["Location"].startswith("https://"), (status, headers)
    assert fetch(url + "/healthz")[0] == 200
    status, headers, page = fetch(url + "/accounts/login/", proxied)
    assert status == 200
    css = re.search(r'href="(/static/css/suunta\.[0-9a-f]{12}\.css)"', page.decode()).group(1)
    status, headers, content = fetch(url + css, {**proxied, "Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert headers["Content-Encoding"] == "gzip"
    assert len(gzip.decompress(content)) > 2 * len(content)
    assert headers["Content-Type"].startswith("text/css")
    status, headers, _ = fetch(url + "/static/css/suunta.css", proxied)
    assert status == 200 and headers["Cache-Control"] == "max-age=60, public"

    status, _, answer = fetch(url + "/readyz", {"X-Request-ID": "kuormantasaaja-0001"})
    assert status == 200 and json.loads(answer)["checks"]["database"]["status"] == "ok"
    deadline = time.monotonic() + 10
    while "kuormantasaaja-0001" not in server.stdout.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    lines = [json.loads(line) for line in server.stdout.read_text().splitlines() if line.startswith("{")]
    access = next(line for line in lines if line.get("request_id") == "kuormantasaaja-0001")
    assert access["logger"] == "gunicorn.access"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/readyz", 200)

    # The metrics of both worker processes, summed (prometheus_client's multiprocess mode).
    for _ in range(6):
        fetch(url + "/healthz")
    assert fetch(url + "/metrics")[0] == 404
    status, _, text = fetch(url + "/metrics", {"Authorization": "Bearer mittarit-1234567890"})
    assert status == 200
    counts = re.search(
        rb'django_http_requests_latency_seconds_by_view_method_count\{method="GET",view="healthz"\} ([0-9.]+)',
        text,
    )
    assert counts and float(counts.group(1)) >= 7, text[:3000]
    assert b'suunta_http_request_queries_count{view="readyz"} 1.0' in text
    assert b'suunta_tasks_ready{queue="default"}' in text
