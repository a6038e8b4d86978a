from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibConfig(AppConfig):
    """The shared helpers are an app for the tables they keep (once.SubmissionKey, generations)
    and their template tags ({% load once %})."""

    name = "suunta.lib"
    label = "suunta_lib"
    verbose_name = _("Shared helpers")

    def ready(self):
        from . import generations, pagecache  # noqa: F401, PLC0415

        # Every committed write changes its app's data generation (the page cache's key).
        generations.connect()
