from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from suunta.mail.services import queue_password_reset

from .models import User


class PreferencesForm(forms.ModelForm):
    """A user's own settings. Blank language: the browser's language decides (Finnish or
    Swedish, else Finnish), see suunta.site.middleware.LanguageMiddleware."""

    class Meta:
        model = User
        fields = ["preferred_language"]
        widgets = {"preferred_language": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["preferred_language"]
        field.label = _("Language of the service")
        field.help_text = _("Suunta uses this language whenever you are logged in, on any device.")
        # Each language by its own name, as in the header's switcher: a Swedish speaker
        # looks for "svenska", not for the Finnish word for it.
        field.choices = [
            ("", _("The language of my browser")),
            *((code, get_language_info(code)["name_local"]) for code, _name in field.choices[1:]),
        ]


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the mail leaves through the mail queue (suunta/mail): an
    unreachable mail server never shows the user an error page, and the link (with its
    token) is made when the mail is delivered, not stored in the queue."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        user = context["user"]
        queue_password_reset(
            user,
            to=to_email,
            base_url=f"{context['protocol']}://{context['domain']}",
            language=user.preferred_language or get_language() or settings.LANGUAGE_CODE,
        )
