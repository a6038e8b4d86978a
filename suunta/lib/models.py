from django.conf import settings
from django.db import models
from django.utils import timezone
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


class SubmissionKey(models.Model):
    """The one-time key of a form submission that saved something (suunta.lib.once):
    a second submission with the same key is answered with `result` instead of saving
    again. Written in the same transaction as what the submission saved; kept a day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    path = models.CharField(max_length=500)
    result = models.CharField(max_length=500, blank=True)  # where the submission led (a URL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="submission_key_unique")]
        indexes = [models.Index(fields=["user", "created_at"], name="submission_key_age")]

    def __str__(self) -> str:
        return f"{self.path} {self.key}"


class DataGeneration(models.Model):
    """An app's data generation: a random token replaced in the same transaction as any
    committed write to the app's tables (suunta.lib.generations). The page cache keys a
    page by the tokens of the apps it read."""

    app = models.CharField(max_length=100, primary_key=True)
    token = models.BigIntegerField()

    def __str__(self):
        return f"{self.app}: {self.token}"
