"""Memberships and invitations: the only code that adds people to organizations, gives
and ends their roles.

Who is added:
- someone already among the organization's people (a current or past member) gets a
  role directly (`add_membership`);
- anyone else is invited by e-mail (`invite`): the person accepts with the link, with
  a new account or the one they already have. An organization never looks up or learns
  of users of another organization.

Roles that open confidential notes (evaluator, executive; organizations.models.
CONFIDENTIAL_ROLES) carry the decision they rest on, are never given by an admin to
him- or herself, and wait for a second admin's confirmation when the person is an admin
of the organization (policies.GRANT_ROLE, CONFIRM_GRANT). An evaluator's role keeps
the goal cascade a tree: never the agreement's own executive, never someone the
agreement's executive already evaluates (agreements/cascade.py). Every step is audited.
"""

import datetime

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats
from django.utils.text import slugify
from django.utils.translation import gettext as _

from suunta import policies
from suunta.agreements import cascade
from suunta.audit import services as audit
from suunta.lib.clock import now, today
from suunta.mail import services as mail
from suunta.mail.messages import token_digest
from suunta.mail.models import OutgoingMail
from suunta.security import sessions as user_sessions

from .models import (
    CONFIDENTIAL_ROLES,
    Invitation,
    InvitationStatus,
    Membership,
    Organization,
    Position,
    PositionRight,
    Role,
)


class GrantRefused(audit.Refused):
    """A role grant the rules forbid (an admin making him- or herself an evaluator).
    A 403 with the reason, audited as a refusal."""

    def __init__(self, message: str, **audit_fields):
        super().__init__("membership.grant.denied", **audit_fields)
        self.message = message


def organization_people(organization: Organization):
    """The people of the organization: everyone who holds or has held a role in it."""
    return (
        get_user_model()
        .objects.filter(memberships__organization=organization)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _check_grant(actor, organization, person, role: str, basis: str) -> None:
    if role in CONFIDENTIAL_ROLES and not basis.strip():
        raise ValidationError(
            {
                "basis": _(
                    "Name the decision this role rests on, e.g. the board’s election of its chair "
                    "(KH 12.1.2026 § 3)."
                )
            }
        )
    if not policies.can(actor, policies.GRANT_ROLE, (organization, person, role)):
        raise GrantRefused(
            _(
                "You cannot give yourself a role that opens confidential notes. Another organization "
                "admin must give it, with the decision it rests on."
            ),
            actor=actor,
            organization=organization.pk,
            obj=person,
            changes={"role": [None, role]},
        )


def evaluator_problem(membership: Membership) -> str | None:
    """Why an evaluator's role for an agreement may not be held by this person, or None
    (cascade.grant_problem): not by the agreement's own executive, and not by the
    executive of an agreement that this agreement's executive already evaluates,
    directly or through the chain (a cycle in the goal cascade)."""
    if membership.role != Role.EVALUATOR or membership.agreement_id is None:
        return None
    # The chain as it stands from the day the role starts (today for a past start).
    day = max(today(), membership.valid_from) if membership.valid_from else today()
    return cascade.grant_problem(membership.agreement, membership.user, day=day)


def _check_evaluator(membership: Membership) -> None:
    problem = evaluator_problem(membership)
    if problem:
        raise ValidationError({"agreement": problem})


def _create_membership(actor, organization, person, *, granted_by, **fields) -> Membership:
    awaiting = policies.grant_needs_confirmation(organization.pk, person, fields["role"])
    membership = Membership(
        organization=organization,
        user=person,
        granted_by=granted_by,
        awaiting_confirmation=awaiting,
        **fields,
    )
    membership.full_clean(validate_constraints=False)
    _check_evaluator(membership)
    duplicate = Membership.objects.filter(
        organization=organization,
        user=person,
        role=membership.role,
        title=membership.title,
        agreement=membership.agreement,
        valid_from=membership.valid_from,
    ).first()
    if duplicate is not None:
        raise ValidationError(
            {
                "valid_from": _("%(name)s already has this role from %(date)s.")
                % {"name": person, "date": formats.date_format(membership.valid_from, "SHORT_DATE_FORMAT")}
            }
        )
    try:
        with transaction.atomic():  # the constraint decides a race the check above lost
            membership.save()
    except IntegrityError:
        raise ValidationError(
            {"valid_from": _("%(name)s already has this role from that date.") % {"name": person}}
        ) from None
    audit.record(
        "membership.propose" if awaiting else "membership.create",
        actor=actor,
        organization=organization,
        obj=membership,
        changes=audit.diff({}, audit.snapshot(membership)),
    )
    return membership


@audit.recording_refusals
@transaction.atomic
def add_membership(
    actor,
    organization: Organization,
    *,
    person,
    role: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    title: str = "",
    agreement=None,
    basis: str = "",
) -> Membership:
    """Give a role to one of the organization's people; an evaluator's role for one
    director agreement. A confidential role for an admin of the organization waits for
    another admin (membership.awaiting_confirmation)."""
    policies.require(actor, policies.MANAGE_MEMBERS, organization)
    if not organization_people(organization).filter(pk=person.pk).exists():
        # Never trust an id: only the organization's own people are offered or accepted.
        raise ValidationError({"person": _("Choose one of the organization's people, or invite by e-mail.")})
    _check_grant(actor, organization, person, role, basis)
    membership = _create_membership(
        actor,
        organization,
        person,
        granted_by=actor,
        role=role,
        title=title,
        agreement=agreement,
        valid_from=valid_from,
        valid_to=valid_to,
        basis=basis.strip(),
    )
    policies.forget_roles(actor)
    return membership


@audit.recording_refusals
@transaction.atomic
def confirm_membership(actor, membership: Membership) -> Membership:
    """A second admin confirms a confidential role given to an admin."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    policies.require(actor, policies.CONFIRM_GRANT, membership)
    # The chain may have changed while the grant waited: checked again.
    problem = evaluator_problem(membership)
    if problem:
        raise GrantRefused(
            problem,
            actor=actor,
            organization=membership.organization_id,
            obj=membership,
            changes={"role": [None, membership.role]},
        )
    membership.awaiting_confirmation = False
    membership.confirmed_by = actor
    membership.confirmed_at = now()
    membership.save(update_fields=["awaiting_confirmation", "confirmed_by", "confirmed_at", "updated_at"])
    audit.record(
        "membership.confirm",
        actor=actor,
        organization=membership.organization_id,
        obj=membership,
        changes={"awaiting_confirmation": [True, False]},
    )
    return membership


@audit.recording_refusals
@transaction.atomic
def reject_membership(actor, membership: Membership) -> None:
    """Take back a role that is still waiting for confirmation: it never came into force.
    The admin who gave it, or a second admin, may do so."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    policies.require(actor, policies.MANAGE_MEMBERS, membership.organization)
    if not membership.awaiting_confirmation or actor.pk == membership.user_id:
        raise audit.Refused(
            "membership.reject.denied", actor=actor, organization=membership.organization_id, obj=membership
        )
    audit.record(
        "membership.reject",
        actor=actor,
        organization=membership.organization_id,
        obj=membership,
        changes=audit.diff(audit.snapshot(membership), {}),
    )
    membership.delete()


# --- Invitations ---------------------------------------------------------------------------


@audit.recording_refusals
@transaction.atomic
def invite(
    actor,
    organization: Organization,
    *,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    title: str = "",
    agreement=None,
    basis: str = "",
    base_url: str,
    language: str,
) -> Invitation:
    """Invite a person by e-mail to a role. The mail is queued with the invitation (in
    this transaction) and delivered by the mail task."""
    policies.require(actor, policies.MANAGE_MEMBERS, organization)
    _check_grant(actor, organization, None, role, basis)
    invitation = Invitation(
        organization=organization,
        email=email.strip().lower(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=role,
        title=title,
        agreement=agreement,
        valid_from=valid_from,
        valid_to=valid_to,
        basis=basis.strip(),
        invited_by=actor,
    )
    invitation.full_clean(validate_constraints=False)
    waiting = Invitation.objects.filter(
        organization=organization,
        email=invitation.email,
        role=role,
        title=title,
        agreement=agreement,
        valid_from=valid_from,
        status=InvitationStatus.OPEN,
    ).first()
    if waiting is not None:
        raise ValidationError(
            {
                "email": _(
                    "An invitation to this address for this role is already waiting (made on %(date)s). "
                    "You can send it again from the list of people."
                )
                % {"date": formats.date_format(waiting.created_at, "SHORT_DATE_FORMAT")}
            }
        )
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise ValidationError(
            {"email": _("An invitation to this address for this role is already waiting.")}
        ) from None
    mail.queue_invitation(invitation, base_url=base_url, language=language)
    audit.record(
        "invitation.create",
        actor=actor,
        organization=organization,
        obj=invitation,
        changes=audit.diff(
            {},
            audit.snapshot(
                invitation,
                [
                    "email",
                    "first_name",
                    "last_name",
                    "role",
                    "title",
                    "agreement",
                    "valid_from",
                    "valid_to",
                    "basis",
                ],
            ),
        ),
    )
    return invitation


def latest_mail(invitation: Invitation) -> OutgoingMail | None:
    return invitation.mails.order_by("-created_at", "-id").first()


@audit.recording_refusals
@transaction.atomic
def resend_invitation(actor, invitation: Invitation, *, base_url: str, language: str) -> OutgoingMail:
    """A failed mail is sent again; a delivered one gets a new mail with a new link (the
    old link stops working). A mail still on its way is left alone."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    policies.require(actor, policies.MANAGE_MEMBERS, invitation.organization)
    if invitation.status != InvitationStatus.OPEN:
        raise ValidationError(_("The invitation is no longer waiting: it was accepted or cancelled."))
    if invitation.printed_token_sha256:
        # A new mail makes a new link: the one printed for the operator stops working too.
        invitation.printed_token_sha256 = ""
        invitation.save(update_fields=["printed_token_sha256", "updated_at"])
    last = latest_mail(invitation)
    if last is not None and mail.can_retry(last):
        sent = mail.retry(last)
    elif last is None or last.status == "sent":
        sent = mail.queue_invitation(invitation, base_url=base_url, language=language)
    else:
        raise ValidationError(_("The invitation is already on its way. Try again if it fails."))
    audit.record("invitation.resend", actor=actor, organization=invitation.organization_id, obj=invitation)
    return sent


@audit.recording_refusals
@transaction.atomic
def cancel_invitation(actor, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    policies.require(actor, policies.MANAGE_MEMBERS, invitation.organization)
    if invitation.status != InvitationStatus.OPEN:
        raise ValidationError(_("The invitation is no longer waiting: it was accepted or cancelled."))
    invitation.status = InvitationStatus.CANCELLED
    invitation.token_sha256 = ""
    invitation.save(update_fields=["status", "token_sha256", "updated_at"])
    audit.record(
        "invitation.cancel",
        actor=actor,
        organization=invitation.organization_id,
        obj=invitation,
        changes={"status": [InvitationStatus.OPEN, InvitationStatus.CANCELLED]},
    )
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The open invitation a link's token belongs to, while the link is valid."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(Q(token_sha256=token_digest(token)) | Q(printed_token_sha256=token_digest(token)))
        .filter(status=InvitationStatus.OPEN, link_expires_at__gt=now())
        .first()
    )


@audit.recording_refusals
@transaction.atomic
def accept_invitation(user, invitation: Invitation) -> Membership:
    """The invited person takes the role, with the account they are logged in with."""
    invitation = Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
    if invitation.status != InvitationStatus.OPEN:
        raise ValidationError(_("This invitation has already been used or cancelled."))
    organization = invitation.organization
    if invitation.role in CONFIDENTIAL_ROLES and user.pk == invitation.invited_by_id:
        raise GrantRefused(
            _(
                "You cannot accept a role that opens confidential notes from an invitation you made "
                "yourself. Another organization admin must give it."
            ),
            actor=user,
            organization=organization.pk,
            obj=invitation,
            changes={"role": [None, invitation.role]},
        )
    existing = Membership.objects.filter(
        organization=organization,
        user=user,
        role=invitation.role,
        title=invitation.title,
        agreement_id=invitation.agreement_id,
        valid_from=invitation.valid_from,
    ).first()
    membership = existing or _create_membership(
        user,
        organization,
        user,
        granted_by=invitation.invited_by,
        role=invitation.role,
        title=invitation.title,
        agreement=invitation.agreement,
        valid_from=invitation.valid_from,
        valid_to=invitation.valid_to,
        basis=invitation.basis,
    )
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_by = user
    invitation.accepted_at = now()
    invitation.membership = membership
    invitation.token_sha256 = ""
    invitation.save(
        update_fields=["status", "accepted_by", "accepted_at", "membership", "token_sha256", "updated_at"]
    )
    audit.record(
        "invitation.accept",
        actor=user,
        organization=organization,
        obj=invitation,
        changes={"status": [InvitationStatus.OPEN, InvitationStatus.ACCEPTED]},
    )
    policies.forget_roles(user)
    return membership


@audit.recording_refusals
@transaction.atomic
def create_account_and_accept(invitation: Invitation, *, username: str, password: str | None):
    """A new person's account, made from the invitation's names and address, then the
    invitation accepted with it. Returns the user. password None: an account without a
    usable password (it signs in with the organization's account, suunta/sso)."""
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("That username is taken. Choose another one.")})
    user = user_model(
        username=username,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
        email=invitation.email,
    )
    if password is None:
        user.set_unusable_password()
    else:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password1": error.messages}) from None
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        "user.create",
        actor=user,
        organization=invitation.organization_id,
        obj=user,
        changes=audit.diff({}, audit.snapshot(user, ["username", "first_name", "last_name", "email"])),
    )
    accept_invitation(user, invitation)
    return user


@audit.recording_refusals
@transaction.atomic
def end_membership(actor, membership: Membership, valid_to: datetime.date) -> Membership:
    organization = membership.organization
    policies.require(actor, policies.MANAGE_MEMBERS, organization)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if valid_to < membership.valid_from:
        raise ValidationError({"valid_to": _("The end date cannot be before the start date.")})
    if membership.role == Role.ADMIN:
        other_admins = (
            Membership.objects.valid_on(valid_to + datetime.timedelta(days=1))
            .filter(organization=organization, role=Role.ADMIN)
            .exclude(pk=membership.pk)
        )
        if not other_admins.exists():
            raise ValidationError(
                {"valid_to": _("The organization would be left without an admin. Add another admin first.")}
            )
    before = membership.valid_to
    membership.valid_to = valid_to
    membership.full_clean(validate_constraints=False)
    membership.save(update_fields=["valid_to", "updated_at"])
    audit.record(
        "membership.end",
        actor=actor,
        organization=organization,
        obj=membership,
        changes={"valid_to": [before.isoformat() if before else None, valid_to.isoformat()]},
    )
    # The person signs in again, with the roles left (suunta/security/sessions.py).
    user_sessions.end_all(membership.user, actor=actor, reason="membership_ended", organization=organization)
    policies.forget_roles(actor)
    return membership


@audit.recording_refusals
@transaction.atomic
def save_membership_as_operator(operator, membership: Membership) -> Membership:
    """An operator's change of a membership in the Django admin (until organizations set
    themselves up in the app): validated and audited like the admins' own, with the
    operator as its actor and giver."""
    if not policies.can_use_django_admin(operator):
        raise audit.Refused("membership.operator.denied", actor=operator, obj=membership)
    stored = (
        Membership.objects.select_for_update().filter(pk=membership.pk).first() if membership.pk else None
    )
    before = audit.snapshot(stored) if stored else {}
    if stored is None:
        membership.granted_by = membership.granted_by or operator
    membership.full_clean()
    if stored is None or (stored.user_id, stored.agreement_id, stored.role) != (
        membership.user_id,
        membership.agreement_id,
        membership.role,
    ):
        _check_evaluator(membership)
    membership.save()
    changes = audit.diff(before, audit.snapshot(membership))
    if changes:
        action = "membership.update" if stored else "membership.create"
        audit.record(
            action, actor=operator, organization=membership.organization_id, obj=membership, changes=changes
        )
    return membership


# --- Positions (the organization's set-up) ------------------------------------------------

# Rights somebody must hold: without them no one presents the goals or closes a memo
# that was not confirmed. Being asked for views is optional.
REQUIRED_RIGHTS = (
    PositionRight.PRESENTS,
    PositionRight.MARK_AGREED,
    PositionRight.CLOSE_MEMO,
    PositionRight.CREATE_SURVEY,
)


def _position_code(organization: Organization, name: str) -> str:
    base = slugify(name)[:28] or "position"
    taken = set(Position.objects.filter(organization=organization).values_list("code", flat=True))
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


@audit.recording_refusals
@transaction.atomic
def save_positions(actor, organization: Organization, positions: list[Position]) -> list[Position]:
    """Save the organization's positions as edited on the set-up page (existing ones
    changed, new ones without a pk added), all or nothing, audited. Each required
    right must stay with some position."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    policies.require(actor, policies.SET_UP, organization)
    stored = {p.pk: p for p in Position.objects.filter(organization=organization)}
    if any(p.pk and p.pk not in stored for p in positions):
        raise ValidationError(_("This position is not the organization's."))
    final = {**stored, **{p.pk: p for p in positions if p.pk}}
    added = [p for p in positions if not p.pk]
    everyone = [*final.values(), *added]
    missing = [right for right in REQUIRED_RIGHTS if not any(getattr(p, right) for p in everyone)]
    if missing:
        raise ValidationError(
            [
                _("Give this right to some position: %(right)s.") % {"right": PositionRight(right).label}
                for right in missing
            ]
        )

    def coded(position):
        position.code = _position_code(organization, position.name)

    return _save_rows(actor, organization, positions, stored, "position", prepare_new=coded)


@audit.recording_refusals
@transaction.atomic
def save_bodies(actor, organization: Organization, bodies: list) -> list:
    """The organization's bodies as edited on the set-up page (changed, and new ones
    without a pk added), all or nothing, audited. Bodies are never deleted: recorded
    decisions name them."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    policies.require(actor, policies.SET_UP, organization)
    stored = {b.pk: b for b in organization.bodies.all()}
    if any(b.pk and b.pk not in stored for b in bodies):
        raise ValidationError(_("This body is not the organization's."))
    return _save_rows(actor, organization, bodies, stored, "body")


def _save_rows(actor, organization, rows: list, stored: dict, kind: str, prepare_new=None) -> list:
    """Save the set-up page's rows of one kind (positions, bodies): new ones (no pk) go
    last in order; each create or change is audited as "<kind>.create" / "<kind>.update"."""
    next_order = max((row.order for row in stored.values()), default=0)
    for row in rows:
        row.organization = organization
        before = audit.snapshot(stored[row.pk]) if row.pk else {}
        if not row.pk:
            next_order += 1
            row.order = next_order
            if prepare_new is not None:
                prepare_new(row)
        row.full_clean()
        row.save()
        changes = audit.diff(before, audit.snapshot(row))
        if changes:
            audit.record(
                f"{kind}.update" if before else f"{kind}.create",
                actor=actor,
                organization=organization,
                obj=row,
                changes=changes,
            )
    return rows
