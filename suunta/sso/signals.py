from allauth.account.signals import user_logged_in
from django.dispatch import receiver

from . import services


@receiver(user_logged_in, dispatch_uid="suunta.sso.signed_in")
def _signed_in(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is not None:
        services.signed_in(request, user, sociallogin)
