import datetime

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from suunta import policies
from suunta.organizations.models import Organization

from .forms import AuditFilterForm
from .models import AuditChainHead, AuditEvent
from .services import changes_of

PAGE_SIZE = 50


@require_GET
def audit_log(request, slug: str):
    """The organization's audit trail, newest first, for its auditors and admins."""
    organization = policies.get_scoped_or_404(
        Organization.objects.for_user(request.user), request.user, slug=slug
    )
    policies.require(request.user, policies.VIEW_AUDIT, organization)
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.filter(organization=organization).order_by("-sequence")
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action__startswith=data["action"].strip())
        if data["actor"]:
            events = events.filter(actor_label=data["actor"].strip())
        if data["outcome"]:
            events = events.filter(outcome=data["outcome"])
        zone = timezone.get_current_timezone()
        if data["date_from"]:
            events = events.filter(
                created_at__gte=datetime.datetime.combine(data["date_from"], datetime.time(), zone)
            )
        if data["date_to"]:
            end = datetime.datetime.combine(
                data["date_to"] + datetime.timedelta(days=1), datetime.time(), zone
            )
            events = events.filter(created_at__lt=end)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"event": event, "changes": sorted(changes_of(event).items())} for event in page.object_list]
    head = AuditChainHead.objects.filter(chain=str(organization.pk)).first()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_log.html",
        {
            "organization": organization,
            "form": form,
            "page": page,
            "rows": rows,
            "head": head,
            "query": query.urlencode(),
        },
    )
