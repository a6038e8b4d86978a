"""The only code that writes API tokens and the API's write keys; audited."""

import datetime
import hashlib
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from suunta import policies
from suunta.agreements.models import GoalPlan, Metric
from suunta.audit import services as audit
from suunta.lib.clock import now
from suunta.measures import services as measures
from suunta.measures.models import MetricValue
from suunta.organizations.models import Organization

from . import tokens
from .models import ApiToken, Scope, WriteKey

NAME_MAX = 100


def _check(name: str, scopes: list[str], days: int | None) -> None:
    if not name.strip():
        raise ValidationError({"name": _("Give the token a name.")})
    if not scopes or set(scopes) - set(Scope.values):
        raise ValidationError({"scopes": _("Choose the token's scopes.")})
    if days is not None and not 1 <= days <= 3650:
        raise ValidationError({"expires": _("A token lives from 1 to 3650 days.")})


def _issue(actor, user, organization, name: str, scopes: list[str], days: int | None) -> tuple[ApiToken, str]:
    _check(name, scopes, days)
    token, prefix, digest = tokens.new_secret()
    row = ApiToken.objects.create(
        prefix=prefix,
        secret_sha256=digest,
        name=name.strip()[:NAME_MAX],
        user=user,
        organization=organization,
        scopes=" ".join(s for s in Scope.values if s in scopes),
        expires_at=now() + datetime.timedelta(days=days or settings.API_TOKEN_DEFAULT_DAYS),
        created_by=actor,
    )
    audit.record(
        "api_token.create",
        actor=actor,
        organization=organization,
        obj=row,
        changes={
            "name": [None, row.name],
            "scopes": [None, row.scopes],
            "expires_at": [None, row.expires_at.isoformat()],
        },
    )
    return row, token


@transaction.atomic
def create_personal_token(
    actor, name: str, scopes: list[str], days: int | None = None
) -> tuple[ApiToken, str]:
    """A token that acts as `actor`. Returns the row and the token (shown once)."""
    return _issue(actor, actor, None, name, scopes, days)


def is_service_account(user) -> bool:
    """An account made by service_principal: it cannot sign in and belongs to no one."""
    return not user.is_active and not user.has_usable_password() and not user.memberships.exists()


def service_principal(organization: Organization, name: str):
    """The organization's service principal of this name: an account that never signs in.
    A person may have chosen the same username at an invitation: that account is never
    taken over (its rights would be the token's); the principal gets a numbered name."""
    User = get_user_model()
    base = f"service.{organization.slug}.{slugify(name)}"[:140]
    for number in itertools.count(1):
        username = base if number == 1 else f"{base}.{number}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=name[:150], is_active=False)
            user.set_unusable_password()
            user.save()
            return user
        if is_service_account(user):
            return user
    raise AssertionError("unreachable")


@audit.recording_refusals
@transaction.atomic
def create_service_token(
    actor, organization: Organization, name: str, scopes: list[str], days: int | None = None
) -> tuple[ApiToken, str]:
    """A token of the organization's service principal `name`. `actor` None: an operator
    on the command line."""
    if actor is not None:
        policies.require(actor, policies.MANAGE_API_TOKENS, organization)
    _check(name, scopes, days)
    principal = service_principal(organization, name.strip())
    return _issue(actor, principal, organization, name, scopes, days)


@audit.recording_refusals
@transaction.atomic
def revoke(actor, row: ApiToken) -> None:
    if row.is_service:
        policies.require(actor, policies.MANAGE_API_TOKENS, row.organization)
    elif row.user_id != actor.pk:
        raise audit.Refused("api_token.revoke.denied", actor=actor, obj=row)
    if row.revoked_at is not None:
        return
    row.revoked_at, row.revoked_by = now(), actor
    row.save(update_fields=["revoked_at", "revoked_by"])
    audit.record("api_token.revoke", actor=actor, organization=row.organization_id, obj=row)


# --- Metric values through the API ---------------------------------------------------------------


@dataclass
class ValueItem:
    plan: GoalPlan
    metric: Metric
    measured_on: datetime.date
    value: Decimal
    comment: str = ""
    source: str = ""
    client_key: str | None = None

    def fingerprint(self) -> str:
        text = "|".join(
            [
                str(self.plan.pk),
                str(self.metric.lineage),
                self.measured_on.isoformat(),
                format(self.value.normalize(), "f"),
                self.comment,
                self.source,
            ]
        )
        return hashlib.sha256(text.encode()).hexdigest()


class KeyConflict(ValidationError):
    """A client key used before for other content."""


def _known(user, item: ValueItem) -> MetricValue | None:
    """The value written before with the item's key (None: the key is new)."""
    if not item.client_key:
        return None
    known = WriteKey.objects.select_related("metric_value").filter(user=user, key=item.client_key).first()
    if known is None:
        return None
    if known.fingerprint != item.fingerprint():
        raise KeyConflict(_("The key “%(key)s” was used for another value.") % {"key": item.client_key})
    return known.metric_value


def _write(user, item: ValueItem) -> tuple[MetricValue, bool]:
    known = _known(user, item)
    if known is not None:
        return known, False
    try:
        entry = measures.record_value(
            user,
            item.plan,
            item.metric,
            measured_on=item.measured_on,
            value=item.value,
            comment=item.comment,
            source=item.source or _("API"),
        )
    except ValidationError:
        # A retry that crossed the first request: its value (with this key) may have
        # been committed since the key was looked up.
        known = _known(user, item)
        if known is not None:
            return known, False
        raise
    if item.client_key:
        try:
            with transaction.atomic():
                WriteKey.objects.create(
                    user=user, key=item.client_key, fingerprint=item.fingerprint(), metric_value=entry
                )
        except IntegrityError:  # the same key written by a parallel request a moment ago
            raise KeyConflict(
                _("The key “%(key)s” was used for another value.") % {"key": item.client_key}
            ) from None
    return entry, True


@audit.recording_refusals
@transaction.atomic
def write_values(user, items: list[ValueItem]) -> list[tuple[MetricValue, bool]]:
    """Every item or none. An item whose client key was written before answers with
    that value (created False): a retried request writes nothing twice."""
    results = []
    for index, item in enumerate(items):
        try:
            results.append(_write(user, item))
        except KeyConflict:
            raise
        except ValidationError as error:
            raise ValidationError({f"items.{index}": error.messages}) from None
    return results
