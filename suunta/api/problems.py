"""Errors as RFC 9457 problem details, in the request's language (Accept-Language, or
the user's preference), with the same 404/403/405 as the pages."""

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _

CONTENT_TYPE = "application/problem+json"


def titles() -> dict[int, str]:
    return {
        400: _("The request is not valid."),
        401: _("A valid API token is needed."),
        403: _("You may not do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        406: _("This format is not available."),
        409: _("The request conflicts with stored data."),
        422: _("The data was not accepted."),
        429: _("Too many requests: try again later."),
        500: _("Something went wrong on our side."),
    }


def problem(request, status: int, detail: str = "", errors: list | None = None, headers=None) -> HttpResponse:
    body = {
        "type": "about:blank",
        "title": titles().get(status, str(status)),
        "status": status,
        "detail": detail,
        "instance": request.path if request is not None else "",
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
