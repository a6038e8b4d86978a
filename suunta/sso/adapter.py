"""Suunta's SOCIALACCOUNT_ADAPTER: the apps come from OrganizationLogin, nobody signs up,
nobody is connected by e-mail, and every failure is audited with its reason."""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp

from . import services


class SuuntaSocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        logins = services.enabled_logins()
        if provider:
            logins = logins.filter(organization__slug=provider)
        apps = [services.app_for(ol) for ol in logins]
        return [app for app in apps if not client_id or app.client_id == client_id]

    def get_app(self, request, provider, client_id=None):
        apps = self.list_apps(request, provider=provider, client_id=client_id)
        if len(apps) != 1:
            raise SocialApp.DoesNotExist()
        return apps[0]

    def get_provider(self, request, provider, client_id=None):
        app = self.get_app(request, provider, client_id=client_id)
        return services.StrictOIDCProvider(request, app=app)

    def list_providers(self, request):
        return [services.StrictOIDCProvider(request, app=app) for app in self.list_apps(request)]

    def is_open_for_signup(self, request, sociallogin):
        return False

    def is_auto_signup_allowed(self, request, sociallogin):
        return False

    def can_authenticate_by_email(self, login, email):
        return False

    def is_email_verified(self, provider, email):
        return False

    def pre_social_login(self, request, sociallogin):
        services.admit(request, sociallogin)

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        reason, detail = services.reason_of(error, exception, extra_context)
        organization_login = getattr(getattr(provider, "app", None), "organization_login", None)
        raise ImmediateHttpResponse(
            services.refuse(request, reason, organization_login=organization_login, detail=detail)
        )

    def send_notification_mail(self, *args, **kwargs):
        return None  # Suunta's own mail only
