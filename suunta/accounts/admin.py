from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Preferences"), {"fields": ("preferred_language",)}))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # Django's own label reads "Pääkäyttäjä" in Finnish: the word for an organization
        # admin here. This flag makes an operator of the whole service.
        if "is_superuser" in form.base_fields:
            field = form.base_fields["is_superuser"]
            field.label = _("Operator of the service")
            field.help_text = _(
                "An operator uses this Django admin for every organization. An organization’s own "
                "admin (pääkäyttäjä) is a role in the organization, given in the app."
            )
        return form
