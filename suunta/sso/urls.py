"""Single sign-on URLs. Of django-allauth only what the flow needs: the openid_connect
callback, under its usual path and name (the provider's redirect URI)."""

from django.urls import path

from . import views

urlpatterns = [
    path("accounts/sso/", views.start, name="sso_start"),
    path("accounts/oidc/<str:provider_id>/login/callback/", views.callback, name="openid_connect_callback"),
    path("organizations/<slug:slug>/sso/", views.settings_page, name="sso_settings"),
]
