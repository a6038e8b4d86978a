"""What the audit page shows: an organization's events, filtered, a page at a time."""

import datetime

from django.core.paginator import Paginator
from django.utils import timezone

from .labels import action_label, readable_changes
from .models import AuditChainHead, AuditEvent
from .services import changes_of

PAGE_SIZE = 50


def filtered_events(organization, form):
    """The organization's events, newest first, narrowed by a valid filter form."""
    events = AuditEvent.objects.filter(organization=organization).order_by("-sequence")
    if not form.is_valid():
        return events
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
        end = datetime.datetime.combine(data["date_to"] + datetime.timedelta(days=1), datetime.time(), zone)
        events = events.filter(created_at__lt=end)
    return events


def audit_page(organization, form, page_number) -> dict:
    page = Paginator(filtered_events(organization, form), PAGE_SIZE).get_page(page_number)
    return {
        "organization": organization,
        "form": form,
        "page": page,
        "rows": [
            {
                "event": event,
                "action": action_label(event),
                "changes": readable_changes(event, changes_of(event)),
            }
            for event in page.object_list
        ],
        "head": AuditChainHead.objects.filter(chain=str(organization.pk)).first(),
    }
