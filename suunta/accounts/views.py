"""Login and password views: Django's, with audit events for each outcome.

Events go to the global chain (they belong to no single organization). A failed login
records the username tried, never the password; a reset request records a hash of the
address, so the log does not reveal which addresses exist.
"""

import hashlib

from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views

from suunta.audit import services as audit

PasswordResetDoneView = auth_views.PasswordResetDoneView
PasswordResetCompleteView = auth_views.PasswordResetCompleteView
PasswordChangeDoneView = auth_views.PasswordChangeDoneView


class LoginView(auth_views.LoginView):
    def form_valid(self, form):
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
    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
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
