"""Advisory checks on a plan: they warn, never block."""

import datetime

from django.utils import formats
from django.utils.translation import ngettext

from .models import Checkpoint, GoalPlan
from .services import add_years


def first_year_followups_warning(plan: GoalPlan) -> str:
    """The seed: "Ensimmäisen 12 kk aikana tavoitteiden edistymistä seurataan 2 kertaa."
    When this plan's period overlaps the agreement's first 12 months, warn if those
    months hold fewer than two checkpoints (of each plan's latest version)."""
    agreement = plan.agreement
    start = agreement.starts_on
    end = add_years(start, 1) - datetime.timedelta(days=1)
    rows = list(
        Checkpoint.objects.filter(
            version__plan__agreement=agreement, window_start__gte=start, window_start__lte=end
        ).values_list("version__plan_id", "version__number")
    )
    # (Queried either way, so the page's query count does not depend on the plan's dates.)
    if plan.period_end < start or plan.period_start > end:
        return ""
    latest: dict[int, int] = {}
    for plan_id, number in rows:
        latest[plan_id] = max(latest.get(plan_id, 0), number)
    count = sum(1 for plan_id, number in rows if latest[plan_id] == number)
    if count >= 2:
        return ""
    return ngettext(
        "The first 12 months of the agreement (%(start)s–%(end)s) have %(count)s follow-up checkpoint; "
        "progress should be followed up at least twice in that time.",
        "The first 12 months of the agreement (%(start)s–%(end)s) have %(count)s follow-up checkpoints; "
        "progress should be followed up at least twice in that time.",
        count,
    ) % {
        "start": formats.date_format(start, "SHORT_DATE_FORMAT"),
        "end": formats.date_format(end, "SHORT_DATE_FORMAT"),
        "count": count,
    }
