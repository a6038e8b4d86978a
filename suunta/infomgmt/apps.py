from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InfomgmtConfig(AppConfig):
    name = "suunta.infomgmt"
    verbose_name = _("Information management")
