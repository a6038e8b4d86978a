"""Per-organization defaults for the record metadata a case system asks for."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from suunta.lib.models import TimestampedModel
from suunta.organizations.models import Organization


class RecordSettings(TimestampedModel):
    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="record_settings"
    )
    publicity = models.CharField(
        _("publicity"),
        max_length=16,
        choices=[
            ("public", _("Public")),
            ("partly", _("Partly secret")),
            ("secret", _("Secret")),
        ],
        default="public",
    )
    secrecy_basis = models.CharField(_("secrecy basis"), max_length=200, blank=True)
    secrecy_period = models.CharField(_("secrecy period"), max_length=60, blank=True)
    personal_data = models.BooleanField(_("contains personal data"), default=True)
    task_class = models.CharField(_("task class"), max_length=60, blank=True, default="00.01.02")
    retention = models.CharField(_("retention"), max_length=60, blank=True, default="pysyvä")

    class Meta:
        verbose_name = _("record metadata defaults")
        verbose_name_plural = _("record metadata defaults")

    def __str__(self) -> str:
        return str(self.organization)

    def publicity_label(self) -> str:
        return str(dict(self._meta.get_field("publicity").choices)[self.publicity])

    def secrecy_text(self) -> str:
        if self.publicity == "public":
            return ""
        return ", ".join(part for part in (self.secrecy_basis, self.secrecy_period) if part)


def record_settings(organization) -> RecordSettings:
    """The organization's settings, or the defaults (unsaved) when none were made."""
    return RecordSettings.objects.filter(organization=organization).first() or RecordSettings(
        organization=organization
    )
