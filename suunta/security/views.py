"""The user's sign-in security page (two-factor authentication, active sessions), the
second step of a password sign-in, and an organization's requirement of a second factor.

Only the user's own authenticators and sessions are ever read or changed: a session id
from the request is looked up among the user's own (404 otherwise)."""

import re

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from suunta import policies
from suunta.organizations.models import Organization

from . import services, sessions, two_factor
from .forms import CodeForm, RequirementForm, login_code_form
from .models import UserSession
from .two_factor import Check

CODE_ERRORS = {
    Check.WRONG: lambda: _(
        "The code is not correct. Check the time on your phone and type the code it shows now."
    ),
    Check.REUSED: lambda: _("This code has already been used. Wait for the next code and type it."),
}


def _overview(request, *, regenerate_form=None, disable_form=None):
    user = request.user
    kinds = set(Authenticator.objects.filter(user_id=user.pk).values_list("type", flat=True))
    enabled = Authenticator.Type.TOTP in kinds
    context = {
        "enabled": enabled,
        "required": policies.requires_two_factor(user),
        "unused_codes": two_factor.unused_recovery_codes(user) if enabled else 0,
        "regenerate_form": regenerate_form or CodeForm(prefix="regenerate"),
        "disable_form": disable_form or CodeForm(prefix="disable"),
        "sessions": list(sessions.active_sessions(user)),
        "current_key": request.session.session_key,
    }
    return render(request, "security/overview.html", context)


@require_http_methods(["GET"])
def security(request):
    return _overview(request)


def _qr_svg(user, secret: str) -> str:
    adapter = get_adapter()
    svg = adapter.build_totp_svg(adapter.build_totp_url(user, secret))
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    label = escape(_("QR code for the authenticator app"))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" class="qr-code" ', 1).replace(
        ">", '><rect width="100%" height="100%" fill="#fff"/>', 1
    )


@require_http_methods(["GET", "POST"])
def two_factor_enable(request):
    """Set up an authenticator: the secret as text and as a QR code, confirmed with a code
    made with it; then the recovery codes, shown this once."""
    user = request.user
    if two_factor.is_enabled(user):
        return redirect("security")
    secret = two_factor.secret_for_setup(request.session)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.enable(request, user, form.cleaned_data["code"])
        if codes is not None:
            messages.success(request, _("Two-factor authentication is on."))
            return render(request, "security/recovery_codes.html", {"codes": codes})
        form.add_error("code", CODE_ERRORS[Check.WRONG]())
    context = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr_svg": _qr_svg(user, secret),
        "must_enrol": bool(request.session.get(two_factor.ENROL_KEY)),
    }
    return render(request, "security/enable.html", context)


@require_POST
def recovery_codes_regenerate(request):
    """New recovery codes (the old ones stop working), with a current code."""
    form = CodeForm(request.POST, prefix="regenerate")
    if form.is_valid():
        result = two_factor.check_code(request.user, form.cleaned_data["code"], recovery=False)
        if result is Check.TOTP:
            codes = two_factor.regenerate_recovery_codes(request, request.user)
            return render(request, "security/recovery_codes.html", {"codes": codes})
        form.add_error("code", CODE_ERRORS.get(result, CODE_ERRORS[Check.WRONG])())
    return _overview(request, regenerate_form=form)


@require_POST
def two_factor_disable(request):
    """Turn two-factor authentication off, with a current code; never where it is required."""
    policies.require(request.user, policies.DISABLE_TWO_FACTOR, request.user)
    form = CodeForm(request.POST, prefix="disable")
    if form.is_valid():
        result = two_factor.check_code(request.user, form.cleaned_data["code"], recovery=False)
        if result is Check.TOTP:
            two_factor.disable(request, request.user)
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("security")
        form.add_error("code", CODE_ERRORS.get(result, CODE_ERRORS[Check.WRONG])())
    return _overview(request, disable_form=form)


@require_POST
def session_end(request, session_id: int):
    record = get_object_or_404(UserSession.objects.filter(user=request.user), pk=session_id)
    if record.session_id == request.session.session_key:
        messages.error(request, _("To end this session, sign out."))
        return redirect("security")
    sessions.end(record, actor=request.user, reason="ended_by_user", request=request)
    messages.success(request, _("The session was ended."))
    return redirect("security")


@require_POST
def sessions_end_others(request):
    count = sessions.end_all(
        request.user,
        actor=request.user,
        reason="ended_by_user",
        keep_key=request.session.session_key,
        request=request,
    )
    messages.success(request, _("Other sessions ended: %(count)s.") % {"count": count})
    return redirect("security")


@login_not_required
@require_http_methods(["GET", "POST"])
def login_code(request):
    """The second step of a password sign-in: a code, or a recovery code (consumed)."""
    waiting = two_factor.pending(request)
    if waiting is None:
        messages.error(request, _("The sign-in took too long or was not started. Sign in again."))
        return redirect("login")
    user = waiting[0]
    form = login_code_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.locked(request, user):
            return render(request, "security/login_code.html", {"form": form}, status=429)
        result = two_factor.check_code(user, form.cleaned_data["code"])
        if result in (Check.TOTP, Check.RECOVERY_CODE):
            return redirect(two_factor.finish(request, user, result))
        two_factor.refuse(request, user, result)
        form.add_error("code", CODE_ERRORS[result]())
    return render(request, "security/login_code.html", {"form": form})


@require_POST
def organization_two_factor(request, slug: str):
    """The organization's admin requires (or stops requiring) a second factor of everyone."""
    organization = policies.get_scoped_or_404(
        Organization.objects.for_user(request.user), request.user, slug=slug
    )
    policies.require(request.user, policies.SET_UP, organization)
    form = RequirementForm(request.POST)
    form.is_valid()
    services.set_requirement(request.user, organization, bool(form.cleaned_data.get("required")))
    messages.success(request, _("The requirement of two-factor authentication was saved."))
    return redirect("member_list", slug=organization.slug)
