"""Measured values of quantitative metrics.

A value belongs to the plan and to the metric's lineage, not to one version's metric
row: an amendment (version N+1) copies the metric with the same lineage, and the
values recorded so far stay with it. Values are measurements, not goal content, so
they are recorded while the approved plan is in force.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from suunta.agreements.models import GoalPlan
from suunta.lib.models import TimestampedModel
from suunta.lib.publicity import PublicityMixin

COMMENT_MAX = 500
# The source of a value taken from a budget indicator's realisation (suunta/strategy/services.py).
BUDGET_SOURCE = "budget"
SOURCE_MAX = 200


class MetricValue(PublicityMixin, TimestampedModel):
    plan = models.ForeignKey(GoalPlan, on_delete=models.PROTECT, related_name="metric_values")
    metric_lineage = models.UUIDField(_("metric"), db_index=True)
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)
    comment = models.CharField(_("comment"), max_length=COMMENT_MAX, blank=True)
    source = models.CharField(
        _("source"), max_length=SOURCE_MAX, blank=True, help_text=_("e.g. monthly financial report")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["measured_on", "id"]
        verbose_name = _("metric value")
        verbose_name_plural = _("metric values")
        constraints = [
            # One value per day: a later import or entry for the same day replaces it.
            models.UniqueConstraint(
                fields=["plan", "metric_lineage", "measured_on"], name="metric_value_one_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measured_on}: {self.value}"
