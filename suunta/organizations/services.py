"""Memberships: the only code that adds people to organizations or ends their roles."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from suunta import policies
from suunta.audit import services as audit

from .models import Membership, Organization, Role


@audit.recording_refusals
@transaction.atomic
def add_membership(
    actor,
    organization: Organization,
    *,
    username: str,
    role: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    title: str = "",
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    base_url: str = "",
) -> Membership:
    policies.require(actor, policies.MANAGE_MEMBERS, organization)
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"first_name": first_name, "last_name": last_name, "email": email}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    membership = Membership(
        organization=organization,
        user=user,
        role=role,
        title=title,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    membership.full_clean()
    membership.save()
    if created:
        audit.record(
            "user.create",
            actor=actor,
            organization=organization,
            obj=user,
            changes=audit.diff({}, audit.snapshot(user, ["username", "first_name", "last_name", "email"])),
        )
    audit.record(
        "membership.create",
        actor=actor,
        organization=organization,
        obj=membership,
        changes=audit.diff({}, audit.snapshot(membership)),
    )
    policies.forget_roles(actor)
    if created and email and base_url:
        # Sent after commit: no invitation for a membership that was rolled back.
        transaction.on_commit(lambda: send_invitation(user, organization, base_url))
    return membership


def send_invitation(user, organization: Organization, base_url: str) -> None:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = base_url + reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    body = render_to_string(
        "organizations/invitation_email.txt", {"user": user, "organization": organization, "link": link}
    )
    send_mail(_("You have been added to Suunta"), body, None, [user.email])


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
    membership.full_clean()
    membership.save(update_fields=["valid_to", "updated_at"])
    audit.record(
        "membership.end",
        actor=actor,
        organization=organization,
        obj=membership,
        changes={"valid_to": [before.isoformat() if before else None, valid_to.isoformat()]},
    )
    policies.forget_roles(actor)
    return membership
