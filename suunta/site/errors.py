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

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from .logs import current_request_id
from .middleware import language_without_user

RETRY_AFTER_SECONDS = 30


def server_error(request):
    unavailable = isinstance(sys.exc_info()[1], OperationalError | InterfaceError)
    language = language_without_user(request)
    with translation.override(language):
        html = render_to_string(
            "site/error.html",
            {
                "unavailable": unavailable,
                "LANGUAGE_CODE": language,
                "request_id": getattr(request, "request_id", "") or current_request_id.get(),
            },
        )
    response = HttpResponse(html, status=503 if unavailable else 500)
    response["Content-Language"] = language
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
