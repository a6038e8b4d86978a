"""Who may see and do what: the one place that decides.

Views, services, the admin, exports and document downloads ask here. Two kinds of answer:
- scoped query sets (`scope_*`, used by each model's `for_user`) decide what a user
  can see at all; anything outside is a 404;
- `can(user, action, obj)` decides whether a visible object may be changed now;
  `require` turns a "no" into PermissionDenied (403).

`can` looks the action up in RULES, a table of small predicates, one per action (the
follow-up and discussion actions in tables of their own below). A new action is a new
row, never a new branch in a long function.

Roles come from Membership rows valid on the day (the clock's today), per
organization; they are read once per request and cached on the user object. Who holds
which position on a day (the evaluators, the presenter, survey recipients) is
organizations/people.py.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from suunta.agreements.models import FROZEN_STATUSES, GoalPlan, PlanVersion, VersionStatus
from suunta.audit.services import Refused, in_transaction, record_refusal
from suunta.discussions.models import Participant, Survey
from suunta.followup.models import FollowUp, FollowUpStatus
from suunta.lib.clock import today
from suunta.organizations.models import CONFIDENTIAL_ROLES, Membership, Organization, PositionRight, Role
from suunta.security.models import TwoFactorRequirement

# Actions
EDIT_PLAN = "edit_plan"  # change goals, metrics and checkpoints of a version
CREATE_PLAN = "create_plan"  # create a new plan for an agreement
MANAGE_MEMBERS = "manage_members"  # add and end memberships of an organization
SET_UP = "set_up_organization"  # the organization's positions and their rights
CONFIGURE_SSO = "configure_sso"  # the organization's single sign-on provider (obj: Organization)
CREATE_AGREEMENT = "create_agreement"  # a director agreement of the organization
CORRECT_DECISION = "correct_decision"  # correct a recorded handling's date, § or case number
EDIT_AGREEMENT = "edit_agreement"  # correct an agreement's details, attach the signed agreement
TAKE_STEP = "take_step"  # move a plan version along the workflow (obj: (version, step))
AMEND_PLAN = "amend_plan"  # start version N+1 of an approved plan
CREATE_NEXT_PLAN = "create_next_plan"  # next period's plan from an approved or closed one
VIEW_AUDIT = "view_audit"  # read an organization's audit log
# The strategy, budget targets and realisation figures (obj: Organization).
MANAGE_STRATEGY = "manage_strategy"
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
READ_EVIDENCE = "read_evidence"  # obj: an Evidence with its assessment, checkpoint, version, plan
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
# Performance pay: the rules (obj: Organization); the annual salary (obj: a Checkpoint)
SET_PAY_RULES = "set_pay_rules"
ENTER_SALARY = "enter_salary"
READ_SALARY = "read_salary"
# Reminders (suunta/reminders), obj: an Organization
VIEW_REMINDER_LOG = "view_reminder_log"  # what was sent to whom, what failed
SET_REMINDER_DEFAULTS = "set_reminder_defaults"  # the organization's defaults
ORGANIZATION_FEED = "organization_feed"  # the organization's calendar feed
# Information management (obj: Organization): retention rules and legal holds; the copy
# of a person's data produced for a request made by other means (suunta/infomgmt).
MANAGE_RETENTION = "manage_retention"
PRODUCE_SUBJECT_COPY = "produce_subject_copy"
# Position rights (organizations.PositionRight) ride along with the roles as "right:…".
MARK_AGREED_RIGHT = f"right:{PositionRight.MARK_AGREED}"
CLOSE_MEMO_RIGHT = f"right:{PositionRight.CLOSE_MEMO}"
CREATE_SURVEY_RIGHT = f"right:{PositionRight.CREATE_SURVEY}"

PLAN_EDITORS = frozenset({Role.EVALUATOR, Role.PREPARER})
# Read every plan of the organization, whatever its state.
FULL_READERS = frozenset({Role.EVALUATOR, Role.PREPARER, Role.ADMIN})
# Read only what has reached the board (board members) or been approved (auditors).
BOARD_VISIBLE = frozenset({VersionStatus.PROPOSED, *FROZEN_STATUSES})
AUDITOR_VISIBLE = FROZEN_STATUSES
# Readers of reported follow-ups and documents who see nothing before the board does.
BOARD_READERS = frozenset({Role.BOARD_MEMBER, Role.AUDITOR})
# See every discussion of the organization (not its restricted texts).
DISCUSSION_STAFF = frozenset({Role.EVALUATOR, Role.PREPARER, Role.ADMIN})
# A follow-up whose agreed texts count as agreed: the discussion and the documents start from these.
SETTLED_FOLLOWUP = frozenset({FollowUpStatus.AGREED, FollowUpStatus.REPORTED})

_CACHE_ATTR = "_suunta_roles"
# An organization's service principal (an API service token, suunta/api) holds no
# memberships: act_as_service gives it its roles for the request.
_SERVICE_ATTR = "_suunta_service"
# A service principal whose token has the write:values scope records metric values and
# budget realisation figures of its organization.
SERVICE_WRITER = "service:write_values"
# Budget realisation figures (obj: Organization): the strategy's keepers, and a service
# principal with the write scope (a finance system).
RECORD_REALISATION = "record_realisation"
# The organization's service tokens (obj: Organization): its admins.
MANAGE_API_TOKENS = "manage_api_tokens"


# --- Roles ------------------------------------------------------------------------------


def roles_by_organization(user) -> dict[int, frozenset[str]]:
    """{organization id: roles} for memberships valid today. One query per request."""
    if not getattr(user, "is_authenticated", False):
        return {}
    service = getattr(user, _SERVICE_ATTR, None)
    if service is not None:
        return service
    day = today()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None and cached[0] == day:
        return cached[1]
    roles: dict[int, set[str]] = {}
    # The position's rights come in the same query (a join on organization and code).
    rights = [f"position__{right}" for right in PositionRight.values]
    memberships = (
        Membership.objects.valid_on(day)
        .filter(user=user)
        .values_list("organization_id", "role", "agreement_id", *rights)
    )
    for org_id, role, agreement_id, *held in memberships:
        # An evaluator's role and rights hold for one agreement: "evaluator@12".
        scope = f"@{agreement_id}" if agreement_id else ""
        granted = roles.setdefault(org_id, set())
        granted.add(role + scope)
        granted.update(
            f"right:{right}{scope}" for right, has in zip(PositionRight.values, held, strict=True) if has
        )
    result = {org_id: frozenset(r) for org_id, r in roles.items()}
    setattr(user, _CACHE_ATTR, (day, result))
    return result


def roles_in(user, organization_id: int) -> frozenset[str]:
    """The user's roles in the organization; evaluators' as "evaluator@<agreement id>"."""
    return roles_by_organization(user).get(organization_id, frozenset())


def roles_for(user, agreement) -> frozenset[str]:
    """The user's roles in matters of one agreement: the organization's roles, and the
    evaluator's role and position rights held for this agreement."""
    roles = roles_in(user, agreement.organization_id)
    suffix = f"@{agreement.pk}"
    own = {r[: -len(suffix)] for r in roles if r.endswith(suffix)}
    general = {r for r in roles if "@" not in r}
    # The executive role counts in matters of one's own agreement only: a sector director
    # is nobody in the chief's (the goal cascade, several agreements in one organization).
    if Role.EXECUTIVE in general and not is_executive(user, agreement):
        general.discard(Role.EXECUTIVE)
    return frozenset(general) | own


def evaluated_agreements(roles: Iterable[str]) -> set[int]:
    """The agreements an organization's roles evaluate (from "evaluator@<id>")."""
    prefix = f"{Role.EVALUATOR}@"
    return {int(r[len(prefix) :]) for r in roles if r.startswith(prefix)}


def act_as_service(user, organization_id: int, *, may_write: bool) -> None:
    """The user is the organization's service principal for this request: it reads what
    a board member of the organization reads and, where its token may write, records
    metric values and budget figures. Nothing else: no other organization, no
    discussions, no drafts."""
    roles = {Role.BOARD_MEMBER} | ({SERVICE_WRITER} if may_write else set())
    setattr(user, _SERVICE_ATTR, {organization_id: frozenset(roles)})


def forget_roles(user) -> None:
    """Drop the cached roles (after memberships change within one request or test)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_executive(user, agreement) -> bool:
    """The user is the executive whose goals these are: what this grants (own
    self-assessment, own restricted notes, the use log of them) is asked by this name."""
    return user.pk == agreement.executive_id


def is_disqualified(user, agreement) -> bool:
    """The executive is disqualified in matters of his or her own goals (hallintolaki
    28 §): never edits, proposes, handles, approves, evaluates or reports them."""
    return is_executive(user, agreement)


def is_insider(user, agreement) -> bool:
    """The executive and the people who prepare and evaluate the goals: they read the
    self-assessments, views and agreed texts at once, drafts of plans and all versions."""
    return is_executive(user, agreement) or bool(roles_for(user, agreement) & FULL_READERS)


def _visible_statuses(roles) -> frozenset[str] | None:
    if roles & FULL_READERS or Role.EXECUTIVE in roles:
        return None
    statuses: set[str] = set()
    if Role.BOARD_MEMBER in roles:
        statuses |= BOARD_VISIBLE
    if Role.AUDITOR in roles:
        statuses |= AUDITOR_VISIBLE
    return frozenset(statuses)


def visible_version_statuses(user, agreement) -> frozenset[str] | None:
    """Which version states of the agreement's plans the user may read; None means all."""
    return _visible_statuses(roles_for(user, agreement))


def _organization_roles(roles) -> frozenset[str]:
    """The roles held for the whole organization (not an evaluator's for one agreement)."""
    return frozenset(r for r in roles if "@" not in r)


# --- Scoped query sets ------------------------------------------------------------------


def _nothing() -> Q:
    return Q(pk__in=[])


def scope_organizations(qs, user):
    return qs.filter(pk__in=list(roles_by_organization(user)))


def scope_agreements(qs, user):
    condition = _nothing()
    for org_id, roles in roles_by_organization(user).items():
        own = _organization_roles(roles)
        if {r for r in own if not r.startswith("right:")} - {Role.EXECUTIVE}:
            condition |= Q(organization_id=org_id)
            continue
        if Role.EXECUTIVE in own:
            condition |= Q(organization_id=org_id, executive=user)
        condition |= Q(organization_id=org_id, pk__in=evaluated_agreements(roles))
    return qs.filter(condition)


def scope_plans(qs, user):
    condition = _nothing()
    for org_id, roles in roles_by_organization(user).items():
        in_org = Q(agreement__organization_id=org_id)
        # An evaluator reads every plan of the agreements he or she evaluates.
        condition |= in_org & Q(agreement_id__in=evaluated_agreements(roles))
        own = _organization_roles(roles)
        statuses = _visible_statuses(own)
        if statuses is None:
            if own & FULL_READERS:
                condition |= in_org
            else:  # an executive alone reads the plans of own agreements
                condition |= in_org & Q(agreement__executive=user)
        elif statuses:
            visible = PlanVersion.objects.filter(plan=OuterRef("pk"), status__in=statuses)
            condition |= in_org & Exists(visible)
    return qs.filter(condition)


def scope_discussions(qs, user):
    """Discussions are for the people who hold them: the executive (own agreement),
    the evaluators of the agreement, preparers and admins of the organization, and the
    participants while they still hold a role there (someone whose term ended no longer
    reads the notes). Board members and auditors never see them."""
    condition = _nothing()
    for org_id, roles in roles_by_organization(user).items():
        own = _organization_roles(roles)
        if own & DISCUSSION_STAFF:
            condition |= Q(agreement__organization_id=org_id)
            continue
        condition |= Q(agreement__organization_id=org_id, agreement_id__in=evaluated_agreements(roles))
        if Role.EXECUTIVE in own:
            condition |= Q(agreement__organization_id=org_id, agreement__executive=user)
        condition |= Q(agreement__organization_id=org_id) & Exists(
            Participant.objects.filter(discussion=OuterRef("pk"), user_id=user.pk)
        )
    return qs.filter(condition)


def is_participant(user, discussion) -> bool:
    """Uses the prefetched participants when the caller prefetched them."""
    return any(p.user_id == user.pk for p in discussion.participants.all())


def scope_versions(versions: Iterable, user, agreement) -> list:
    """Filter already-fetched versions of one agreement's plan to the visible ones."""
    statuses = visible_version_statuses(user, agreement)
    return [v for v in versions if statuses is None or v.status in statuses]


# --- What may be read of a follow-up ----------------------------------------------------


def can_read_agreed(user, agreement, followup_status: str) -> bool:
    """Agreed follow-up texts: insiders at once, board members and auditors once the
    follow-up has been reported to the board."""
    if is_insider(user, agreement):
        return True
    return followup_status == FollowUpStatus.REPORTED and bool(roles_for(user, agreement) & BOARD_READERS)


def visible_assessments(user, assessments, agreement, followup_status: str) -> list:
    """Which assessments of one checkpoint the user may read.

    Drafts only to their author. Submitted self-assessments and views to the insiders.
    The agreed follow-up as can_read_agreed says.
    """
    insider = is_insider(user, agreement)
    agreed_readable = can_read_agreed(user, agreement, followup_status)
    result = []
    for assessment in assessments:
        if assessment.author_id == user.pk:
            result.append(assessment)
        elif assessment.kind == "agreed":
            if agreed_readable:
                result.append(assessment)
        elif assessment.submitted_at is not None and insider:
            result.append(assessment)
    return result


# --- Rules: one small predicate per action -----------------------------------------------


def _plan_editor(user, agreement) -> bool:
    return not is_disqualified(user, agreement) and bool(roles_for(user, agreement) & PLAN_EDITORS)


def _edit_plan(user, version) -> bool:
    # Only drafts change; the executive never edits own goals.
    return version.is_editable and _plan_editor(user, version.plan.agreement)


def _create_plan(user, agreement) -> bool:
    return _plan_editor(user, agreement)


def _take_step(user, obj) -> bool:
    version, step = obj
    agreement = version.plan.agreement
    if step.organization_id != agreement.organization_id or step.from_status != version.status:
        return False
    # Whatever roles he or she holds, the executive never takes a step on own goals.
    return not is_disqualified(user, agreement) and bool(roles_for(user, agreement) & step.roles)


def _amend_plan(user, version) -> bool:
    return version.status == VersionStatus.APPROVED and _plan_editor(user, version.plan.agreement)


def _create_next_plan(user, version) -> bool:
    agreement = version.plan.agreement
    if version.status not in FROZEN_STATUSES or not _plan_editor(user, agreement):
        return False
    # Only once: the next period's plan may already exist.
    return not agreement.plans.filter(period_start__gt=version.plan.period_end).exists()


def _record_metric_value(user, version) -> bool:
    # Values are measurements of a plan in force: the executive reports own numbers,
    # the preparer keeps them up to date.
    agreement = version.plan.agreement
    if version.status != VersionStatus.APPROVED:
        return False
    return is_executive(user, agreement) or bool(roles_for(user, agreement) & {Role.PREPARER, SERVICE_WRITER})


def _set_weights(user, version) -> bool:
    # Weights are part of the goals: the same rule as editing them.
    return version.plan.agreement.organization.use_weights and _edit_plan(user, version)


def _attach_evidence(user, checkpoint) -> bool:
    # Evidence belongs to the user's own self-assessment or view.
    return can(user, WRITE_SELF_ASSESSMENT, checkpoint) or can(user, WRITE_VIEW, checkpoint)


def _read_evidence(user, evidence) -> bool:
    """Whoever may read the assessment it belongs to: the plan in the user's scope, the
    version visible to the user's roles, the assessment among visible_assessments."""
    assessment = evidence.assessment
    checkpoint = assessment.checkpoint
    version = checkpoint.version
    agreement = version.plan.agreement
    if not scope_plans(GoalPlan.objects.filter(pk=version.plan_id), user).exists():
        return False
    if not scope_versions([version], user, agreement):
        return False
    status = FollowUp.objects.filter(checkpoint=checkpoint).values_list("status", flat=True).first()
    return bool(visible_assessments(user, [assessment], agreement, status or FollowUpStatus.OPEN))


def _view_audit(user, organization) -> bool:
    return bool(roles_in(user, organization.pk) & {Role.AUDITOR, Role.ADMIN})


def _manage_members(user, organization) -> bool:
    # Organization admins only; operators use the Django admin.
    return Role.ADMIN in roles_in(user, organization.pk)


def _view_reminder_log(user, organization) -> bool:
    return bool(roles_in(user, organization.pk) & {Role.PREPARER, Role.ADMIN})


def _organization_feed(user, organization) -> bool:
    return Role.PREPARER in roles_in(user, organization.pk)


def _configure_sso(user, organization) -> bool:
    # The organization's own admin, or an operator setting it up for them.
    return can_use_django_admin(user) or Role.ADMIN in roles_in(user, organization.pk)


def _manage_strategy(user, organization) -> bool:
    # The council's strategy and the budget are public decisions that the preparer or the
    # organization's admin enter; evaluators and the executive link goals to them.
    return bool(roles_in(user, organization.pk) & {Role.PREPARER, Role.ADMIN})


def _record_realisation(user, organization) -> bool:
    return _manage_strategy(user, organization) or SERVICE_WRITER in roles_in(user, organization.pk)


def _enter_salary(user, checkpoint) -> bool:
    # Personal data of the executive: the preparer or the organization's admin enter it,
    # never the executive (disqualified) and never an evaluator.
    agreement = checkpoint.version.plan.agreement
    return bool(roles_for(user, agreement) & {Role.PREPARER, Role.ADMIN}) and not is_disqualified(
        user, agreement
    )


def _read_salary(user, checkpoint) -> bool:
    """Whoever enters it, the executive whose salary it is, and board members once the
    results are on the board's agenda (a handling of the checkpoint exists)."""
    agreement = checkpoint.version.plan.agreement
    if _enter_salary(user, checkpoint) or (
        is_executive(user, agreement) and bool(roles_for(user, agreement))
    ):
        return True
    if Role.BOARD_MEMBER in roles_for(user, agreement):
        return checkpoint.reports.exists()
    return False


def _correct_decision(user, handling) -> bool:
    # Who records decisions corrects them: the agreement's preparer, never the executive.
    agreement = handling.version.plan.agreement
    return Role.PREPARER in roles_for(user, agreement) and not is_disqualified(user, agreement)


def _edit_agreement(user, agreement) -> bool:
    # The organization's admin, but never on his or her own agreement.
    return _manage_members(user, agreement.organization) and not is_disqualified(user, agreement)


def _grant_role(user, obj) -> bool:
    organization, person, role = obj
    # A role that opens confidential notes is never given by an admin to him- or
    # herself: an admin is no evaluator by his or her own decision.
    if role in CONFIDENTIAL_ROLES and person is not None and person.pk == user.pk:
        return False
    return _manage_members(user, organization)


def _confirm_grant(user, membership) -> bool:
    # A second admin, neither the one who gave it nor the one who gets it.
    return (
        membership.awaiting_confirmation
        and user.pk not in (membership.granted_by_id, membership.user_id)
        and Role.ADMIN in roles_in(user, membership.organization_id)
    )


def _read_document(user, obj) -> bool:
    """Documents show what their reader may read in the app: the annex of a visible
    version; a follow-up report once agreed (insiders) or reported (board members,
    auditors); the agenda item draft for the people who prepare the board's agenda."""
    version, kind, followup_status = obj
    agreement = version.plan.agreement
    statuses = visible_version_statuses(user, agreement)
    if statuses is not None and version.status not in statuses:
        return False
    if kind == "annex":
        return is_insider(user, agreement) or bool(statuses)
    if kind == "followup-report":
        return followup_status in SETTLED_FOLLOWUP and can_read_agreed(user, agreement, followup_status)
    if kind == "agenda":
        return _plan_editor(user, agreement)
    return False


# Follow-up actions on a Checkpoint: the roles that may take each. The executive writes
# only the self-assessment; never evaluates, agrees on or reports own goals.
FOLLOWUP_ACTIONS = {
    WRITE_SELF_ASSESSMENT: frozenset({Role.EXECUTIVE}),
    WRITE_VIEW: frozenset({Role.EVALUATOR}),
    WRITE_AGREED: frozenset({Role.PREPARER, Role.EVALUATOR}),
    MARK_AGREED: frozenset({Role.PREPARER, MARK_AGREED_RIGHT}),
    CLOSE_FOLLOWUP_STEP: frozenset({Role.PREPARER, MARK_AGREED_RIGHT}),
    REPORT_FOLLOWUP: frozenset({Role.PREPARER}),
}


def _followup_rule(action: str) -> Callable:
    def rule(user, checkpoint) -> bool:
        agreement = checkpoint.version.plan.agreement
        if action == WRITE_SELF_ASSESSMENT:
            return is_executive(user, agreement)
        if is_disqualified(user, agreement):
            return False
        return bool(roles_for(user, agreement) & FOLLOWUP_ACTIONS[action])

    return rule


# --- Discussions -------------------------------------------------------------------------


def _in_room(user, discussion) -> bool:
    """A participant counts while holding a role in the organization."""
    return bool(roles_for(user, discussion.agreement)) and is_participant(user, discussion)


def _create_discussion(user, agreement) -> bool:
    # The evaluators or the preparer set the meeting up.
    return not is_disqualified(user, agreement) and bool(
        roles_for(user, agreement) & {Role.EVALUATOR, Role.PREPARER}
    )


def _answer_survey(user, survey) -> bool:
    # Its recipients, until the day it closes, before the memo is frozen.
    return (
        any(r.pk == user.pk for r in survey.recipients.all())
        and today() <= survey.closes_on
        and not survey.discussion.is_frozen
    )


def _read_restricted(user, discussion) -> bool:
    # Restricted texts are for the people in the room, and the executive they concern.
    return _in_room(user, discussion) or is_executive(user, discussion.agreement)


def _edit_discussion(user, discussion) -> bool:
    agreement = discussion.agreement
    if discussion.is_frozen or is_disqualified(user, agreement):
        return False
    return _in_room(user, discussion) or bool(roles_for(user, agreement) & {Role.EVALUATOR, Role.PREPARER})


def _add_participants(user, discussion) -> bool:
    # Whoever arranges the meeting chooses the people while nothing has been written.
    # Once the memo has content, only a member of the circle (not the executive, who is
    # discussed) brings someone new in: nobody draws a circle around notes written
    # without them.
    if not _edit_discussion(user, discussion):
        return False
    return _in_room(user, discussion) or not discussion.has_content()


def _write_memo(user, discussion) -> bool:
    # The evaluators (or a preparer taking part as secretary) write; the executive
    # reads and confirms.
    return (
        not discussion.is_frozen
        and _in_room(user, discussion)
        and not is_disqualified(user, discussion.agreement)
    )


def _confirm_memo(user, discussion) -> bool:
    return not discussion.is_frozen and _in_room(user, discussion)


def _holds_on_open(right: str) -> Callable:
    """The discussion is open and the user's position carries the right."""

    def rule(user, discussion) -> bool:
        agreement = discussion.agreement
        return (
            not discussion.is_frozen
            and not is_disqualified(user, agreement)
            and right in roles_for(user, agreement)
        )

    return rule


_close_memo = _holds_on_open(CLOSE_MEMO_RIGHT)


def _create_survey(user, discussion) -> bool:
    return _holds_on_open(CREATE_SURVEY_RIGHT)(user, discussion) and not has_survey(discussion)


def has_survey(discussion) -> bool:
    try:
        return discussion.survey is not None
    except Survey.DoesNotExist:
        return False


def _item_rule(share: bool) -> Callable:
    def rule(user, item) -> bool:
        """A development item is read by the executive it concerns, by the people in the
        room where it was written (its discussion's participants, while they hold a
        role in the organization) and by those the executive or a member of that room
        shared it with. The circle of a later discussion does not matter: drawing a new
        circle never opens earlier notes."""
        agreement = item.agreement
        if not roles_for(user, agreement):
            return False
        if is_executive(user, agreement) or is_participant(user, item.raised_in):
            return True
        return not share and any(s.user_id == user.pk for s in item.shares.all())

    return rule


def _view_restricted_use(user, agreement) -> bool:
    # The executive sees who has read his or her restricted notes.
    return is_executive(user, agreement) and bool(roles_for(user, agreement))


RULES: dict[str, Callable] = {
    EDIT_PLAN: _edit_plan,
    CREATE_PLAN: _create_plan,
    TAKE_STEP: _take_step,
    AMEND_PLAN: _amend_plan,
    CREATE_NEXT_PLAN: _create_next_plan,
    RECORD_METRIC_VALUE: _record_metric_value,
    SET_WEIGHTS: _set_weights,
    ATTACH_EVIDENCE: _attach_evidence,
    READ_EVIDENCE: _read_evidence,
    READ_DOCUMENT: _read_document,
    VIEW_AUDIT: _view_audit,
    MANAGE_MEMBERS: _manage_members,
    SET_UP: _manage_members,
    CONFIGURE_SSO: _configure_sso,
    CREATE_AGREEMENT: _manage_members,
    EDIT_AGREEMENT: _edit_agreement,
    CORRECT_DECISION: _correct_decision,
    SET_PAY_RULES: _manage_members,
    SET_REMINDER_DEFAULTS: _manage_members,
    VIEW_REMINDER_LOG: _view_reminder_log,
    ORGANIZATION_FEED: _organization_feed,
    MANAGE_STRATEGY: _manage_strategy,
    RECORD_REALISATION: _record_realisation,
    MANAGE_API_TOKENS: _manage_members,
    ENTER_SALARY: _enter_salary,
    READ_SALARY: _read_salary,
    GRANT_ROLE: _grant_role,
    CONFIRM_GRANT: _confirm_grant,
    **{action: _followup_rule(action) for action in FOLLOWUP_ACTIONS},
    CREATE_DISCUSSION: _create_discussion,
    EDIT_DISCUSSION: _edit_discussion,
    ADD_PARTICIPANTS: _add_participants,
    WRITE_MEMO: _write_memo,
    READ_RESTRICTED: _read_restricted,
    CONFIRM_MEMO: _confirm_memo,
    CLOSE_MEMO: _close_memo,
    CREATE_SURVEY: _create_survey,
    ANSWER_SURVEY: _answer_survey,
    READ_ITEM: _item_rule(share=False),
    SHARE_ITEM: _item_rule(share=True),
    VIEW_RESTRICTED_USE: _view_restricted_use,
    MANAGE_RETENTION: _manage_members,
    PRODUCE_SUBJECT_COPY: _manage_members,
}


def can(user, action: str, obj) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    try:
        rule = RULES[action]
    except KeyError:
        raise ValueError(f"Unknown action {action!r}") from None
    return rule(user, obj)


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


def can_use_django_admin(user) -> bool:
    """The Django admin is the operators' tool: superusers only, never an organization role."""
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


def organization_of(obj) -> int | None:
    """The organization an object belongs to (for audit events and scoping)."""
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
        "assessment.checkpoint.version.plan.agreement.organization_id",
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
        target = obj[0] if isinstance(obj, tuple) else obj
        raise Refused(
            f"{action}.denied",
            actor=user if getattr(user, "is_authenticated", False) else None,
            organization=organization_of(obj),
            obj=target,
        )


def sso_organizations(user):
    """The organizations whose single sign-on settings the user may open: an operator
    every organization, others those of their roles (CONFIGURE_SSO decides the rest)."""
    if can_use_django_admin(user):
        return Organization.objects.all()
    return Organization.objects.for_user(user)


def get_scoped_or_404(scoped_qs, user, **lookup):
    """The object from the user's scope, or 404. A miss on an object that exists in
    another scope (another organization's id, a plan the role may not see) is a refused
    attempt and is audited in the object's organization."""
    try:
        return scoped_qs.get(**lookup)
    except scoped_qs.model.DoesNotExist:
        existing = scoped_qs.model._base_manager.filter(**lookup).first()
        if existing is not None and not in_transaction():
            record_refusal(
                "access.out_of_scope",
                actor=user if getattr(user, "is_authenticated", False) else None,
                organization=organization_of(existing),
                obj=existing,
            )
        raise Http404 from None


# --- Two-factor authentication (suunta/security, docs/access.md) --------------------------


def requires_two_factor(user) -> bool:
    """Whether a local (password) sign-in of the user needs a second factor: operators
    and the admins of any organization (unless settings.TWO_FACTOR_FOR_ADMINS is off),
    and everyone with a role in an organization that requires it of all. A sign-in
    through an organization's own provider (SSO) leaves the second factor to it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    roles = roles_by_organization(user)
    if settings.TWO_FACTOR_FOR_ADMINS and (
        user.is_superuser or any(Role.ADMIN in held for held in roles.values())
    ):
        return True
    return bool(roles) and TwoFactorRequirement.objects.filter(organization_id__in=list(roles)).exists()


DISABLE_TWO_FACTOR = "disable_two_factor"  # obj: the user whose second factor would be turned off


def _disable_two_factor(user, obj) -> bool:
    """Only one's own, and never where a second factor is required."""
    return obj is not None and obj.pk == user.pk and not requires_two_factor(user)


RULES[DISABLE_TWO_FACTOR] = _disable_two_factor
