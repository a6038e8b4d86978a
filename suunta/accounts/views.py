"""Login and password views: Django's, with audit events for each outcome.

Events go to the global chain (they belong to no single organization). A failed login
records the username tried, never the password; a reset request records a hash of the
address, so the log does not reveal which addresses exist.
"""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from suunta.audit import services as audit
from suunta.security import two_factor
from suunta.sso import services as sso

from .forms import PreferencesForm, QueuedPasswordResetForm

PasswordResetDoneView = auth_views.PasswordResetDoneView
PasswordResetCompleteView = auth_views.PasswordResetCompleteView
PasswordChangeDoneView = auth_views.PasswordChangeDoneView


class LoginView(auth_views.LoginView):
    def render_to_response(self, context, **kwargs):
        # The single sign-on form on the page may lead to the organizations' providers.
        return sso.allow_sign_in_forms(super().render_to_response(context, **kwargs))

    def form_valid(self, form):
        # A member of an organization that requires single sign-on: no password (audited).
        refusal = sso.password_login_refusal(self.request, form.get_user())
        if refusal:
            form.add_error(None, refusal)
            return super().form_invalid(form)
        # A user with an authenticator is not signed in yet: the code comes first.
        if two_factor.start_second_step(self.request, form.get_user(), self.get_success_url()):
            return redirect("login_code")
        response = super().form_valid(form)
        audit.record("auth.login", actor=form.get_user(), request=self.request)
        return response

    def form_invalid(self, form):
        # The username only when such a user exists: people sometimes type their password
        # into the username field, and that must never reach the log.
        typed = (self.request.POST.get("username") or "")[:150]
        user = get_user_model().objects.filter(username=typed).first() if typed else None
        audit.record_refusal(
            "auth.login_failed",
            actor=None,
            obj=user,
            outcome="failed",
            changes={"username": [None, typed if user else None], "known_user": [None, user is not None]},
            request=self.request,
        )
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        # The event and the queued mails (form.save) commit together.
        with transaction.atomic():
            audit.record(
                "auth.password_reset_requested",
                actor=None,
                changes={"email_sha256": [None, hashlib.sha256(email.encode()).hexdigest()]},
                request=self.request,
            )
            return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record("auth.password_reset", actor=form.user, obj=form.user, request=self.request)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record("auth.password_change", actor=form.user, obj=form.user, request=self.request)
        return response


def _save_language(request, user, before: str, language: str) -> None:
    if before == language:
        return
    with transaction.atomic():
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        audit.record(
            "user.preferences",
            actor=user,
            obj=user,
            changes={"preferred_language": [before, language]},
            request=request,
        )


@login_not_required
@require_POST
def set_language(request):
    """The header's language switcher: Django's set_language (cookie and redirect back);
    for a logged-in user the choice also becomes the preference, so it follows the user
    to other devices and wins over another user's cookie on a shared computer."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    available = {code for code, _name in settings.LANGUAGES}
    if request.user.is_authenticated and language in available:
        _save_language(request, request.user, request.user.preferred_language, language)
    return response


@require_http_methods(["GET", "POST"])
def preferences(request):
    """The user's own settings: the language of the service (and a way to the password
    change). Only the user's own row is ever read or written: no id comes from the request."""
    user = request.user
    before = user.preferred_language  # the bound form writes the new value onto `user`
    form = PreferencesForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["preferred_language"]
        _save_language(request, user, before, language)
        if language:
            translation.activate(language)
        messages.success(request, _("Your settings were saved."))
        response = redirect("preferences")
        # The cookie follows the choice, so the next page (and the login page after the
        # session ends) is in the chosen language; "browser" clears it.
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        else:
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return response
    return render(request, "accounts/preferences.html", {"form": form})
