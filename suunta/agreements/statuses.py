"""The states of a plan version, and which of them are editable or frozen."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PREPARATORY = "preparatory", _("In preparatory handling")
    PROPOSED = "proposed", _("Proposed to the board")
    APPROVED = "approved", _("Approved")
    CLOSED = "closed", _("Closed")
    SUPERSEDED = "superseded", _("Replaced by a later version")


EDITABLE_STATUSES = frozenset({VersionStatus.DRAFT})
# Once approved, a version's goals, metrics and checkpoints never change again.
FROZEN_STATUSES = frozenset({VersionStatus.APPROVED, VersionStatus.CLOSED, VersionStatus.SUPERSEDED})
