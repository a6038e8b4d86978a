"""Who may see and do what: the one place that decides.

Views, the admin, exports and document downloads ask here. Two kinds of answer:
- scoped query sets (`scope_*`, used by each model's `for_user`) decide what a user
  can see at all; anything outside is a 404;
- `can(user, action, obj)` decides whether a visible object may be changed now;
  `require` turns a "no" into PermissionDenied (403).

Roles come from Membership rows valid on the day (the clock's today), per
organization; they are read once per request and cached on the user object.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q

from suunta.lib.clock import today
from suunta.organizations.models import CONFIDENTIAL_ROLES, Membership, Role

# Actions
EDIT_PLAN = "edit_plan"  # change goals, metrics and checkpoints of a version
CREATE_PLAN = "create_plan"  # create a new plan for an agreement
MANAGE_MEMBERS = "manage_members"  # add and end memberships of an organization
TAKE_STEP = "take_step"  # move a plan version along the workflow (obj: (version, step))
AMEND_PLAN = "amend_plan"  # start version N+1 of an approved plan
CREATE_NEXT_PLAN = "create_next_plan"  # next period's plan from an approved or closed one
VIEW_AUDIT = "view_audit"  # read an organization's audit log
GRANT_ROLE = "grant_role"  # obj: (Organization, the person or None for an invitation, role)
CONFIRM_GRANT = "confirm_grant"  # obj: a Membership waiting for a second admin
# Follow-up (obj: a Checkpoint of an approved version)
WRITE_SELF_ASSESSMENT = "write_self_assessment"
WRITE_VIEW = "write_view"
WRITE_AGREED = "write_agreed"
MARK_AGREED = "mark_agreed"
CLOSE_FOLLOWUP_STEP = "close_followup_step"
REPORT_FOLLOWUP = "report_followup"
# Measured goals (obj: a PlanVersion for values and weights, a Checkpoint for evidence)
RECORD_METRIC_VALUE = "record_metric_value"
SET_WEIGHTS = "set_weights"
ATTACH_EVIDENCE = "attach_evidence"
# Goal and development discussions (obj: a DirectorAgreement for CREATE, else a Discussion)
CREATE_DISCUSSION = "create_discussion"
EDIT_DISCUSSION = "edit_discussion"  # date, place, participants, linked plans
WRITE_MEMO = "write_memo"  # section texts and the development plan
READ_RESTRICTED = "read_restricted"  # restricted sections, development plan, survey answers
CONFIRM_MEMO = "confirm_memo"
CLOSE_MEMO = "close_memo"
CREATE_SURVEY = "create_survey"
ANSWER_SURVEY = "answer_survey"  # obj: a Survey
ADD_PARTICIPANTS = "add_participants"  # bring new people into a discussion's circle
# obj: a DevelopmentItem (with agreement, raised_in's participants and shares prefetched)
READ_ITEM = "read_development_item"
SHARE_ITEM = "share_development_item"
# obj: a DirectorAgreement: who has read the executive's restricted notes, who may
VIEW_RESTRICTED_USE = "view_restricted_use"
# Documents (obj: (PlanVersion, kind, follow-up status or None))
READ_DOCUMENT = "read_document"
MAYOR = "title:mayor"

PLAN_EDITORS = frozenset({Role.EVALUATOR, Role.PREPARER})
# Read every plan of the organization, whatever its state.
FULL_READERS = frozenset({Role.EVALUATOR, Role.PREPARER, Role.ADMIN})
# Read only what has reached the board (board members) or been approved (auditors).
BOARD_VISIBLE = frozenset({"proposed", "approved", "closed", "superseded"})
AUDITOR_VISIBLE = frozenset({"approved", "closed", "superseded"})

_CACHE_ATTR = "_suunta_roles"


def roles_by_organization(user) -> dict[int, frozenset[str]]:
    """{organization id: roles} for memberships valid today. One query per request."""
    if not getattr(user, "is_authenticated", False):
        return {}
    day = today()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None and cached[0] == day:
        return cached[1]
    roles: dict[int, set[str]] = {}
    memberships = (
        Membership.objects.valid_on(day).filter(user=user).values_list("organization_id", "role", "title")
    )
    for org_id, role, title in memberships:
        roles.setdefault(org_id, set()).add(role)
        if title:
            # Titles ride along as "title:mayor" etc.: some steps belong to the mayor.
            roles[org_id].add(f"title:{title}")
    result = {org_id: frozenset(r) for org_id, r in roles.items()}
    setattr(user, _CACHE_ATTR, (day, result))
    return result


def roles_in(user, organization_id: int) -> frozenset[str]:
    return roles_by_organization(user).get(organization_id, frozenset())


def forget_roles(user) -> None:
    """Drop the cached roles (after memberships change within one request or test)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def visible_version_statuses(user, organization_id: int) -> frozenset[str] | None:
    """Which version states the user may read in the organization; None means all."""
    roles = roles_in(user, organization_id)
    if roles & FULL_READERS or Role.EXECUTIVE in roles:
        return None
    statuses: set[str] = set()
    if Role.BOARD_MEMBER in roles:
        statuses |= BOARD_VISIBLE
    if Role.AUDITOR in roles:
        statuses |= AUDITOR_VISIBLE
    return frozenset(statuses)


# --- Scoped query sets ------------------------------------------------------------------


def _nothing() -> Q:
    return Q(pk__in=[])


def scope_organizations(qs, user):
    return qs.filter(pk__in=list(roles_by_organization(user)))


def scope_agreements(qs, user):
    condition = _nothing()
    for org_id, roles in roles_by_organization(user).items():
        if {r for r in roles if not r.startswith("title:")} - {Role.EXECUTIVE}:
            condition |= Q(organization_id=org_id)
        elif Role.EXECUTIVE in roles:
            condition |= Q(organization_id=org_id, executive=user)
    return qs.filter(condition)


def scope_plans(qs, user):
    from suunta.agreements.models import PlanVersion

    condition = _nothing()
    for org_id, roles in roles_by_organization(user).items():
        in_org = Q(agreement__organization_id=org_id)
        statuses = visible_version_statuses(user, org_id)
        if statuses is None:
            if roles & FULL_READERS:
                condition |= in_org
            else:  # an executive alone reads the plans of own agreements
                condition |= in_org & Q(agreement__executive=user)
        elif statuses:
            visible = PlanVersion.objects.filter(plan=OuterRef("pk"), status__in=statuses)
            condition |= in_org & Exists(visible)
    return qs.filter(condition)


def scope_discussions(qs, user):
    """Discussions are for the people who hold them: the executive (own agreement),
    evaluators, preparers and admins of the organization, and the participants while
    they still hold a role there (someone whose term ended no longer reads the notes).
    Board members and auditors never see them."""
    from suunta.discussions.models import Participant

    condition = _nothing()
    for org_id, roles in roles_by_organization(user).items():
        if roles & DISCUSSION_STAFF:
            condition |= Q(agreement__organization_id=org_id)
            continue
        if Role.EXECUTIVE in roles:
            condition |= Q(agreement__organization_id=org_id, agreement__executive=user)
        condition |= Q(agreement__organization_id=org_id) & Exists(
            Participant.objects.filter(discussion=OuterRef("pk"), user_id=user.pk)
        )
    return qs.filter(condition)


DISCUSSION_STAFF = frozenset({Role.EVALUATOR, Role.PREPARER, Role.ADMIN})


def is_participant(user, discussion) -> bool:
    """Uses the prefetched participants when the caller prefetched them."""
    return any(p.user_id == user.pk for p in discussion.participants.all())


def scope_versions(versions: Iterable, user, organization_id: int) -> list:
    """Filter already-fetched versions of one organization's plan to the visible ones."""
    statuses = visible_version_statuses(user, organization_id)
    return [v for v in versions if statuses is None or v.status in statuses]


# --- Decisions on single objects ------------------------------------------------------


def can(user, action: str, obj) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if action == EDIT_PLAN:
        # obj: a PlanVersion. Only drafts change; the executive never edits own goals.
        agreement = obj.plan.agreement
        return (
            obj.is_editable
            and user.pk != agreement.executive_id
            and bool(roles_in(user, agreement.organization_id) & PLAN_EDITORS)
        )
    if action == CREATE_PLAN:
        # obj: a DirectorAgreement.
        return user.pk != obj.executive_id and bool(roles_in(user, obj.organization_id) & PLAN_EDITORS)
    if action == TAKE_STEP:
        version, step = obj
        agreement = version.plan.agreement
        if step.organization_id != agreement.organization_id or step.from_status != version.status:
            return False
        # The executive is disqualified in matters of his or her own goals: never proposes,
        # handles, approves or records a decision on them, whatever roles he or she holds.
        if user.pk == agreement.executive_id:
            return False
        return bool(roles_in(user, agreement.organization_id) & step.roles)
    if action in (AMEND_PLAN, CREATE_NEXT_PLAN):
        # obj: a PlanVersion (the approved one to copy from).
        agreement = obj.plan.agreement
        if user.pk == agreement.executive_id or not roles_in(user, agreement.organization_id) & PLAN_EDITORS:
            return False
        if action == AMEND_PLAN:
            return obj.status == "approved"
        if obj.status not in {"approved", "closed", "superseded"}:
            return False
        # Only once: the next period's plan may already exist.
        return not agreement.plans.filter(period_start__gt=obj.plan.period_end).exists()
    if action == RECORD_METRIC_VALUE:
        # obj: a PlanVersion. Values are measurements of a plan in force (approved):
        # the executive reports own numbers, the preparer keeps them up to date.
        agreement = obj.plan.agreement
        if obj.status != "approved":
            return False
        return user.pk == agreement.executive_id or Role.PREPARER in roles_in(user, agreement.organization_id)
    if action == SET_WEIGHTS:
        # obj: a PlanVersion. Weights are part of the goals: same rule as editing them.
        return obj.plan.agreement.organization.use_weights and can(user, EDIT_PLAN, obj)
    if action == ATTACH_EVIDENCE:
        # obj: a Checkpoint. Evidence belongs to the user's own self-assessment or view.
        return can(user, WRITE_SELF_ASSESSMENT, obj) or can(user, WRITE_VIEW, obj)
    if action == READ_DOCUMENT:
        return _can_read_document(user, *obj)
    if action in DISCUSSION_ACTIONS:
        return _can_discussion(user, action, obj)
    if action in FOLLOWUP_ACTIONS:
        checkpoint = obj
        agreement = checkpoint.version.plan.agreement
        roles = roles_in(user, agreement.organization_id)
        is_executive = user.pk == agreement.executive_id
        if action == WRITE_SELF_ASSESSMENT:
            return is_executive
        if is_executive:  # never evaluates, agrees on or reports own goals
            return False
        return bool(roles & FOLLOWUP_ACTIONS[action])
    if action == VIEW_AUDIT:
        # obj: an Organization. Auditors and organization admins.
        return bool(roles_in(user, obj.pk) & {Role.AUDITOR, Role.ADMIN})
    if action == MANAGE_MEMBERS:
        # obj: an Organization. Organization admins only; operators use the Django admin.
        return Role.ADMIN in roles_in(user, obj.pk)
    if action == GRANT_ROLE:
        organization, person, role = obj
        # A role that opens confidential notes is never given by an admin to him- or
        # herself: an admin is no evaluator by his or her own decision.
        if role in CONFIDENTIAL_ROLES and person is not None and person.pk == user.pk:
            return False
        return Role.ADMIN in roles_in(user, organization.pk)
    if action == CONFIRM_GRANT:
        # obj: a Membership waiting for confirmation: a second admin, neither the one who
        # gave it nor the one who gets it.
        membership = obj
        return (
            membership.awaiting_confirmation
            and user.pk not in (membership.granted_by_id, membership.user_id)
            and Role.ADMIN in roles_in(user, membership.organization_id)
        )
    raise ValueError(f"Unknown action {action!r}")


def grant_needs_confirmation(organization_id: int, person, role: str) -> bool:
    """A confidential role for someone who is an admin of the organization waits for a
    second admin: two admins cannot make each other evaluators alone."""
    if role not in CONFIDENTIAL_ROLES:
        return False
    return (
        Membership.objects.valid_on()
        .filter(organization_id=organization_id, user_id=person.pk, role=Role.ADMIN)
        .exists()
    )


def _can_read_document(user, version, kind: str, followup_status: str | None) -> bool:
    """Documents show what their reader may read in the app: the annex of a visible
    version; a follow-up report once agreed (insiders) or reported (board members,
    auditors); the agenda item draft for the people who prepare the board's agenda."""
    agreement = version.plan.agreement
    roles = roles_in(user, agreement.organization_id)
    statuses = visible_version_statuses(user, agreement.organization_id)
    if statuses is not None and version.status not in statuses:
        return False
    insider = user.pk == agreement.executive_id or bool(roles & FULL_READERS)
    if kind == "annex":
        return insider or bool(statuses)
    if kind == "followup-report":
        if followup_status == "reported":
            return insider or bool(roles & {Role.BOARD_MEMBER, Role.AUDITOR})
        return followup_status == "agreed" and insider
    if kind == "agenda":
        return bool(roles & PLAN_EDITORS) and user.pk != agreement.executive_id
    return False


DISCUSSION_ACTIONS = frozenset(
    {
        CREATE_DISCUSSION,
        EDIT_DISCUSSION,
        WRITE_MEMO,
        READ_RESTRICTED,
        CONFIRM_MEMO,
        CLOSE_MEMO,
        CREATE_SURVEY,
        ANSWER_SURVEY,
        ADD_PARTICIPANTS,
        READ_ITEM,
        SHARE_ITEM,
        VIEW_RESTRICTED_USE,
    }
)


def _can_discussion(user, action: str, obj) -> bool:
    from suunta.lib.clock import today

    if action == CREATE_DISCUSSION:
        # obj: a DirectorAgreement. The evaluators or the preparer set the meeting up.
        return user.pk != obj.executive_id and bool(
            roles_in(user, obj.organization_id) & {Role.EVALUATOR, Role.PREPARER}
        )
    if action in (READ_ITEM, SHARE_ITEM):
        return _can_item(user, action, obj)
    if action == VIEW_RESTRICTED_USE:
        # obj: a DirectorAgreement. The executive sees who read his or her restricted notes.
        return user.pk == obj.executive_id and bool(roles_in(user, obj.organization_id))
    if action == ANSWER_SURVEY:
        # obj: a Survey. Its recipients, until the day it closes, before the memo is frozen.
        survey = obj
        return (
            any(r.pk == user.pk for r in survey.recipients.all())
            and today() <= survey.closes_on
            and not survey.discussion.is_frozen
        )
    discussion = obj
    agreement = discussion.agreement
    roles = roles_in(user, agreement.organization_id)
    # A participant counts while holding a role in the organization.
    participant = bool(roles) and is_participant(user, discussion)
    is_executive = user.pk == agreement.executive_id
    if action == READ_RESTRICTED:
        # Restricted texts are for the people in the room, and the executive they concern.
        return participant or is_executive
    if discussion.is_frozen:
        return False  # a confirmed memo never changes
    if action == EDIT_DISCUSSION:
        return not is_executive and (participant or bool(roles & {Role.EVALUATOR, Role.PREPARER}))
    if action == ADD_PARTICIPANTS:
        # Whoever arranges the meeting chooses the people while nothing has been written.
        # Once the memo has content, only a member of the circle (not the executive, who
        # is discussed) brings someone new in: nobody draws a circle around notes
        # written without them.
        if not can(user, EDIT_DISCUSSION, discussion):
            return False
        return (participant and not is_executive) or not discussion.has_content()
    if action == WRITE_MEMO:
        # The evaluators (or a preparer taking part as secretary) write; the executive
        # reads and confirms.
        return participant and not is_executive
    if action == CONFIRM_MEMO:
        return participant
    if action == CLOSE_MEMO:
        return not is_executive and MAYOR in roles
    if action == CREATE_SURVEY:
        return not is_executive and MAYOR in roles and not hasattr_survey(discussion)
    raise ValueError(f"Unknown action {action!r}")


def _can_item(user, action: str, item) -> bool:
    """A development item is read by the executive it concerns, by the people in the
    room where it was written (its discussion's participants, while they hold a role in
    the organization) and by those the executive or a member of that room shared it
    with. The circle of a later discussion does not matter: drawing a new circle never
    opens earlier notes."""
    agreement = item.agreement
    roles = roles_in(user, agreement.organization_id)
    if not roles:
        return False
    is_executive = user.pk == agreement.executive_id
    in_circle = is_participant(user, item.raised_in)
    if action == SHARE_ITEM:
        return is_executive or in_circle
    return is_executive or in_circle or any(share.user_id == user.pk for share in item.shares.all())


def hasattr_survey(discussion) -> bool:
    from suunta.discussions.models import Survey

    try:
        return discussion.survey is not None
    except Survey.DoesNotExist:
        return False


FOLLOWUP_ACTIONS = {
    WRITE_SELF_ASSESSMENT: frozenset({Role.EXECUTIVE}),
    WRITE_VIEW: frozenset({Role.EVALUATOR}),
    WRITE_AGREED: frozenset({Role.PREPARER, Role.EVALUATOR}),
    MARK_AGREED: frozenset({Role.PREPARER, MAYOR}),
    CLOSE_FOLLOWUP_STEP: frozenset({Role.PREPARER, MAYOR}),
    REPORT_FOLLOWUP: frozenset({Role.PREPARER}),
}


def visible_assessments(user, assessments, agreement, followup_status: str) -> list:
    """Which assessments of one checkpoint the user may read.

    Drafts only to their author. Submitted self-assessments and views to the executive,
    evaluators, preparers and admins of the organization. The agreed follow-up to them
    at once, and to board members and auditors once it has been reported to the board.
    """
    roles = roles_in(user, agreement.organization_id)
    insiders = user.pk == agreement.executive_id or bool(roles & FULL_READERS)
    reported = followup_status == "reported"
    result = []
    for assessment in assessments:
        if assessment.author_id == user.pk:
            result.append(assessment)
        elif assessment.kind == "agreed":
            if insiders or (reported and roles & {Role.BOARD_MEMBER, Role.AUDITOR}):
                result.append(assessment)
        elif assessment.submitted_at is not None and insiders:
            result.append(assessment)
    return result


def can_use_django_admin(user) -> bool:
    """The Django admin is the operators' tool: superusers only, never an organization role."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


def organization_of(obj) -> int | None:
    """The organization an object belongs to (for audit events and scoping)."""
    from suunta.organizations.models import Organization

    if isinstance(obj, tuple):
        obj = obj[0]
    if obj is None:
        return None
    if isinstance(obj, Organization):
        return obj.pk
    for path in (
        "organization_id",
        "agreement.organization_id",
        "plan.agreement.organization_id",
        "version.plan.agreement.organization_id",
        "goal_area.version.plan.agreement.organization_id",
        "discussion.agreement.organization_id",
    ):
        value = obj
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        return value
    return None


def require(user, action: str, obj) -> None:
    """PermissionDenied (403) unless the user may; the refusal is audited.

    Raised as audit.Refused: a service's @recording_refusals or, in a view, the
    RefusalAuditMiddleware writes the event once no transaction is open."""
    if not can(user, action, obj):
        from suunta.audit.services import Refused

        target = obj[0] if isinstance(obj, tuple) else obj
        raise Refused(
            f"{action}.denied",
            actor=user if getattr(user, "is_authenticated", False) else None,
            organization=organization_of(obj),
            obj=target,
        )


def get_scoped_or_404(scoped_qs, user, **lookup):
    """The object from the user's scope, or 404. A miss on an object that exists in
    another scope (another organization's id, a plan the role may not see) is a refused
    attempt and is audited in the object's organization."""
    try:
        return scoped_qs.get(**lookup)
    except scoped_qs.model.DoesNotExist:
        from django.http import Http404

        from suunta.audit.services import in_transaction, record_refusal

        existing = scoped_qs.model._base_manager.filter(**lookup).first()
        if existing is not None and not in_transaction():
            record_refusal(
                "access.out_of_scope",
                actor=user if getattr(user, "is_authenticated", False) else None,
                organization=organization_of(existing),
                obj=existing,
            )
        raise Http404 from None
