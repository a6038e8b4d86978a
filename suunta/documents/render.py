"""One entry point for every document: kind, format and language in, bytes out.
Used by the download views and `manage.py render_document` alike."""

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Request:
    kind: str
    version: PlanVersion
    lang: str
    checkpoint: Checkpoint | None = None


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
        return content.annex(plan, request.version, request.lang)
    if request.kind == "followup-report":
        return content.followup_report(plan, request.checkpoint, request.lang)
    return content.agenda(plan, request.version, request.lang, request.checkpoint)


def render(request: Request, fmt: str) -> tuple[bytes, str, str]:
    """(bytes, file name, content type)."""
    data = build(request)
    body = pdf.render(data) if fmt == "pdf" else docx.render(data)
    name = slugify(data["title"]) or request.kind
    return body, f"{name}.{fmt}", FORMATS[fmt]
