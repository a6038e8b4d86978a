"""Single sign-on pages: starting the sign-in, the provider's callback, the logout that
also signs out at the provider, and the organization admin's settings."""

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from suunta import policies
from suunta.audit import services as audit

from . import services
from .forms import SettingsForm, StartForm
from .models import OrganizationLogin
from .provider import StrictCallbackView, StrictOIDCAdapter

AUDITED_FIELDS = ["issuer", "discovery_url", "client_id", "allowed_domains", "require_sso", "enabled"]


def _safe_next(request, url: str) -> str:
    allowed = url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure())
    return url if url and allowed else ""


@login_not_required
@require_POST
def start(request):
    """The login page's (or an invitation's) "Sign in with your organization's account"."""
    form = StartForm(request.POST)
    if not form.is_valid():
        token = request.POST.get("invitation", "")
        if token:
            messages.error(request, " ".join(form.non_field_errors()) or services.REASONS["invitation"])
            return redirect("invitation_accept", token=token[:100])
        context = {"form": AuthenticationForm(request), "sso_form": form, "next": form.data.get("next", "")}
        response = render(request, "registration/login.html", context)
        return services.allow_sign_in_forms(response, form.logins)
    data = form.cleaned_data
    return services.start(
        request,
        data["organization_login"],
        invitation_token=data.get("invitation", ""),
        next_url=_safe_next(request, data.get("next", "")),
        login_hint=data.get("email", ""),
    )


@login_not_required
@require_GET
def callback(request, provider_id: str):
    """The provider's redirect back (/accounts/oidc/<slug>/login/callback/)."""
    adapter = StrictOIDCAdapter(request, provider_id)
    try:
        provider = adapter.get_provider()
    except SocialApp.DoesNotExist:
        raise Http404 from None
    organization_login = provider.app.organization_login
    sent_issuer = request.GET.get("iss")  # RFC 9207: against mix-up between providers
    if sent_issuer is not None and sent_issuer.rstrip("/") != organization_login.issuer.rstrip("/"):
        return services.refuse(
            request, "wrong_issuer", organization_login=organization_login, detail="iss parameter"
        )
    return StrictCallbackView.adapter_view(adapter)(request)


@login_not_required
@require_POST
def logout(request):
    """Out of Suunta; when the session came from single sign-on and the provider has an
    end_session_endpoint, out of the provider too, and back to the login page."""
    end_session = services.end_session_url(request)
    auth_logout(request)
    return redirect(end_session or settings.LOGOUT_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def settings_page(request, slug: str):
    organization = policies.get_scoped_or_404(
        policies.sso_organizations(request.user), request.user, slug=slug
    )
    policies.require(request.user, policies.CONFIGURE_SSO, organization)
    instance = OrganizationLogin.objects.filter(organization=organization).first()
    before = audit.snapshot(instance, AUDITED_FIELDS) if instance else {}
    form = SettingsForm(
        request.POST or None, instance=instance or OrganizationLogin(organization=organization)
    )
    if request.method == "POST" and form.is_valid():
        services.save_settings(
            request.user, form.save(commit=False), new_secret=form.cleaned_data["new_secret"], before=before
        )
        messages.success(request, _("The single sign-on settings were saved."))
        return redirect("sso_settings", slug=organization.slug)
    callback_path = reverse("openid_connect_callback", kwargs={"provider_id": organization.slug})
    context = {
        "organization": organization,
        "form": form,
        "redirect_uri": request.build_absolute_uri(callback_path),
        "logout_uri": request.build_absolute_uri(reverse("login")),
        "has_secret": bool(instance and instance.client_secret),
    }
    return render(request, "sso/settings.html", context)
