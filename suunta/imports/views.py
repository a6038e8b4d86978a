"""The import page: read a document, correct the preview, save a new draft plan.

One URL, three steps told apart by the button pressed: "read" (a file or pasted
text, then the preview), "update" (the corrected rows shown again) and "save".
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from suunta import policies
from suunta.agreements import access
from suunta.agreements.pages import suggested_year
from suunta.lib import once
from suunta.lib.forms import apply_validation_error

from . import services
from .draft import Draft
from .forms import ImportPlanForm, ReadForm, RowFormSet, source_lines
from .parse import parse
from .preview import ROWS_MAX, corrected, initial_rows
from .services import RowErrors

FORMATS = ("docx", "pdf", "xlsx", "ods", "csv", "text")


@require_http_methods(["GET", "POST"])
def plan_import(request, pk: int):
    agreement = access.agreement(request.user, pk)
    policies.require(request.user, policies.CREATE_PLAN, agreement)
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("update", "save"):
        return _correct(request, agreement, save=action == "save")
    form = ReadForm(request.POST or None, request.FILES or None)
    if action == "read" and form.is_valid():
        return _first_preview(request, agreement, form.source)
    return render(request, "imports/read.html", _context(agreement, read_form=form))


def _context(agreement, **extra) -> dict:
    return {"agreement": agreement, "organization": agreement.organization, **extra}


def _first_preview(request, agreement, source):
    draft = parse(source)
    rows = initial_rows(draft)
    if len(rows) > ROWS_MAX:
        form = ReadForm()
        form.add_error(None, _("The document is too long to preview. Import only the part with the goals."))
        return render(request, "imports/read.html", _context(agreement, read_form=form))
    year = draft.first_year() or suggested_year(agreement)
    plan_form = ImportPlanForm(
        prefix="plan",
        agreement=agreement,
        initial={
            "title": agreement.default_plan_title(year),
            "period_start": f"{year}-01-01",
            "period_end": f"{year}-12-31",
        },
    )
    formset = RowFormSet(prefix="row", initial=rows)
    texts = {line.number: line.text for line in source.lines if not line.is_blank}
    return _preview(request, agreement, plan_form, formset, texts, source.format, draft.warnings)


def _preview(request, agreement, plan_form, formset, texts, source_format, warnings):
    rows = []
    for form in formset:
        numbers = form["lines"].value() or ""
        lines = [int(n) for n in str(numbers).split(",") if n.strip().isdigit()]
        rows.append({"form": form, "source": [(n, texts.get(n, "")) for n in lines]})
    counts = _counts(formset)
    return render(
        request,
        "imports/preview.html",
        _context(
            agreement,
            plan_form=plan_form,
            formset=formset,
            rows=rows,
            counts=counts,
            source_json=json.dumps(sorted(texts.items()), ensure_ascii=False),
            source_format=source_format,
            warnings=warnings,
        ),
    )


def _counts(formset) -> dict:
    kinds = [form["kind"].value() for form in formset]
    return {kind: kinds.count(kind) for kind in ("goal", "metric", "checkpoint", "skip")}


def _correct(request, agreement, save: bool):
    texts = source_lines(request.POST.get("source", ""))
    source_format = request.POST.get("format", "")
    if source_format not in FORMATS:  # it goes into the audit event: only a known name
        source_format = "text"
    warnings = request.POST.getlist("warning")[:20]
    plan_form = ImportPlanForm(request.POST, prefix="plan", agreement=agreement)
    formset = RowFormSet(request.POST, prefix="row")
    if not formset.is_valid() or not plan_form.is_valid():
        return _preview(request, agreement, plan_form, formset, texts, source_format, warnings)
    items, changed = corrected([form.cleaned_data for form in formset])
    draft = Draft(items=items)
    if changed or not save:
        formset = RowFormSet(prefix="row", initial=initial_rows(draft))
        return _preview(request, agreement, plan_form, formset, texts, source_format, warnings)
    saved = _save(request, agreement, plan_form, formset, draft, source_format)
    return saved or _preview(request, agreement, plan_form, formset, texts, source_format, warnings)


def _save(request, agreement, plan_form, formset, draft, source_format):
    """Save the corrected draft as a new plan; None when a row or the plan form was refused
    (the messages are then on the forms, for the preview shown again)."""
    with once.submission(request) as submission:
        if submission.replayed:
            return submission.replay()
        try:
            plan = services.save_plan(
                request.user,
                agreement,
                draft,
                source_format=source_format,
                **{name: plan_form.cleaned_data[name] for name in ImportPlanForm.Meta.fields},
            )
        except RowErrors as problem:
            _mark_rows(formset, problem.errors)
        except ValidationError as error:
            apply_validation_error(plan_form, error)
        else:
            messages.success(
                request,
                _(
                    "The plan was imported: %(goals)s goals, %(metrics)s metrics and %(checkpoints)s "
                    "follow-ups. It is a draft: check it and continue editing here."
                )
                % draft.counts(),
            )
            return submission.done(redirect("plan_detail", pk=plan.pk))
    return None


def _mark_rows(formset, errors: dict) -> None:
    forms = list(formset)
    for index, fields in errors.items():
        form = forms[index] if index < len(forms) else forms[0]
        for name, messages_ in fields.items():
            for message in messages_:
                form.add_error(name if name in form.fields else None, message)
