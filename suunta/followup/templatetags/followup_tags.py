from django import template

from suunta.followup.models import FollowUpStatus

register = template.Library()


@register.simple_tag
def cell(cells: dict, goal, checkpoint):
    """The agreed assessment of a goal at a checkpoint (or None)."""
    return cells.get((goal.pk, checkpoint.pk))


@register.simple_tag
def followup_status(followups: dict, checkpoint) -> str:
    followup = followups.get(checkpoint.pk)
    return followup.get_status_display() if followup else FollowUpStatus.OPEN.label
