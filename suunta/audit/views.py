from django.shortcuts import render
from django.views.decorators.http import require_GET

from suunta import policies
from suunta.lib.pagecache import cached_page
from suunta.organizations.models import Organization

from . import pages
from .forms import AuditFilterForm


@require_GET
@cached_page(audit=True)
def audit_log(request, slug: str):
    """The organization's audit trail, newest first, for its auditors and admins."""
    organization = policies.get_scoped_or_404(
        Organization.objects.for_user(request.user), request.user, slug=slug
    )
    policies.require(request.user, policies.VIEW_AUDIT, organization)
    form = AuditFilterForm(request.GET or None)
    query = request.GET.copy()
    query.pop("page", None)
    context = pages.audit_page(organization, form, request.GET.get("page"))
    return render(request, "audit/audit_log.html", {**context, "query": query.urlencode()})
