"""Moving a plan version along its organization's workflow, with the decision record.

The only code that changes a version's status. Approval freezes the version: the
snapshot (canonical JSON and SHA-256) is stored with the decision, and from then on
the model guards refuse any write to the version's goals, metrics and checkpoints.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import formats
from django.utils.translation import gettext as _

from suunta import policies
from suunta.agreements import snapshot as snapshots
from suunta.agreements.models import Checkpoint, GoalArea, PlanVersion, VersionStatus
from suunta.audit import services as audit
from suunta.documents import texts as document_texts
from suunta.lib.clock import today

from .models import Handling, HandlingCorrection, Outcome, StepAction, WorkflowStep


class StaleStepError(ValidationError):
    """The version moved on (e.g. another tab approved it) before this step was taken."""

    @classmethod
    def for_version(cls, version: PlanVersion) -> "StaleStepError":
        return cls(
            _(
                "This version is already “%(status)s”: someone took a step on it a moment ago. Nothing was saved."
            )
            % {"status": version.get_status_display()}
        )

    @classmethod
    def for_handling(cls, handling: Handling | None) -> "StaleStepError":
        """A step that keeps the status (tabling, a second preparatory handling) was
        recorded since the form was opened."""
        if handling is None:  # a handling was removed meanwhile (only an operator can)
            return cls(_("Someone changed the handlings of this version a moment ago. Nothing was saved."))
        return cls(
            _("Someone recorded “%(handling)s” on this version a moment ago. Nothing was saved.")
            % {"handling": handling.history_text}
        )


def missing_content(version: PlanVersion) -> list[str]:
    """What a plan needs before it leaves the draft: goal areas, each with a metric, and
    follow-up checkpoints (an empty plan cannot be proposed to anyone)."""
    goals = list(
        GoalArea.objects.filter(version=version).annotate(metric_count=Count("metrics")).order_by("order")
    )
    missing = []
    if not goals:
        missing.append(_("it has no goal areas"))
    missing += [
        _("the goal area “%(title)s” has no metrics") % {"title": goal.title}
        for goal in goals
        if not goal.metric_count
    ]
    if not Checkpoint.objects.filter(version=version).exists():
        missing.append(_("it has no follow-up checkpoints"))
    return missing


def workflow_handlings(version: PlanVersion):
    """The version's handlings recorded by workflow steps (follow-up reports to the board
    are handlings too, of a checkpoint, and do not count)."""
    return Handling.objects.filter(version=version, checkpoint__isnull=True)


@audit.recording_refusals
@transaction.atomic
def take_step(
    user,
    version: PlanVersion,
    step: WorkflowStep,
    *,
    meeting_date: datetime.date | None = None,
    section: str = "",
    case_number: str = "",
    presenter=None,
    text: str = "",
    disqualified=(),
    meeting_changes: str = "",
    expected_status: str | None = None,
    expected_handlings: int | None = None,
    date_confirmed: bool = False,
) -> Handling | None:
    """Take `step` on `version`. Returns the handling recorded, if the step records one.

    A meeting date in the future is refused unless `date_confirmed` (the user ticked
    that it is correct): a typo there would freeze the goals under a wrong date.

    `expected_status` and `expected_handlings` are what the user saw: the status and the
    number of the version's workflow handlings. If the version has moved on since (two
    tabs approving the same version, or tabling it: a step that keeps the status), the
    second gets a clear error, not a double approval or a second handling.
    """
    version = PlanVersion.objects.select_for_update().select_related("plan__agreement").get(pk=version.pk)
    agreement = version.plan.agreement
    organization_id = agreement.organization_id
    if expected_status is not None and version.status != expected_status:
        raise StaleStepError.for_version(version)
    if expected_handlings is not None:
        handlings = list(workflow_handlings(version).select_related("body").order_by("-id"))
        if len(handlings) != expected_handlings:
            raise StaleStepError.for_handling(handlings[0] if handlings else None)
    if not policies.can(user, policies.TAKE_STEP, (version, step)):
        raise audit.Refused(
            "plan.step.denied",
            actor=user,
            organization=organization_id,
            obj=version,
            changes={"step": [step.action, step.action], "status": [version.status, version.status]},
        )

    if step.from_status == VersionStatus.DRAFT:
        missing = missing_content(version)
        if missing:
            raise ValidationError(
                _("The plan cannot go on yet: %(missing)s.") % {"missing": "; ".join(missing)}
            )

    handling = None
    if step.records_handling:
        handling = _record_handling(
            user,
            version,
            step,
            meeting_date=meeting_date,
            section=section,
            case_number=case_number,
            presenter=presenter,
            text=text,
            disqualified=disqualified,
            meeting_changes=meeting_changes,
            date_confirmed=date_confirmed,
        )

    before = version.status
    if step.action == StepAction.APPROVE:
        # The previously approved version is replaced by this one.
        replaced = PlanVersion.objects.filter(plan=version.plan, status=VersionStatus.APPROVED).exclude(
            pk=version.pk
        )
        for old in replaced:
            old.status = VersionStatus.SUPERSEDED
            old.save(update_fields=["status", "updated_at"])
            audit.record(
                "plan.supersede",
                actor=user,
                organization=organization_id,
                obj=old,
                changes={"status": [VersionStatus.APPROVED, VersionStatus.SUPERSEDED]},
            )
    version.status = step.to_status
    version.save(update_fields=["status", "updated_at"])
    if version.is_frozen:
        # The approved annex keeps printing the texts of its approval.
        document_texts.pin(version)
    changes = {"status": [before, version.status]}
    if handling is not None:
        changes["handling"] = [None, handling.reference]
        if handling.snapshot_sha256:
            changes["snapshot_sha256"] = [None, handling.snapshot_sha256]
    audit.record(
        f"plan.{step.action}", actor=user, organization=organization_id, obj=version, changes=changes
    )
    return handling


def earliest_plausible(plan) -> datetime.date:
    """Before this a decision on the plan is most likely a typo in the year: goals are
    handled at the earliest in the year before their period."""
    return plan.period_start - datetime.timedelta(days=366)


def _record_handling(
    user,
    version,
    step,
    *,
    meeting_date,
    section,
    case_number,
    presenter,
    text,
    disqualified,
    meeting_changes,
    date_confirmed=False,
):
    agreement = version.plan.agreement
    errors = {}
    if meeting_date is None:
        errors["meeting_date"] = _("Enter the meeting date.")
    else:
        previous = Handling.objects.filter(version__plan=version.plan).order_by("-meeting_date").first()
        if previous and meeting_date < previous.meeting_date:
            errors["meeting_date"] = _(
                "The meeting date cannot be before the previous handling (%(reference)s)."
            ) % {"reference": previous.long_reference}
        elif meeting_date > today() and not date_confirmed:
            errors["meeting_date"] = ValidationError(
                _(
                    "The meeting date %(date)s is in the future. Check it; if it is correct, tick "
                    "“The date is correct” and save again."
                )
                % {"date": formats.date_format(meeting_date, "j.n.Y")},
                code="confirm_date",
            )
        elif meeting_date < earliest_plausible(version.plan) and not date_confirmed:
            errors["meeting_date"] = ValidationError(
                _(
                    "The meeting date %(date)s is more than a year before the plan's period. Check it; if "
                    "it is correct, tick “The date is correct” and save again."
                )
                % {"date": formats.date_format(meeting_date, "j.n.Y")},
                code="confirm_date",
            )
    if step.requires_section and not section.strip():
        errors["section"] = _("An approval needs the section (§) of the minutes.")
    if presenter is not None and presenter.pk == agreement.executive_id:
        errors["presenter"] = _(
            "The executive is disqualified in matters of his or her own goals and cannot present them."
        )
    if errors:
        raise ValidationError(errors)

    handling = Handling(
        version=version,
        step=step,
        body=step.body,
        outcome=step.outcome,
        meeting_date=meeting_date,
        section=section.strip(),
        case_number=case_number.strip(),
        presenter=presenter,
        text=text.strip(),
        meeting_changes=meeting_changes.strip() if step.outcome == Outcome.APPROVED else "",
        recorded_by=user,
    )
    if step.outcome == Outcome.APPROVED:
        handling.snapshot, handling.snapshot_sha256 = snapshots.snapshot(version)
    handling.full_clean()
    handling.save()
    # In a decision on the plan the executive is disqualified (own employment, hallintolaki
    # 28 §) and the record says so. A preparatory handling is a discussion held with him
    # or her: there the executive takes part.
    people = {u.pk for u in disqualified}
    if step.outcome != Outcome.HANDLED:
        people.add(agreement.executive_id)
    handling.disqualified.set(people)
    return handling


def decision_draft(version: PlanVersion, step: WorkflowStep, language: str = "fi") -> str:
    """A starting text for the decision, from the stored genitive and the body's own
    name: the system never inflects words itself."""
    agreement = version.plan.agreement
    year = version.plan.period_start.year
    if step.outcome != Outcome.APPROVED or step.body is None:
        return ""
    if language == "sv" and step.body.name_sv and agreement.position_genitive_sv:
        return f"{step.body.name_sv} godkänner {agreement.position_genitive_sv} årliga mål för {year} enligt bilagan."
    return (
        f"{step.body.name} hyväksyy {agreement.position_genitive} vuositavoitteet {year} liitteen mukaisesti."
    )


CORRECTABLE = ("meeting_date", "section", "case_number")


@audit.recording_refusals
@transaction.atomic
def correct_handling(
    user,
    handling: Handling,
    *,
    meeting_date: datetime.date | None,
    section: str,
    case_number: str,
    reason: str,
) -> HandlingCorrection:
    """Correct a recorded decision's date, § or case number (a typo in the minutes'
    reference), with the reason; the original stays in the correction record, the
    history and the documents' footers. The version's frozen content is not touched."""
    handling = (
        Handling.objects.select_for_update()
        .select_related("body", "version__plan__agreement")
        .get(pk=handling.pk)
    )
    policies.require(user, policies.CORRECT_DECISION, handling)
    errors = {}
    if meeting_date is None:
        errors["meeting_date"] = _("Enter the meeting date.")
    elif meeting_date > today():
        errors["meeting_date"] = _("The meeting date cannot be in the future.")
    if not reason.strip():
        errors["reason"] = _("Write why the record is corrected.")
    if handling.step_id and handling.step.requires_section and not section.strip():
        errors["section"] = _("An approval needs the section (§) of the minutes.")
    if errors:
        raise ValidationError(errors)
    before = {name: getattr(handling, name) for name in CORRECTABLE}
    before_reference = handling.long_reference
    handling.meeting_date, handling.section, handling.case_number = (
        meeting_date,
        section.strip(),
        case_number.strip(),
    )
    changes = audit.diff(before, {name: getattr(handling, name) for name in CORRECTABLE})
    if not changes:
        raise ValidationError(_("Nothing was changed: correct the date, the § or the case number."))
    handling.full_clean()
    handling.save(update_fields=[*CORRECTABLE, "updated_at"])
    correction = HandlingCorrection.objects.create(
        handling=handling,
        changes=changes,
        before_reference=before_reference,
        after_reference=handling.long_reference,
        reason=reason.strip(),
        corrected_by=user,
    )
    audit.record(
        "handling.correct",
        actor=user,
        organization=handling.version.plan.agreement.organization_id,
        obj=handling,
        changes={**changes, "reason": [None, correction.reason]},
    )
    return correction
