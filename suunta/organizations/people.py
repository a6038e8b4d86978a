"""Who holds which position in an organization on a day: the one place for the
people rules (who evaluates, who presents the executive's matters, who may take part
in a discussion, who is asked for views before it). The policy module decides what
people may do; this one says who they are.

Every function excludes the executive where it picks people to act on his or her
goals: the executive is disqualified in matters of his or her own employment
(hallintolaki 28 §, policies.is_disqualified).
"""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q

from suunta.lib.clock import today

from .models import Membership, Position, Role

# Who takes part in goal and development discussions.
DISCUSSION_ROLES = (Role.EXECUTIVE, Role.EVALUATOR, Role.PREPARER)


def _users(memberships):
    return (
        get_user_model()
        .objects.filter(pk__in=memberships.values_list("user_id", flat=True))
        .order_by("last_name", "first_name", "username")
    )


def for_agreement(agreement) -> Q:
    """Memberships that count in the agreement's matters: the organization's roles and
    the evaluators of this agreement (not those of the organization's other agreements)."""
    return Q(organization_id=agreement.organization_id) & (
        ~Q(role=Role.EVALUATOR) | Q(agreement__isnull=True) | Q(agreement_id=agreement.pk)
    )


def evaluator_ids(agreement, day: datetime.date | None = None) -> list[int]:
    """The evaluators of the agreement on the day (the executive never)."""
    return list(
        Membership.objects.valid_on(day or today())
        .filter(for_agreement(agreement), role=Role.EVALUATOR)
        .exclude(user_id=agreement.executive_id)
        .values_list("user_id", flat=True)
        .distinct()
    )


def default_presenter(agreement):
    """The user who presents the executive's goals to the board unless someone is
    named: the holder of the position that presents (the organization's set-up says
    which; the first in the positions' order if several); None when nobody holds one."""
    membership = (
        Membership.objects.valid_on()
        .filter(for_agreement(agreement), role=Role.EVALUATOR, position__presents=True)
        .exclude(user_id=agreement.executive_id)
        .select_related("user")
        .order_by("position__order", "valid_from", "pk")
        .first()
    )
    return membership.user if membership else None


def positions_with(organization_id: int, right: str):
    """The organization's positions carrying a right (a PositionRight), in order."""
    return Position.objects.filter(organization_id=organization_id, **{right: True})


def discussion_candidates(agreement, day: datetime.date):
    """People who may take part in a discussion held on the day: the agreement's executive,
    the organization's preparers and the agreement's evaluators whose membership is valid
    then. Another agreement's executive (a sector director beside the chief) is never
    offered: a participant reads the discussion's restricted notes."""
    return _users(
        Membership.objects.valid_on(day)
        .filter(for_agreement(agreement), role__in=DISCUSSION_ROLES)
        .exclude(Q(role=Role.EXECUTIVE) & ~Q(user_id=agreement.executive_id))
    )


def survey_recipients(agreement):
    """Board members and the holders of positions asked for views (e.g. the council
    chair), valid today."""
    return _users(
        Membership.objects.valid_on(today())
        .filter(for_agreement(agreement))
        .filter(Q(role=Role.BOARD_MEMBER) | Q(position__asked_for_views=True))
        .exclude(user_id=agreement.executive_id)
    )


def preparers(organization_id: int):
    """The organization's preparers today, by name (for the agenda item's contacts)."""
    return (
        Membership.objects.valid_on()
        .filter(organization_id=organization_id, role=Role.PREPARER)
        .select_related("user")
        .order_by("user__last_name")
    )


def executives(organization_id: int):
    """The organization's people who hold the executive role today, by name: who may be
    named the executive of a new director agreement."""
    return _users(Membership.objects.valid_on().filter(organization_id=organization_id, role=Role.EXECUTIVE))
