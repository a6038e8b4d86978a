"""The default transition table, and which steps a user may take on a version now."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from suunta import policies
from suunta.agreements.models import PlanVersion, VersionStatus
from suunta.organizations.models import BodyKind, Organization, Role

from .models import Outcome, StepAction, WorkflowStep

DRAFT, PREPARATORY, PROPOSED = VersionStatus.DRAFT, VersionStatus.PREPARATORY, VersionStatus.PROPOSED
APPROVED, CLOSED = VersionStatus.APPROVED, VersionStatus.CLOSED

PREPARING = f"{Role.PREPARER},{Role.EVALUATOR}"
RECORDING = f"{Role.PREPARER}"
# Who a step may be given to on the set-up page.
STEP_ROLES = (Role.PREPARER, Role.EVALUATOR, Role.ADMIN)


@dataclass(frozen=True)
class ActionRule:
    """What an action does, whoever's process it is in: where it may start, where it
    leads (None: the status stays, as tabling or a further preparatory handling), what
    it records, and whether a body takes it."""

    from_statuses: tuple[str, ...]
    to_status: str | None
    outcome: str
    needs_body: bool


ACTION_RULES = {
    StepAction.HANDLE: ActionRule((DRAFT, PREPARATORY), PREPARATORY, Outcome.HANDLED, True),
    StepAction.PROPOSE: ActionRule((DRAFT, PREPARATORY), PROPOSED, "", False),
    StepAction.APPROVE: ActionRule((PROPOSED,), APPROVED, Outcome.APPROVED, True),
    StepAction.RETURN: ActionRule((PROPOSED,), DRAFT, Outcome.RETURNED, True),
    StepAction.TABLE: ActionRule((PROPOSED,), None, Outcome.TABLED, True),
    StepAction.CLOSE: ActionRule((APPROVED,), CLOSED, "", False),
}


def shape_step(step: WorkflowStep) -> None:
    """Fill in what follows from the step's action: where it leads and what it records.
    The set-up page asks only for the action, where it starts and the body."""
    rule = ACTION_RULES[step.action]
    step.to_status = rule.to_status or step.from_status
    step.outcome = rule.outcome
    if not rule.needs_body:
        step.body = None


def step_problems(step: WorkflowStep) -> dict[str, str]:
    """A single step's problems, by field, in the user's language."""
    rule = ACTION_RULES.get(step.action)
    if rule is None:
        return {}
    problems = {}
    if step.from_status not in rule.from_statuses:
        problems["from_status"] = _("“%(action)s” can start only from: %(statuses)s.") % {
            "action": StepAction(step.action).label,
            "statuses": ", ".join(str(VersionStatus(s).label) for s in rule.from_statuses),
        }
    if rule.needs_body and step.body_id is None:
        problems["body"] = _("Choose the body that takes this step.")
    if not step.roles:
        problems["allowed_roles"] = _("Choose who may take the step.")
    return problems


def process_problems(steps: list[WorkflowStep]) -> list[str]:
    """What would leave plans stuck: no step that freezes the goals, a draft that can
    never reach approval, or a status a plan can reach but never leave."""
    if not any(step.action == StepAction.APPROVE for step in steps):
        return [_("The process would have no step that freezes the goals.")]
    leads = {}
    for step in steps:
        leads.setdefault(step.from_status, set()).add(step.to_status)
    reachable, todo = {DRAFT}, [DRAFT]
    while todo:
        for target in leads.get(todo.pop(), ()):
            if target not in reachable:
                reachable.add(target)
                todo.append(target)
    if APPROVED not in reachable:
        return [_("A draft could never be approved: add the steps that lead from a draft to the approval.")]
    stuck = [
        status
        for status in (PREPARATORY, PROPOSED)
        if status in reachable and not leads.get(status, set()) - {status}
    ]
    return [
        _("A plan “%(status)s” could go no further: add a step that starts from it.")
        % {"status": VersionStatus(status).label}
        for status in stuck
    ]


def default_steps(organization: Organization, freezing_body: str = BodyKind.BOARD) -> list[WorkflowStep]:
    """Handling in the preparatory body (repeatable; none where the organization has
    none), then the freezing body (the board, or e.g. the chair group) approves, returns
    or tables."""
    bodies = list(organization.bodies.all())
    preparatory = next((b for b in bodies if b.kind == BodyKind.PREPARATORY), None)
    board = next((b for b in bodies if b.kind == freezing_body), None)
    rows = []
    if preparatory:
        rows += [
            (StepAction.HANDLE, DRAFT, PREPARATORY, preparatory, Outcome.HANDLED, False, PREPARING),
            (StepAction.HANDLE, PREPARATORY, PREPARATORY, preparatory, Outcome.HANDLED, False, PREPARING),
            (StepAction.PROPOSE, PREPARATORY, PROPOSED, None, "", False, PREPARING),
        ]
    rows.append((StepAction.PROPOSE, DRAFT, PROPOSED, None, "", False, PREPARING))
    if board:
        rows += [
            (StepAction.APPROVE, PROPOSED, APPROVED, board, Outcome.APPROVED, True, RECORDING),
            (StepAction.RETURN, PROPOSED, DRAFT, board, Outcome.RETURNED, False, RECORDING),
            (StepAction.TABLE, PROPOSED, PROPOSED, board, Outcome.TABLED, False, RECORDING),
        ]
    rows.append((StepAction.CLOSE, APPROVED, CLOSED, None, "", False, PREPARING))
    return [
        WorkflowStep(
            organization=organization,
            action=action,
            from_status=from_status,
            to_status=to_status,
            body=body,
            outcome=outcome,
            requires_section=requires_section,
            allowed_roles=roles,
            order=order,
        )
        for order, (action, from_status, to_status, body, outcome, requires_section, roles) in enumerate(
            rows, 1
        )
    ]


def ensure_workflow(organization: Organization, freezing_body: str = BodyKind.BOARD) -> None:
    """Give an organization the default table if it has none yet."""
    if not WorkflowStep.objects.filter(organization=organization).exists():
        WorkflowStep.objects.bulk_create(default_steps(organization, freezing_body))


def replace_workflow(
    organization: Organization, freezing_body: str, propose_label=("", "")
) -> list[WorkflowStep]:
    """The organization's table anew, from its bodies (a change of model). Recorded
    handlings keep their body and outcome; their link to the old step is cleared."""
    WorkflowStep.objects.filter(organization=organization).delete()
    steps = default_steps(organization, freezing_body)
    for step in steps:
        if step.action == StepAction.PROPOSE:
            step.label, step.label_sv = propose_label
    return WorkflowStep.objects.bulk_create(steps)


def approving_body(organization: Organization):
    """The body whose decision freezes the goals: the approval step's (the board, or
    e.g. the chair group), else the board; None when there is neither."""
    step = (
        WorkflowStep.objects.filter(organization=organization, action=StepAction.APPROVE, body__isnull=False)
        .select_related("body")
        .order_by("order", "id")
        .first()
    )
    if step:
        return step.body
    return organization.bodies.filter(kind=BodyKind.BOARD).first()


def steps_from(version: PlanVersion) -> list[WorkflowStep]:
    organization_id = version.plan.agreement.organization_id
    return list(
        WorkflowStep.objects.filter(
            organization_id=organization_id, from_status=version.status
        ).select_related("body")
    )


def available_steps(user, version: PlanVersion) -> list[WorkflowStep]:
    """The steps this user may take on this version now (what the page offers)."""
    return [step for step in steps_from(version) if policies.can(user, policies.TAKE_STEP, (version, step))]
