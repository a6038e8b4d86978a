from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibConfig(AppConfig):
    """The shared helpers are an app for the one table they keep (once.SubmissionKey)
    and their template tags ({% load once %})."""

    name = "suunta.lib"
    label = "suunta_lib"
    verbose_name = _("Shared helpers")
