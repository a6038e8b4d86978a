from django.db import models
from django.utils.translation import get_language


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def localized(obj, field: str) -> str:
    """The Swedish text of `field` when the user reads Swedish and one was given."""
    if (get_language() or "fi").startswith("sv"):
        swedish = getattr(obj, f"{field}_sv", "")
        if swedish:
            return swedish
    return getattr(obj, field)
