"""One entry point for every document: kind, format and language in, bytes out.
Used by the download views and `manage.py render_document` alike."""

import functools
import hashlib
import json
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from suunta.agreements.models import Checkpoint, PlanVersion
from suunta.followup.models import FollowUp, FollowUpStatus

from . import content, docx, pdf

KINDS = ("annex", "followup-report", "agenda")
FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


# A file made for an approved version's content is kept this long in the shared cache
# (settings.CACHES, the database): a repeat download, in any app server, skips the compile.
CACHE_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class Request:
    kind: str
    version: PlanVersion
    lang: str
    checkpoint: Checkpoint | None = None
    # Who reads it (the download and preview views pass the user): the annex shows an
    # agreed follow-up only to a reader who may read it in the app. None: an operator.
    reader: object = None


def check(kind: str, fmt: str | None, lang: str) -> None:
    if kind not in KINDS:
        raise ValidationError(_("Unknown document “%(kind)s”.") % {"kind": kind})
    if fmt is not None and fmt not in FORMATS:
        raise ValidationError(_("Unknown format “%(format)s”: use pdf or docx.") % {"format": fmt})
    if lang not in content.LANGUAGES:
        raise ValidationError(_("Unknown language “%(lang)s”: use fi, sv or en.") % {"lang": lang})


def followup_status(checkpoint: Checkpoint | None) -> str | None:
    if checkpoint is None:
        return None
    return FollowUp.objects.filter(checkpoint=checkpoint).values_list("status", flat=True).first() or "open"


def checkpoint_of(version: PlanVersion, number: int | None, kind: str) -> Checkpoint | None:
    """The checkpoint counted from 1; required for a follow-up report, optional for an
    agenda item (then a follow-up report's agenda item)."""
    if number is None:
        if kind == "followup-report":
            raise ValidationError(_("Choose the checkpoint of the follow-up report."))
        return None
    checkpoints = list(Checkpoint.objects.filter(version=version).order_by("order", "window_start", "id"))
    if not 1 <= number <= len(checkpoints):
        raise ValidationError(
            _("There is no checkpoint %(number)s; this plan has %(count)s.")
            % {"number": number, "count": len(checkpoints)}
        )
    checkpoint = checkpoints[number - 1]
    if kind != "annex" and followup_status(checkpoint) not in (
        FollowUpStatus.AGREED,
        FollowUpStatus.REPORTED,
    ):
        raise ValidationError(
            _("The follow-up %(label)s has not been agreed yet.") % {"label": checkpoint.display_label}
        )
    return checkpoint


def build(request: Request) -> dict:
    plan = request.version.plan
    if request.kind == "annex":
        return content.annex(plan, request.version, request.lang, reader=request.reader)
    if request.kind == "followup-report":
        return content.followup_report(plan, request.checkpoint, request.lang)
    return content.agenda(plan, request.version, request.lang, request.checkpoint)


@functools.cache
def _maker_fingerprint() -> str:
    """What decides a file's bytes besides its content: the code and template that make
    it, the fonts and the versions of Typst and python-docx. A deployment that changes
    any of them makes new files rather than serving the old ones."""
    digest = hashlib.sha256(f"{package_version('typst')} {package_version('python-docx')}".encode())
    for path in (pdf.TEMPLATE, Path(pdf.__file__), Path(docx.__file__), *sorted(pdf.FONTS.glob("*.ttf"))):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(data: dict, fmt: str) -> str:
    """The cache key of a file: a hash of everything it shows (the content as built for
    its reader, so also the agreed follow-ups that reader may see, and their state), its
    format and the maker's fingerprint. Content that differs in anything, for another
    reader or after any change, has another key; an entry is never stale and never
    another reader's."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return "document:" + hashlib.sha256(f"{_maker_fingerprint()}\n{fmt}\n{text}".encode()).hexdigest()


def _make(data: dict, fmt: str) -> bytes:
    return pdf.render(data) if fmt == "pdf" else docx.render(data)


def render(request: Request, fmt: str) -> tuple[bytes, str, str]:
    """(bytes, file name, content type). The content is always built (the database read,
    the integrity check of an approved version); the file of an approved version's
    content comes from the shared cache when that exact content has been made before.
    A draft's files are made each time (it changes as it is edited)."""
    data = build(request)
    if request.version.is_frozen:
        key = cache_key(data, fmt)
        body = cache.get(key)
        if body is None:
            body = _make(data, fmt)
            cache.set(key, body, CACHE_SECONDS)
    else:
        body = _make(data, fmt)
    name = slugify(data["title"]) or request.kind
    return body, f"{name}.{fmt}", FORMATS[fmt]
