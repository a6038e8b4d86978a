"""Writing the organization's document settings: its texts (a new version each time,
never an edit) and its record metadata defaults."""

from django.core.exceptions import ValidationError
from django.db import transaction

from suunta import policies
from suunta.audit import services as audit
from suunta.organizations.models import Organization

from . import texts
from .models import DocumentTexts, RecordSettings, record_settings


@audit.recording_refusals
@transaction.atomic
def save_texts(actor, organization: Organization, **fields) -> DocumentTexts:
    """The organization's texts as edited by its admin, saved as a new version (the
    defaults become version 1 first, so documents that printed them keep them). An
    unchanged text saves nothing. Audited with what changed."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    policies.require(actor, policies.SET_UP, organization)
    if set(fields) - set(texts.FIELDS):
        raise ValueError(f"Not a text: {sorted(set(fields) - set(texts.FIELDS))}")
    latest = texts.saved_current_texts(organization)
    before = {name: getattr(latest, name) for name in texts.FIELDS}
    after = before | {name: value.strip() for name, value in fields.items()}
    if after == before:
        return latest
    new = DocumentTexts(organization=organization, number=latest.number + 1, created_by=actor, **after)
    try:
        new.full_clean()
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    new.save()
    audit.record(
        "document_texts.create",
        actor=actor,
        organization=organization,
        obj=new,
        changes={"number": [latest.number, new.number], **audit.diff(before, after)},
    )
    return new


RECORD_FIELDS = ("publicity", "secrecy_basis", "secrecy_period", "personal_data", "task_class", "retention")


@audit.recording_refusals
@transaction.atomic
def save_record_settings(actor, organization: Organization, **fields) -> RecordSettings:
    """The record metadata defaults the agenda items print, as the organization's admin
    sets them (its task classification and retention), audited."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    policies.require(actor, policies.SET_UP, organization)
    settings = record_settings(organization)
    before = audit.snapshot(settings, RECORD_FIELDS) if settings.pk else {}
    for name in RECORD_FIELDS:
        setattr(settings, name, fields[name])
    settings.full_clean()
    settings.save()
    changes = audit.diff(before, audit.snapshot(settings, RECORD_FIELDS))
    if changes:
        audit.record(
            "record_settings.update", actor=actor, organization=organization, obj=settings, changes=changes
        )
    return settings
