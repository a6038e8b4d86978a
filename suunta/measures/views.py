"""The metric page: a quantitative metric's values, progress and chart; entering and
importing values."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from suunta import policies
from suunta.agreements import access
from suunta.agreements import pages as plan_pages
from suunta.agreements.models import GoalArea
from suunta.lib import once
from suunta.lib.clock import today
from suunta.lib.forms import apply_validation_error
from suunta.lib.numbers import format_decimal

from . import csv_import, pages, services
from .forms import ImportForm, MetricValueForm, WeightsForm
from .models import MetricValue


def _context(request, pk: int, metric_id: int):
    plan = access.plan(request.user, pk)
    return plan, access.metric(request.user, plan, access.versions(request.user, plan), metric_id)


def _page(request, plan, metric, *, value_form=None):
    context = pages.metric_page(request.user, plan, metric, value_form=value_form)
    return render(request, "measures/metric_detail.html", context)


@require_GET
def metric_detail(request, pk: int, metric_id: int):
    plan, metric = _context(request, pk, metric_id)
    return _page(request, plan, metric)


@require_POST
def value_add(request, pk: int, metric_id: int):
    plan, metric = _context(request, pk, metric_id)
    policies.require(request.user, policies.RECORD_METRIC_VALUE, metric.goal_area.version)
    with once.submission(request) as submission:
        if submission.replayed:
            return submission.replay()
        form = MetricValueForm(request.POST)
        if form.is_valid():
            try:
                entry = services.record_value(request.user, plan, metric, **form.cleaned_data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _("The value %(value)s for %(date)s was saved.")
                    % {
                        "value": format_decimal(entry.value, metric.unit),
                        "date": formats.date_format(entry.measured_on, "SHORT_DATE_FORMAT"),
                    },
                )
                return submission.done(
                    redirect(reverse("metric_detail", args=[plan.pk, metric.pk]) + "#values")
                )
        return _page(request, plan, metric, value_form=form)


@require_POST
def value_delete(request, pk: int, metric_id: int, value_id: int):
    plan, metric = _context(request, pk, metric_id)
    policies.require(request.user, policies.RECORD_METRIC_VALUE, metric.goal_area.version)
    entry = policies.get_scoped_or_404(
        MetricValue.objects.filter(plan=plan, metric_lineage=metric.lineage), request.user, pk=value_id
    )
    services.delete_value(request.user, plan, metric, entry)
    messages.success(
        request,
        _("The value %(value)s for %(date)s was removed.")
        % {
            "value": format_decimal(entry.value, metric.unit),
            "date": formats.date_format(entry.measured_on, "SHORT_DATE_FORMAT"),
        },
    )
    return redirect(reverse("metric_detail", args=[plan.pk, metric.pk]) + "#values")


@require_http_methods(["GET", "POST"])
def value_import(request, pk: int, metric_id: int):
    """Upload or paste → preview with per-row errors → confirm. The confirmation carries
    the CSV text back in the form and parses it again: nothing is kept in between."""
    plan, metric = _context(request, pk, metric_id)
    policies.require(request.user, policies.RECORD_METRIC_VALUE, metric.goal_area.version)
    if request.method != "POST":
        return _import_page(request, plan, metric, ImportForm())
    # The confirmation carries a one-time key: sent twice, it imports once.
    with once.submission(request) as submission:
        if submission.replayed:
            return submission.replay()
        form = ImportForm(request.POST, request.FILES or None)
        rows = None
        csv_text = ""
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                if upload is not None and upload.size > csv_import.MAX_BYTES:
                    raise ValidationError(_("The file is too large: at most 1 MB."))
                csv_text = csv_import.decode(upload.read()) if upload else form.cleaned_data["text"]
                rows = csv_import.parse(csv_text, period=(plan.period_start, plan.period_end), today=today())
                services.preview(plan, metric, rows)
            except ValidationError as error:
                form.add_error("file" if upload else "text", error)
                rows = None
            if rows is not None and "confirm" in request.POST:
                try:
                    created, replaced = services.import_values(request.user, plan, metric, rows)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request,
                        _("Imported %(created)s new values and replaced %(replaced)s.")
                        % {"created": created, "replaced": replaced},
                    )
                    return submission.done(
                        redirect(reverse("metric_detail", args=[plan.pk, metric.pk]) + "#values")
                    )
        return _import_page(request, plan, metric, form, rows, csv_text)


def _import_page(request, plan, metric, form, rows=None, csv_text=""):
    return render(
        request,
        "measures/import.html",
        {
            "organization": plan.agreement.organization,
            "plan": plan,
            "metric": metric,
            "form": form,
            "rows": rows,
            "csv_text": csv_text,
            "error_count": sum(1 for r in rows if r.errors) if rows else 0,
        },
    )


@require_POST
def plan_weights(request, pk: int):
    """Set the weights of every goal of the plan's draft at once."""
    plan, versions = access.plan_with_versions(request.user, pk)
    version = versions[-1]
    policies.require(request.user, policies.SET_WEIGHTS, version)
    goals = list(GoalArea.objects.filter(version=version).prefetch_related("metrics"))
    form = WeightsForm(request.POST, goals=goals, per_metric=plan.agreement.organization.assess_metrics)
    if form.is_valid():
        try:
            services.set_weights(request.user, version, form.weights(), form.metric_weights(), form.scoring())
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The weights were saved."))
            return redirect(reverse("plan_detail", args=[plan.pk]) + "#weights")
    context = plan_pages.plan_page(request.user, plan, versions, version, weights_form=form)
    return render(request, "agreements/plan_detail.html", context)
