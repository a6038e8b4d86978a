"""Documents through the API: the same checks and makers as the document downloads
(suunta/documents), audited the same way."""

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from ninja.errors import HttpError

from suunta import policies
from suunta.agreements import access, integrity
from suunta.audit import services as audit
from suunta.documents import casefile
from suunta.documents import render as documents


def _lang(lang: str | None) -> str:
    return lang or (get_language() or "fi")[:2]


def _integrity(changed: integrity.IntegrityError, user=None):
    integrity.record(changed.failure, "document", actor=user)
    return HttpError(409, changed.failure.document_message())


def document(user, plan_id: int, kind: str, fmt: str, number: int | None, lang: str | None):
    plan, versions = access.plan_with_versions(user, plan_id)
    version = versions[-1]
    version.plan = plan
    lang = _lang(lang)
    try:
        documents.check(kind, fmt, lang)
        checkpoint = documents.checkpoint_of(version, number, kind)
    except ValidationError as error:
        raise HttpError(400, " ".join(error.messages)) from None
    policies.require(user, policies.READ_DOCUMENT, (version, kind, documents.followup_status(checkpoint)))
    try:
        body, name, content_type = documents.render(
            documents.Request(kind, version, lang, checkpoint, reader=user), fmt
        )
    except integrity.IntegrityError as changed:
        raise _integrity(changed, user) from None
    audit.record(
        "document.download",
        actor=user,
        organization=plan.agreement.organization_id,
        obj=version,
        changes={"kind": [None, kind], "format": [None, fmt], "lang": [None, lang], "via": [None, "api"]},
    )
    return body, name, content_type


def package(user, handling_id: int, lang: str | None):
    handling = access.handling(user, handling_id)
    casefile.require(user, handling)
    try:
        body, name = casefile.build(handling, _lang(lang), user)
    except integrity.IntegrityError as changed:
        raise _integrity(changed, user) from None
    audit.record(
        "document.package",
        actor=user,
        organization=handling.version.plan.agreement.organization_id,
        obj=handling,
        changes={"via": [None, "api"]},
    )
    return body, name
