"""Document preview (HTML) and downloads (PDF/A, DOCX). The plan comes from the user's
scope; what the document shows is decided by policies.READ_DOCUMENT; every download is
audited."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from suunta import policies
from suunta.agreements import access, integrity
from suunta.audit import services as audit
from suunta.lib.forms import apply_validation_error

from . import casefile, services, texts
from . import render as documents
from .forms import DocumentTextsForm, RecordSettingsForm
from .models import record_settings


def _request(request, pk: int, kind: str, fmt: str | None):
    plan, versions = access.plan_with_versions(request.user, pk)
    version = versions[-1]
    version.plan = plan
    lang = request.GET.get("lang") or (get_language() or "fi")[:2]
    try:
        documents.check(kind, fmt, lang)
        number = int(request.GET["checkpoint"]) if request.GET.get("checkpoint") else None
        checkpoint = documents.checkpoint_of(version, number, kind)
    except ValueError:
        raise Http404 from None
    except ValidationError as error:
        return None, error
    policies.require(
        request.user, policies.READ_DOCUMENT, (version, kind, documents.followup_status(checkpoint))
    )
    return documents.Request(kind, version, lang, checkpoint, reader=request.user), None


def _changed(request, failure: integrity.IntegrityFailure):
    """The version's rows no longer match its approval: no document, a visible error
    (409: the stored data conflicts with the decision) and an audit event."""
    integrity.record(failure, "document", request=request)
    return render(request, "documents/error.html", {"messages_": [failure.document_message()]}, status=409)


@require_GET
def preview(request, pk: int, kind: str):
    doc, error = _request(request, pk, kind, None)
    if error is not None:
        return render(request, "documents/error.html", {"messages_": error.messages}, status=400)
    try:
        content = documents.build(doc)
    except integrity.IntegrityError as changed:
        return _changed(request, changed.failure)
    for section in content["sections"]:
        # A section has paragraphs, items or both; where the key is missing, the
        # template's `section.items` would find the dict's items() method instead.
        section.setdefault("paragraphs", [])
        section.setdefault("items", [])
    return render(
        request,
        "documents/preview.html",
        {
            "doc": content,
            "plan": doc.version.plan,
            "organization": doc.version.plan.agreement.organization,
            "kind": kind,
            "query": request.GET.urlencode(),
        },
    )


@require_GET
def download(request, pk: int, kind: str, fmt: str):
    doc, error = _request(request, pk, kind, fmt)
    if error is not None:
        return render(request, "documents/error.html", {"messages_": error.messages}, status=400)
    try:
        body, name, content_type = documents.render(doc, fmt)
    except integrity.IntegrityError as changed:
        return _changed(request, changed.failure)
    audit.record(
        "document.download",
        actor=request.user,
        organization=doc.version.plan.agreement.organization_id,
        obj=doc.version,
        changes={"kind": [None, kind], "format": [None, fmt], "lang": [None, doc.lang]},
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def texts_edit(request, slug: str):
    """The organization's document texts, edited by its admin with a preview."""
    organization = access.organization(request.user, slug)
    policies.require(request.user, policies.SET_UP, organization)
    current = texts.current_texts(organization)
    form = DocumentTextsForm(
        request.POST or None,
        instance=DocumentTextsForm.Meta.model(
            **{name: getattr(current, name) for name in texts.FIELDS}, organization=organization
        ),
    )
    previewing = request.method == "POST" and "preview" in request.POST
    if request.method == "POST" and form.is_valid() and not previewing:
        try:
            services.save_texts(request.user, organization, **{n: form.cleaned_data[n] for n in texts.FIELDS})
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The texts were saved."))
            return redirect("document_texts", slug=organization.slug)
    shown = form.instance if previewing and form.is_valid() else current
    context = {"organization": organization, "form": form, "texts": current, "previewing": previewing}
    return render(request, "documents/texts.html", context | {"preview": texts.preview(organization, shown)})


@require_http_methods(["GET", "POST"])
def records_edit(request, slug: str):
    """The organization's record metadata defaults, edited by its admin."""
    organization = access.organization(request.user, slug)
    policies.require(request.user, policies.SET_UP, organization)
    form = RecordSettingsForm(request.POST or None, instance=record_settings(organization))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.RECORD_FIELDS}
        try:
            services.save_record_settings(request.user, organization, **fields)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The record metadata was saved."))
            return redirect("record_settings", slug=organization.slug)
    return render(request, "documents/records.html", {"organization": organization, "form": form})


@require_GET
def handling_package(request, pk: int):
    """The case-system package (ZIP) of a handling's agenda item: the agenda item and
    its annex as PDF/A with their record metadata (JSON and JHS 191 XML)."""
    handling = access.handling(request.user, pk)
    casefile.require(request.user, handling)
    lang = (get_language() or "fi")[:2]
    try:
        body, name = casefile.build(handling, lang, request.user)
    except integrity.IntegrityError as changed:
        return _changed(request, changed.failure)
    audit.record(
        "document.package",
        actor=request.user,
        organization=handling.version.plan.agreement.organization_id,
        obj=handling,
    )
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
