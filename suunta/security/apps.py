from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "suunta.security"
    label = "security"
    verbose_name = _("Sign-in security")

    def ready(self):
        from django.contrib.auth import get_user_model  # noqa: PLC0415

        from . import sessions  # noqa: PLC0415 (connects the signal receivers)

        sessions.connect(get_user_model())
