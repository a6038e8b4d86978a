"""The request being served, for audit events written deep in a service.

Services take no request (they are called from views, commands and tests alike), yet
an event should carry the IP, the user and the request id behind it (the id
suunta.site.logs.RequestIdMiddleware, earlier in MIDDLEWARE, set on the request).
AuditContextMiddleware sets this for the duration of a request; record() falls back to
it when given no request.
"""

from contextvars import ContextVar

current_request: ContextVar = ContextVar("suunta_audit_current_request", default=None)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
