"""The endpoints. Each parses, finds its objects through reads.py (the pages' access
functions and scoped query sets), asks the policy and answers."""

import datetime
import hashlib
import json
from typing import Annotated, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from ninja import Field, Path, Query, Schema, Status

from suunta.strategy import services as strategy_services

from . import documents, reads, services
from .api import Conflict, api, require_scope
from .models import Scope
from .schemas import (
    AgreementOut,
    BatchIn,
    BatchOut,
    BudgetIndicatorOut,
    FollowUpOut,
    MetricValueIn,
    MetricValueOut,
    OrganizationOut,
    PlanOut,
    Problem,
    RealisationIn,
    RealisationOut,
    VersionOut,
)

ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}


class Paged(Schema):
    next_cursor: str | None


class OrganizationPage(Paged):
    items: list[OrganizationOut]


class AgreementPage(Paged):
    items: list[AgreementOut]


class PlanPage(Paged):
    items: list[PlanOut]


class ValuePage(Paged):
    items: list[MetricValueOut]


class IndicatorPage(Paged):
    items: list[BudgetIndicatorOut]


ID_MAX = 2**31 - 1  # ids are 32-bit integers in PostgreSQL
VersionStatusName = Literal["draft", "preparatory", "proposed", "approved", "closed", "superseded"]


Id = Annotated[int, Path(ge=1, le=ID_MAX)]


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=40)
    limit: int | None = Field(None, ge=1, le=1000)


class AgreementQuery(PageQuery):
    organization: str | None = Field(None, max_length=60)


class PlanQuery(PageQuery):
    organization: str | None = Field(None, max_length=60)
    agreement: int | None = Field(None, ge=1, le=ID_MAX)
    period: int | None = Field(None, ge=1900, le=2200, description="a year the plan's period overlaps")
    status: VersionStatusName | None = Field(None, description="plans with a version in this status")


class ValueQuery(PageQuery):
    since: datetime.date | None = None
    until: datetime.date | None = None


def _read(request) -> None:
    require_scope(request, Scope.READ)


@api.get("/organizations", response={200: OrganizationPage, **ERRORS}, tags=["organizations"])
def list_organizations(request, q: Query[PageQuery]):
    _read(request)
    rows, cursor = reads.page(reads.organizations(request.user), q.cursor, q.limit)
    return {"items": [reads.organization_out(o) for o in rows], "next_cursor": cursor}


@api.get("/organizations/{slug}", response={200: OrganizationOut, **ERRORS}, tags=["organizations"])
def get_organization(request, slug: str):
    _read(request)
    return reads.organization_out(reads.access.organization(request.user, slug))


@api.get("/organizations/{slug}/budget-indicators", response={200: IndicatorPage, **ERRORS}, tags=["budget"])
def list_budget_indicators(request, slug: str, q: Query[PageQuery]):
    _read(request)
    rows, cursor = reads.page(reads.budget_indicators(request.user, slug), q.cursor, q.limit)
    return {"items": [reads.indicator_out(i) for i in rows], "next_cursor": cursor}


@api.get("/agreements", response={200: AgreementPage, **ERRORS}, tags=["agreements"])
def list_agreements(request, q: Query[AgreementQuery]):
    _read(request)
    rows, cursor = reads.page(reads.agreements(request.user, q.organization), q.cursor, q.limit)
    return {"items": [reads.agreement_out(a) for a in rows], "next_cursor": cursor}


@api.get("/agreements/{agreement_id}", response={200: AgreementOut, **ERRORS}, tags=["agreements"])
def get_agreement(request, agreement_id: Id):
    _read(request)
    return reads.agreement_out(reads.access.agreement(request.user, agreement_id))


@api.get("/plans", response={200: PlanPage, **ERRORS}, tags=["plans"])
def list_plans(request, q: Query[PlanQuery]):
    """A page may hold fewer items than `limit` (plans the user sees no version of in
    the asked status are left out): follow `next_cursor` until it is null."""
    _read(request)
    qs = reads.plans(
        request.user, organization=q.organization, agreement=q.agreement, period=q.period, status=q.status
    )
    rows, cursor = reads.page(qs, q.cursor, q.limit)
    items = [out for plan in rows if (out := reads.plan_out(request.user, plan, q.status)) is not None]
    return {"items": items, "next_cursor": cursor}


@api.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS}, tags=["plans"])
def get_plan(request, plan_id: Id):
    _read(request)
    plan, _visible, _version = reads.visible_version(request.user, plan_id)
    found = reads.plans(request.user).get(pk=plan.pk)
    return reads.plan_out(request.user, found)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@api.get(
    "/plans/{plan_id}/versions/{number}",
    response={200: VersionOut, 304: None, **ERRORS},
    tags=["plans"],
)
def get_version(request, plan_id: Id, number: Id):
    """Goals with their metrics and strategy links, checkpoints and handlings. An
    approved (frozen) version carries an ETag: send it as If-None-Match to get 304."""
    _read(request)
    plan, _visible, version = reads.visible_version(request.user, plan_id, number)
    data = reads.version_out(request.user, plan, version)
    body = json.dumps(VersionOut(**data).model_dump(mode="json"), cls=DjangoJSONEncoder).encode()
    if not version.is_frozen:
        return HttpResponse(body, content_type="application/json")
    etag = _etag(body)
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    return response


@api.get(
    "/plans/{plan_id}/checkpoints/{checkpoint_id}/followup",
    response={200: FollowUpOut, **ERRORS},
    tags=["follow-up"],
)
def get_followup(request, plan_id: Id, checkpoint_id: Id):
    """The assessments the follow-up page shows the user: agreed texts once they may be
    read, self-assessments and views only to the insiders."""
    _read(request)
    plan, visible, _version = reads.visible_version(request.user, plan_id)
    return reads.followup_out(request.user, plan, visible, checkpoint_id)


@api.get(
    "/plans/{plan_id}/metrics/{metric_id}/values", response={200: ValuePage, **ERRORS}, tags=["metric values"]
)
def list_metric_values(request, plan_id: Id, metric_id: Id, q: Query[ValueQuery]):
    _read(request)
    plan, visible, _version = reads.visible_version(request.user, plan_id)
    metric = reads.metric_for_values(request.user, plan, visible, metric_id)
    rows, cursor = reads.page(reads.metric_values(plan, metric, q.since, q.until), q.cursor, q.limit)
    return {"items": [reads.value_out(v) for v in rows], "next_cursor": cursor}


WRITE_ERRORS = {**ERRORS, 409: Problem}


def _item(request, plan_id: int, metric_id: int, data) -> services.ValueItem:
    plan, visible, _version = reads.visible_version(request.user, plan_id)
    metric = reads.metric_for_values(request.user, plan, visible, metric_id)
    return services.ValueItem(
        plan=plan,
        metric=metric,
        measured_on=data.measured_on,
        value=data.value,
        comment=data.comment,
        source=data.source,
        client_key=data.client_key,
    )


def _write(request, items):
    try:
        return services.write_values(request.user, items)
    except services.KeyConflict as conflict:
        raise Conflict(" ".join(conflict.messages)) from None


@api.post(
    "/plans/{plan_id}/metrics/{metric_id}/values",
    response={200: MetricValueOut, 201: MetricValueOut, **WRITE_ERRORS},
    tags=["metric values"],
)
def create_metric_value(request, plan_id: Id, metric_id: Id, data: MetricValueIn):
    """Record a value (201). With `client_key`, a retry answers with the value written
    the first time (200) and writes nothing."""
    require_scope(request, Scope.WRITE_VALUES)
    [(entry, created)] = _write(request, [_item(request, plan_id, metric_id, data)])
    return Status(201 if created else 200, reads.value_out(entry))


@api.post("/metric-values/batch", response={200: BatchOut, **WRITE_ERRORS}, tags=["metric values"])
def create_metric_values(request, data: BatchIn):
    """Values of several metrics and days at once: all are written or none. Items whose
    `client_key` was written before are not written again (`created: false`)."""
    require_scope(request, Scope.WRITE_VALUES)
    items = [_item(request, i.plan_id, i.metric_id, i) for i in data.items]
    results = _write(request, items)
    created = sum(1 for _entry, new in results if new)
    return {
        "created": created,
        "unchanged": len(results) - created,
        "items": [{"created": new, "value": reads.value_out(entry)} for entry, new in results],
    }


@api.post(
    "/budget-indicators/{indicator_id}/realisations",
    response={200: RealisationOut, **WRITE_ERRORS},
    tags=["budget"],
)
def record_realisation(request, indicator_id: Id, data: RealisationIn):
    """The realisation figure of a day (replacing that day's earlier figure: a retry is
    harmless); the metrics that follow the indicator get it as their value."""
    require_scope(request, Scope.WRITE_VALUES)
    indicator = reads.budget_indicator(request.user, indicator_id)
    row = strategy_services.record_realisation(
        request.user, indicator, measured_on=data.measured_on, value=data.value
    )
    return {
        "indicator_id": indicator.pk,
        "measured_on": row.measured_on,
        "value": reads.Decimal(row.value).quantize(reads.FOUR_PLACES),
    }


# --- Documents ------------------------------------------------------------------------------

DOCUMENT_KINDS = Literal["annex", "followup-report", "agenda"]
_FILE = {"schema": {"type": "string", "format": "binary"}}
DOCUMENT_TYPES = {
    "content": {
        "application/pdf": _FILE,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _FILE,
    }
}
ZIP = {"content": {"application/zip": _FILE}}


def _file(body: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class DocumentQuery(Schema):
    checkpoint: int | None = Field(None, ge=1, le=1000, description="the checkpoint, counted from 1")
    lang: Literal["fi", "sv", "en"] | None = None


@api.get(
    "/plans/{plan_id}/documents/{kind}.{fmt}",
    response={200: None, 400: Problem, **ERRORS, 409: Problem},
    openapi_extra={"responses": {"200": {"description": "The document (PDF/A or DOCX)", **DOCUMENT_TYPES}}},
    tags=["documents"],
)
def get_document(
    request, plan_id: Id, kind: DOCUMENT_KINDS, fmt: Literal["pdf", "docx"], q: Query[DocumentQuery]
):
    """The annex, a follow-up report or an agenda item draft of the plan's latest
    version the user may read, as the document download on the pages gives it."""
    _read(request)
    body, name, content_type = documents.document(request.user, plan_id, kind, fmt, q.checkpoint, q.lang)
    return _file(body, name, content_type)


@api.get(
    "/handlings/{handling_id}/package",
    response={200: None, **ERRORS, 409: Problem},
    openapi_extra={"responses": {"200": {"description": "The case-system package (ZIP)", **ZIP}}},
    tags=["documents"],
)
def get_package(request, handling_id: Id, lang: Literal["fi", "sv", "en"] | None = None):
    """The agenda item and its annex as PDF/A with record metadata (JSON and JHS 191
    XML), as the handling's link on the plan's history page gives it."""
    _read(request)
    body, name = documents.package(request.user, handling_id, lang)
    return _file(body, name, "application/zip")
