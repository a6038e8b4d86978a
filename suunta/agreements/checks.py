"""Advisory checks on a plan: they warn, never block."""

import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from .models import Checkpoint, DirectorAgreement
from .services import add_years


def first_year_followups_warning(agreement: DirectorAgreement) -> str:
    """The seed: "Ensimmäisen 12 kk aikana tavoitteiden edistymistä seurataan 2 kertaa."
    Warn when the agreement's first 12 months hold fewer than two checkpoints (of each
    plan's latest version)."""
    start = agreement.starts_on
    end = add_years(start, 1) - datetime.timedelta(days=1)
    checkpoints = Checkpoint.objects.filter(
        version__plan__agreement=agreement, window_start__gte=start, window_start__lte=end
    ).values_list("version__plan_id", "version__number", "window_start")
    latest = {}
    for plan_id, number, _start in checkpoints:
        latest[plan_id] = max(latest.get(plan_id, 0), number)
    count = sum(1 for plan_id, number, _start in checkpoints if latest[plan_id] == number)
    if count >= 2:
        return ""
    return _(
        "The first 12 months of the agreement (%(start)s–%(end)s) have %(count)s follow-up checkpoint(s); "
        "progress should be followed up at least twice in that time."
    ) % {
        "start": formats.date_format(start, "SHORT_DATE_FORMAT"),
        "end": formats.date_format(end, "SHORT_DATE_FORMAT"),
        "count": count,
    }
