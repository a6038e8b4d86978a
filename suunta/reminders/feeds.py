"""Calendar feeds (RFC 5545): a person's own and an organization's for its preparers.

Events: the follow-up windows of the approved plans (all-day), the goal and development
discussions (timed, Europe/Helsinki) and the board's handlings of the plans. Only
dates, titles, places and links: never an assessment, a rating, a memo or a decision's
text. UIDs are stable (a checkpoint's by its plan and its place in the plan, the same
across amendments; a discussion's is its invitation's), and SEQUENCE comes from the
row's last change, so a moved event replaces the old one in the calendar. A fixed
number of queries whatever the number of plans.
"""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from suunta import policies
from suunta.agreements.models import Checkpoint, GoalPlan, VersionStatus
from suunta.discussions.calendar import HELSINKI
from suunta.discussions.models import Discussion, Participant
from suunta.governance.models import Handling
from suunta.lib.clock import now, today
from suunta.organizations.models import BodyKind, Role

from .schedule import checkpoint_key

# Events this far back stay in the feed (a calendar keeps its own history).
HISTORY_DAYS = 400
SEQUENCE_EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


def sequence(updated_at: datetime.datetime) -> int:
    """Grows with every change of the row the event comes from (RFC 5545 3.8.7.4)."""
    return max(0, int((updated_at - SEQUENCE_EPOCH).total_seconds()))


def _own_agreements(user) -> Q:
    """The agreements whose follow-ups are the user's business: as their executive, as
    an evaluator, or as a preparer of the organization."""
    condition = Q(pk__in=[])
    for org_id, roles in policies.roles_by_organization(user).items():
        general = {r for r in roles if "@" not in r}
        if general & {Role.PREPARER, Role.EVALUATOR}:
            condition |= Q(agreement__organization_id=org_id)
            continue
        condition |= Q(
            agreement__organization_id=org_id, agreement_id__in=policies.evaluated_agreements(roles)
        )
        if Role.EXECUTIVE in general:
            condition |= Q(agreement__organization_id=org_id, agreement__executive=user)
    return condition


def personal(user) -> bytes:
    plans = policies.scope_plans(GoalPlan.objects.all(), user).filter(_own_agreements(user))
    discussions = policies.scope_discussions(Discussion.objects.all(), user).filter(
        Exists(Participant.objects.filter(discussion=OuterRef("pk"), user_id=user.pk))
        | Q(agreement__executive=user)
    )
    return _calendar(_("Suunta: my dates"), plans, discussions)


def organization(user, organization) -> bytes:
    plans = policies.scope_plans(GoalPlan.objects.filter(agreement__organization=organization), user)
    discussions = policies.scope_discussions(
        Discussion.objects.filter(agreement__organization=organization), user
    )
    return _calendar(
        _("Suunta: %(organization)s") % {"organization": organization.display_name}, plans, discussions
    )


def _calendar(name: str, plans, discussions) -> bytes:
    since = today() - datetime.timedelta(HISTORY_DAYS)
    stamp = now()
    cal = Calendar()
    cal.add("prodid", "-//Suunta//johtajasopimus//FI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Helsinki")
    cal.add_component(Timezone.from_tzid("Europe/Helsinki"))
    base = settings.SITE_URL
    for checkpoint in (
        Checkpoint.objects.filter(
            version__status=VersionStatus.APPROVED, version__plan__in=plans, window_end__gte=since
        )
        .select_related("version__plan")
        .order_by("window_start", "pk")
    ):
        plan = checkpoint.version.plan
        event = Event()
        event.add("uid", f"{checkpoint_key(plan.pk, checkpoint.order).replace(':', '-')}@suunta")
        event.add("dtstamp", stamp)
        event.add("sequence", sequence(checkpoint.updated_at))
        event.add("last-modified", checkpoint.updated_at)
        event.add("dtstart", checkpoint.window_start)
        event.add("dtend", checkpoint.window_end + datetime.timedelta(1))  # exclusive
        event.add(
            "summary",
            _("Follow-up %(label)s: %(plan)s")
            % {"label": checkpoint.display_label, "plan": plan.display_title},
        )
        url = base + reverse("followup", args=[plan.pk, checkpoint.pk])
        event.add("url", url)
        event.add("description", url)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    for discussion in (
        discussions.filter(held_on__gte=since).select_related("agreement").order_by("held_on", "pk")
    ):
        start = datetime.datetime.combine(
            discussion.held_on, discussion.starts_at or datetime.time(9), HELSINKI
        )
        event = Event()
        event.add("uid", f"{discussion.uid}@suunta")
        event.add("dtstamp", stamp)
        event.add("sequence", sequence(discussion.updated_at))
        event.add("last-modified", discussion.updated_at)
        event.add("dtstart", start)
        event.add("dtend", start + datetime.timedelta(minutes=discussion.duration_minutes))
        event.add(
            "summary",
            f"{discussion.get_kind_display()}: {discussion.agreement.display_genitive} {_('goals')}",
        )
        if discussion.place:
            event.add("location", discussion.place)
        url = base + reverse("discussion_detail", args=[discussion.pk])
        event.add("url", url)
        event.add("description", url)
        cal.add_component(event)
    for handling in (
        Handling.objects.filter(
            version__plan__in=plans,
            body__kind__in=[BodyKind.BOARD, BodyKind.COUNCIL],
            meeting_date__gte=since,
        )
        .select_related("body", "version__plan")
        .order_by("meeting_date", "pk")
    ):
        plan = handling.version.plan
        event = Event()
        event.add("uid", f"handling-{handling.pk}@suunta")
        event.add("dtstamp", stamp)
        event.add("sequence", sequence(handling.updated_at))
        event.add("last-modified", handling.updated_at)
        event.add("dtstart", handling.meeting_date)
        event.add("dtend", handling.meeting_date + datetime.timedelta(1))
        event.add("summary", f"{handling.body.display_name}: {plan.display_title}")
        url = base + reverse("plan_detail", args=[plan.pk])
        event.add("url", url)
        event.add("description", url)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
