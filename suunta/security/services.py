from django.db import transaction

from suunta import policies
from suunta.audit import services as audit
from suunta.lib.clock import now

from .models import TwoFactorRequirement


@audit.recording_refusals
@transaction.atomic
def set_requirement(actor, organization, required: bool) -> None:
    """The organization requires a second factor of everyone (or only of its admins)."""
    policies.require(actor, policies.SET_UP, organization)
    before = TwoFactorRequirement.objects.filter(organization=organization).exists()
    if before == required:
        return
    if required:
        TwoFactorRequirement.objects.create(organization=organization, required_by=actor, required_at=now())
    else:
        TwoFactorRequirement.objects.filter(organization=organization).delete()
    audit.record(
        "organization.two_factor_requirement",
        actor=actor,
        organization=organization,
        obj=organization,
        changes={"two_factor_required": [before, required]},
    )


def is_required(organization) -> bool:
    return TwoFactorRequirement.objects.filter(organization=organization).exists()
