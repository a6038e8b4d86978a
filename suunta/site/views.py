from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET

from suunta import policies
from suunta.lib.pagecache import cached_page
from suunta.organizations.models import Organization

from . import pages


@require_GET
@cached_page
def home(request):
    """What the user can see: the current plans by organization, each with its status and
    handlings, and what is due."""
    return render(request, "site/home.html", pages.front_page(request.user))


@require_GET
def plan_list(request, slug: str):
    """Every plan of the organization the user sees, also earlier years', a page at a time."""
    organization = policies.get_scoped_or_404(
        Organization.objects.for_user(request.user), request.user, slug=slug
    )
    return render(
        request, "site/plan_list.html", pages.plan_list(request.user, organization, request.GET.get("page"))
    )


@login_not_required
@require_GET
def accessibility_statement(request):
    """The accessibility statement (saavutettavuusseloste) that the law on digital
    services (306/2019, § 15) requires: open to everyone, also before logging in. The
    installation's own details (provider, feedback channel, dates, supervisory
    authority) come from settings; the assessment itself is the product's."""
    return render(
        request,
        "site/accessibility.html",
        {
            "provider": settings.ACCESSIBILITY_PROVIDER,
            "feedback_email": settings.ACCESSIBILITY_FEEDBACK_EMAIL,
            "feedback_url": settings.ACCESSIBILITY_FEEDBACK_URL,
            "statement_date": parse_date(settings.ACCESSIBILITY_STATEMENT_DATE),
            "reviewed_date": parse_date(settings.ACCESSIBILITY_REVIEWED_DATE),
            "supervisor_email": settings.ACCESSIBILITY_SUPERVISOR_EMAIL,
            "supervisor_phone": settings.ACCESSIBILITY_SUPERVISOR_PHONE,
            "supervisor_url": settings.ACCESSIBILITY_SUPERVISOR_URL,
        },
    )
