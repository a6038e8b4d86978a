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


# django-allauth registers its models in the admin. Sign-in providers are configured per
# organization in the app (its policy decides who may), and its tokens, TOTP secrets and
# recovery codes must not be readable by anyone, operators included: none of them here.
def _unregister_allauth_models() -> None:
    from allauth.account.models import EmailAddress  # noqa: PLC0415 (allauth's apps load first)
    from allauth.mfa.models import Authenticator  # noqa: PLC0415
    from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken  # noqa: PLC0415

    for model in (EmailAddress, Authenticator, SocialAccount, SocialApp, SocialToken):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_allauth_models()
