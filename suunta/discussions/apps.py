from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "suunta.discussions"
    verbose_name = _("Goal and development discussions")
