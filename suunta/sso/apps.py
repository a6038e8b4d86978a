from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "suunta.sso"
    verbose_name = _("Single sign-on")

    def ready(self):
        # Audits single sign-on sign-ins (allauth's user_logged_in).
        from . import signals  # noqa: F401, PLC0415
