"""Disposal: remove what has passed its retention period, leave a record of it.

`plan(organization)` lists, per record type, the records whose period has ended (by
the injectable clock, suunta.lib.clock.today()), leaving out everything of an agreement
on legal hold and every permanent type. `dispose(organization)` removes them in one
transaction per organization and writes one `retention.dispose` audit event per record
type: which type, how many, which rule and period, the ids — never the content.

What disposing means per type (docs/information-management.md):
- follow-ups: the agreed assessments (with their evidence), the metric scores, the
  follow-up rows of the checkpoints, and the plan's recorded metric values once the
  plan's last follow-up goes;
- self-assessments and views: those assessments, with their evidence and metric notes;
- discussion sections (public / restricted): the section's text is emptied, in the row
  and in the confirmed memo copy (the memo's stored SHA-256 stays: the content is gone,
  its hash is kept);
- development items: the rows (and their shares), and their copies in confirmed memos;
- survey answers, evidence: the rows (evidence files leave the storage on commit).
Plans, their decisions and the audit log are permanent and never disposed of.
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction

from suunta.audit import services as audit
from suunta.discussions.models import DevelopmentItem, Discussion, Section, SurveyAnswer
from suunta.evidence import uploads
from suunta.evidence.models import Evidence
from suunta.followup.models import Assessment, AssessmentKind, FollowUp, MetricScore
from suunta.lib import clock
from suunta.lib.publicity import Publicity
from suunta.measures.models import MetricValue

from .models import LegalHold, RecordType
from .retention import Rule, agreement_ends, due_date, rules_for

AGREEMENT_OF_CHECKPOINT = "checkpoint__version__plan__agreement_id"


@dataclass
class Due:
    record_type: str
    rule: Rule
    ids: list[int] = field(default_factory=list)
    oldest_due: dt.date | None = None

    @property
    def count(self) -> int:
        return len(self.ids)


def _rows(record_type: str, organization_id: int):
    """(id, agreement id, record date) of every candidate of a type."""
    org = organization_id
    if record_type == RecordType.FOLLOWUPS:
        return [
            (pk, agreement, end)
            for pk, agreement, end in FollowUp.objects.filter(
                checkpoint__version__plan__agreement__organization_id=org
            ).values_list("pk", AGREEMENT_OF_CHECKPOINT, "checkpoint__window_end")
        ]
    if record_type == RecordType.SELF_ASSESSMENTS:
        return list(
            Assessment.objects.filter(
                checkpoint__version__plan__agreement__organization_id=org,
                kind__in=[AssessmentKind.SELF, AssessmentKind.VIEW],
            ).values_list("pk", AGREEMENT_OF_CHECKPOINT, "checkpoint__window_end")
        )
    if record_type in (RecordType.DISCUSSIONS_PUBLIC, RecordType.DISCUSSIONS_RESTRICTED):
        publicity = (
            Publicity.RESTRICTED if record_type == RecordType.DISCUSSIONS_RESTRICTED else Publicity.PUBLIC
        )
        return list(
            Section.objects.filter(discussion__agreement__organization_id=org, publicity=publicity)
            .exclude(text="")
            .values_list("pk", "discussion__agreement_id", "discussion__held_on")
        )
    if record_type == RecordType.DEVELOPMENT_ITEMS:
        return list(
            DevelopmentItem.objects.filter(agreement__organization_id=org).values_list(
                "pk", "agreement_id", "raised_in__held_on"
            )
        )
    if record_type == RecordType.SURVEY_ANSWERS:
        return list(
            SurveyAnswer.objects.filter(survey__discussion__agreement__organization_id=org).values_list(
                "pk", "survey__discussion__agreement_id", "survey__closes_on"
            )
        )
    if record_type == RecordType.EVIDENCE:
        return [
            (pk, agreement, created.date())
            for pk, agreement, created in Evidence.objects.filter(
                assessment__checkpoint__version__plan__agreement__organization_id=org
            ).values_list("pk", "assessment__" + AGREEMENT_OF_CHECKPOINT, "created_at")
        ]
    return []


def plan(organization_id: int, today: dt.date | None = None) -> list[Due]:
    """What has passed its period today, per record type (types with nothing left out)."""
    today = today or clock.today()
    rules = rules_for(organization_id)
    ends = agreement_ends(organization_id)
    held = set(
        LegalHold.objects.filter(agreement__organization_id=organization_id).values_list(
            "agreement_id", flat=True
        )
    )
    result = []
    for record_type, rule in rules.items():
        if rule.permanent:
            continue
        due = Due(record_type, rule)
        for pk, agreement_id, record_date in _rows(record_type, organization_id):
            if agreement_id in held:
                continue
            day = due_date(rule, record_date, ends.get(agreement_id))
            if day is not None and day <= today:
                due.ids.append(pk)
                due.oldest_due = min(due.oldest_due or day, day)
        if due.ids:
            due.ids.sort()
            result.append(due)
    return result


def _delete_evidence(queryset) -> None:
    names = [name for name in queryset.values_list("stored_name", flat=True) if name]
    queryset.delete()
    for name in names:
        transaction.on_commit(partial(uploads.delete, name), robust=True)


def _blank_memos(discussion_ids, section_ids=(), item_ids=()) -> None:
    """Empty disposed section texts and drop disposed items in confirmed memo copies."""
    disposed_sections = set(section_ids)
    disposed_items = set(item_ids)
    for discussion in Discussion.objects.filter(pk__in=set(discussion_ids)).exclude(memo_json=""):
        memo = json.loads(discussion.memo_json)
        ordered = list(discussion.sections.order_by("order", "id").values_list("pk", flat=True))
        for index, section in enumerate(memo.get("sections", [])):
            if index < len(ordered) and ordered[index] in disposed_sections:
                section["text"] = ""
                section["disposed"] = True
        memo["items"] = [item for item in memo.get("items", []) if item["id"] not in disposed_items]
        text = json.dumps(memo, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        Discussion.objects.filter(pk=discussion.pk).update(memo_json=text)


def _remove(record_type: str, ids: list[int]) -> None:
    if record_type == RecordType.FOLLOWUPS:
        followups = FollowUp.objects.filter(pk__in=ids)
        checkpoints = list(followups.values_list("checkpoint_id", flat=True))
        agreed = Assessment.objects.filter(checkpoint_id__in=checkpoints, kind=AssessmentKind.AGREED)
        _delete_evidence(Evidence.objects.filter(assessment__in=agreed))
        agreed.delete()
        MetricScore.objects.filter(checkpoint_id__in=checkpoints).delete()
        plans = set(followups.values_list("checkpoint__version__plan_id", flat=True))
        followups.delete()
        # A plan's recorded values go with its last follow-up (they serve all of them).
        remaining = set(
            FollowUp.objects.filter(checkpoint__version__plan_id__in=plans).values_list(
                "checkpoint__version__plan_id", flat=True
            )
        )
        MetricValue.objects.filter(plan_id__in=plans - remaining).delete()
    elif record_type == RecordType.SELF_ASSESSMENTS:
        _delete_evidence(Evidence.objects.filter(assessment_id__in=ids))
        Assessment.objects.filter(pk__in=ids).delete()
    elif record_type in (RecordType.DISCUSSIONS_PUBLIC, RecordType.DISCUSSIONS_RESTRICTED):
        discussions = Section.objects.filter(pk__in=ids).values_list("discussion_id", flat=True)
        _blank_memos(list(discussions), section_ids=ids)
        Section.objects.filter(pk__in=ids).update(text="")
    elif record_type == RecordType.DEVELOPMENT_ITEMS:
        discussions = Discussion.objects.filter(agreement__development_items__pk__in=ids).values_list(
            "pk", flat=True
        )
        _blank_memos(list(discussions), item_ids=ids)
        DevelopmentItem.objects.filter(pk__in=ids).delete()
    elif record_type == RecordType.SURVEY_ANSWERS:
        SurveyAnswer.objects.filter(pk__in=ids).delete()
    elif record_type == RecordType.EVIDENCE:
        _delete_evidence(Evidence.objects.filter(pk__in=ids))


def dispose(organization, actor=None, dry_run: bool = False) -> list[Due]:
    """Dispose of what is due in one organization; with dry_run only list it."""
    with transaction.atomic():
        due = plan(organization.pk)
        if dry_run:
            transaction.set_rollback(True)
            return due
        for item in due:
            _remove(item.record_type, item.ids)
            audit.record(
                "retention.dispose",
                actor=actor,
                organization=organization,
                changes={
                    "disposed": [
                        None,
                        {
                            "record_type": item.record_type,
                            "count": item.count,
                            "ids": item.ids,
                            "rule": item.rule.as_dict(),
                            "stored_rule": item.rule.stored,
                            "oldest_due": item.oldest_due.isoformat(),
                            "on": clock.today().isoformat(),
                        },
                    ]
                },
            )
        return due
