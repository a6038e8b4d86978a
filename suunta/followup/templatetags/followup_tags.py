from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from suunta.followup.models import FollowUpStatus

register = template.Library()


@register.simple_tag
def cell(cells: dict, goal, checkpoint):
    """The agreed assessment of a goal at a checkpoint (or None)."""
    return cells.get((goal.pk, checkpoint.pk))


@register.simple_tag
def followup_status(followups: dict, checkpoint) -> str:
    followup = followups.get(checkpoint.pk)
    if followup:
        return followup.get_status_display()
    # Nothing written yet: "open" would mislead about a checkpoint whose window is ahead.
    if checkpoint.window_start and checkpoint.window_start > timezone.localdate():
        return _("Opens on %(date)s") % {"date": date_format(checkpoint.window_start, "j.n.Y")}
    return FollowUpStatus.OPEN.label
