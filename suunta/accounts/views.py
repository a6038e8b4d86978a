from django.contrib.auth import views as auth_views

# Thin subclasses: a place for the audit events of password resets and changes.
PasswordResetDoneView = auth_views.PasswordResetDoneView
PasswordResetCompleteView = auth_views.PasswordResetCompleteView
PasswordChangeDoneView = auth_views.PasswordChangeDoneView


class PasswordResetView(auth_views.PasswordResetView):
    pass


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    pass
