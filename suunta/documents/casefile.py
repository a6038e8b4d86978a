"""The case-system package of a handling's agenda item: one ZIP with the agenda item
and its annex as PDF/A, and the record metadata as JSON and as XML with the JHS 191
elements Suunta has data for: the same mapping as the archive transfer
(suunta/infomgmt/jhs191.py; docs/information-management.md tables it). The download page
link and the API make it here, from the same documents the app shows."""

import hashlib
import io
import json
import zipfile

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from suunta import policies
from suunta.governance.models import Handling
from suunta.infomgmt import jhs191

from . import render

# A fixed time inside the archive: the same handling gives the same bytes.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


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


def metadata(handling: Handling, records: list) -> dict:
    """The package's metadata.json: the handling, and each document's record metadata
    as the archive transfer has it (suunta/infomgmt/jhs191.py, one mapping for both)."""
    organization = handling.version.plan.agreement.organization
    return {
        "case_number": handling.case_number,
        "organization": organization.name,
        "body": handling.body.name,
        "meeting_date": handling.meeting_date.isoformat(),
        "section": handling.section,
        "reference": handling.reference,
        "documents": [record.as_dict() for record in records],
    }


def build(handling: Handling, lang: str, reader) -> tuple[bytes, str]:
    """(ZIP bytes, file name). Raises agreements.integrity.IntegrityError when the
    version no longer matches its approval (no document is made then)."""
    records, members = [], []
    for role, request in _documents(handling, lang, reader):
        body, name, _content_type = render.render(request, "pdf")
        filename = f"{len(records) + 1:02d}-{name}"
        members.append((filename, body))
        with override(lang):
            title = render.build(request)["title"]
            kind = _("Agenda item") if role == "agenda" else _("Annex")
        records.append(
            jhs191.handling_metadata(
                handling,
                role=role,
                title=title,
                document_type=kind,
                file_name=filename,
                sha256=hashlib.sha256(body).hexdigest(),
                language=lang,
            )
        )
    data = metadata(handling, records)
    members.append(("metadata.json", json.dumps(data, ensure_ascii=False, indent=2).encode()))
    members.append(("metadata.xml", jhs191.to_xml_many(records)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members:
            archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), body, zipfile.ZIP_DEFLATED)
    stem = (
        slugify(f"{handling.body.display_short} {handling.meeting_date:%Y-%m-%d} {handling.section}")
        or "package"
    )
    return buffer.getvalue(), f"{stem}.zip"
