"""The default transition table, and which steps a user may take on a version now."""

from suunta import policies
from suunta.agreements.models import PlanVersion, VersionStatus
from suunta.organizations.models import BodyKind, Organization, Role

from .models import Outcome, StepAction, WorkflowStep

DRAFT, PREPARATORY, PROPOSED = VersionStatus.DRAFT, VersionStatus.PREPARATORY, VersionStatus.PROPOSED
APPROVED, CLOSED = VersionStatus.APPROVED, VersionStatus.CLOSED

PREPARING = f"{Role.PREPARER},{Role.EVALUATOR}"
RECORDING = f"{Role.PREPARER}"


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
