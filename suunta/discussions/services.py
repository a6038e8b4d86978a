"""The only code that writes discussions, their memo, development plan and survey.

Restricted texts enter the audit log only as hashes (the models' audit_restricted_fields).
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from suunta import policies
from suunta.agreements.models import GoalArea, GoalPlan
from suunta.audit import services as audit
from suunta.audit.models import AuditEvent
from suunta.lib.clock import now, today
from suunta.organizations import people
from suunta.organizations.models import CONFIDENTIAL_ROLES, Membership, Role

from .defaults import ensure_defaults
from .models import (
    CARRIED_STATUSES,
    AgendaSection,
    DevelopmentItem,
    Discussion,
    DiscussionStatus,
    ItemShare,
    ItemStatus,
    Participant,
    Section,
    Survey,
    SurveyAnswer,
)


class ConflictError(Exception):
    """Someone saved the same section since this form was opened; nothing was saved."""

    def __init__(self, section: Section):
        super().__init__("conflict")
        self.section = section


def _check_participants(agreement, day, users) -> None:
    allowed = set(people.discussion_candidates(agreement, day).values_list("pk", flat=True))
    outsiders = [u for u in users if u.pk not in allowed]
    if outsiders:
        raise ValidationError(
            {
                "participants": _("%(names)s has no valid role in the organization on that date.")
                % {"names": ", ".join(str(u) for u in outsiders)}
            }
        )
    if agreement.executive_id not in {u.pk for u in users}:
        raise ValidationError({"participants": _("The executive whose goals are discussed takes part.")})


def _check_plans(agreement, plans) -> None:
    if any(p.agreement_id != agreement.pk for p in plans):
        raise ValidationError({"plans": _("Link only plans of this agreement.")})


def _org(discussion) -> int:
    return discussion.agreement.organization_id


@audit.recording_refusals
@transaction.atomic
def create_discussion(user, agreement, *, participants, plans, **fields) -> Discussion:
    policies.require(user, policies.CREATE_DISCUSSION, agreement)
    _check_participants(agreement, fields["held_on"], participants)
    _check_plans(agreement, plans)
    discussion = Discussion(agreement=agreement, created_by=user, **fields)
    discussion.full_clean()
    discussion.save()
    discussion.plans.set(plans)
    Participant.objects.bulk_create(Participant(discussion=discussion, user=u) for u in participants)
    ensure_defaults(agreement.organization)
    Section.objects.bulk_create(
        Section(
            discussion=discussion,
            kind=s.kind,
            title=s.title,
            title_sv=s.title_sv,
            publicity=s.publicity,
            secrecy_basis_id=s.secrecy_basis_id,
            order=s.order,
        )
        for s in AgendaSection.objects.filter(organization_id=agreement.organization_id)
    )
    audit.record(
        "discussion.create",
        actor=user,
        organization=agreement.organization_id,
        obj=discussion,
        changes={
            "held_on": [None, discussion.held_on.isoformat()],
            "participants": [None, sorted(u.get_username() for u in participants)],
        },
    )
    return discussion


def _locked(discussion: Discussion) -> Discussion:
    return (
        Discussion.objects.select_for_update()
        .select_related("agreement")
        .prefetch_related("participants")
        .get(pk=discussion.pk)
    )


@audit.recording_refusals
@transaction.atomic
def update_discussion(user, discussion, *, participants, plans, **fields) -> Discussion:
    discussion = _locked(discussion)
    policies.require(user, policies.EDIT_DISCUSSION, discussion)
    _check_participants(discussion.agreement, fields.get("held_on", discussion.held_on), participants)
    already = {p.user_id for p in discussion.participants.all()}
    if any(u.pk not in already for u in participants) and not policies.can(
        user, policies.ADD_PARTICIPANTS, discussion
    ):
        raise ValidationError(
            {
                "participants": _(
                    "The memo has already been started: only a participant can bring someone new "
                    "into the discussion."
                )
            }
        )
    _check_plans(discussion.agreement, plans)
    before = audit.snapshot(discussion, list(fields))
    for name, value in fields.items():
        setattr(discussion, name, value)
    discussion.full_clean()
    discussion.save()
    discussion.plans.set(plans)
    current = {p.user_id: p for p in discussion.participants.all()}
    wanted = {u.pk for u in participants}
    Participant.objects.filter(discussion=discussion).exclude(user_id__in=wanted).delete()
    Participant.objects.bulk_create(
        Participant(discussion=discussion, user=u) for u in participants if u.pk not in current
    )
    changes = audit.diff(before, audit.snapshot(discussion, list(fields)))
    if set(current) != wanted:
        changes["participants"] = [sorted(current), sorted(wanted)]
        _reset_confirmations(discussion)
    if changes:
        audit.record(
            "discussion.update", actor=user, organization=_org(discussion), obj=discussion, changes=changes
        )
    return discussion


def _reset_confirmations(discussion) -> int:
    """A memo confirmed as it read then: a change asks everyone to confirm again."""
    return Participant.objects.filter(discussion=discussion, confirmed_at__isnull=False).update(
        confirmed_at=None
    )


@audit.recording_refusals
@transaction.atomic
def save_section(user, section: Section, *, text: str, revision: int) -> tuple[Section, int]:
    """Save a section's memo text. Returns the section and how many confirmations the
    change cleared."""
    discussion = _locked(section.discussion)
    policies.require(user, policies.WRITE_MEMO, discussion)
    stored = Section.objects.select_for_update().get(pk=section.pk, discussion=discussion)
    if stored.revision != revision:
        raise ConflictError(stored)
    if stored.text == text:
        return stored, 0
    before = stored.text
    stored.text = text
    stored.revision += 1
    stored.full_clean()
    stored.save()
    cleared = _reset_confirmations(discussion)
    audit.record(
        "discussion.section.update",
        actor=user,
        organization=_org(discussion),
        obj=stored,
        changes={"text": [before, text]},  # restricted or not: the log keeps only a hash
        restricted=["text"],
    )
    return stored, cleared


@audit.recording_refusals
@transaction.atomic
def save_item(user, discussion, item: DevelopmentItem | None, **fields) -> DevelopmentItem:
    discussion = _locked(discussion)
    policies.require(user, policies.WRITE_MEMO, discussion)
    if item is None:
        item = DevelopmentItem(agreement=discussion.agreement, raised_in=discussion)
        before = {}
    else:
        item = items_with_circles(
            DevelopmentItem.objects.select_for_update(of=("self",)).filter(agreement=discussion.agreement)
        ).get(pk=item.pk)
        policies.require(user, policies.READ_ITEM, item)
        before = audit.snapshot(item, list(fields))
    for name, value in fields.items():
        setattr(item, name, value)
    if item.status in CARRIED_STATUSES:
        item.closed_in = None
    elif item.closed_in_id is None:
        item.closed_in = discussion
    item.full_clean()
    item.save()
    _reset_confirmations(discussion)
    audit.record(
        "development_item.create" if not before else "development_item.update",
        actor=user,
        organization=_org(discussion),
        obj=item,
        changes=audit.diff(before, audit.snapshot(item, list(fields))),
    )
    return item


def development_items(discussion) -> list[DevelopmentItem]:
    """The development plan on a discussion's memo, by due date: the items raised or
    closed (marked done or dropped) in it, and those carried over (still open, raised in
    an earlier discussion of the agreement, never one held after this one)."""
    earlier = Q(raised_in__held_on__lt=discussion.held_on) | Q(
        raised_in__held_on=discussion.held_on, raised_in_id__lt=discussion.pk
    )
    items = list(
        items_with_circles(
            DevelopmentItem.objects.filter(
                Q(raised_in=discussion)
                | Q(closed_in=discussion)
                | (Q(agreement=discussion.agreement, status__in=CARRIED_STATUSES) & earlier)
            )
        )
    )
    items.sort(key=lambda i: (i.due_on is None, i.due_on, i.pk))
    return items


def items_with_circles(items):
    """Items with what the reading rule needs (policies.READ_ITEM): the agreement, the
    participants of the discussion that raised each item, and its shares."""
    return items.select_related("raised_in", "agreement").prefetch_related(
        "raised_in__participants", "shares"
    )


def readable_items(user, items) -> list:
    """The development items (live, or as a frozen memo confirmed them) the user may
    read: those written in a room the user was in, shared with the user, or about the
    user. `items` may be ConfirmedItems: they are checked against the live items."""
    items = list(items)
    if items and isinstance(items[0], ConfirmedItem):
        live = {
            i.pk: i for i in items_with_circles(DevelopmentItem.objects.filter(pk__in=[c.id for c in items]))
        }
        return [c for c in items if c.id in live and policies.can(user, policies.READ_ITEM, live[c.id])]
    return [i for i in items if policies.can(user, policies.READ_ITEM, i)]


def memo_content(discussion) -> dict:
    """What the participants confirm: every section and the development plan as shown."""
    return {
        "discussion": discussion.pk,
        "held_on": discussion.held_on.isoformat(),
        "sections": [
            {
                "title": s.title,
                "publicity": s.publicity,
                "secrecy_basis": s.secrecy_basis.label if s.secrecy_basis_id else None,
                "text": s.text,
            }
            for s in discussion.sections.select_related("secrecy_basis").order_by("order", "id")
        ],
        "items": [
            {
                "id": i.pk,
                "raised_in": i.raised_in_id,
                "raised_on": i.raised_on.isoformat(),
                "need": i.need,
                "action": i.action,
                "responsible": i.responsible,
                "due_on": i.due_on.isoformat() if i.due_on else None,
                "status": i.status,
            }
            for i in development_items(discussion)
        ],
    }


def canonical_memo(discussion) -> str:
    """The memo as the JSON text whose SHA-256 is stored at the freeze."""
    return json.dumps(memo_content(discussion), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class ConfirmedItem:
    """A development item as the frozen memo recorded it (the live item may have moved on)."""

    id: int
    need: str
    action: str
    responsible: str
    due_on: dt.date | None
    status: str
    raised_in_id: int
    raised_on: dt.date

    def get_status_display(self) -> str:
        return ItemStatus(self.status).label


def confirmed_items(discussion) -> list[ConfirmedItem] | None:
    """The development plan as confirmed, or None for a memo not frozen with a copy."""
    if not discussion.memo_json:
        return None
    return [
        ConfirmedItem(
            id=item["id"],
            need=item["need"],
            action=item["action"],
            responsible=item["responsible"],
            due_on=dt.date.fromisoformat(item["due_on"]) if item["due_on"] else None,
            status=item["status"],
            raised_in_id=item["raised_in"],
            raised_on=dt.date.fromisoformat(item["raised_on"]),
        )
        for item in json.loads(discussion.memo_json)["items"]
    ]


def _freeze(discussion, user, reason: str = "") -> None:
    content = canonical_memo(discussion)
    discussion.status = DiscussionStatus.FROZEN
    discussion.frozen_at = now()
    discussion.closed_reason = reason
    discussion.memo_json = content
    discussion.memo_sha256 = hashlib.sha256(content.encode()).hexdigest()
    discussion.save(
        update_fields=["status", "frozen_at", "closed_reason", "memo_json", "memo_sha256", "updated_at"]
    )
    audit.record(
        "discussion.freeze",
        actor=user,
        organization=_org(discussion),
        obj=discussion,
        changes={
            "status": [DiscussionStatus.OPEN, DiscussionStatus.FROZEN],
            "memo_sha256": [None, discussion.memo_sha256],
        },
    )


@audit.recording_refusals
@transaction.atomic
def confirm_memo(user, discussion) -> bool:
    """Record the user's "read and approved". Returns True when that froze the memo."""
    discussion = _locked(discussion)
    policies.require(user, policies.CONFIRM_MEMO, discussion)
    participant = Participant.objects.select_for_update().get(discussion=discussion, user=user)
    if participant.confirmed_at is None:
        participant.confirmed_at = now()
        participant.save(update_fields=["confirmed_at", "updated_at"])
        audit.record("discussion.confirm", actor=user, organization=_org(discussion), obj=discussion)
    if not Participant.objects.filter(discussion=discussion, confirmed_at__isnull=True).exists():
        _freeze(discussion, user)
        return True
    return False


@audit.recording_refusals
@transaction.atomic
def close_memo(user, discussion, reason: str) -> None:
    discussion = _locked(discussion)
    policies.require(user, policies.CLOSE_MEMO, discussion)
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Give the reason for closing the memo without every confirmation.")}
        )
    _freeze(discussion, user, reason)


@audit.recording_refusals
@transaction.atomic
def create_survey(user, discussion, *, recipients, closes_on, anonymous: bool) -> Survey:
    discussion = _locked(discussion)
    policies.require(user, policies.CREATE_SURVEY, discussion)
    allowed = set(people.survey_recipients(discussion.agreement).values_list("pk", flat=True))
    if not recipients:
        raise ValidationError({"recipients": _("Choose at least one recipient.")})
    if any(r.pk not in allowed for r in recipients):
        raise ValidationError({"recipients": _("Only the board members and the council chair can be asked.")})
    if closes_on < today() or closes_on > discussion.held_on:
        raise ValidationError({"closes_on": _("Answers are due between today and the discussion day.")})
    survey = Survey.objects.create(
        discussion=discussion, created_by=user, closes_on=closes_on, anonymous=anonymous
    )
    survey.recipients.set(recipients)
    audit.record(
        "survey.create",
        actor=user,
        organization=_org(discussion),
        obj=survey,
        changes={
            "recipients": [None, sorted(r.get_username() for r in recipients)],
            "anonymous": [None, anonymous],
        },
    )
    return survey


def survey_goals(survey):
    """The goals asked about: those of the discussion's linked plans (latest versions)."""

    plans = list(survey.discussion.plans.all())
    latest = [
        p.latest_version()
        for p in GoalPlan.objects.filter(pk__in=[p.pk for p in plans]).prefetch_related("versions")
    ]
    return list(
        GoalArea.objects.filter(version__in=[v for v in latest if v]).order_by(
            "version__plan__period_start", "order", "id"
        )
    )


@audit.recording_refusals
@transaction.atomic
def answer_survey(user, survey, answers: dict) -> int:
    """answers: {goal_area: text}; empty texts remove the answer. Returns how many are kept."""
    survey = Survey.objects.select_for_update().select_related("discussion__agreement").get(pk=survey.pk)
    policies.require(user, policies.ANSWER_SURVEY, survey)
    goals = {g.pk: g for g in survey_goals(survey)}
    kept = 0
    for goal, text in answers.items():
        if goal.pk not in goals:
            raise ValidationError(_("The survey does not ask about that goal."))
        text = text.strip()
        if text:
            SurveyAnswer.objects.update_or_create(
                survey=survey, goal_area=goal, respondent=user, defaults={"text": text}
            )
            kept += 1
        else:
            SurveyAnswer.objects.filter(survey=survey, goal_area=goal, respondent=user).delete()
    audit.record(
        "survey.answer",
        actor=user,
        organization=survey.discussion.agreement.organization_id,
        obj=survey,
        changes={"answers": [None, kept]},
    )
    return kept


# --- Sharing development items and the use log of restricted texts ----------------------


@audit.recording_refusals
@transaction.atomic
def share_items(user, discussion, person) -> int:
    """Share the development items on this discussion's memo that the user may share
    (as the executive, or as one of the people in the room where an item was written)
    with `person`, who must hold a role that takes part in discussions. Returns how
    many items became readable to the person; the share is audited and listed to the
    executive."""
    discussion = _locked(discussion)
    shareable = shareable_items(user, discussion)
    if not shareable:
        raise audit.Refused(
            "development_item.share.denied",
            actor=user,
            organization=_org(discussion),
            obj=discussion,
        )
    if person.pk not in set(
        people.discussion_candidates(discussion.agreement, today()).values_list("pk", flat=True)
    ):
        raise ValidationError(
            {"person": _("Items can be shared only with people who take part in the discussions.")}
        )
    new = [i for i in shareable if not policies.can(person, policies.READ_ITEM, i)]
    ItemShare.objects.bulk_create(ItemShare(item=i, user=person, shared_by=user) for i in new)
    if new:
        audit.record(
            "development_item.share",
            actor=user,
            organization=_org(discussion),
            obj=discussion,
            changes={"items": [None, [i.pk for i in new]], "shared_with": [None, person.get_username()]},
        )
    return len(new)


def shareable_items(user, discussion) -> list[DevelopmentItem]:
    """The items on the discussion's development plan the user may share."""
    return [i for i in development_items(discussion) if policies.can(user, policies.SHARE_ITEM, i)]


@audit.recording_refusals
@transaction.atomic
def withdraw_share(user, share: ItemShare) -> None:
    """The executive, or whoever shared it, takes a share back."""
    share = ItemShare.objects.select_for_update().select_related("item__agreement").get(pk=share.pk)
    agreement = share.item.agreement
    if user.pk not in (agreement.executive_id, share.shared_by_id):
        raise audit.Refused(
            "development_item.unshare.denied",
            actor=user,
            organization=agreement.organization_id,
            obj=share.item,
        )
    audit.record(
        "development_item.unshare",
        actor=user,
        organization=agreement.organization_id,
        obj=share.item,
        changes={"shared_with": [share.user.get_username(), None]},
    )
    share.delete()


def log_restricted_read(user, discussion, *, sections=(), items=(), answers=()) -> None:
    """The use log of personal data (tiedonhallintalaki 17 §): who was shown which
    restricted texts of a discussion, and when. Ids only, never the texts. The one write
    a reading page makes, on purpose: the executive can see who has read his or her
    notes (restricted_use)."""
    log_restricted_ids(user, discussion, restricted_ids(sections=sections, items=items, answers=answers))


def restricted_ids(*, sections=(), items=(), answers=()) -> dict:
    """The ids of the restricted texts shown, by kind; empty when none was."""
    ids = {
        "sections": sorted(s.pk for s in sections),
        "items": sorted(i.id for i in items),
        "answers": sorted(a.pk for a in answers),
    }
    return ids if any(ids.values()) else {}


def log_restricted_ids(user, discussion, ids: dict) -> None:
    """log_restricted_read with the ids already taken (restricted_ids)."""
    if not ids:
        return
    audit.record(
        READ_RESTRICTED_ACTION,
        actor=user,
        organization=_org(discussion),
        obj=discussion,
        changes={name: [None, value] for name, value in ids.items() if value},
    )


READ_RESTRICTED_ACTION = "discussion.read_restricted"


def restricted_use(agreement) -> dict:
    """What the executive's page shows: the shares of his or her development items and
    every time someone was shown restricted texts of the agreement's discussions."""

    discussions = {str(d.pk): d for d in Discussion.objects.filter(agreement=agreement)}
    items = {i.pk: i for i in DevelopmentItem.objects.filter(agreement=agreement)}
    reads = []
    for event in (
        AuditEvent.objects.filter(
            organization_id=agreement.organization_id,
            action=READ_RESTRICTED_ACTION,
            object_type=Discussion._meta.label_lower,
            object_id__in=list(discussions),
        )
        .select_related("actor")
        .order_by("-created_at", "-sequence")[:500]
    ):
        changes = audit.changes_of(event)
        reads.append(
            {
                "event": event,
                "discussion": discussions[event.object_id],
                "sections": len(changes.get("sections", [None, []])[1]),
                "items": [items[pk] for pk in changes.get("items", [None, []])[1] if pk in items],
                "answers": len(changes.get("answers", [None, []])[1]),
            }
        )
    shares = list(
        ItemShare.objects.filter(item__agreement=agreement)
        .select_related("item", "user", "shared_by")
        .order_by("-created_at", "-id")
    )
    # Who holds, or is about to hold, a role that opens restricted notes, and on what basis.
    grants = list(
        Membership.objects.filter(people.for_agreement(agreement), role__in=CONFIDENTIAL_ROLES)
        .filter(Q(role=Role.EVALUATOR) | Q(user_id=agreement.executive_id))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today()))
        .select_related("user", "granted_by", "confirmed_by", "position")
        .order_by("role", "valid_from", "id")
    )
    return {"reads": reads, "shares": shares, "grants": grants}


def actions_for(user) -> list[dict]:
    """The user's open discussion tasks for the front page: memos to confirm and
    surveys to answer (two queries whatever the number)."""

    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    # The memo is confirmed once the discussion has been held.
    for participant in Participant.objects.filter(
        user=user,
        confirmed_at__isnull=True,
        discussion__status=DiscussionStatus.OPEN,
        discussion__held_on__lte=today(),
    ).select_related("discussion"):
        discussion = participant.discussion
        items.append(
            {
                "url": reverse("discussion_detail", args=[discussion.pk]),
                "text": _("Read and confirm the memo of the discussion on %(date)s")
                % {"date": formats.date_format(discussion.held_on, "SHORT_DATE_FORMAT")},
            }
        )
    for survey in (
        Survey.objects.filter(
            recipients=user, closes_on__gte=today(), discussion__status=DiscussionStatus.OPEN
        )
        .exclude(answers__respondent=user)
        .select_related("discussion")
        .distinct()
    ):
        items.append(
            {
                "url": reverse("survey_answer", args=[survey.pk]),
                "text": _("Give your views on the goals before the discussion (by %(date)s)")
                % {"date": formats.date_format(survey.closes_on, "SHORT_DATE_FORMAT")},
            }
        )
    return items
