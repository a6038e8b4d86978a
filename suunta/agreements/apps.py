from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "suunta.agreements"
    verbose_name = _("Agreements and goals")
