"""The token pages (one's own personal tokens; an organization's service tokens for its
admin) and the API reference page."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from suunta import policies
from suunta.agreements import access
from suunta.lib.forms import apply_validation_error

from . import pages, services
from .forms import TokenForm
from .problems import problem


def _tokens_page(request, template, context, form, token=None):
    return render(request, template, {**context, "form": form, "new_token": token})


@require_http_methods(["GET", "POST"])
def tokens(request):
    """Personal access tokens: created here, shown once, revoked here."""
    form = TokenForm(request.POST or None)
    context = {"tokens": pages.own_tokens(request.user)}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _row, token = services.create_personal_token(
                request.user, data["name"], data["scopes"], data["expires"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return _tokens_page(request, "api/tokens.html", context, TokenForm(), token)
    return _tokens_page(request, "api/tokens.html", context, form)


@require_POST
def token_revoke(request, pk: int):
    row = policies.get_scoped_or_404(pages.own_tokens(request.user), request.user, pk=pk)
    services.revoke(request.user, row)
    return redirect("api_tokens")


@require_http_methods(["GET", "POST"])
def organization_tokens(request, slug: str):
    """The organization's service tokens (e.g. the finance system's), for its admin."""
    organization = access.organization(request.user, slug)
    policies.require(request.user, policies.MANAGE_API_TOKENS, organization)
    form = TokenForm(request.POST or None)
    context = {"organization": organization, "tokens": pages.service_tokens(organization)}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _row, token = services.create_service_token(
                request.user, organization, data["name"], data["scopes"], data["expires"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return _tokens_page(request, "api/organization_tokens.html", context, TokenForm(), token)
    return _tokens_page(request, "api/organization_tokens.html", context, form)


@require_POST
def organization_token_revoke(request, slug: str, pk: int):
    organization = access.organization(request.user, slug)
    policies.require(request.user, policies.MANAGE_API_TOKENS, organization)
    row = policies.get_scoped_or_404(pages.service_tokens(organization), request.user, pk=pk)
    services.revoke(request.user, row)
    return redirect("organization_api_tokens", slug=organization.slug)


@require_GET
def docs(request):
    return render(request, "api/docs.html", pages.docs_page())


@login_not_required
def api_not_found(request, rest: str):
    """Any other address under /api/v1/: a 404 problem, as the API answers."""
    return problem(request, 404)
