"""Writes of information management: retention rules and legal holds, audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from suunta import policies
from suunta.audit import services as audit

from .models import LegalHold, RecordType, RetentionRule, Trigger
from .retention import FIXED_PERMANENT, rules_for


@audit.recording_refusals
@transaction.atomic
def save_rule(actor, organization, record_type: str, trigger: str, years, task_class: str) -> RetentionRule:
    policies.require(actor, policies.MANAGE_RETENTION, organization)
    record_type = RecordType(record_type)
    if record_type in FIXED_PERMANENT and trigger != Trigger.PERMANENT:
        raise ValidationError({"trigger": _("Records of this type are kept permanently.")})
    if trigger == Trigger.PERMANENT:
        years = None
    elif not years:
        raise ValidationError({"years": _("Give the retention period in years.")})
    before = rules_for(organization.pk)[record_type].as_dict()
    rule, _created = RetentionRule.objects.update_or_create(
        organization=organization,
        record_type=record_type,
        defaults={"trigger": trigger, "years": years, "task_class": task_class.strip(), "updated_by": actor},
    )
    after = rules_for(organization.pk)[record_type].as_dict()
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if changes:
        audit.record(
            "retention_rule.update", actor=actor, organization=organization, obj=rule, changes=changes
        )
    return rule


@audit.recording_refusals
@transaction.atomic
def place_hold(actor, agreement, reason: str) -> LegalHold:
    policies.require(actor, policies.MANAGE_RETENTION, agreement.organization)
    hold, created = LegalHold.objects.get_or_create(
        agreement=agreement, defaults={"reason": reason.strip(), "placed_by": actor}
    )
    if created:
        audit.record(
            "legal_hold.place",
            actor=actor,
            organization=agreement.organization_id,
            obj=agreement,
            changes={"legal_hold": [None, hold.reason]},
        )
    return hold


@audit.recording_refusals
@transaction.atomic
def release_hold(actor, agreement) -> None:
    policies.require(actor, policies.MANAGE_RETENTION, agreement.organization)
    hold = LegalHold.objects.filter(agreement=agreement).first()
    if hold is None:
        return
    reason = hold.reason
    hold.delete()
    audit.record(
        "legal_hold.release",
        actor=actor,
        organization=agreement.organization_id,
        obj=agreement,
        changes={"legal_hold": [reason, None]},
    )
