from .services import SESSION_ORIGINS


class SsoLogoutFormActionMiddleware:
    """In a session that came from single sign-on, every page's logout form may lead to
    the provider (its end_session_endpoint): CSP form-action also covers the redirect
    after a form's POST. Listed after csp.middleware.CSPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        origins = session.get(SESSION_ORIGINS) if session is not None and session.session_key else None
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = sorted(set(update.get("form-action", [])) | set(origins))
            response._csp_update = update
        return response
