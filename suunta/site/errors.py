"""The page of an error the application did not handle (settings: handler500).

When the database does not answer (restarting, failed over, out of connections;
SQLite locked for longer than its busy timeout) the answer is 503 Service Unavailable
with Retry-After and a page that says so: nothing was saved, try again in a moment. A
load balancer and a browser's user both know what to do with that, and the service
recovers by itself once the database is back (each request opens a new connection
when the old one is broken). Any other error is a 500 with a page that says the error
was logged, with the request id to give to support.

Both pages are made without the database: no user, no session, no context processors;
the language comes from the switcher's cookie or the browser.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .logs import current_request_id
from .middleware import language_without_user

RETRY_AFTER_SECONDS = 30
logger = logging.getLogger(__name__)


def _plain_page(context: dict) -> str:
    heading = _("Service temporarily unavailable") if context["unavailable"] else _("Something went wrong")
    return format_html(
        '<!doctype html><html lang="{}"><head><meta charset="utf-8"><title>{}</title></head>'
        "<body><main><h1>{}</h1><p>{}</p></main></body></html>",
        context["LANGUAGE_CODE"],
        heading,
        heading,
        context["request_id"],
    )


def server_error(request):
    unavailable = isinstance(sys.exc_info()[1], OperationalError | InterfaceError)
    language = language_without_user(request)
    context = {
        "unavailable": unavailable,
        "LANGUAGE_CODE": language,
        "request_id": getattr(request, "request_id", "") or current_request_id.get(),
    }
    with translation.override(language):
        try:
            html = render_to_string("site/error.html", context)
        except Exception:
            # The page itself must not fail (say, static files not collected): without it,
            # every middleware layer would call this handler again on the same error.
            logger.exception("The error page could not be made; a plain one was sent.")
            html = _plain_page(context)
    response = HttpResponse(html, status=503 if unavailable else 500)
    response["Content-Language"] = language
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
