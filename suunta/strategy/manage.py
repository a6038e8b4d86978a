"""What the strategy and budget management pages show: read functions that take the user
and the objects the view found, and return the page's context with a fixed number of
queries, whatever the number of themes, objectives, targets or indicators. They write
nothing; the forms they make are blank unless the view passes a bound one back (with
its errors) under its key.
"""

from django.db.models import Prefetch
from django.utils import formats

from suunta import policies
from suunta.lib.clock import today

from .forms import (
    ApprovalForm,
    BudgetIndicatorForm,
    BudgetTargetForm,
    IndicatorForm,
    ObjectiveForm,
    RealisationForm,
    StrategyForm,
    StrategyOptionsForm,
    ThemeForm,
    target_years,
)
from .models import (
    BudgetIndicator,
    BudgetRealisation,
    BudgetTarget,
    BudgetTargetKind,
    IndicatorTarget,
    Objective,
    Strategy,
    StrategyIndicator,
    StrategyStatus,
    Theme,
)

STRATEGY_FIELDS = ("title", "title_sv", "term_start", "term_end", "vision", "vision_sv")


def decision_reference(strategy: Strategy) -> str:
    """`KV 17.2.2025 § 12`; empty before the approval is recorded."""
    if strategy.decided_by_id is None or strategy.decided_on is None:
        return ""
    text = f"{strategy.decided_by.display_short} {formats.date_format(strategy.decided_on, 'j.n.Y')}"
    return f"{text} § {strategy.decision_section}" if strategy.decision_section else text


# --- Finding what a URL names ---------------------------------------------------------------


def strategy(user, organization, pk: int) -> Strategy:
    qs = Strategy.objects.filter(organization=organization).select_related("decided_by", "organization")
    return policies.get_scoped_or_404(qs, user, pk=pk)


def theme(user, strategy: Strategy, theme_id: int) -> Theme:
    found = policies.get_scoped_or_404(Theme.objects.filter(strategy=strategy), user, pk=theme_id)
    found.strategy = strategy
    return found


def objective(user, strategy: Strategy, objective_id: int) -> Objective:
    qs = Objective.objects.filter(strategy=strategy).select_related("theme")
    found = policies.get_scoped_or_404(qs, user, pk=objective_id)
    found.strategy = strategy
    return found


def strategy_indicator(user, strategy: Strategy, indicator_id: int) -> StrategyIndicator:
    qs = StrategyIndicator.objects.filter(objective__strategy=strategy).select_related("objective")
    found = policies.get_scoped_or_404(qs.prefetch_related("targets"), user, pk=indicator_id)
    found.objective.strategy = strategy
    return found


def budget_target(user, organization, target_id: int) -> BudgetTarget:
    qs = BudgetTarget.objects.filter(organization=organization).select_related("organization", "body")
    return policies.get_scoped_or_404(qs, user, pk=target_id)


def budget_indicator(user, organization, indicator_id: int) -> BudgetIndicator:
    qs = BudgetIndicator.objects.filter(target__organization=organization).select_related(
        "target__organization"
    )
    return policies.get_scoped_or_404(qs, user, pk=indicator_id)


# --- The strategy list ----------------------------------------------------------------------


def list_page(user, organization, *, form=None, options_form=None) -> dict:
    rows = list(Strategy.objects.filter(organization=organization).select_related("decided_by"))
    for row in rows:
        row.reference = decision_reference(row)
    can_manage = policies.can(user, policies.MANAGE_STRATEGY, organization)
    can_set_up = policies.can(user, policies.SET_UP, organization)
    if can_manage and form is None:
        form = StrategyForm(prefix="new")
    if can_set_up and options_form is None:
        options_form = StrategyOptionsForm(
            prefix="options",
            initial={
                "public_page": organization.public_page,
                "annex_shows_objectives": organization.annex_shows_objectives,
            },
        )
    return {
        "organization": organization,
        "strategies": rows,
        "can_manage": can_manage,
        "can_set_up": can_set_up,
        "form": form if can_manage else None,
        "options_form": options_form if can_set_up else None,
    }


# --- A strategy -----------------------------------------------------------------------------


def _objectives(strategy: Strategy) -> list[Objective]:
    indicators = StrategyIndicator.objects.order_by("order", "id").prefetch_related(
        Prefetch("targets", queryset=IndicatorTarget.objects.order_by("year"))
    )
    return list(
        Objective.objects.filter(strategy=strategy)
        .order_by("order", "id")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
    )


def _indicator_rows(objective: Objective, years: list[int]) -> list[dict]:
    rows = []
    for indicator in objective.indicators.all():
        by_year = {target.year: target.value for target in indicator.targets.all()}
        rows.append({"indicator": indicator, "targets": [by_year.get(year) for year in years]})
    return rows


def detail_page(user, strategy: Strategy, *, bound: dict | None = None) -> dict:
    """The strategy with its themes, numbered objectives and their indicators' targets
    per year; for a manager of a draft also the forms that change it. `bound` holds a
    form sent with errors, under the key its blank one has here ("strategy", "theme",
    "objective", "approval", ("indicator", objective id))."""
    bound = bound or {}
    organization = strategy.organization
    themes = list(Theme.objects.filter(strategy=strategy).order_by("order", "id"))
    objectives = _objectives(strategy)
    years = sorted(
        {t.year for o in objectives for i in o.indicators.all() for t in i.targets.all()}
        | set(target_years(strategy))
    )
    can_manage = policies.can(user, policies.MANAGE_STRATEGY, organization)
    editing = can_manage and strategy.is_draft
    for item in objectives:
        item.indicator_rows = _indicator_rows(item, years)
        if editing:
            item.indicator_form = bound.get(("indicator", item.pk)) or IndicatorForm(
                prefix=f"indicator-{item.pk}", years=target_years(strategy)
            )
            item.indicator_open = ("indicator", item.pk) in bound
    by_theme = {t.pk: [] for t in themes}
    loose = []
    for item in objectives:
        by_theme.get(item.theme_id, loose).append(item)
    for group in themes:
        group.objective_list = by_theme[group.pk]
    versions = list(
        Strategy.objects.filter(lineage=strategy.lineage).order_by("version").only("pk", "version", "status")
    )
    context = {
        "organization": organization,
        "strategy": strategy,
        "reference": decision_reference(strategy),
        "themes": themes,
        "loose": loose,
        "objective_count": len(objectives),
        "years": years,
        "versions": versions,
        "draft": next((v for v in versions if v.status == StrategyStatus.DRAFT), None),
        "is_latest": versions[-1].pk == strategy.pk,
        "can_manage": can_manage,
        "editing": editing,
        "open": {key for key in bound if isinstance(key, str)},
    }
    if editing:
        context |= _edit_forms(strategy, themes, bound)
    return context


def _edit_forms(strategy: Strategy, themes: list[Theme], bound: dict) -> dict:
    initial = {name: getattr(strategy, name) for name in STRATEGY_FIELDS}
    return {
        "strategy_form": bound.get("strategy") or StrategyForm(prefix="strategy", initial=initial),
        "theme_form": bound.get("theme") or ThemeForm(prefix="theme"),
        "objective_form": bound.get("objective")
        or ObjectiveForm(prefix="objective", strategy=strategy, themes=themes),
        "approval_form": bound.get("approval")
        or ApprovalForm(prefix="approval", organization=strategy.organization),
    }


def indicator_form(strategy: Strategy, indicator: StrategyIndicator, data=None) -> IndicatorForm:
    """The edit form of an indicator, with a target field for each year it has one for."""
    initial = {"text": indicator.text, "text_sv": indicator.text_sv, "unit": indicator.unit}
    initial |= {f"target_{t.year}": t.value for t in indicator.targets.all()}
    return IndicatorForm(data, years=target_years(strategy, indicator), initial=initial)


# --- Budget targets -------------------------------------------------------------------------


def budget_years(organization) -> list[int]:
    return sorted(
        set(BudgetTarget.objects.filter(organization=organization).values_list("year", flat=True).distinct())
    )


def default_year(years: list[int]) -> int:
    """This year, if it has targets or no year has; else the latest year before it that
    has, else the first."""
    this_year = today().year
    if not years or this_year in years:
        return this_year
    earlier = [year for year in years if year < this_year]
    return earlier[-1] if earlier else years[0]


def _targets(organization, year: int) -> list[BudgetTarget]:
    realisations = BudgetRealisation.objects.order_by("measured_on", "id")
    indicators = BudgetIndicator.objects.order_by("order", "id").prefetch_related(
        Prefetch("realisations", queryset=realisations)
    )
    return list(
        BudgetTarget.objects.filter(organization=organization, year=year)
        .select_related("body")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
        .order_by("body__order", "body__name", "service_area", "order", "id")
    )


KIND_ORDER = [BudgetTargetKind.OPERATIONAL, BudgetTargetKind.FINANCIAL]


def _groups(targets: list[BudgetTarget]) -> list[dict]:
    """Targets by body and service area, then by kind (operational first)."""
    groups: dict[tuple, dict] = {}
    for target in targets:
        key = (target.body_id, target.service_area)
        group = groups.setdefault(
            key, {"body": target.body, "service_area": target.service_area, "kinds": {}}
        )
        group["kinds"].setdefault(target.kind, []).append(target)
    for group in groups.values():
        group["kinds"] = [
            {"kind": kind, "label": BudgetTargetKind(kind).label, "targets": group["kinds"][kind]}
            for kind in KIND_ORDER
            if kind in group["kinds"]
        ]
    return list(groups.values())


def budget_page(user, organization, year: int, *, bound: dict | None = None) -> dict:
    """The binding targets of a budget year, each indicator with its target value and
    latest realisation; for a manager the forms that add to them. `bound`: a form sent
    with errors under its key ("target", ("indicator", target id), ("realisation",
    indicator id))."""
    bound = bound or {}
    years = budget_years(organization)
    targets = _targets(organization, year)
    can_manage = policies.can(user, policies.MANAGE_STRATEGY, organization)
    for target in targets:
        target.indicator_list = list(target.indicators.all())
        for indicator in target.indicator_list:
            figures = list(indicator.realisations.all())
            indicator.latest = figures[-1] if figures else None
            if can_manage:
                indicator.realisation_form = bound.get(("realisation", indicator.pk)) or RealisationForm(
                    prefix=f"realisation-{indicator.pk}", initial={"measured_on": today()}
                )
                indicator.form_open = ("realisation", indicator.pk) in bound
        if can_manage:
            target.indicator_form = bound.get(("indicator", target.pk)) or BudgetIndicatorForm(
                prefix=f"indicator-{target.pk}"
            )
            target.form_open = ("indicator", target.pk) in bound
    context = {
        "organization": organization,
        "year": year,
        "years": sorted(set(years) | {year}),
        "groups": _groups(targets),
        "target_count": len(targets),
        "can_manage": can_manage,
    }
    if can_manage:
        bodies = list(organization.bodies.all())
        context["target_form"] = bound.get("target") or BudgetTargetForm(
            prefix="target", organization=organization, bodies=bodies, initial={"year": year}
        )
        context["target_form_open"] = "target" in bound
    return context


def import_page(organization, *, upload_form, checked=None, read=None, save_form=None) -> dict:
    return {
        "organization": organization,
        "upload_form": upload_form,
        "checked": checked,
        "ignored": read.ignored if read is not None else [],
        "save_form": save_form,
        "counts": checked.counts() if checked is not None and not checked.error_count else None,
        "years": sorted({row.year for row in checked.rows if row.year}) if checked is not None else [],
    }
