"""gunicorn's configuration for Suunta (docs/deployment.md).

    .venv/bin/gunicorn -c deploy/gunicorn.conf.py

Everything installation-specific comes from the environment, like the application's
own settings:

| variable | default | meaning |
|---|---|---|
| `SUUNTA_BIND` | `127.0.0.1:8000` | address:port (or `unix:/path`) to listen on; comma-separated for several |
| `SUUNTA_WORKERS` | `2` | worker processes (sync: one request at a time each) |
| `SUUNTA_WORKER_TIMEOUT` | `60` | seconds a request may take before its worker is restarted |
| `SUUNTA_GRACEFUL_TIMEOUT` | `30` | seconds running requests get to finish on a stop or reload |
| `SUUNTA_MAX_REQUESTS` | `0` (never) | restart a worker after this many requests |
| `SUUNTA_LOG_FORMAT` | `json` | `json` lines or gunicorn's `text` for the access and error logs |
| `FORWARDED_ALLOW_IPS` | `127.0.0.1,::1` | (gunicorn's own) proxies whose X-Forwarded-* headers are trusted |
| `SUUNTA_PROXY_PROTOCOL` | `off` | `auto`, `v1` or `v2`: take the client's address from a PROXY protocol header |
| `SUUNTA_PROXY_ALLOW_IPS` | `127.0.0.1,::1` | proxies allowed to send that header |
| `PROMETHEUS_MULTIPROC_DIR` | a new temporary directory | where the workers' metrics are summed |

Sync workers: Suunta's requests are short and database-bound, and the worker count
caps the database connections (one per worker; with `CONN_MAX_AGE` they are reused).
The access log goes to stdout and the error log to stderr, both as JSON lines
with the request id (suunta/site/logs.py). SIGTERM stops gracefully: running requests
finish (up to the graceful timeout), new ones are no longer accepted.
"""

import os
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


wsgi_app = "suunta.wsgi:application"
chdir = str(ROOT)
bind = [address.strip() for address in os.environ.get("SUUNTA_BIND", "127.0.0.1:8000").split(",") if address]
workers = _int("SUUNTA_WORKERS", 2)
worker_class = "sync"
timeout = _int("SUUNTA_WORKER_TIMEOUT", 60)
graceful_timeout = _int("SUUNTA_GRACEFUL_TIMEOUT", 30)
max_requests = _int("SUUNTA_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10
keepalive = 5
proc_name = "suunta"
# Behind a proxy that speaks the PROXY protocol (HAProxy's `send-proxy`, nginx's stream
# module), the client's address becomes REMOTE_ADDR: what login lockouts, audit events
# and the metrics allowlist see. Otherwise REMOTE_ADDR is the proxy's.
proxy_protocol = os.environ.get("SUUNTA_PROXY_PROTOCOL", "off")
proxy_allow_ips = os.environ.get("SUUNTA_PROXY_ALLOW_IPS", "127.0.0.1,::1")
# No control socket (gunicornc): its default path is one per user, which two servers on
# one machine would fight over.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
# The message of each access line; the JSON lines also carry these as fields of their own.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'
if os.environ.get("SUUNTA_LOG_FORMAT", "json") == "json":
    # The module imports nothing from Django; the application configures its own loggers.
    import sys

    sys.path.insert(0, str(ROOT))
    from suunta.site.logs import configure_gunicorn_logging

    logconfig_dict = configure_gunicorn_logging(os.environ.get("LOG_LEVEL", "INFO"))

# Prometheus: each worker writes its counters into files of this directory and /metrics
# sums them (prometheus_client's multiprocess mode). One directory per server, made
# before any worker starts (the variable must be set before prometheus_client is imported).
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="suunta-metrics-")
    os.environ["SUUNTA_METRICS_DIRECTORY_MADE"] = "1"  # removed on exit (also after a reload)


def on_starting(server):
    # A directory given from outside may hold the files of an earlier run.
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()


def post_worker_init(worker):
    """Python's full garbage collection looks at every object the process holds: some
    200 000 once Django and Suunta are loaded, 60–90 ms in which the worker answers
    nobody (the slowest hundredth of bench/pages.py's answers). What loading made lives
    as long as the worker, so it is moved out of the collector's sight (gc.freeze): a
    full collection then looks only at what requests made since, about 10 ms. The URL
    patterns, made on the first request otherwise, are made and frozen here too."""
    import gc  # noqa: PLC0415

    from django.urls import get_resolver  # noqa: PLC0415

    get_resolver().url_patterns  # noqa: B018 (made on first access)
    gc.collect()
    gc.freeze()


def child_exit(server, worker):
    from prometheus_client import multiprocess  # noqa: PLC0415 (after the directory is set)

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if os.environ.get("SUUNTA_METRICS_DIRECTORY_MADE"):
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
