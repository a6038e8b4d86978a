"""JHS 191 record metadata of a Suunta document, and its XML for an archive's intake.

Reusable: `annex_metadata(version)` gives the metadata of a plan version's goals annex
(the document a board decision approves) and `followup_metadata(version, checkpoint)`
that of a follow-up report given to the board, as a `RecordMetadata`; `to_xml(metadata)`
writes it as one XML document with SÄHKE2-style element names (the metadata JHS 191
and the National Archives' SÄHKE2 specification list: title, case number (asiointi- /
diaaritunnus), document type, publicity class, secrecy basis and period, personal
data, retention period and its basis, task class, date, author). The same mapping
serves the case-system package (`handling_metadata`, `to_xml_many`) and the archive
transfer package (sip/ of
`manage.py export_organization`, docs/information-management.md).

No XML schema validator of the National Archives is available here: the element names
follow SÄHKE2, the structure is checked by tests/infomgmt, not by a validator.
"""

import datetime as dt
from dataclasses import asdict, dataclass, replace
from xml.etree import ElementTree as ET

from suunta.documents.models import record_settings

from .retention import rule_for

NAMESPACE = "http://www.arkisto.fi/skeemat/Sahke2/2011/12/20"
PUBLICITY_CLASSES = {
    "public": "Julkinen",
    "partly": "Osittain salassapidettävä",
    "secret": "Salassa pidettävä",
}


@dataclass(frozen=True)
class RecordMetadata:
    native_id: str
    title: str
    case_number: str
    document_type: str
    publicity_class: str  # Julkinen / Osittain salassapidettävä / Salassa pidettävä
    secrecy_basis: str
    secrecy_period: str
    personal_data: bool
    retention_period: str  # "-1" permanent, else years
    retention_reason: str
    retention_trigger: str
    task_class: str
    date: dt.date
    author: str
    organization: str
    language: str = "fi"
    file_name: str = ""
    file_format: str = "application/pdf; PDF/A-2a"
    sha256: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        data["date"] = self.date.isoformat()
        return data


def annex_metadata(
    version, record_type: str = "plans", file_name: str = "", sha256: str = ""
) -> RecordMetadata:
    """The annex of a plan version: its approval decision gives the case number and date."""
    approval = (
        version.handlings.filter(outcome="approved")
        .select_related("presenter")
        .order_by("meeting_date")
        .first()
    )
    return _metadata(
        version,
        record_type,
        decision=approval,
        native_id=f"plan-{version.plan_id}:v{version.number}:annex",
        title=version.plan.title,
        document_type="Liite: tavoitteet",
        day=approval.meeting_date if approval else version.updated_at.date(),
        file_name=file_name,
        sha256=sha256,
    )


def followup_metadata(
    version, checkpoint, record_type: str = "followups", file_name: str = "", sha256: str = ""
) -> RecordMetadata:
    """A follow-up report given to the board: the board's handling gives the case number and date."""
    report = checkpoint.reports.select_related("presenter").order_by("meeting_date").first()
    return _metadata(
        version,
        record_type,
        decision=report,
        native_id=f"plan-{version.plan_id}:v{version.number}:followup-{checkpoint.pk}",
        title=f"{version.plan.title}: {checkpoint.label}",
        document_type="Seurantaraportti",
        day=report.meeting_date if report else checkpoint.window_end,
        file_name=file_name,
        sha256=sha256,
    )


def handling_metadata(
    handling, *, role: str, title: str, document_type: str, file_name: str, sha256: str, language: str
) -> RecordMetadata:
    """A document of a handling's case-system package (suunta/documents/casefile.py):
    its agenda item or the annex it decides on. The handling gives the case number, the
    date and the author; a follow-up report's handling is a `followups` record, a plan's
    a `plans` record (their retention rules)."""
    record_type = "followups" if handling.checkpoint_id else "plans"
    return replace(
        _metadata(
            handling.version,
            record_type,
            decision=handling,
            native_id=f"handling-{handling.pk}:{role}",
            title=title,
            document_type=document_type,
            day=handling.meeting_date,
            file_name=file_name,
            sha256=sha256,
        ),
        language=language,
    )


def _metadata(version, record_type, *, decision, native_id, title, document_type, day, file_name, sha256):
    agreement = version.plan.agreement
    organization = agreement.organization
    records = record_settings(organization)
    rule = rule_for(organization.pk, record_type)
    author = ""
    if decision is not None and decision.presenter_id:
        author = decision.presenter.get_full_name() or decision.presenter.username
    secret = records.publicity != "public"
    return RecordMetadata(
        native_id=f"suunta:{organization.slug}:{native_id}",
        title=title,
        case_number=(decision.case_number if decision else "") or agreement.decision_case_number,
        document_type=document_type,
        publicity_class=PUBLICITY_CLASSES.get(records.publicity, records.publicity),
        secrecy_basis=records.secrecy_basis if secret else "",
        secrecy_period=records.secrecy_period if secret else "",
        personal_data=records.personal_data,
        retention_period="-1" if rule.permanent else str(rule.years),
        retention_reason="Arkistolaitoksen päätös / tiedonohjaussuunnitelma",
        retention_trigger=rule.trigger,
        task_class=rule.task_class or records.task_class,
        date=day,
        author=author or organization.name,
        organization=organization.name,
        file_name=file_name,
        sha256=sha256,
    )


def to_xml(metadata: RecordMetadata) -> bytes:
    """One record's metadata as UTF-8 XML (stable bytes for the same metadata)."""
    return _serialize(_record(metadata))


def to_xml_many(records: list[RecordMetadata]) -> bytes:
    """Several records (a case-system package's documents) under one `Records` element."""
    root = ET.Element(f"{{{NAMESPACE}}}Records")
    root.extend(_record(metadata) for metadata in records)
    return _serialize(root)


def _serialize(element) -> bytes:
    ET.register_namespace("", NAMESPACE)
    ET.indent(element)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True) + b"\n"


def _record(metadata: RecordMetadata):
    def sub(parent, name, text=None):
        element = ET.SubElement(parent, f"{{{NAMESPACE}}}{name}")
        if text is not None:
            element.text = str(text)
        return element

    record = ET.Element(f"{{{NAMESPACE}}}Record")
    sub(record, "NativeId", metadata.native_id)
    sub(record, "Title", metadata.title)
    sub(record, "Type", metadata.document_type)
    sub(record, "Language", metadata.language)
    sub(record, "Created", metadata.date.isoformat())
    sub(record, "CaseNativeId", metadata.case_number)
    sub(record, "Function", metadata.task_class)
    restriction = sub(record, "Restriction")
    sub(restriction, "PublicityClass", metadata.publicity_class)
    if metadata.secrecy_basis:
        sub(restriction, "SecurityReason", metadata.secrecy_basis)
    if metadata.secrecy_period:
        sub(restriction, "SecurityPeriod", metadata.secrecy_period)
    sub(
        restriction,
        "PersonalData",
        "sisältää henkilötietoja" if metadata.personal_data else "ei sisällä henkilötietoja",
    )
    sub(record, "RetentionPeriod", metadata.retention_period)
    sub(record, "RetentionReason", metadata.retention_reason)
    agent = sub(record, "Agent")
    sub(agent, "Role", "laatija")
    sub(agent, "Name", metadata.author)
    sub(agent, "CorporateName", metadata.organization)
    if metadata.file_name:
        document = sub(record, "Document")
        sub(document, "NativeId", metadata.native_id + ":file")
        file = sub(document, "File")
        sub(file, "Name", metadata.file_name)
        sub(file, "Format", metadata.file_format)
        sub(file, "HashAlgorithm", "SHA-256")
        sub(file, "HashValue", metadata.sha256)
    return record
