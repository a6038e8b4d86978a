"""Who may read a piece of evidence: whoever may read the assessment it belongs to.

Built on the policy module's own answers (suunta/policies.py): the plan must be in the
user's scope, the checkpoint's version visible to the user's roles, and the assessment
among policies.visible_assessments (drafts only to their author; self-assessments and
views never to board members or auditors).
"""

from suunta import policies
from suunta.agreements.models import GoalPlan
from suunta.followup.models import FollowUp, FollowUpStatus

from .models import Evidence


def with_context(queryset):
    """Evidence with what the decision reads, in one query."""
    return queryset.select_related("assessment__checkpoint__version__plan__agreement")


def can_read_evidence(user, evidence: Evidence) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    assessment = evidence.assessment
    checkpoint = assessment.checkpoint
    version = checkpoint.version
    plan = version.plan
    agreement = plan.agreement
    if not GoalPlan.objects.for_user(user).filter(pk=plan.pk).exists():
        return False
    if not policies.scope_versions([version], user, agreement.organization_id):
        return False
    status = FollowUp.objects.filter(checkpoint=checkpoint).values_list("status", flat=True).first()
    return bool(policies.visible_assessments(user, [assessment], agreement, status or FollowUpStatus.OPEN))
