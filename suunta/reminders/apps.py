from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "suunta.reminders"
    verbose_name = _("Reminders")

    def ready(self):
        # The reminder mails are built here, delivered by suunta/mail like any other.
        from suunta.mail import messages  # noqa: PLC0415

        from . import mails  # noqa: PLC0415

        messages.register("reminder", mails.single)
        messages.register("reminder_digest", mails.digest)
