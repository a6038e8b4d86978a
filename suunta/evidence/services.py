"""Attaching and removing evidence: the only code that writes Evidence rows and files.

Evidence belongs to the user's own self-assessment (the executive) or view (an
evaluator) of one goal at one checkpoint; an empty draft is created when there is none
yet. It may change while the author may change the assessment itself: until the
follow-up is agreed (followup.services.writable_problem).

Files are written inside the transaction and deleted again when it fails, so a refused
or failed upload leaves neither a row nor a file. A removed file is deleted once the
removal has committed. (A rollback of an enclosing transaction after a successful
attach cannot be seen from here: `manage.py sweep_evidence` removes such orphans.)
"""

from functools import partial

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from suunta import policies
from suunta.agreements.models import Checkpoint, GoalArea
from suunta.audit import services as audit
from suunta.followup.models import Assessment, AssessmentKind, FollowUp
from suunta.followup.services import followup_of, writable_problem
from suunta.lib.publicity import Publicity

from . import uploads
from .models import TITLE_MAX, URL_MAX, Evidence, EvidenceKind

FILE_FIELDS = ["kind", "assessment", "original_name", "content_type", "size", "sha256"]
LINK_FIELDS = ["kind", "assessment", "url", "title"]
WEB_ADDRESS = URLValidator(schemes=["http", "https"])


def own_kind(user, checkpoint: Checkpoint) -> str | None:
    """The kind of assessment the user writes at this checkpoint (None: none)."""
    if policies.can(user, policies.WRITE_SELF_ASSESSMENT, checkpoint):
        return AssessmentKind.SELF
    if policies.can(user, policies.WRITE_VIEW, checkpoint):
        return AssessmentKind.VIEW
    return None


def _org(checkpoint: Checkpoint) -> int:
    return checkpoint.version.plan.agreement.organization_id


def _lock(checkpoint: Checkpoint) -> tuple[Checkpoint, FollowUp]:
    """The checkpoint fresh from the database and its follow-up row locked: evidence
    changes queue up with the follow-up's own state changes (e.g. marking it agreed)."""
    checkpoint = Checkpoint.objects.select_related("version__plan__agreement").get(pk=checkpoint.pk)
    followup_of(checkpoint)
    followup = FollowUp.objects.select_for_update().get(checkpoint=checkpoint)
    return checkpoint, followup


def _own_assessment(user, checkpoint: Checkpoint, followup: FollowUp, goal: GoalArea):
    """The user's own assessment of the goal (created as an empty draft when missing):
    (assessment, created). Refused or a ValidationError when evidence cannot be added."""
    policies.require(user, policies.ATTACH_EVIDENCE, checkpoint)
    problem = writable_problem(checkpoint, followup)
    if problem:
        raise ValidationError(problem)
    if goal.version_id != checkpoint.version_id:
        raise ValidationError(_("This goal does not belong to the checkpoint's plan."))
    kind = own_kind(user, checkpoint)
    lookup = {"checkpoint": checkpoint, "goal_area": goal, "kind": kind, "author": user}
    assessment = Assessment.objects.select_for_update().filter(**lookup).first()
    if assessment is not None:
        return assessment, False
    return Assessment.objects.create(**lookup), True


def restricted_fields(item: Evidence) -> list[str]:
    """The names and addresses of evidence on a restricted assessment stay out of the log."""
    return ["original_name", "url", "title"] if item.publicity == Publicity.RESTRICTED else []


def _record_attach(user, checkpoint, assessment, created: bool, evidence: list[Evidence]) -> None:
    organization = _org(checkpoint)
    if created:
        audit.record(
            f"assessment.{assessment.kind}.save", actor=user, organization=organization, obj=assessment
        )
    for item in evidence:
        fields = FILE_FIELDS if item.is_file else LINK_FIELDS
        # Name, type, size and hash of a file; never its content.
        audit.record(
            "evidence.attach",
            actor=user,
            organization=organization,
            obj=item,
            changes=audit.diff({}, audit.snapshot(item, fields)),
            restricted=restricted_fields(item),
        )


@audit.recording_refusals
def attach_files(user, checkpoint: Checkpoint, goal: GoalArea, files) -> list[Evidence]:
    """Attach files to the user's own assessment of the goal: all of them or none.
    A refused file is named in its own message (ValidationError on "files")."""
    files = list(files)
    stored: list[str] = []
    try:
        with transaction.atomic():
            checkpoint, followup = _lock(checkpoint)
            assessment, created = _own_assessment(user, checkpoint, followup, goal)
            if not files:
                raise ValidationError({"files": _("Choose a file to attach.")})
            checked = uploads.check_all(files)
            evidence = []
            for upload, info in zip(files, checked, strict=True):
                stored_name, sha256, written = uploads.store(upload)
                stored.append(stored_name)
                if written != info.size:  # changed while being read: refuse rather than guess
                    raise ValidationError({"files": _("“%(name)s” could not be read.") % {"name": info.name}})
                item = Evidence(
                    assessment=assessment,
                    kind=EvidenceKind.FILE,
                    stored_name=stored_name,
                    original_name=info.name,
                    content_type=info.content_type,
                    size=written,
                    sha256=sha256,
                    uploaded_by=user,
                    publicity=assessment.publicity,
                )
                item.full_clean(exclude=["assessment", "uploaded_by"])
                item.save()
                evidence.append(item)
            _record_attach(user, checkpoint, assessment, created, evidence)
    except BaseException:
        for stored_name in stored:
            uploads.delete(stored_name)
        raise
    return evidence


def attach_file(user, checkpoint: Checkpoint, goal: GoalArea, upload) -> Evidence:
    return attach_files(user, checkpoint, goal, [upload])[0]


def link_errors(url: str, title: str) -> dict[str, str]:
    """What is wrong with a link (empty when nothing is)."""
    errors = {}
    if not url:
        errors["url"] = _("Enter the web address of the link.")
    elif len(url) > URL_MAX:
        errors["url"] = _("The web address is too long.")
    else:
        try:
            WEB_ADDRESS(url)
        except ValidationError:
            errors["url"] = _("Enter a web address that starts with http:// or https://.")
    if not title:
        errors["title"] = _("Give the link a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("The title may be at most %(count)s characters.") % {"count": TITLE_MAX}
    return errors


@audit.recording_refusals
@transaction.atomic
def attach_link(user, checkpoint: Checkpoint, goal: GoalArea, url: str, title: str) -> Evidence:
    checkpoint, followup = _lock(checkpoint)
    assessment, created = _own_assessment(user, checkpoint, followup, goal)
    url, title = (url or "").strip(), (title or "").strip()
    errors = link_errors(url, title)
    if errors:
        raise ValidationError(errors)
    item = Evidence(
        assessment=assessment,
        kind=EvidenceKind.LINK,
        url=url,
        title=title,
        uploaded_by=user,
        publicity=assessment.publicity,
    )
    item.full_clean(exclude=["assessment", "uploaded_by"])
    item.save()
    _record_attach(user, checkpoint, assessment, created, [item])
    return item


@audit.recording_refusals
@transaction.atomic
def remove(user, evidence: Evidence) -> None:
    """Remove evidence from the user's own assessment; the file goes once committed."""
    checkpoint_id = Assessment.objects.values_list("checkpoint_id", flat=True).get(pk=evidence.assessment_id)
    checkpoint, followup = _lock(Checkpoint(pk=checkpoint_id))
    policies.require(user, policies.ATTACH_EVIDENCE, checkpoint)
    evidence = Evidence.objects.select_related("assessment").filter(pk=evidence.pk).first()
    if evidence is None:
        raise ValidationError(_("This evidence has already been removed."))
    assessment = evidence.assessment
    if assessment.author_id != user.pk or assessment.kind != own_kind(user, checkpoint):
        raise audit.Refused("evidence.remove.denied", actor=user, organization=_org(checkpoint), obj=evidence)
    problem = writable_problem(checkpoint, followup)
    if problem:
        raise ValidationError(problem)
    before = audit.snapshot(evidence, FILE_FIELDS if evidence.is_file else LINK_FIELDS)
    pk, stored_name = evidence.pk, evidence.stored_name
    evidence.delete()
    evidence.pk = pk  # for the audit event's object id
    if stored_name:
        transaction.on_commit(partial(uploads.delete, stored_name), robust=True)
    audit.record(
        "evidence.remove",
        actor=user,
        organization=_org(checkpoint),
        obj=evidence,
        changes=audit.diff(before, {}),
        restricted=restricted_fields(evidence),
    )
