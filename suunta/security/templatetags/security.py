from django import template

from ..forms import RequirementForm
from ..services import is_required

register = template.Library()


@register.inclusion_tag("security/_organization_requirement.html", takes_context=True)
def two_factor_requirement(context, organization):
    """The organization admin's form for requiring a second factor of everyone."""
    return {
        "organization": organization,
        "form": RequirementForm(initial={"required": is_required(organization)}),
        "csrf_token": context.get("csrf_token"),
    }
