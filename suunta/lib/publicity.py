"""Publicity class carried by every model that holds text a user wrote.

Goals and decisions are public by default (board minutes are published); the
discussions work adds restricted texts with a secrecy basis.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Publicity(models.TextChoices):
    PUBLIC = "public", _("Public")
    RESTRICTED = "restricted", _("Restricted")


class PublicityMixin(models.Model):
    publicity = models.CharField(
        _("publicity"), max_length=16, choices=Publicity.choices, default=Publicity.PUBLIC
    )

    class Meta:
        abstract = True
