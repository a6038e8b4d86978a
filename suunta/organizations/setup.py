"""Setting an organization up: a new organization from a preset, with its first admin.

The operator runs `manage.py create_organization` (shell access to the server, like the
Django admin); from there the organization's admin sets the rest up in the app. Presets
(organizations/presets.py) give the bodies, positions and workflow; applying one again
adds only what is missing.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from suunta import policies
from suunta.agreements.models import PlanVersion
from suunta.agreements.statuses import VersionStatus
from suunta.audit import services as audit
from suunta.followup.scale import ensure_scale
from suunta.governance.models import StepAction, WorkflowStep
from suunta.governance.workflow import process_problems, replace_workflow, shape_step, step_problems
from suunta.lib.clock import now, today
from suunta.mail import services as mail
from suunta.mail.messages import token_digest

from .models import Body, Invitation, Organization, Position, Role
from .presets import PRESETS


def apply_preset(organization: Organization, code: str) -> None:
    """Give the organization the preset's bodies, positions, workflow and rating scale,
    keeping whatever of them it already has."""
    preset = PRESETS[code]
    add_bodies(organization, code)
    add_positions(organization, code)
    if not organization.workflow_steps.exists():
        replace_workflow(organization, preset.freezing_body, preset.propose_label)
    ensure_scale(organization)
    organization.preset = code
    organization.save(update_fields=["preset", "updated_at"])


# A plan in these states is being handled: its process must not change under it.
IN_HANDLING = (VersionStatus.PREPARATORY, VersionStatus.PROPOSED)


def _plan_in_handling(organization: Organization) -> str | None:
    """Why the process may not change now, if a plan is being handled."""
    handled = (
        PlanVersion.objects.filter(plan__agreement__organization=organization, status__in=IN_HANDLING)
        .select_related("plan")
        .first()
    )
    if handled is None:
        return None
    return _(
        "“%(plan)s” is in handling. Record its decision or return it for re-preparation "
        "before changing the process."
    ) % {"plan": handled.plan.display_title}


@audit.recording_refusals
@transaction.atomic
def change_preset(actor, organization: Organization, code: str) -> Organization:
    """Move the organization to another model: the preset's missing bodies and
    positions are added (its own are kept) and the workflow is made anew. Refused
    while a plan is in handling, and when the new process would freeze nothing."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    policies.require(actor, policies.SET_UP, organization)
    if code not in PRESETS:
        raise ValidationError({"preset": _("Choose one of the models.")})
    in_handling = _plan_in_handling(organization)
    if in_handling:
        raise ValidationError({"preset": in_handling})
    before = organization.preset
    preset = PRESETS[code]
    add_bodies(organization, code)
    add_positions(organization, code)
    steps = replace_workflow(organization, preset.freezing_body, preset.propose_label)
    if not any(step.action == StepAction.APPROVE for step in steps):
        raise ValidationError({"preset": _("The process would have no step that freezes the goals.")})
    organization.preset = code
    organization.save(update_fields=["preset", "updated_at"])
    audit.record(
        "organization.preset",
        actor=actor,
        organization=organization,
        obj=organization,
        changes={"preset": [before, code], "workflow_steps": [None, len(steps)]},
    )
    return organization


STEP_FIELDS = [
    "action",
    "from_status",
    "to_status",
    "body",
    "outcome",
    "requires_section",
    "allowed_roles",
    "label",
    "label_sv",
    "order",
]


@audit.recording_refusals
@transaction.atomic
def save_workflow(
    actor, organization: Organization, steps: list[WorkflowStep], removed: list[WorkflowStep] = ()
) -> list[WorkflowStep]:
    """The organization's workflow steps as edited on the set-up page: changed ones,
    new ones (no pk) and removed ones, all or nothing, audited. Refused while a plan is
    in handling, and when the process that would result leaves plans stuck.

    The page's form shows a step's own problems by its fields; they are checked here
    again, as everything the service is given."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    policies.require(actor, policies.SET_UP, organization)
    stored = {s.pk: s for s in WorkflowStep.objects.filter(organization=organization).select_related("body")}
    bodies = set(organization.bodies.values_list("pk", flat=True))
    if any(s.pk and s.pk not in stored for s in [*steps, *removed]) or any(
        s.body_id and s.body_id not in bodies for s in steps
    ):
        raise ValidationError(_("The steps changed since the page was opened. Open the page again."))
    in_handling = _plan_in_handling(organization)
    if in_handling:
        raise ValidationError(in_handling)
    problems = []
    for step in steps:
        step.organization = organization
        shape_step(step)
        problems += step_problems(step).values()
    if problems:
        raise ValidationError(problems)
    removed_pks = {s.pk for s in removed}
    final = {
        **{pk: s for pk, s in stored.items() if pk not in removed_pks},
        **{s.pk: s for s in steps if s.pk},
    }
    whole = process_problems([*final.values(), *(s for s in steps if not s.pk)])
    keys = [(s.action, s.from_status, s.body_id) for s in [*final.values(), *(s for s in steps if not s.pk)]]
    if len(keys) != len(set(keys)):
        whole.append(_("The same step is twice in the process: remove one."))
    if whole:
        raise ValidationError(whole)
    for step in removed:
        audit.record(
            "workflow_step.delete",
            actor=actor,
            organization=organization,
            obj=stored[step.pk],
            changes=audit.diff(audit.snapshot(stored[step.pk], STEP_FIELDS), {}),
        )
    WorkflowStep.objects.filter(pk__in=removed_pks).delete()
    for step in steps:
        before = audit.snapshot(stored[step.pk], STEP_FIELDS) if step.pk else {}
        step.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                step.save()
        except IntegrityError:
            # Two steps swapping their starts in one save meet on the way.
            raise ValidationError(
                _("Two steps would be the same for a moment: change one of them, save, then the other.")
            ) from None
        changes = audit.diff(before, audit.snapshot(step, STEP_FIELDS))
        if changes:
            audit.record(
                "workflow_step.update" if before else "workflow_step.create",
                actor=actor,
                organization=organization,
                obj=step,
                changes=changes,
            )
    return steps


def add_bodies(organization: Organization, code: str) -> None:
    """The preset's bodies of the kinds the organization has none of yet."""
    preset = PRESETS[code]
    kinds = set(organization.bodies.values_list("kind", flat=True))
    Body.objects.bulk_create(
        Body(
            organization=organization,
            kind=spec.kind,
            name=spec.name,
            name_sv=spec.name_sv,
            short_name=spec.short_name,
            short_name_sv=spec.short_name_sv,
            order=order,
        )
        for order, spec in enumerate(preset.bodies, 1)
        if spec.kind not in kinds
    )


def add_positions(organization: Organization, code: str) -> None:
    """The preset's positions the organization has not got yet (by code)."""
    preset = PRESETS[code]
    codes = set(organization.positions.values_list("code", flat=True))
    Position.objects.bulk_create(
        Position(
            organization=organization,
            code=spec.code,
            name=spec.name,
            name_sv=spec.name_sv,
            genitive=spec.genitive,
            genitive_sv=spec.genitive_sv,
            order=order,
            **dict.fromkeys(spec.rights, True),
        )
        for order, spec in enumerate(preset.positions, 1)
        if spec.code not in codes
    )


def _new_organization(*, name, business_id, preset, slug, name_sv) -> Organization:
    """The organization, validated; every problem at once, by field."""
    errors = {}
    if preset not in PRESETS:
        errors["preset"] = [
            _("Unknown preset “%(preset)s”. Choose one of: %(presets)s.")
            % {"preset": preset, "presets": ", ".join(PRESETS)}
        ]
    organization = Organization(
        name=name.strip(),
        name_sv=name_sv.strip(),
        slug=slug or slugify(name),
        business_id=business_id.strip(),
        kind=PRESETS[preset].kind if preset in PRESETS else "",
    )
    try:
        organization.full_clean(exclude=["kind"] if errors else None)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return organization


@transaction.atomic
def create_organization(
    *,
    name: str,
    business_id: str,
    admin_email: str,
    preset: str,
    slug: str = "",
    name_sv: str = "",
    language: str = settings.LANGUAGE_CODE,
    base_url: str = settings.SITE_URL,
) -> tuple[Organization, Invitation, str]:
    """Create the organization from a preset and invite its first admin. The invitation
    mail goes through the tasks worker; the link is also returned for the operator.
    Bad input raises ValidationError and creates nothing."""
    errors = {}
    try:
        organization = _new_organization(
            name=name, business_id=business_id, preset=preset, slug=slug, name_sv=name_sv
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        validate_email(admin_email.strip())
    except ValidationError:
        errors["admin_email"] = [_("Enter a valid e-mail address.")]
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose fi, sv or en.")]
    if errors:
        raise ValidationError(errors)
    organization.save()
    apply_preset(organization, preset)
    invitation = Invitation(
        organization=organization,
        email=admin_email.strip().lower(),
        role=Role.ADMIN,
        valid_from=today(),
        invited_by=None,
    )
    token = secrets.token_urlsafe(32)
    invitation.printed_token_sha256 = token_digest(token)
    invitation.link_expires_at = now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.full_clean()
    invitation.save()
    mail.queue_invitation(invitation, base_url=base_url, language=language)
    audit.record(
        "organization.create",
        organization=organization,
        obj=organization,
        changes=audit.diff(
            {}, audit.snapshot(organization, ["name", "name_sv", "slug", "business_id", "kind", "preset"])
        ),
    )
    audit.record(
        "invitation.create",
        organization=organization,
        obj=invitation,
        changes=audit.diff({}, audit.snapshot(invitation, ["email", "role", "valid_from"])),
    )
    return organization, invitation, base_url.rstrip("/") + reverse("invitation_accept", args=[token])
