"""The strategy map (page and XLSX) for the organization's people, and the public goals
page (HTML and JSON) for anyone where the organization has turned it on."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from suunta.agreements import access, integrity
from suunta.audit import services as audit

from . import map as reading
from . import public, xlsx


def _record_failures(request, failures, where: str) -> None:
    """An approved version left out because its rows differ from the approval is audited."""
    if not audit.in_transaction():  # GET views run in autocommit
        for failure in failures:
            integrity.record(failure, where, request=request)


def _map_context(request, slug: str) -> dict:
    organization = access.organization(request.user, slug)
    context = reading.map_page(request.user, organization, request.GET)
    _record_failures(request, context["integrity_failures"], "strategy map")
    return context


@require_GET
def strategy_map(request, slug: str):
    return render(request, "strategy/map.html", _map_context(request, slug))


@require_GET
def strategy_map_xlsx(request, slug: str):
    context = _map_context(request, slug)
    response = HttpResponse(xlsx.workbook(context), content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{xlsx.filename(context)}"'
    return response


def _public_content(request, slug: str) -> tuple:
    organization = public.organization(slug)
    content, failures = public.public_goals(organization)
    _record_failures(request, failures, "public goals page")
    return organization, content


@login_not_required
@require_GET
def public_goals(request, slug: str):
    """Open to everyone, also without signing in: what the board's minutes made public."""
    organization, content = _public_content(request, slug)
    return render(request, "strategy/public.html", {"organization": organization, "content": content})


@login_not_required
@require_GET
def public_goals_json(request, slug: str):
    _organization, content = _public_content(request, slug)
    return JsonResponse(content, encoder=public.JSONEncoder, json_dumps_params={"ensure_ascii": False})
