from django.urls import path

from . import views

urlpatterns = [
    path("accounts/login/code/", views.login_code, name="login_code"),
    path("accounts/security/", views.security, name="security"),
    path("accounts/security/two-factor/", views.two_factor_enable, name="two_factor_enable"),
    path(
        "accounts/security/recovery-codes/", views.recovery_codes_regenerate, name="recovery_codes_regenerate"
    ),
    path("accounts/security/two-factor/off/", views.two_factor_disable, name="two_factor_disable"),
    path("accounts/security/sessions/<int:session_id>/end/", views.session_end, name="session_end"),
    path("accounts/security/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path(
        "organizations/<slug:slug>/two-factor/",
        views.organization_two_factor,
        name="organization_two_factor",
    ),
]
