"""The strategy and budget management pages: the organization's strategies, one
strategy with its themes, objectives and indicators, the budget's binding targets and
their import from a file.

Readers of the organization (anyone with a role in it) read the pages; the preparer and
the organization admin (policies.MANAGE_STRATEGY) change them. Every form posts to its
own address and answers with a redirect (PRG); a form with errors is shown again on its
page, with the messages next to the fields and what was typed kept.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from suunta import policies
from suunta.agreements import access
from suunta.lib import once
from suunta.lib.forms import apply_validation_error

from . import budget_import, manage, services
from .forms import (
    ApprovalForm,
    BudgetIndicatorForm,
    BudgetSaveForm,
    BudgetTargetForm,
    BudgetUploadForm,
    IndicatorForm,
    ObjectiveForm,
    RealisationForm,
    StrategyForm,
    StrategyOptionsForm,
    ThemeForm,
    target_years,
)

LIST = "strategy/manage/strategy_list.html"
DETAIL = "strategy/manage/strategy_detail.html"
BUDGET = "strategy/manage/budget_targets.html"
IMPORT = "strategy/manage/budget_import.html"


# --- Helpers ----------------------------------------------------------------------------------


def _managed(request, slug: str):
    """The organization, when the user may change its strategy and budget (else 403)."""
    organization = access.organization(request.user, slug)
    policies.require(request.user, policies.MANAGE_STRATEGY, organization)
    return organization


def _managed_strategy(request, slug: str, pk: int):
    organization = _managed(request, slug)
    return manage.strategy(request.user, organization, pk)


def _detail_url(strategy, anchor: str = "") -> str:
    url = reverse("strategy_detail", args=[strategy.organization.slug, strategy.pk])
    return f"{url}#{anchor}" if anchor else url


def _not_draft(request, strategy):
    """A redirect to the strategy, saying why, when it is no longer a draft; else None."""
    if strategy.is_draft:
        return None
    messages.error(
        request, _("An approved strategy does not change. Revise it as a new version to change its content.")
    )
    return redirect(_detail_url(strategy))


def _save(form, save):
    """Validate the form and call `save(cleaned_data)`: its result, or None with the
    service's refusal shown on the form."""
    if not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as error:
        apply_validation_error(form, error)
        return None


def _save_once(request, form, save, success):
    """A create form's POST, saved once however often it is sent (suunta.lib.once): the
    redirect `success(result)` gives, or None with the errors on the form."""
    with once.submission(request) as submission:
        if submission.replayed:
            return submission.replay()
        result = _save(form, save)
        if result is not None:
            return submission.done(success(result))
    return None


def _refusal(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --- The strategy list ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def strategy_list(request, slug: str):
    organization = access.organization(request.user, slug)
    if request.method != "POST":
        return render(request, LIST, manage.list_page(request.user, organization))
    policies.require(request.user, policies.MANAGE_STRATEGY, organization)
    form = StrategyForm(request.POST, prefix="new")

    def created(strategy):
        messages.success(request, _("The strategy was created as a draft. Add its themes and objectives."))
        return redirect(_detail_url(strategy))

    save = lambda data: services.create_strategy(request.user, organization, **data)  # noqa: E731
    answer = _save_once(request, form, save, created)
    return answer or render(request, LIST, manage.list_page(request.user, organization, form=form))


@require_POST
def strategy_options(request, slug: str):
    organization = access.organization(request.user, slug)
    policies.require(request.user, policies.SET_UP, organization)
    form = StrategyOptionsForm(request.POST, prefix="options")
    if form.is_valid():
        services.set_strategy_options(request.user, organization, **form.cleaned_data)
        messages.success(request, _("The options were saved."))
    return redirect(reverse("strategy_list", args=[organization.slug]) + "#options")


# --- A strategy -------------------------------------------------------------------------------


def _detail(request, strategy, bound=None):
    return render(request, DETAIL, manage.detail_page(request.user, strategy, bound=bound))


@require_http_methods(["GET", "POST"])
def strategy_detail(request, slug: str, pk: int):
    """The strategy; its POST changes the draft's title, term and vision."""
    organization = access.organization(request.user, slug)
    strategy = manage.strategy(request.user, organization, pk)
    if request.method != "POST":
        return _detail(request, strategy)
    policies.require(request.user, policies.MANAGE_STRATEGY, organization)
    if (answer := _not_draft(request, strategy)) is not None:
        return answer
    form = StrategyForm(request.POST, prefix="strategy")
    if _save(form, lambda data: services.update_strategy(request.user, strategy, **data)) is None:
        return _detail(request, strategy, {"strategy": form})
    messages.success(request, _("The strategy was saved."))
    return redirect(_detail_url(strategy))


@require_POST
def strategy_approve(request, slug: str, pk: int):
    strategy = _managed_strategy(request, slug, pk)
    if (answer := _not_draft(request, strategy)) is not None:
        return answer
    form = ApprovalForm(request.POST, prefix="approval", organization=strategy.organization)

    def approved(result):
        messages.success(
            request,
            _("The council's approval was recorded (%(decision)s).")
            % {"decision": manage.decision_reference(result)},
        )
        return redirect(_detail_url(result))

    save = lambda data: services.approve_strategy(request.user, strategy, **data)  # noqa: E731
    return _save_once(request, form, save, approved) or _detail(request, strategy, {"approval": form})


@require_POST
def strategy_revise(request, slug: str, pk: int):
    strategy = _managed_strategy(request, slug, pk)
    draft = services.revise_strategy(request.user, strategy)
    messages.success(
        request,
        _("Version %(version)s is a draft: change it, then record the council's approval.")
        % {"version": draft.version},
    )
    return redirect(_detail_url(draft))


@require_POST
def strategy_delete(request, slug: str, pk: int):
    strategy = _managed_strategy(request, slug, pk)
    try:
        services.delete_strategy(request.user, strategy)
    except ValidationError as error:
        _refusal(request, error)
        return redirect(_detail_url(strategy, "delete"))
    messages.success(
        request,
        _("Version %(version)s of “%(title)s” was deleted.")
        % {"version": strategy.version, "title": strategy.display_title},
    )
    return redirect("strategy_list", slug=strategy.organization.slug)


# --- Themes -----------------------------------------------------------------------------------


@require_POST
def theme_add(request, slug: str, pk: int):
    strategy = _managed_strategy(request, slug, pk)
    if (answer := _not_draft(request, strategy)) is not None:
        return answer
    form = ThemeForm(request.POST, prefix="theme")
    save = lambda data: services.add_theme(request.user, strategy, **data)  # noqa: E731
    answer = _save_once(
        request, form, save, lambda theme: redirect(_detail_url(strategy, f"theme-{theme.pk}"))
    )
    return answer or _detail(request, strategy, {"theme": form})


@require_http_methods(["GET", "POST"])
def theme_edit(request, slug: str, pk: int, theme_id: int):
    strategy = _managed_strategy(request, slug, pk)
    theme = manage.theme(request.user, strategy, theme_id)
    if (answer := _not_draft(request, strategy)) is not None:
        return answer
    initial = {"number": theme.number, "title": theme.title, "title_sv": theme.title_sv}
    form = ThemeForm(request.POST or None, initial=initial)
    save = lambda data: services.update_theme(request.user, theme, **data)  # noqa: E731
    if request.method == "POST" and _save(form, save) is not None:
        messages.success(request, _("The theme was saved."))
        return redirect(_detail_url(strategy, f"theme-{theme.pk}"))
    return _part_form(request, strategy, form, _("Edit the theme"), theme, f"theme-{theme.pk}")


@require_POST
def theme_delete(request, slug: str, pk: int, theme_id: int):
    strategy = _managed_strategy(request, slug, pk)
    theme = manage.theme(request.user, strategy, theme_id)
    if (answer := _not_draft(request, strategy)) is not None:
        return answer
    try:
        services.delete_theme(request.user, theme)
    except ValidationError as error:
        _refusal(request, error)
        return redirect(_detail_url(strategy, f"theme-{theme.pk}"))
    messages.success(request, _("The theme “%(theme)s” was removed.") % {"theme": theme})
    return redirect(_detail_url(strategy, "themes"))


def _part_form(request, strategy, form, heading, subject, anchor, fields_template="_fields.html"):
    context = {
        "organization": strategy.organization,
        "strategy": strategy,
        "form": form,
        "heading": heading,
        "subject": subject,
        "anchor": anchor,
        "fields_template": fields_template,
    }
    return render(request, "strategy/manage/part_form.html", context)


# --- Objectives -------------------------------------------------------------------------------


@require_POST
def objective_add(request, slug: str, pk: int):
    strategy = _managed_strategy(request, slug, pk)
    if (answer := _not_draft(request, strategy)) is not None:
        return answer
    form = ObjectiveForm(request.POST, prefix="objective", strategy=strategy)
    save = lambda data: services.add_objective(request.user, strategy, **data)  # noqa: E731
    success = lambda objective: redirect(_detail_url(strategy, f"objective-{objective.pk}"))  # noqa: E731
    return _save_once(request, form, save, success) or _detail(request, strategy, {"objective": form})


@require_http_methods(["GET", "POST"])
def objective_edit(request, slug: str, pk: int, objective_id: int):
    strategy = _managed_strategy(request, slug, pk)
    objective = manage.objective(request.user, strategy, objective_id)
    if (answer := _not_draft(request, strategy)) is not None:
        return answer
    fields = ("number", "title", "title_sv", "description", "description_sv")
    initial = {name: getattr(objective, name) for name in fields} | {"theme": objective.theme_id}
    form = ObjectiveForm(request.POST or None, strategy=strategy, initial=initial)
    save = lambda data: services.update_objective(request.user, objective, **data)  # noqa: E731
    if request.method == "POST" and _save(form, save) is not None:
        messages.success(request, _("The objective was saved."))
        return redirect(_detail_url(strategy, f"objective-{objective.pk}"))
    return _part_form(
        request, strategy, form, _("Edit the objective"), objective, f"objective-{objective.pk}"
    )


@require_POST
def objective_delete(request, slug: str, pk: int, objective_id: int):
    strategy = _managed_strategy(request, slug, pk)
    objective = manage.objective(request.user, strategy, objective_id)
    if (answer := _not_draft(request, strategy)) is not None:
        return answer
    try:
        services.delete_objective(request.user, objective)
    except ValidationError as error:
        _refusal(request, error)
        return redirect(_detail_url(strategy, f"objective-{objective.pk}"))
    messages.success(request, _("The objective “%(objective)s” was removed.") % {"objective": objective})
    return redirect(_detail_url(strategy, "themes"))


# --- Indicators of objectives -----------------------------------------------------------------


@require_POST
def indicator_add(request, slug: str, pk: int, objective_id: int):
    strategy = _managed_strategy(request, slug, pk)
    objective = manage.objective(request.user, strategy, objective_id)
    if (answer := _not_draft(request, strategy)) is not None:
        return answer
    form = IndicatorForm(request.POST, prefix=f"indicator-{objective.pk}", years=target_years(strategy))

    def save(data):
        targets = {year: value for year, value in form.targets().items() if value is not None}
        return services.add_strategy_indicator(request.user, objective, targets=targets, **form.fields_data())

    success = lambda indicator: redirect(_detail_url(strategy, f"objective-{objective.pk}"))  # noqa: E731
    answer = _save_once(request, form, save, success)
    return answer or _detail(request, strategy, {("indicator", objective.pk): form})


@require_http_methods(["GET", "POST"])
def indicator_edit(request, slug: str, pk: int, indicator_id: int):
    strategy = _managed_strategy(request, slug, pk)
    indicator = manage.strategy_indicator(request.user, strategy, indicator_id)
    if (answer := _not_draft(request, strategy)) is not None:
        return answer
    form = manage.indicator_form(strategy, indicator, request.POST or None)
    save = lambda data: services.update_strategy_indicator(  # noqa: E731
        request.user, indicator, targets=form.targets(), **form.fields_data()
    )
    if request.method == "POST" and _save(form, save) is not None:
        messages.success(request, _("The indicator was saved."))
        return redirect(_detail_url(strategy, f"objective-{indicator.objective_id}"))
    anchor = f"objective-{indicator.objective_id}"
    fields = "strategy/manage/_indicator_fields.html"
    return _part_form(request, strategy, form, _("Edit the indicator"), indicator.objective, anchor, fields)


@require_POST
def indicator_delete(request, slug: str, pk: int, indicator_id: int):
    strategy = _managed_strategy(request, slug, pk)
    indicator = manage.strategy_indicator(request.user, strategy, indicator_id)
    if (answer := _not_draft(request, strategy)) is not None:
        return answer
    services.delete_strategy_indicator(request.user, indicator)
    messages.success(request, _("The indicator “%(indicator)s” was removed.") % {"indicator": indicator})
    return redirect(_detail_url(strategy, f"objective-{indicator.objective_id}"))


# --- Budget targets ---------------------------------------------------------------------------


def _budget_url(organization, year: int, anchor: str = "") -> str:
    url = reverse("budget_targets", args=[organization.slug]) + "?" + urlencode({"year": year})
    return f"{url}#{anchor}" if anchor else url


def _year(text, organization) -> int:
    """The year asked for, or the page's default year."""
    try:
        year = int(str(text or ""))
    except ValueError:
        year = None
    if year is not None and budget_import.YEARS[0] <= year <= budget_import.YEARS[1]:
        return year
    return manage.default_year(manage.budget_years(organization))


def _budget(request, organization, year: int, bound=None):
    return render(request, BUDGET, manage.budget_page(request.user, organization, year, bound=bound))


@require_GET
def budget_targets(request, slug: str):
    organization = access.organization(request.user, slug)
    return _budget(request, organization, _year(request.GET.get("year"), organization))


@require_POST
def budget_target_add(request, slug: str):
    organization = _managed(request, slug)
    form = BudgetTargetForm(request.POST, prefix="target", organization=organization)
    save = lambda data: services.create_budget_target(request.user, organization, **data)  # noqa: E731

    def created(target):
        messages.success(request, _("The target “%(target)s” was added.") % {"target": target.display_title})
        return redirect(_budget_url(organization, target.year, f"target-{target.pk}"))

    answer = _save_once(request, form, save, created)
    year = _year(request.POST.get("target-year"), organization)
    return answer or _budget(request, organization, year, {"target": form})


@require_POST
def budget_target_delete(request, slug: str, target_id: int):
    organization = _managed(request, slug)
    target = manage.budget_target(request.user, organization, target_id)
    try:
        services.delete_budget_target(request.user, target)
    except ValidationError as error:
        _refusal(request, error)
        return redirect(_budget_url(organization, target.year, f"target-{target.pk}"))
    messages.success(request, _("The target “%(target)s” was deleted.") % {"target": target.display_title})
    return redirect(_budget_url(organization, target.year))


@require_POST
def budget_indicator_add(request, slug: str, target_id: int):
    organization = _managed(request, slug)
    target = manage.budget_target(request.user, organization, target_id)
    form = BudgetIndicatorForm(request.POST, prefix=f"indicator-{target.pk}")
    save = lambda data: services.add_budget_indicator(request.user, target, **data)  # noqa: E731
    success = lambda indicator: redirect(_budget_url(organization, target.year, f"target-{target.pk}"))  # noqa: E731
    answer = _save_once(request, form, save, success)
    return answer or _budget(request, organization, target.year, {("indicator", target.pk): form})


@require_POST
def realisation_add(request, slug: str, indicator_id: int):
    organization = _managed(request, slug)
    indicator = manage.budget_indicator(request.user, organization, indicator_id)
    form = RealisationForm(request.POST, prefix=f"realisation-{indicator.pk}")
    save = lambda data: services.record_realisation(request.user, indicator, **data)  # noqa: E731
    if _save(form, save) is None:
        return _budget(request, organization, indicator.target.year, {("realisation", indicator.pk): form})
    messages.success(request, _("The realisation figure was recorded."))
    return redirect(_budget_url(organization, indicator.target.year, f"target-{indicator.target_id}"))


# --- Budget import ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def budget_import_view(request, slug: str):
    """Upload a file → the preview of what it gives, with each row's problems → save."""
    organization = _managed(request, slug)
    if request.method == "POST" and request.POST.get("action") == "save":
        return _import_save(request, organization)
    form = BudgetUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, IMPORT, manage.import_page(organization, upload_form=form))
    checked = budget_import.check(organization, form.read.rows)
    rows = budget_import.rows_to_json(form.read.rows)
    save_form = None if checked.error_count else BudgetSaveForm(initial={"rows": rows})
    context = manage.import_page(
        organization, upload_form=BudgetUploadForm(), checked=checked, read=form.read, save_form=save_form
    )
    return render(request, IMPORT, context)


def _import_save(request, organization):
    with once.submission(request) as submission:
        if submission.replayed:
            return submission.replay()
        form = BudgetSaveForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect("budget_import", slug=organization.slug)
        try:
            checked = services.import_budget(request.user, organization, form.cleaned_data["rows"])
        except services.ImportRefused as refused:
            context = manage.import_page(
                organization, upload_form=BudgetUploadForm(), checked=refused.checked
            )
            return render(request, IMPORT, context)
        except ValidationError as error:
            _refusal(request, error)
            return redirect("budget_import", slug=organization.slug)
        messages.success(
            request,
            _(
                "Imported %(targets)s targets, %(indicators)s indicators and %(realisations)s realisation figures."
            )
            % checked.counts(),
        )
        return submission.done(redirect(_budget_url(organization, checked.targets[0].year)))
