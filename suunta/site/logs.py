"""Request ids and structured (JSON) logs.

Every request gets an id: the incoming `X-Request-ID` header when it is well formed
(a proxy or load balancer that sets one keeps its own, e.g. nginx's `$request_id`),
otherwise a new random one. The response carries it back in `X-Request-ID`; every log
line written while the request is served carries it as `request_id`; and so does the
hashed payload of every audit event written in that request (suunta/audit/chain.py,
format version 2). One id finds the access log line, the application's log lines and
the audit events of one request.

With DEBUG off the logs are one JSON object per line (settings.LOGGING; gunicorn's
access and error logs too, deploy/gunicorn.conf.py):

    {"time": "2026-11-27T08:00:00.123456+00:00", "level": "INFO", "logger": "...",
     "message": "...", "request_id": "3f2c..."}

This module imports nothing from Django when it is loaded: gunicorn's master process
loads the formatter before any application code.
"""

import datetime as dt
import uuid
from collections.abc import Mapping
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

# The same pattern the audit chain checks (suunta/audit/chain.py REQUEST_ID_PATTERN):
# letters, digits and . _ : - only, 8 to 100 characters, so an id is safe in a header,
# a log line and a URL, and a client cannot smuggle anything through it.
HEADER = "X-Request-ID"
current_request_id: ContextVar[str] = ContextVar("suunta_request_id", default="")


def _request_id_pattern():
    from suunta.audit.chain import REQUEST_ID_PATTERN  # noqa: PLC0415 (keeps Django out of the import)

    return REQUEST_ID_PATTERN


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(value) -> str:
    """The incoming id if it is well formed, else a new one."""
    if isinstance(value, str) and _request_id_pattern().fullmatch(value):
        return value
    return new_request_id()


class RequestIdMiddleware:
    """Gives the request its id (`request.request_id`), makes it the current one for
    the log lines of the request and returns it in the `X-Request-ID` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = accepted_request_id(request.headers.get(HEADER))
        token = current_request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = request.request_id
        return response


# gunicorn's access log record: its message is the access_log_format filled from the
# atoms (a dict); these become fields of their own.
_ACCESS_ATOMS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "q": "query",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "a": "user_agent",
    "{x-request-id}o": "request_id",
}


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, the
    request id of the request being served (if any), the exception if there is one,
    and anything passed in `extra`. gunicorn's access records get their fields
    (method, path, status, duration_ms, request_id …) from the access atoms."""

    def add_fields(self, log_data, record, message_dict):
        log_data["time"] = dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat()
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.message
        super().add_fields(log_data, record, message_dict)
        # Django's own request records (django.request: a 404, a 500) carry the request
        # and are written after the middleware has finished; others run inside it.
        request = getattr(record, "request", None)
        if hasattr(request, "path") and hasattr(request, "method"):
            log_data["request"] = f"{request.method} {request.path}"
        request_id = getattr(request, "request_id", None) or current_request_id.get()
        if request_id and "request_id" not in log_data:
            log_data["request_id"] = request_id
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            for atom, name in _ACCESS_ATOMS.items():
                value = record.args.get(atom)
                if value not in (None, "-", ""):
                    log_data[name] = int(value) if name in {"status", "bytes", "duration_ms"} else value


def configure_gunicorn_logging(level: str = "INFO") -> dict:
    """The logconfig_dict for gunicorn (deploy/gunicorn.conf.py): its error log on
    stderr and access log on stdout, both as JSON lines."""
    formatter = {"()": f"{__name__}.JsonFormatter"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": formatter},
        "handlers": {
            "access": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
            "error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        },
        "root": {"level": level, "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["error"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        },
    }
