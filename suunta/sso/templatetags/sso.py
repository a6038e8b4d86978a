from django import template

from ..forms import StartForm

register = template.Library()


@register.inclusion_tag("sso/_login.html", takes_context=True)
def sso_login(context):
    """The login page's "Sign in with your organization's account" (nothing when no
    organization uses single sign-on)."""
    form = context.get("sso_form") or StartForm(initial={"next": context.get("next", "")})
    return {"sso_form": form, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("sso/_invitation.html", takes_context=True)
def sso_invitation(context, invitation, token):
    """An invitation page's "Accept with your organization's account", when the
    organization uses single sign-on."""
    logins = [ol for ol in StartForm().logins if ol.organization_id == invitation.organization_id]
    return {
        "organization_login": logins[0] if logins else None,
        "token": token,
        "csrf_token": context.get("csrf_token"),
    }
