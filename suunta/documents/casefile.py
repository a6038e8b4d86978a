"""The case-system package of a handling's agenda item: one ZIP with the agenda item
and its annex as PDF/A, and the record metadata as JSON and as XML with the JHS 191
elements Suunta has data for (docs/api.md tables the mapping). The download page
link and the API make it here, from the same documents the app shows."""

import io
import json
import zipfile
from xml.etree import ElementTree as ET

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from suunta import policies
from suunta.governance.models import Handling

from . import render
from .models import record_settings

# A fixed time inside the archive: the same handling gives the same bytes.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)
JHS_NAMESPACE = "http://www.jhs-suositukset.fi/jhs191"


def _documents(handling: Handling, lang: str, reader) -> list[tuple[str, render.Request]]:
    """(role, request) of the agenda item and its annex."""
    version, checkpoint = handling.version, handling.checkpoint
    annex_kind = "followup-report" if checkpoint is not None else "annex"
    return [
        ("agenda", render.Request("agenda", version, lang, checkpoint, reader=reader)),
        ("annex", render.Request(annex_kind, version, lang, checkpoint, reader=reader)),
    ]


def require(user, handling: Handling) -> None:
    """Only for who may read the agenda item (the people who prepare the board's
    agenda) and its annex; else PermissionDenied (audited)."""
    status = render.followup_status(handling.checkpoint)
    for kind in ("agenda", "followup-report" if handling.checkpoint_id else "annex"):
        policies.require(user, policies.READ_DOCUMENT, (handling.version, kind, status))


def _author(handling: Handling) -> str:
    person = handling.presenter or handling.recorded_by
    return (person.get_full_name() or person.username) if person else ""


def metadata(handling: Handling, files: list[dict]) -> dict:
    agreement = handling.version.plan.agreement
    records = record_settings(agreement.organization)
    return {
        "case_number": handling.case_number,
        "organization": agreement.organization.name,
        "body": handling.body.name,
        "meeting_date": handling.meeting_date.isoformat(),
        "section": handling.section,
        "reference": handling.reference,
        "documents": [
            {
                **f,
                "case_number": handling.case_number,
                "publicity_class": records.publicity,
                "secrecy_basis": records.secrecy_basis if records.publicity != "public" else "",
                "secrecy_period": records.secrecy_period if records.publicity != "public" else "",
                "personal_data": records.personal_data,
                "retention_period": records.retention,
                "task_class": records.task_class,
                "date": handling.meeting_date.isoformat(),
                "author": _author(handling),
            }
            for f in files
        ],
    }


# JSON key → JHS 191 element (docs/api.md).
JHS_ELEMENTS = {
    "title": "Nimeke",
    "case_number": "Asiatunnus",
    "document_type": "Asiakirjatyyppi",
    "publicity_class": "Julkisuusluokka",
    "secrecy_basis": "Salassapitoperuste",
    "secrecy_period": "Salassapitoaika",
    "personal_data": "Henkilotietoja",
    "retention_period": "Sailytysaika",
    "task_class": "Tehtavaluokka",
    "date": "Paivamaara",
    "author": "Laatija",
    "file": "Tiedostonimi",
    "format": "Tiedostomuoto",
}


def metadata_xml(data: dict) -> bytes:
    root = ET.Element("Asiakirjat", {"xmlns": JHS_NAMESPACE})
    for document in data["documents"]:
        element = ET.SubElement(root, "Asiakirja")
        for key, name in JHS_ELEMENTS.items():
            value = document.get(key)
            if value in (None, ""):
                continue  # only the elements Suunta has data for
            if isinstance(value, bool):
                value = "true" if value else "false"
            ET.SubElement(element, name).text = str(value)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def build(handling: Handling, lang: str, reader) -> tuple[bytes, str]:
    """(ZIP bytes, file name). Raises agreements.integrity.IntegrityError when the
    version no longer matches its approval (no document is made then)."""
    files, members = [], []
    for role, request in _documents(handling, lang, reader):
        body, name, _content_type = render.render(request, "pdf")
        filename = f"{len(files) + 1:02d}-{name}"
        members.append((filename, body))
        with override(lang):
            title = render.build(request)["title"]
            kind = _("Agenda item") if role == "agenda" else _("Annex")
        files.append(
            {"file": filename, "format": "application/pdf (PDF/A-2a)", "title": title, "document_type": kind}
        )
    data = metadata(handling, files)
    members.append(("metadata.json", json.dumps(data, ensure_ascii=False, indent=2).encode()))
    members.append(("metadata.xml", metadata_xml(data)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members:
            archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), body, zipfile.ZIP_DEFLATED)
    stem = (
        slugify(f"{handling.body.display_short} {handling.meeting_date:%Y-%m-%d} {handling.section}")
        or "package"
    )
    return buffer.getvalue(), f"{stem}.zip"
