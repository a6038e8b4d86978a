"""What is due on a day: the reminders the scheduler should have sent by then.

`due(day)` reads the approved plans' checkpoints near the day, their follow-ups and
submitted assessments, the open discussions' unconfirmed participants and the open
surveys' recipients, in a fixed number of queries, and returns one Due per (recipient,
kind, object, due date). It decides nothing about preferences or mail: services.run
does. A reminder whose day was missed (cron down for a day or two) is still found for
CATCH_UP_DAYS days; the unique key keeps it from going twice.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from suunta.agreements.models import Checkpoint, GoalArea, VersionStatus
from suunta.discussions.models import DiscussionStatus, Participant, Survey, SurveyAnswer
from suunta.followup.models import Assessment, AssessmentKind, FollowUp, FollowUpStatus
from suunta.organizations.models import Membership, Role

from .models import OrganizationReminderSettings, ReminderKind, default_days

CATCH_UP_DAYS = 3
# Turns (views, agreeing, reporting) are reminded about this long after a window closes.
LATE_DAYS = 60


@dataclass(frozen=True, order=True)
class Due:
    due_on: datetime.date
    organization_id: int
    user_id: int
    kind: str
    object_key: str
    plan_id: int | None = None
    checkpoint_id: int | None = None
    discussion_id: int | None = None


def checkpoint_key(plan_id: int, order: int) -> str:
    """A checkpoint's identity across the plan's amendments (each version copies its
    checkpoints with their order): reminders and calendar events follow it."""
    return f"checkpoint:{plan_id}:{order}"


def _in_window(day, start, last) -> bool:
    return start <= day <= min(start + datetime.timedelta(CATCH_UP_DAYS), last)


def days_before(organization_ids) -> dict[int, list[int]]:
    found = dict(
        OrganizationReminderSettings.objects.filter(organization_id__in=organization_ids).values_list(
            "organization_id", "days_before"
        )
    )
    return {org: found.get(org) or default_days() for org in organization_ids}


def due(day: datetime.date) -> list[Due]:
    members = defaultdict(lambda: defaultdict(set))  # org -> role or (evaluator, agreement) -> users
    for org_id, user_id, role, agreement_id in Membership.objects.valid_on(day).values_list(
        "organization_id", "user_id", "role", "agreement_id"
    ):
        members[org_id][role].add(user_id)
        if role == Role.EVALUATOR:
            members[org_id][(role, agreement_id)].add(user_id)
    return sorted(set(_checkpoints(day, members) + _discussions(day, members) + _surveys(day, members)))


def _checkpoints(day, members) -> list[Due]:
    checkpoints = list(
        Checkpoint.objects.filter(
            version__status=VersionStatus.APPROVED,
            window_start__lte=day,
            window_end__gte=day - datetime.timedelta(LATE_DAYS),
        ).select_related("version__plan__agreement")
    )
    if not checkpoints:
        return []
    ids = [c.pk for c in checkpoints]
    status = dict(FollowUp.objects.filter(checkpoint_id__in=ids).values_list("checkpoint_id", "status"))
    goals = defaultdict(set)

    for version_id, goal_id in GoalArea.objects.filter(
        version_id__in={c.version_id for c in checkpoints}
    ).values_list("version_id", "id"):
        goals[version_id].add(goal_id)
    written = defaultdict(set)  # (checkpoint, kind, author) -> goals
    for checkpoint_id, kind, author_id, goal_id in Assessment.objects.filter(
        checkpoint_id__in=ids, submitted_at__isnull=False
    ).values_list("checkpoint_id", "kind", "author_id", "goal_area_id"):
        written[(checkpoint_id, kind, author_id)].add(goal_id)
    days = days_before({c.version.plan.agreement.organization_id for c in checkpoints})
    found = []
    for checkpoint in checkpoints:
        plan = checkpoint.version.plan
        agreement = plan.agreement
        org = agreement.organization_id
        state = status.get(checkpoint.pk, FollowUpStatus.OPEN)
        if state == FollowUpStatus.REPORTED:
            continue
        active = set().union(*members[org].values()) if members[org] else set()
        needed = goals[checkpoint.version_id]
        executive = agreement.executive_id
        evaluators = (members[org][(Role.EVALUATOR, agreement.pk)] | members[org][(Role.EVALUATOR, None)]) - {
            executive
        }
        writers = set()
        if (
            state == FollowUpStatus.OPEN
            and executive in active
            and needed - written[(checkpoint.pk, AssessmentKind.SELF, executive)]
        ):
            writers.add(executive)
        missing_views = set()
        if state in (FollowUpStatus.OPEN, FollowUpStatus.SELF_ASSESSED):
            missing_views = {
                e for e in evaluators if needed - written[(checkpoint.pk, AssessmentKind.VIEW, e)]
            }
        key = checkpoint_key(plan.pk, checkpoint.order)

        def make(kind, users, due_on, org=org, key=key, plan=plan, checkpoint=checkpoint):
            return [Due(due_on, org, u, kind, key, plan.pk, checkpoint.pk) for u in sorted(users)]

        start, end = checkpoint.window_start, checkpoint.window_end
        if _in_window(day, start, end):
            found += make(ReminderKind.WINDOW_OPENS, writers | missing_views, start)
        for n in days[org]:
            before = end - datetime.timedelta(n)
            if before >= start and _in_window(day, before, end):
                found += make(ReminderKind.WINDOW_CLOSES, writers | missing_views, before)
        if state == FollowUpStatus.SELF_ASSESSED:
            found += make(ReminderKind.VIEWS_TURN, missing_views, end)
        elif state == FollowUpStatus.VIEWS_IN:
            found += make(ReminderKind.AGREE_TURN, members[org][Role.PREPARER], end)
        elif state == FollowUpStatus.AGREED:
            found += make(ReminderKind.REPORT_TURN, members[org][Role.PREPARER], end)
    return found


def _discussions(day, members) -> list[Due]:
    """Participants of an open discussion held already, who have not confirmed its memo."""
    found = []
    for participant in Participant.objects.filter(
        confirmed_at__isnull=True,
        discussion__status=DiscussionStatus.OPEN,
        discussion__held_on__lte=day,
        discussion__held_on__gte=day - datetime.timedelta(LATE_DAYS),
    ).select_related("discussion__agreement"):
        discussion = participant.discussion
        org = discussion.agreement.organization_id
        if any(participant.user_id in users for users in members[org].values()):
            found.append(
                Due(
                    discussion.held_on,
                    org,
                    participant.user_id,
                    ReminderKind.CONFIRM_MEMO,
                    f"discussion:{discussion.pk}",
                    discussion_id=discussion.pk,
                )
            )
    return found


def _surveys(day, members) -> list[Due]:
    """Recipients of an open survey who have not answered it."""
    surveys = list(
        Survey.objects.filter(closes_on__gte=day, discussion__status=DiscussionStatus.OPEN)
        .select_related("discussion__agreement")
        .prefetch_related("recipients")
    )
    answered = set(
        SurveyAnswer.objects.filter(survey__in=surveys).values_list("survey_id", "respondent_id").distinct()
    )
    found = []
    for survey in surveys:
        org = survey.discussion.agreement.organization_id
        for recipient in survey.recipients.all():
            if (survey.pk, recipient.pk) in answered:
                continue
            if any(recipient.pk in users for users in members[org].values()):
                found.append(
                    Due(
                        survey.closes_on,
                        org,
                        recipient.pk,
                        ReminderKind.SURVEY,
                        f"survey:{survey.pk}",
                        discussion_id=survey.discussion_id,
                    )
                )
    return found
