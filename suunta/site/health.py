"""Health checks and metrics for load balancers and monitoring (docs/deployment.md).

- `/healthz`: the process is up and answers. Touches no database: a load balancer may
  restart a server that fails it.
- `/readyz`: this server can serve: the database answers, every migration is applied,
  the evidence storage takes a file (written, read back, removed). 503 when any of
  these fails, so the load balancer takes the server out of rotation. It also reports
  the tasks worker: "degraded" when no worker has been heard of, or a task has waited
  for one, longer than settings.WORKER_STALE_SECONDS (default 5 minutes); that never
  fails /readyz, since a missing worker is no reason to take every web server out of
  rotation.
- `/metrics`: Prometheus metrics for the allowed (suunta/site/metrics.py), 404 to others.

Every worker (`manage.py run_worker`) renews its heartbeat row every
WORKER_BEAT_SECONDS (suunta/site/worker.py). No beat for WORKER_STALE_SECONDS, or a task
left waiting that long, means no worker is taking tasks. Reading them writes nothing.

Each answer is JSON naming every check and its result, for machines (not translated):

    {"status": "ok" | "degraded" | "fail",
     "checks": {"database": {"status": "ok"}, "migrations": {"status": "ok"},
                "evidence_storage": {"status": "ok"},
                "tasks_worker": {"status": "ok", "last_seen": "...", "waiting": 0, ...}}}

A failed check names the kind of error only ("OperationalError"); the whole error is
logged (WARNING, suunta.site.health) with the request id. None of these pages needs a
login, and the HTTPS redirect leaves them alone (settings.SECURE_REDIRECT_EXEMPT).
"""

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from suunta.evidence.storage import evidence_storage

from . import metrics as metrics_module
from . import worker

logger = logging.getLogger(__name__)

OK, DEGRADED, FAIL, SKIPPED = "ok", "degraded", "fail", "skipped"
# The checks that take the server out of rotation when they fail.
REQUIRED = ("database", "migrations", "evidence_storage")
PROBE = b"ready\n"


class CheckFailed(Exception):
    """A check that ran and found something wrong (rather than an error)."""


@login_not_required
@require_safe
def healthz(request):
    return JsonResponse({"status": OK, "checks": {"process": {"status": OK}}})


@login_not_required
@require_safe
def readyz(request):
    checks = {"database": _run(check_database)}
    database_up = checks["database"]["status"] == OK
    skipped = {"status": SKIPPED, "reason": "database"}
    checks["migrations"] = _run(check_migrations) if database_up else skipped
    checks["evidence_storage"] = _run(check_evidence_storage)
    checks["tasks_worker"] = _run(check_tasks_worker, failure=DEGRADED) if database_up else skipped
    if any(checks[name]["status"] != OK for name in REQUIRED):
        status = FAIL
    elif any(check["status"] == DEGRADED for check in checks.values()):
        status = DEGRADED
    else:
        status = OK
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == FAIL else 200)


@login_not_required
@require_safe
def metrics(request):
    if not metrics_module.may_read(request):
        raise Http404
    return HttpResponse(metrics_module.exposition(), content_type=CONTENT_TYPE_LATEST)


def _run(check, failure: str = FAIL) -> dict:
    try:
        return {"status": OK, **check()}
    except CheckFailed as problem:
        logger.warning("readyz: %s failed: %s", check.__name__, problem)
        return {"status": failure, "detail": str(problem)}
    except Exception as error:
        logger.warning("readyz: %s failed", check.__name__, exc_info=True)
        return {"status": failure, "error": type(error).__name__}


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_migrations() -> dict:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _backwards in plan[:5])
        raise CheckFailed(f"{len(plan)} unapplied: {names}")
    return {}


def check_evidence_storage() -> dict:
    storage = evidence_storage()
    name = storage.save(f".readyz-{uuid.uuid4().hex}", ContentFile(PROBE))
    try:
        with storage.open(name, "rb") as probe:
            if probe.read() != PROBE:
                raise CheckFailed("a file written could not be read back")
    finally:
        storage.delete(name)
    return {}


def check_tasks_worker() -> dict:
    now = timezone.now()
    last_seen = worker.last_seen()
    queues = metrics_module.task_queues()
    waiting = sum(count for count, _since in queues.values())
    oldest = min((since for _count, since in queues.values() if since is not None), default=None)
    waited = max(0.0, (now - oldest).total_seconds()) if oldest else 0.0
    stale = dt.timedelta(seconds=settings.WORKER_STALE_SECONDS)
    result = {
        "last_seen": last_seen.isoformat() if last_seen else None,
        "waiting": waiting,
        "oldest_waiting_seconds": round(waited, 1),
        "stale_after_seconds": settings.WORKER_STALE_SECONDS,
    }
    if last_seen is None or now - last_seen > stale:
        return {**result, "status": DEGRADED, "detail": "no tasks worker has been heard of"}
    if waited > settings.WORKER_STALE_SECONDS:
        return {**result, "status": DEGRADED, "detail": "no tasks worker has taken the waiting tasks"}
    return result
