from django import forms
from django.utils.translation import gettext_lazy as _

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
        field.choices = [("", _("The language of my browser")), *field.choices[1:]]
