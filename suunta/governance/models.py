"""Handlings of a plan version in a body, with the decision reference.

Minimal for now; the workflow work adds outcomes, presenters and disqualifications.
"""

from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from suunta.agreements.models import DESCRIPTION_MAX, PlanVersion
from suunta.lib.models import TimestampedModel
from suunta.lib.publicity import PublicityMixin
from suunta.organizations.models import Body


class Handling(PublicityMixin, TimestampedModel):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="handlings")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="handlings", verbose_name=_("body"))
    meeting_date = models.DateField(_("meeting date"))
    section = models.CharField(_("section (§)"), max_length=20, blank=True)
    case_number = models.CharField(_("case number"), max_length=60, blank=True)
    text = models.TextField(_("decision text"), max_length=DESCRIPTION_MAX, blank=True)

    class Meta:
        ordering = ["meeting_date", "id"]
        verbose_name = _("handling")
        verbose_name_plural = _("handlings")

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """`KH 31.3.2025 § 45`, or without the section when none was given."""
        return self._format(self.body.display_short)

    @property
    def long_reference(self) -> str:
        """`Kunnanhallitus 31.3.2025 § 45`: the handling history line uses full names."""
        return self._format(self.body.display_name)

    def _format(self, body_name: str) -> str:
        ref = f"{body_name} {formats.date_format(self.meeting_date, 'j.n.Y')}"
        return f"{ref} § {self.section}" if self.section else ref
