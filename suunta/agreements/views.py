"""Agreement and plan pages, and in-place editing of the annex.

Editing works with and without JavaScript: every action is an ordinary link or form.
With htmx, the response is the annex fragment (`#annex`) only; without it, the whole
plan page. Both render the same template with an `editing` context that says which
item (if any) shows a form, so an invalid form comes back in place with the user's
text and the errors next to the fields.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from suunta import policies
from suunta.audit import services as audit
from suunta.evidence import uploads
from suunta.governance.models import Handling
from suunta.lib import once
from suunta.lib.forms import apply_validation_error
from suunta.lib.pagecache import cached_page
from suunta.organizations import people

from . import access, integrity, pages, services
from .forms import AgreementEditForm, AgreementForm, CheckpointForm, GoalAreaForm, MetricForm, PlanForm
from .models import Checkpoint, DirectorAgreement, GoalArea, GoalPlan, Metric, PlanVersion

# --- Agreement ------------------------------------------------------------------------------


@require_GET
def agreement_detail(request, pk: int):
    agreement = access.agreement(request.user, pk)
    return render(request, "agreements/agreement_detail.html", pages.agreement_page(request.user, agreement))


@require_http_methods(["GET", "POST"])
def agreement_new(request, slug: str):
    """A new director agreement, by the organization's admin."""
    organization = access.organization(request.user, slug)
    policies.require(request.user, policies.CREATE_AGREEMENT, organization)
    executives = people.executives(organization.pk)
    form = AgreementForm(request.POST or None, organization=organization, executives=executives)
    if request.method == "POST":
        with once.submission(request) as submission:
            if submission.replayed:
                return submission.replay()
            if form.is_valid():
                fields = {name: form.cleaned_data[name] for name in AgreementForm.Meta.fields}
                try:
                    agreement = services.create_agreement(request.user, organization, **fields)
                except ValidationError as error:
                    apply_validation_error(form, error)
                else:
                    messages.success(
                        request,
                        _("The agreement was made. Give its evaluators their role on the people page."),
                    )
                    return submission.done(redirect("agreement_detail", pk=agreement.pk))
    return render(request, "agreements/agreement_form.html", {"organization": organization, "form": form})


@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk: int):
    """Corrections to the agreement and its signed copy, by the organization's admin."""
    agreement = access.agreement(request.user, pk)
    policies.require(request.user, policies.EDIT_AGREEMENT, agreement)
    form = AgreementEditForm(
        request.POST or None, request.FILES or None, instance=agreement, organization=agreement.organization
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in AgreementEditForm.Meta.fields}
        try:
            services.update_agreement(
                request.user, agreement, signed_file=form.cleaned_data["signed_file"], **fields
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The agreement was saved."))
            return redirect("agreement_detail", pk=agreement.pk)
    return render(request, "agreements/agreement_edit.html", {"agreement": agreement, "form": form})


@require_GET
def agreement_signed_file(request, pk: int):
    """The signed agreement, for whoever may read the agreement."""
    agreement = access.agreement(request.user, pk)
    if not agreement.signed_file:
        raise Http404
    try:
        handle = uploads.open_stored(agreement.signed_file)  # FileResponse closes it
    except (OSError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=agreement.signed_file_name,
        content_type=uploads.PDF_TYPE.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    audit.record(
        "agreement.signed_file.download",
        actor=request.user,
        organization=agreement.organization_id,
        obj=agreement,
        changes={"signed_file_name": [None, agreement.signed_file_name]},
        request=request,
    )
    return response


@require_http_methods(["GET", "POST"])
def plan_new(request, pk: int):
    agreement = access.agreement(request.user, pk)
    policies.require(request.user, policies.CREATE_PLAN, agreement)
    if request.method == "POST":
        with once.submission(request) as submission:
            if submission.replayed:
                return submission.replay()
            form = PlanForm(request.POST, agreement=agreement)
            if form.is_valid():
                try:
                    plan, created = services.get_or_create_plan(
                        request.user,
                        agreement,
                        **{name: form.cleaned_data[name] for name in PlanForm.Meta.fields},
                    )
                except ValidationError as error:  # e.g. someone created an overlapping plan a moment ago
                    apply_validation_error(form, error)
                else:
                    if created:
                        messages.success(
                            request, _("The plan was created. Add its goals, metrics and checkpoints.")
                        )
                    else:  # the same period, created a moment ago (another tab, a second click)
                        messages.info(
                            request, _("A plan for this period had already been created; here it is.")
                        )
                    return submission.done(redirect("plan_detail", pk=plan.pk))
            return _plan_form(request, agreement, form)
    year = pages.suggested_year(agreement)
    form = PlanForm(
        agreement=agreement,
        initial={
            "title": agreement.default_plan_title(year),
            "period_start": f"{year}-01-01",
            "period_end": f"{year}-12-31",
        },
    )
    return _plan_form(request, agreement, form)


def _plan_form(request, agreement: DirectorAgreement, form: PlanForm):
    return render(
        request,
        "agreements/plan_form.html",
        {"agreement": agreement, "organization": agreement.organization, "form": form},
    )


# --- Plan page --------------------------------------------------------------------------------


def render_plan(request, plan: GoalPlan, version: PlanVersion | None = None, editing=None, focus=None):
    """The plan page, or its annex fragment for htmx."""
    versions = access.versions(request.user, plan)
    if not versions:
        raise Http404
    context = pages.plan_page(
        request.user, plan, versions, version, editing=editing, focus=focus, annex_only=bool(request.htmx)
    )
    if context["integrity_failure"] is not None:
        _record_integrity_failure(request, context["integrity_failure"], "plan page")
    template = "agreements/plan_detail.html#annex" if request.htmx else "agreements/plan_detail.html"
    return render(request, template, context)


def _record_integrity_failure(request, failure, where: str) -> None:

    if not audit.in_transaction():  # GET views run in autocommit (ATOMIC_REQUESTS off)
        integrity.record(failure, where, request=request)


def _refuse_if_changed(request, plan: GoalPlan, version: PlanVersion):
    """A redirect back to the plan page (which shows the integrity error) when the
    version's rows no longer match its approval, else None."""
    version.plan = plan
    failure = integrity.check(version)
    if failure is None:
        return None
    _record_integrity_failure(request, failure, "plan page")
    messages.error(request, failure.page_message())
    return redirect("plan_detail", pk=plan.pk)


@require_GET
def plan_history(request, pk: int):
    """Every version the user may see, with its decisions and a readable diff to the previous."""
    plan, versions = access.plan_with_versions(request.user, pk)
    history = pages.plan_history(plan, versions)
    # The page shows each version's changes from the rows: a version that no longer
    # matches its approval gets the integrity error above them (the rows were checked
    # while the diffs were made, see pages.plan_history). Recorded in the audit log
    # by the plan page, where the version itself is shown.
    return render(
        request,
        "agreements/plan_history.html",
        {
            "organization": plan.agreement.organization,
            "agreement": plan.agreement,
            "plan": plan,
            "history": list(reversed(history)),
            # The policy asks whose plan a handling is of: any handling of the latest version tells.
            "can_correct": policies.can(
                request.user, policies.CORRECT_DECISION, Handling(version=versions[-1])
            ),
            # The case-system package: for those who prepare the board's agenda.
            "can_package": policies.can(request.user, policies.READ_DOCUMENT, (versions[-1], "agenda", None)),
        },
    )


@require_POST
def plan_amend(request, pk: int):
    plan, versions = access.plan_with_versions(request.user, pk)
    refused = _refuse_if_changed(request, plan, versions[-1])
    if refused is not None:
        return refused
    with once.submission(request) as submission:
        if submission.replayed:
            return submission.replay()
        # The service checks the policy: a second click finds the draft the first one started.
        draft, created = services.get_or_start_amendment(request.user, plan)
        if created:
            messages.success(
                request,
                _(
                    "Version %(number)s was started as a draft. It is handled and approved like the earlier versions."
                )
                % {"number": draft.number},
            )
        else:
            messages.info(
                request,
                _("Version %(number)s had already been started; here it is.") % {"number": draft.number},
            )
        return submission.done(redirect("plan_detail", pk=plan.pk))


@require_POST
def plan_next_period(request, pk: int):
    plan, versions = access.plan_with_versions(request.user, pk)
    refused = _refuse_if_changed(request, plan, versions[-1])
    if refused is not None:
        return refused
    with once.submission(request) as submission:
        if submission.replayed:
            return submission.replay()
        # The service checks the policy: a second click finds the plan the first one made.
        try:
            new_plan, created = services.get_or_create_next_period_plan(request.user, plan)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("plan_detail", pk=plan.pk)
        if created:
            messages.success(
                request,
                _("The next period's plan was created from this one. Check its goals and checkpoints."),
            )
        else:
            messages.info(request, _("The next period's plan had already been created; here it is."))
        return submission.done(redirect("plan_detail", pk=new_plan.pk))


@require_GET
@cached_page
def plan_detail(request, pk: int):
    plan = access.plan(request.user, pk)
    version = None
    if "version" in request.GET:
        try:
            number = int(request.GET["version"])
        except ValueError:
            raise Http404 from None
        version = next((v for v in access.versions(request.user, plan) if v.number == number), None)
        if version is None:
            raise Http404
    return render_plan(request, plan, version)


# --- In-place editing -------------------------------------------------------------------------

KINDS = {
    "goal": {"model": GoalArea, "form": GoalAreaForm, "version_path": "version"},
    "metric": {"model": Metric, "form": MetricForm, "version_path": "goal_area__version"},
    "checkpoint": {"model": Checkpoint, "form": CheckpointForm, "version_path": "version"},
}


def _editable_version(request, plan: GoalPlan) -> PlanVersion:
    """The latest version, which is the only one that can be edited; 403 when not allowed."""
    versions = access.versions(request.user, plan)
    if not versions:
        raise Http404
    version = versions[-1]
    policies.require(request.user, policies.EDIT_PLAN, version)
    return version


def _form(kind: str, plan: GoalPlan, *args, **kwargs):
    # Goals and metrics offer what the plan's organization and years have to link to.
    if kind in ("goal", "metric"):
        kwargs["plan"] = plan
    return KINDS[kind]["form"](*args, **kwargs)


def _item(request, kind: str, version: PlanVersion, item_id: int):
    spec = KINDS[kind]
    items = spec["model"].objects.filter(**{spec["version_path"]: version})
    return policies.get_scoped_or_404(items, request.user, pk=item_id)


def _done(request, plan: GoalPlan, version: PlanVersion, message: str, kind: str, item_id: int | None):
    if request.htmx:
        response = render_plan(request, plan, version, focus=(kind, item_id))
        # The live region outside #annex announces the change to screen readers.
        response.content += render(request, "agreements/_announce.html", {"message": message}).content
        return response
    messages.success(request, message)
    return redirect(_item_url(plan, kind, item_id))


def _item_url(plan: GoalPlan, kind: str, item_id: int | None) -> str:
    anchor = f"{kind}-{item_id}" if item_id else "annex"
    return reverse("plan_detail", args=[plan.pk]) + f"#{anchor}"


def _with_focus(request, form):
    """Focus the first field with an error, or the first field.

    A whole page uses autofocus. A fragment must not: Chromium focuses an inserted
    autofocus field at its next frame, before htmx has wired the new form, and an Enter
    typed then submits it as a plain page load. `data-focus` is focused by
    static/js/suunta.js after htmx has settled (and wired) the fragment.
    """
    names = [name for name in form.fields if name in form.errors] or list(form.fields)
    form.fields[names[0]].widget.attrs["data-focus" if request.htmx else "autofocus"] = True
    return form


@require_http_methods(["GET", "POST"])
def item_new(request, pk: int, kind: str, parent_id: int | None = None):
    plan = access.plan(request.user, pk)
    version = _editable_version(request, plan)
    parent = _item(request, "goal", version, parent_id) if kind == "metric" else None
    if request.method != "POST":
        return _new_item_form(
            request, plan, version, kind, parent_id, _form(kind, plan, prefix=f"new-{kind}")
        )
    with once.submission(request) as submission:
        if submission.replayed:
            return submission.replay()
        form = _form(kind, plan, request.POST, prefix=f"new-{kind}")
        if form.is_valid():
            try:
                if kind == "goal":
                    item = services.add_goal_area(request.user, version, **form.cleaned_data)
                elif kind == "metric":
                    item = services.add_metric(request.user, parent, **form.cleaned_data)
                else:
                    item = services.add_checkpoint(request.user, version, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                response = _done(request, plan, version, _saved_message(kind, "new"), kind, item.pk)
                return submission.done(response, url=_item_url(plan, kind, item.pk))
        return _new_item_form(request, plan, version, kind, parent_id, form)


def _new_item_form(request, plan, version, kind: str, parent_id: int | None, form):
    editing = pages.Editing(kind=kind, mode="new", parent_id=parent_id, form=_with_focus(request, form))
    return render_plan(request, plan, version, editing)


@require_http_methods(["GET", "POST"])
def item_edit(request, pk: int, kind: str, item_id: int):
    plan = access.plan(request.user, pk)
    version = _editable_version(request, plan)
    item = _item(request, kind, version, item_id)
    data = request.POST if request.method == "POST" else None
    form = _form(kind, plan, data, instance=item, prefix=f"{kind}-{item.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            update = {"goal": services.update_goal_area, "metric": services.update_metric}.get(
                kind, services.update_checkpoint
            )
            update(request.user, item, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return _done(request, plan, version, _saved_message(kind, "edit"), kind, item.pk)
    editing = pages.Editing(kind=kind, mode="edit", item_id=item.pk, form=_with_focus(request, form))
    return render_plan(request, plan, version, editing)


@require_http_methods(["GET", "POST"])
def item_delete(request, pk: int, kind: str, item_id: int):
    plan = access.plan(request.user, pk)
    version = _editable_version(request, plan)
    item = _item(request, kind, version, item_id)
    if request.method == "POST":
        delete = {"goal": services.delete_goal_area, "metric": services.delete_metric}.get(
            kind, services.delete_checkpoint
        )
        delete(request.user, item)
        return _done(request, plan, version, _saved_message(kind, "delete"), kind, None)
    editing = pages.Editing(kind=kind, mode="delete", item_id=item.pk)
    return render_plan(request, plan, version, editing)


@require_POST
def item_move(request, pk: int, kind: str, item_id: int):
    plan = access.plan(request.user, pk)
    version = _editable_version(request, plan)
    item = _item(request, kind, version, item_id)
    direction = request.POST.get("direction")
    if direction not in {"up", "down"}:
        return HttpResponse(_("Unknown direction."), status=400)
    services.move(request.user, item, -1 if direction == "up" else 1)
    return _done(request, plan, version, _saved_message(kind, "move"), kind, item.pk)


def _saved_message(kind: str, action: str) -> str:
    messages_by_kind = {
        ("goal", "new"): _("Goal added."),
        ("goal", "edit"): _("Goal saved."),
        ("goal", "delete"): _("Goal deleted."),
        ("goal", "move"): _("Goal moved."),
        ("metric", "new"): _("Metric added."),
        ("metric", "edit"): _("Metric saved."),
        ("metric", "delete"): _("Metric deleted."),
        ("metric", "move"): _("Metric moved."),
        ("checkpoint", "new"): _("Checkpoint added."),
        ("checkpoint", "edit"): _("Checkpoint saved."),
        ("checkpoint", "delete"): _("Checkpoint deleted."),
        ("checkpoint", "move"): _("Checkpoint moved."),
    }
    return messages_by_kind[(kind, action)]
