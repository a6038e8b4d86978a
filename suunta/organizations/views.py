from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from suunta.agreements.models import DirectorAgreement

from .models import Organization


@require_GET
def organization_list(request):
    organizations = Organization.objects.for_user(request.user)
    return render(request, "organizations/organization_list.html", {"organizations": organizations})


@require_GET
def organization_detail(request, slug: str):
    organization = get_object_or_404(Organization.objects.for_user(request.user), slug=slug)
    agreements = (
        DirectorAgreement.objects.for_user(request.user)
        .filter(organization=organization)
        .select_related("executive")
    )
    bodies = organization.bodies.all()
    return render(
        request,
        "organizations/organization_detail.html",
        {"organization": organization, "agreements": agreements, "bodies": bodies},
    )


