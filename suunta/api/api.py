"""The REST API under /api/v1/ (django-ninja; docs/api.md).

Every endpoint finds its objects through the same access functions and scoped query
sets as the pages and asks suunta/policies.py; a bearer token acts as its user (or
as its organization's service principal), a browser session as the signed-in user.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from suunta.audit import services as audit

from . import tokens
from .problems import CONTENT_TYPE, problem


class TokenAuth(HttpBearer):
    """Authorization: Bearer suunta_<prefix>_<secret>."""

    def authenticate(self, request, token):
        row = tokens.find(token)
        if row is None:
            # A token that was sent and is not valid is refused, whatever session the
            # request may also carry.
            raise AuthenticationError
        tokens.check_rate(row)
        tokens.act(row, request)
        tokens.note_use(row, request)
        return row.user


class BrowserSession(SessionAuth):
    """The signed-in user of the app (the docs page tries the API with it)."""

    def authenticate(self, request, key):
        user = getattr(request, "_cached_user", None) or request.user
        if user.is_authenticated:
            return user
        return None


def _op(name: str) -> str:
    return f"suunta_api_routes_{name}"


# OpenAPI links: how a client (and schemathesis's stateful run) goes from one answer to
# the next request. {operation: {link name: (target operation, {parameter: expression})}}
LINKS = {
    "list_organizations": {
        "GetOrganization": ("get_organization", {"slug": "$response.body#/items/0/slug"}),
        "ListBudgetIndicators": ("list_budget_indicators", {"slug": "$response.body#/items/0/slug"}),
    },
    "list_agreements": {"GetAgreement": ("get_agreement", {"agreement_id": "$response.body#/items/0/id"})},
    "list_plans": {"GetPlan": ("get_plan", {"plan_id": "$response.body#/items/0/id"})},
    "get_plan": {
        "GetVersion": (
            "get_version",
            {"plan_id": "$response.body#/id", "number": "$response.body#/versions/0/number"},
        ),
        "GetAgreement": ("get_agreement", {"agreement_id": "$response.body#/agreement_id"}),
    },
    "get_version": {
        "GetFollowUp": (
            "get_followup",
            {"plan_id": "$response.body#/plan_id", "checkpoint_id": "$response.body#/checkpoints/0/id"},
        ),
        "ListMetricValues": (
            "list_metric_values",
            {"plan_id": "$response.body#/plan_id", "metric_id": "$response.body#/goals/0/metrics/0/id"},
        ),
        "GetPackage": ("get_package", {"handling_id": "$response.body#/handlings/0/id"}),
    },
}


class SuuntaAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Errors are documented as what they are: application/problem+json."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                # openapi_extra's "200" and the generated 200 are one response.
                merged: dict = {}
                for status, response in operation.get("responses", {}).items():
                    merged.setdefault(str(status), {}).update(response)
                operation["responses"] = merged
                for status, response in merged.items():
                    content = response.get("content", {})
                    if str(status).startswith(("4", "5")) and "application/json" in content:
                        response["content"] = {CONTENT_TYPE: content["application/json"]}
        for operations in schema["paths"].values():
            for operation in operations.values():
                links = LINKS.get(operation["operationId"].removeprefix(_op("")), {})
                if links:
                    operation["responses"]["200"]["links"] = {
                        name: {"operationId": _op(target), "parameters": parameters}
                        for name, (target, parameters) in links.items()
                    }
        return schema


api = SuuntaAPI(
    title="Suunta API",
    version="1",
    description="Director agreement goals: plans, metrics, follow-ups, decisions and documents.",
    urls_namespace="api_v1",
    auth=[TokenAuth(), BrowserSession()],
    docs_url=None,
    openapi_url="/openapi.json",
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return problem(request, 404)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    if isinstance(exc, audit.Refused) and exc.event is None and not audit.in_transaction():
        exc.event = audit.record_refusal(exc.action, **{**exc.audit, "request": request})
    return problem(request, 403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return problem(request, 401, headers={"WWW-Authenticate": 'Bearer realm="suunta"'})


@api.exception_handler(tokens.RateLimited)
def rate_limited(request, exc):
    return problem(request, 429, headers={"Retry-After": str(exc.retry_after)})


@api.exception_handler(NinjaValidationError)
def invalid(request, exc):
    errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors]
    return problem(request, 422, errors=errors)


@api.exception_handler(DjangoValidationError)
def refused_data(request, exc):
    if hasattr(exc, "error_dict"):
        errors = [{"loc": [field], "msg": str(m)} for field, ms in exc.message_dict.items() for m in ms]
    else:
        errors = [{"loc": [], "msg": str(m)} for m in exc.messages]
    return problem(request, 422, detail=" ".join(e["msg"] for e in errors), errors=errors)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return problem(request, exc.status_code, detail=str(exc) if exc.status_code != 404 else "")


class Conflict(HttpError):
    def __init__(self, detail: str):
        super().__init__(409, detail)


def require_scope(request, scope: str) -> None:
    """A token acts only within its scopes (a session as the user does on the pages)."""
    row = getattr(request, "api_token", None)
    if row is not None and scope not in row.scope_list:
        raise HttpError(403, _("The token does not have the scope “%(scope)s”.") % {"scope": scope})


from . import routes  # noqa: E402, F401  (registers the endpoints on `api`)
