"""Prometheus metrics at /metrics (docs/deployment.md).

- Request latency per view: django-prometheus's middleware pair (settings.MIDDLEWARE),
  `django_http_requests_latency_seconds_by_view_method{view,method}` and its other
  request and response counters.
- Queries per request: `suunta_http_request_queries{view}`, a histogram of the number of
  database queries each request made (QueryCountMiddleware).
- Task queue depth: `suunta_tasks_ready{queue}`, the tasks due and waiting for the
  worker, and `suunta_tasks_oldest_waiting_seconds{queue}`, read from the database when
  scraped (so any app server gives the same answer).

Under gunicorn each worker process keeps its own counters; with PROMETHEUS_MULTIPROC_DIR
set (deploy/gunicorn.conf.py does) they are written to files there and summed over the
processes on every scrape (prometheus_client's multiprocess mode).

Who may read them: settings.METRICS_ALLOWED_IPS (client addresses or networks) or a
request with `Authorization: Bearer <settings.METRICS_TOKEN>`. Anyone else gets a 404,
as if the page did not exist.
"""

import hmac
import ipaddress
import os

from django.conf import settings
from django.db import connections
from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import REGISTRY as DEFAULT_REGISTRY
from prometheus_client import CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

QUERY_BUCKETS = (0, 1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500)

REQUEST_QUERIES = Histogram(
    "suunta_http_request_queries",
    "Database queries made by one request, by view.",
    ["view"],
    buckets=QUERY_BUCKETS,
)


class QueryCountMiddleware:
    """Counts the queries of each request on every database connection it uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _QueryCounter()
        with counter.installed():
            response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match is not None else None) or "<unnamed view>"
        REQUEST_QUERIES.labels(view=view).observe(counter.count)
        return response


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def installed(self):
        return _Installed(self)


class _Installed:
    """Installs the counter on every configured connection of this thread."""

    def __init__(self, counter):
        self.counter = counter
        self.managers = []

    def __enter__(self):
        for alias in connections:
            manager = connections[alias].execute_wrapper(self.counter)
            manager.__enter__()
            self.managers.append(manager)
        return self.counter

    def __exit__(self, *exc_info):
        for manager in reversed(self.managers):
            manager.__exit__(*exc_info)
        return False


# --- Who may read -------------------------------------------------------------------------


def _allowed_networks() -> list:
    networks = []
    for entry in settings.METRICS_ALLOWED_IPS:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue  # a typo lets no one in rather than everyone
    return networks


def may_read(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        given = header.removeprefix("Bearer ").strip().encode("utf-8", "replace")
        if hmac.compare_digest(given, token.encode("utf-8")):
            return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _allowed_networks())


# --- What they read -----------------------------------------------------------------------


def task_queues() -> dict[str, tuple[int, object]]:
    """{queue: (tasks due and waiting, since when the oldest has waited or None)}, for
    every configured queue. A task without run_after waits from its enqueueing, a
    deferred one (a mail's retry) from its run_after."""
    undated = get_date_max()
    rows = (
        DBTaskResult.objects.ready()
        .values("queue_name")
        .annotate(
            waiting=Count("id"),
            oldest_enqueued=Min("enqueued_at", filter=Q(run_after=undated)),
            oldest_due=Min("run_after", filter=~Q(run_after=undated)),
        )
        .order_by("queue_name")
    )
    queues = dict.fromkeys(settings.TASKS["default"].get("QUEUES", ["default"]), (0, None))
    for row in rows:
        since = [value for value in (row["oldest_enqueued"], row["oldest_due"]) if value is not None]
        queues[row["queue_name"]] = (row["waiting"], min(since) if since else None)
    return queues


def task_queue_metrics() -> list:
    now = timezone.now()
    depth = GaugeMetricFamily(
        "suunta_tasks_ready", "Tasks due and waiting for the tasks worker.", labels=["queue"]
    )
    oldest = GaugeMetricFamily(
        "suunta_tasks_oldest_waiting_seconds",
        "How long the oldest task due has waited for the tasks worker.",
        labels=["queue"],
    )
    for queue, (waiting, since) in sorted(task_queues().items()):
        depth.add_metric([queue], waiting)
        oldest.add_metric([queue], max(0.0, (now - since).total_seconds()) if since else 0)
    return [depth, oldest]


class _Families:
    def __init__(self, families):
        self.families = families

    def collect(self):
        return self.families

    def describe(self):
        return []


def exposition() -> bytes:
    """Every metric in Prometheus' text format."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = DEFAULT_REGISTRY
    queue = CollectorRegistry()
    queue.register(_Families(task_queue_metrics()))
    return generate_latest(registry) + generate_latest(queue)
