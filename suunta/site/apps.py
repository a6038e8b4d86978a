from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "suunta.site"
    label = "suunta_site"
    verbose_name = _("Site")

    def ready(self):
        # Registers the deployment checks once the apps are ready.
        from . import checks  # noqa: F401, PLC0415
