"""The retention of each record type: the defaults, and an organization's own rules.

The defaults follow what a Finnish municipality's information management plan
(tiedonohjaussuunnitelma) usually says of these records; docs/information-management.md
explains each and how an organization maps them to its own plan. Board decisions and the
annexes they approve are kept permanently; personal assessments and discussions for a
period counted from the end of the agreement; restricted discussion notes the shortest.
Audit events are kept permanently: the hash chains are only verifiable whole.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max
from django.utils.translation import gettext as _

from .models import RecordType, RetentionRule, Trigger

# The record types whose rule cannot be changed here (only their task class): the
# archives act keeps decisions permanently, and the audit log is one hash chain.
FIXED_PERMANENT = frozenset({RecordType.PLANS, RecordType.AUDIT_EVENTS})


@dataclass(frozen=True)
class Rule:
    record_type: str
    trigger: str
    years: int | None
    task_class: str
    stored: bool = False

    @property
    def permanent(self) -> bool:
        return self.trigger == Trigger.PERMANENT

    @property
    def label(self) -> str:
        return str(RecordType(self.record_type).label)

    def text(self) -> str:
        """e.g. "10 years from the end of the agreement", "permanent"."""
        if self.permanent:
            return _("permanent")
        if self.trigger == Trigger.AGREEMENT_END:
            return _("%(years)s years from the end of the agreement") % {"years": self.years}
        return _("%(years)s years from the record's date") % {"years": self.years}

    def as_dict(self) -> dict:
        return {
            "record_type": self.record_type,
            "trigger": self.trigger,
            "years": self.years,
            "task_class": self.task_class,
        }


DEFAULTS = {
    RecordType.PLANS: Rule(RecordType.PLANS, Trigger.PERMANENT, None, "00.01.02"),
    RecordType.FOLLOWUPS: Rule(RecordType.FOLLOWUPS, Trigger.AGREEMENT_END, 10, "01.00.01"),
    RecordType.SELF_ASSESSMENTS: Rule(RecordType.SELF_ASSESSMENTS, Trigger.AGREEMENT_END, 6, "01.00.01"),
    RecordType.DISCUSSIONS_PUBLIC: Rule(RecordType.DISCUSSIONS_PUBLIC, Trigger.AGREEMENT_END, 6, "01.00.01"),
    RecordType.DISCUSSIONS_RESTRICTED: Rule(
        RecordType.DISCUSSIONS_RESTRICTED, Trigger.RECORD_DATE, 2, "01.00.01"
    ),
    RecordType.DEVELOPMENT_ITEMS: Rule(RecordType.DEVELOPMENT_ITEMS, Trigger.AGREEMENT_END, 6, "01.00.01"),
    RecordType.SURVEY_ANSWERS: Rule(RecordType.SURVEY_ANSWERS, Trigger.RECORD_DATE, 3, "01.00.01"),
    RecordType.EVIDENCE: Rule(RecordType.EVIDENCE, Trigger.AGREEMENT_END, 6, "01.00.01"),
    RecordType.AUDIT_EVENTS: Rule(RecordType.AUDIT_EVENTS, Trigger.PERMANENT, None, "00.03.01"),
}


def rules_for(organization_id: int) -> dict[str, Rule]:
    """Every record type's rule for the organization: its own where stored, else the default."""
    rules = dict(DEFAULTS)
    for stored in RetentionRule.objects.filter(organization_id=organization_id):
        rules[stored.record_type] = Rule(
            stored.record_type, stored.trigger, stored.years, stored.task_class, stored=True
        )
    return {str(key): rule for key, rule in rules.items()}


def rule_for(organization_id: int, record_type: str) -> Rule:
    return rules_for(organization_id)[record_type]


def metadata_text(organization_id: int, record_type: str) -> str:
    """The retention of a record type as documents print it in their record metadata,
    e.g. "permanent, task class 01.00.01"."""
    rule = rule_for(organization_id, record_type)
    if not rule.task_class:
        return rule.text()
    return _("%(retention)s, task class %(task_class)s") % {
        "retention": rule.text(),
        "task_class": rule.task_class,
    }


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def agreement_ends(organization_id: int) -> dict[int, dt.date]:
    """The end of each agreement of the organization: the end of its last plan's period
    (an agreement without plans: its start)."""
    from suunta.agreements.models import DirectorAgreement  # noqa: PLC0415

    rows = DirectorAgreement.objects.filter(organization_id=organization_id).annotate(
        last_end=Max("plans__period_end")
    )
    return {row.pk: row.last_end or row.starts_on for row in rows}


def due_date(rule: Rule, record_date: dt.date | None, agreement_end: dt.date | None) -> dt.date | None:
    """The first day the record may be disposed of, or None (permanent, or no date)."""
    if rule.permanent:
        return None
    start = agreement_end if rule.trigger == Trigger.AGREEMENT_END else record_date
    if start is None:
        return None
    return add_years(start, rule.years) + dt.timedelta(days=1)
