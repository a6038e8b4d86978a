"""What a document says, as plain data: the same content feeds the PDF (Typst), the DOCX
and the HTML preview, so the three always agree.

Only public texts enter: goals, metrics, decisions and agreed follow-ups. Self-
assessments, evaluators' views and everything restricted (discussion notes) never do.
Labels are translated into the document's language; user texts are in Swedish where a
Swedish version exists.
"""

from decimal import Decimal

from django.db.models import F, OuterRef, Prefetch, Subquery
from django.utils import formats, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from suunta import policies
from suunta.agreements import integrity
from suunta.agreements.models import Checkpoint, GoalArea, Metric, PlanVersion, Scoring
from suunta.agreements.snapshot import with_content
from suunta.audit import services as audit
from suunta.followup import pay, performance
from suunta.followup.evaluation import checkpoint_result
from suunta.followup.models import Assessment, AssessmentKind, FollowUp, PayBasis
from suunta.governance.models import Handling, HandlingCorrection, Outcome
from suunta.governance.workflow import approving_body
from suunta.infomgmt import retention
from suunta.infomgmt.models import RecordType
from suunta.lib.numbers import format_decimal
from suunta.lib.publicity import Publicity
from suunta.measures.models import MetricValue
from suunta.measures.progress import overview
from suunta.measures.weights import metric_weights
from suunta.organizations import people
from suunta.organizations.models import Body, BodyKind
from suunta.strategy.models import BudgetIndicator, BudgetRealisation

from . import texts
from .models import record_settings

LANGUAGES = ("fi", "sv", "en")


def _date(day) -> str:
    return formats.date_format(day, "j.n.Y")


def _user(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _all_handlings(version: PlanVersion) -> list[Handling]:
    """The version's own handlings, whatever their publicity (the approval among them
    holds the snapshot the integrity check compares with), each with the reference it
    had before its first correction (`original_reference`, None if never corrected) read
    in the same query."""
    first_correction = HandlingCorrection.objects.filter(handling=OuterRef("pk")).order_by("created_at", "id")
    return list(
        Handling.objects.filter(version=version, checkpoint__isnull=True)
        .select_related("body", "presenter")
        .annotate(original_reference=Subquery(first_correction.values("before_reference")[:1]))
        .order_by("meeting_date", "id")
    )


def _public(items) -> list:
    return [item for item in items if item.publicity == Publicity.PUBLIC]


def _all_goals(version: PlanVersion, realised_by=None) -> list[GoalArea]:
    """Every goal of the version with its metrics, strategy objectives and budget targets,
    whatever their publicity: the integrity check needs all of them; the document shows
    the public ones. With `realised_by` (a day) also the budget targets' indicators and
    their realisation figures up to that day: two queries more, whatever the number of
    goals (none where no goal links to a budget target)."""
    goals = with_content(GoalArea.objects.filter(version=version))
    if realised_by is not None:
        goals = goals.prefetch_related(
            Prefetch("budget_targets__indicators", queryset=BudgetIndicator.objects.order_by("order", "id")),
            Prefetch(
                "budget_targets__indicators__realisations",
                queryset=BudgetRealisation.objects.filter(measured_on__lte=realised_by).order_by(
                    "measured_on", "id"
                ),
            ),
        )
    return list(goals.order_by("order", "id"))


def _verified(plan, version: PlanVersion, goals=None, checkpoints=None, handlings=None) -> None:
    """Raise integrity.IntegrityError when an approved version's rows no longer match
    the approval's snapshot: no document is made from changed rows. Loads what the
    caller did not (a fixed number of queries), and nothing for a draft."""
    if not version.is_frozen:
        return
    version.plan = plan
    integrity.verify(
        version,
        goals=_all_goals(version) if goals is None else goals,
        checkpoints=list(Checkpoint.objects.filter(version=version)) if checkpoints is None else checkpoints,
        handlings=_all_handlings(version) if handlings is None else handlings,
    )


def _agreed(version: PlanVersion, checkpoints) -> dict:
    """{(goal id, checkpoint id): agreed assessment} for agreed or reported follow-ups,
    each with its follow-up's `followup_status` (one query)."""
    return {
        (a.goal_area_id, a.checkpoint_id): a
        for a in Assessment.objects.filter(
            checkpoint__in=checkpoints,
            checkpoint__followup__status__in=policies.SETTLED_FOLLOWUP,
            kind=AssessmentKind.AGREED,
            publicity=Publicity.PUBLIC,
        )
        .select_related("rating")
        .annotate(followup_status=F("checkpoint__followup__status"))
    }


def _rating_text(assessment) -> str:
    if assessment is None:
        return ""
    parts = [assessment.rating.display_label] if assessment.rating else []
    if assessment.text:
        parts.append(assessment.text)
    return ": ".join(parts)


def _charts(plan, version, checkpoints) -> list[dict]:
    """The quantitative metrics with values: the same SVG chart as the metric page, its
    text summary as the alternative text."""

    metrics = list(
        Metric.objects.filter(
            goal_area__version=version,
            target__isnull=False,
            publicity=Publicity.PUBLIC,
            goal_area__publicity=Publicity.PUBLIC,
        )
        .select_related("goal_area")
        .order_by("goal_area__order", "order", "id")
    )
    values: dict = {}
    for value in MetricValue.objects.filter(
        plan=plan, metric_lineage__in=[m.lineage for m in metrics], publicity=Publicity.PUBLIC
    ):
        values.setdefault(value.metric_lineage, []).append(value)
    charts = []
    for metric in metrics:
        if metric.lineage not in values:
            continue
        drawn = overview(
            plan, metric, sorted(values[metric.lineage], key=lambda v: v.measured_on), checkpoints
        )
        charts.append({"title": metric.display_text, "svg": str(drawn["chart"]), "alt": drawn["summary"]})
    return charts


def _board_name(organization) -> str:

    board = Body.objects.filter(organization=organization, kind=BodyKind.BOARD).first()
    return board.display_name if board else _("The board")


def _approving_body_name(organization) -> str:
    body = approving_body(organization)
    return body.display_name if body else _("The board")


def followup_decision(agreement, checkpoint: Checkpoint, result=None) -> str:
    """The draft decision on a follow-up report, in the active language: the report's
    closing line, the agenda item's proposal and the report form's starting text. For the
    year's evaluation (`result`: followup.performance.Evaluation) the board approves the
    result and the pay."""
    if checkpoint.is_evaluation and result is not None:
        return performance.draft_decision(agreement, checkpoint, result, _board_name(agreement.organization))
    return _("%(board)s takes note of the follow-up %(label)s of the %(position)s goals.") % {
        "board": _board_name(agreement.organization),
        "label": checkpoint.display_label,
        "position": agreement.display_genitive,
    }


def board_decision(checkpoint: Checkpoint) -> Handling | None:
    """The board's decision on a follow-up report as recorded (taken for information or
    approved): the follow-up's report; a return for re-preparation is none."""
    followup = FollowUp.objects.filter(checkpoint=checkpoint).select_related("report__body").first()
    return followup.report if followup else None


def _correction_note(handling: Handling) -> str:
    """ " (corrected; originally …)" after a corrected decision's reference: the original
    stays visible on the document. A handling from _all_handlings carries the original
    reference already; another is looked up."""
    if hasattr(handling, "original_reference"):
        original = handling.original_reference
    else:
        first = HandlingCorrection.objects.filter(handling=handling).order_by("created_at", "id").first()
        original = first.before_reference if first else None
    if original is None:
        return ""
    return " (" + _("corrected; originally %(reference)s") % {"reference": original} + ")"


def _decision_or_draft(decision: Handling | None, draft: str) -> dict:
    """The closing section: the decision as recorded, with its outcome and text, or
    the draft where none is recorded yet (never a default in place of a decision)."""
    if decision is None:
        return {"heading": _("Draft decision"), "items": [draft]}
    items = [decision.history_text]
    if decision.text:
        items.append(decision.text)
    return {"heading": _("Decision"), "items": items}


def _goal_with_weight(goal, use_weights: bool) -> str:
    """The goal's title, with its weight where the organization weighs its goals."""
    if not use_weights or goal.weight is None:
        return goal.display_title
    return _("%(title)s (weight %(weight)s %%)") % {"title": goal.display_title, "weight": goal.weight}


def _per_metric(organization) -> bool:
    return organization.use_weights and organization.assess_metrics


def _agreed_by_goal(goals, agreed: dict, checkpoint) -> dict:
    return {goal.pk: agreed.get((goal.pk, checkpoint.pk)) for goal in goals}


def _weighted_result(overall) -> list[str]:
    """The weighted overall result with its formula written out, as on the follow-up page
    (followup/evaluation.py: a rating per metric honoured), and the goals and metrics
    left out of it."""
    if overall is None or overall.result is None:
        return []
    lines = [
        _("Weighted result: %(result)s points, %(formula)s")
        % {"result": overall.result_text, "formula": overall.formula}
    ]
    if overall.left_out:
        lines.append(
            _("Left out of the result (no points): %(goals)s")
            % {"goals": ", ".join(goal.display_title for goal in overall.left_out)}
        )
    metrics = [m.metric for m in overall.left_out_metrics if m.metric.publicity == Publicity.PUBLIC]
    if metrics:
        lines.append(
            _("Metrics left out, their weight spread over the goal's other metrics: %(metrics)s")
            % {"metrics": ", ".join(metric.display_text for metric in metrics)}
        )
    return lines


def _metric_weight(term, metric_term) -> str:
    """A metric's share of its goal, "split evenly" said as such."""
    values = {"weight": metric_term.weight_text}
    if term.split_evenly and len(term.metrics) > 1:
        return _("split evenly, %(weight)s %% of the goal") % values
    return _("%(weight)s %% of the goal") % values


def _metric_how(metric_term) -> str:
    """Where a metric's points came from: the rating given, or the value scored."""
    if metric_term.scored_from_values:
        if metric_term.value is None:
            return _("scored from its values, no value by the checkpoint")
        return _("from the value %(value)s (%(date)s)") % {
            "value": format_decimal(metric_term.value, metric_term.metric.unit),
            "date": _date(metric_term.measured_on),
        }
    if metric_term.rating is not None:
        return metric_term.rating.display_label
    return _("not rated")


def _points_per_goal(overall) -> dict | None:
    """Each goal's points and, where each metric is rated, each metric's weight in the
    goal, its points and how they were given (public metrics only)."""
    if overall is None or not overall.terms:
        return None
    items = []
    for term in overall.terms:
        values = {
            "goal": _goal_with_weight(term.goal, True),
            "points": term.points_text,
            "formula": term.formula,
        }
        if len(term.metrics) > 1:
            if term.split_evenly:
                items.append(_("%(goal)s: %(points)s points; metrics split evenly: %(formula)s") % values)
            else:
                items.append(_("%(goal)s: %(points)s points; metrics weighted: %(formula)s") % values)
        elif overall.per_metric and not term.metrics:
            items.append(_("%(goal)s: %(points)s points (the goal rated as a whole)") % values)
        else:
            items.append(_("%(goal)s: %(points)s points") % values)
        for metric_term in term.metrics:
            if metric_term.metric.publicity != Publicity.PUBLIC:
                continue
            values = {
                "metric": metric_term.metric.display_text,
                "weight": _metric_weight(term, metric_term),
                "points": metric_term.points_text,
                "how": _metric_how(metric_term),
            }
            if metric_term.points is None:
                items.append("– " + _("%(metric)s (%(weight)s): left out, %(how)s") % values)
            else:
                items.append("– " + _("%(metric)s (%(weight)s): %(points)s points, %(how)s") % values)
    heading = (
        _("Weights and points per goal and metric")
        if overall.per_metric
        else _("Weights and points per goal")
    )
    return {"heading": heading, "items": items}


def _year_evaluation(checkpoint: Checkpoint, goals, agreed_by_goal: dict) -> tuple:
    """The year's evaluation as a document shows it (followup.performance.Evaluation)
    and its PerformancePay row. Before the board's decision the pay is calculated from
    the annual salary: read for the calculation only, its use written to the audit log,
    the figure itself never printed (see _pay_lines)."""
    row = performance.pay_row(checkpoint)
    salary = row.annual_salary if row is not None and row.snapshot is None else None
    result = performance.evaluation(checkpoint, goals, agreed_by_goal, salary=salary)
    if salary is not None and result.rules is not None and result.rules["basis"] == PayBasis.PERCENT:
        _salary_used(checkpoint, row)
    return result, row


def _salary_used(checkpoint: Checkpoint, row) -> None:
    audit.record(
        "pay.salary.used",
        organization=checkpoint.version.plan.agreement.organization_id,
        obj=row,
    )


def _pay_lines(lines: list[str], rules: dict, salary: Decimal | None) -> list[str]:
    """The calculation step by step without the line that names the annual salary: the
    salary is personal data, which a document never prints (its readers include the
    evaluators, who never see it in the app); the maximum-pay line says the share instead."""
    if salary is None:
        return list(lines)
    named = pay.money(salary)
    without, replaced = [], False
    for line in lines:
        if named not in line:
            without.append(line)
        elif not replaced:
            replaced = True
            without.append(
                _("Maximum pay: %(percent)s %% of the annual salary (documents do not print the salary).")
                % {"percent": format_decimal(Decimal(rules["maximum"]))}
            )
    return without


def _decided_figures(result) -> str:
    """The result and pay as the board decided them, from the copy kept with the
    decision (never recomputed; the board's own figures where it amended them)."""
    if result.decided["rules"]:
        return _("Decided: %(points)s points, pay %(amount)s") % {
            "points": result.decided_points,
            "amount": result.decided_amount,
        }
    return _("Decided: %(points)s points") % {"points": result.decided_points}


def _calculated_figures(decided: dict) -> list[str]:
    """What the calculation gave, where the board amended it."""
    calculated = decided.get("calculated") or {}
    if calculated.get("points") is None:
        return []
    values = {"points": formats.number_format(Decimal(calculated["points"]), 1, use_l10n=True)}
    if decided["rules"] and calculated.get("amount") is not None:
        values["amount"] = pay.money(Decimal(calculated["amount"]))
        return [_("Calculated: %(points)s points, pay %(amount)s") % values]
    return [_("Calculated: %(points)s points") % values]


def _pay_section(checkpoint: Checkpoint, result, row, decision: Handling | None) -> dict | None:
    """The performance pay of the year's evaluation: as decided (the board's copy, its
    lines as stored, the decision by its recorded reference) or as calculated now
    (without the salary line)."""
    if result.decided is not None:
        decided = result.decided
        reference = decision.reference if decision is not None else decided["decision"]
        items = [_decided_figures(result)]
        if decided.get("amended"):
            items.append(
                _("The board amended the calculated figures (%(decision)s).") % {"decision": reference}
            )
            items += _calculated_figures(decided)
        else:
            items.append(_("As the board decided (%(decision)s).") % {"decision": reference})
        lines = (decided.get("calculated") or {}).get("lines") or []
        if decided["rules"] and lines:
            salary = decided["inputs"].get("annual_salary")
            items.append(_("The calculation as stored with the board's decision:"))
            items += _pay_lines(lines, decided["rules"], Decimal(salary) if salary is not None else None)
        heading = _("Performance pay") if decided["rules"] else _("The board's decision on the results")
        return {"heading": heading, "items": items}
    calculation = result.calculation
    if calculation is None:
        return None
    if calculation.problem:
        return {"heading": _("Performance pay"), "items": [calculation.problem]}
    return {
        "heading": _("Performance pay"),
        "items": [
            _("Calculated pay: %(amount)s") % {"amount": calculation.amount_text},
            *_pay_lines(calculation.lines, calculation.rules, calculation.salary),
            _("The board approves the result and the pay; its decision keeps this calculation."),
        ],
    }


def _goal_in_annex(goal, organization) -> str:
    """The goal's title and weight; where each metric is rated, that its metrics are
    split evenly (when it has more than one and none has a weight)."""
    metrics = list(goal.metrics.all())
    if not (_per_metric(organization) and len(metrics) > 1 and metric_weights(metrics)[1]):
        return _goal_with_weight(goal, organization.use_weights)
    if goal.weight is None:
        return _("%(title)s (metrics split evenly)") % {"title": goal.display_title}
    return _("%(title)s (weight %(weight)s %%, metrics split evenly)") % {
        "title": goal.display_title,
        "weight": goal.weight,
    }


def _metric_in_annex(metric, goal, organization) -> str:
    """The metric's text; where each metric is rated, its weight in the goal (unless
    the goal's metrics are split evenly) and whether it is scored from its values."""
    if not _per_metric(organization):
        return metric.display_text
    details = []
    if not metric_weights(list(goal.metrics.all()))[1]:
        details.append(_("%(weight)s %% of the goal") % {"weight": metric.weight or 0})
    if metric.scoring == Scoring.VALUES:
        details.append(_("scored from its values"))
    return f"{metric.display_text} ({', '.join(details)})" if details else metric.display_text


# --- What the goals serve: the strategy's objectives and the budget's binding targets ---


def _objective_order(objective) -> tuple:
    """The strategy's own order: its term and version, then the objective's place."""
    strategy = objective.strategy
    return (strategy.term_start, strategy.version, strategy.pk, objective.order, objective.pk)


def public_objectives(goal) -> list:
    """The public objectives of public strategies the goal links to (prefetched with the
    goal: no query), in the strategy's order."""
    return sorted(
        (
            objective
            for objective in goal.objectives.all()
            if objective.publicity == Publicity.PUBLIC and objective.strategy.publicity == Publicity.PUBLIC
        ),
        key=_objective_order,
    )


def _objective_name(objective) -> str:
    """ "3.1 Talous on tasapainossa valtuustokauden lopussa": numbered as the
    municipality numbers its objectives (a number is optional)."""
    return f"{objective.number} {objective.display_title}".strip()


def _objectives_in_annex(goal) -> list[str]:
    return [_("Strategy: %(objective)s") % {"objective": _objective_name(o)} for o in public_objectives(goal)]


def _served(goals, links) -> list[tuple]:
    """[(linked row, [the public goals that serve it])] from `links(goal)`, each row once,
    in the order of the first goal that links to it."""
    served: dict = {}
    for goal in goals:
        for row in links(goal):
            served.setdefault(row.pk, (row, []))[1].append(goal)
    return list(served.values())


def _budget_target_name(target) -> str:
    body = target.body.display_name
    if target.service_area:
        body = f"{body}, {target.service_area}"
    return _("Budget %(year)s, %(body)s: %(title)s") % {
        "year": target.year,
        "body": body,
        "title": target.display_title,
    }


def _indicator_line(indicator, day) -> str:
    """The indicator's target value and its latest realisation figure up to `day` (the
    realisations prefetched up to that day, oldest first)."""
    realisations = list(indicator.realisations.all())
    values = {
        "indicator": indicator.display_text,
        "target": format_decimal(indicator.target_value, indicator.unit) or "–",
    }
    if not realisations:
        return _("%(indicator)s: target %(target)s, no realisation figure by %(date)s") % {
            **values,
            "date": _date(day),
        }
    latest = realisations[-1]
    return _("%(indicator)s: target %(target)s, realised %(value)s (%(date)s)") % {
        **values,
        "value": format_decimal(latest.value, indicator.unit),
        "date": _date(latest.measured_on),
    }


def _strategy_name(strategy) -> str:
    return _("%(strategy)s, version %(version)s") % {
        "strategy": strategy.display_title,
        "version": strategy.version,
    }


def _objectives_section(goals) -> dict | None:
    """Each strategy objective the public goals serve (number, title, the strategy's title
    and version) with its goals. Where every objective is of one strategy version (the
    usual case) the strategy is named once, above them."""
    objectives = sorted(_served(goals, public_objectives), key=lambda pair: _objective_order(pair[0]))
    if not objectives:
        return None
    strategies = {objective.strategy.pk for objective, _goals in objectives}
    one = len(strategies) == 1
    items = []
    for objective, served in objectives:
        name = _objective_name(objective)
        items.append(
            {
                "text": name if one else f"{name} ({_strategy_name(objective.strategy)})",
                "items": [_("Goal: %(title)s") % {"title": goal.display_title} for goal in served],
            }
        )
    return {
        "heading": _("Strategic objectives the goals serve"),
        "paragraphs": [_strategy_name(objectives[0][0].strategy)] if one else [],
        "items": items,
    }


def _budget_section(goals, day) -> dict | None:
    """Each budget target the public goals serve with its goals and its indicators'
    target values and latest realisation figures up to `day`."""
    targets = sorted(
        _served(
            goals, lambda goal: [t for t in goal.budget_targets.all() if t.publicity == Publicity.PUBLIC]
        ),
        key=lambda pair: (pair[0].year, pair[0].order, pair[0].pk),
    )
    if not targets:
        return None
    items = []
    for target, served in targets:
        items.append(
            {
                "text": _budget_target_name(target),
                "items": [_("Goal: %(title)s") % {"title": goal.display_title} for goal in served]
                + [_indicator_line(indicator, day) for indicator in target.indicators.all()],
            }
        )
    return {"heading": _("Budget targets the goals serve"), "paragraphs": [], "items": items}


def _strategy_sections(goals, day) -> list[dict]:
    """The follow-up report's sections on what the public goals serve: the strategy
    objectives and the budget targets (their figures as realised by `day`). None where
    the goals link to nothing. Their items are nested: {"text", "items": [str]}."""
    return [part for part in (_objectives_section(goals), _budget_section(goals, day)) if part]


def _checkpoint_header(checkpoint: Checkpoint) -> str:
    if checkpoint.is_evaluation:
        return _("%(label)s (year's evaluation)") % {"label": checkpoint.display_label}
    return _("Follow-up %(label)s") % {"label": checkpoint.display_label}


def annex(plan, version: PlanVersion, lang: str, own_texts=None, reader=None) -> dict:
    """The yearly goals annex laid out as the seed: header, agreement text, purpose,
    the goal table with the agreed follow-ups (and, where the organization opts in, the
    strategy objectives under each goal), and the evaluation. The organization's
    texts are the version's (texts.texts_of), or `own_texts` for a preview of unsaved ones.

    With a `reader` (a user) an agreed follow-up shows only where the reader may read it
    in the app (policies.can_read_agreed: board members and auditors once it is reported
    to the board); without one (an operator's command) every agreed follow-up shows."""
    with translation.override(lang):
        agreement = plan.agreement
        organization = agreement.organization
        words = own_texts or texts.texts_of(version)
        all_handlings = _all_handlings(version)
        handlings = _public(all_handlings)
        approval = next((h for h in handlings if h.snapshot_sha256), None)
        presenter = next((h.presenter for h in reversed(handlings) if h.presenter_id), None)
        all_goals = _all_goals(version)
        checkpoints = list(Checkpoint.objects.filter(version=version).order_by("order", "window_start", "id"))
        _verified(plan, version, all_goals, checkpoints, all_handlings)
        goals = _public(all_goals)
        agreed = _agreed(version, checkpoints)
        if reader is not None:
            agreed = {
                key: assessment
                for key, assessment in agreed.items()
                if policies.can_read_agreed(reader, agreement, assessment.followup_status)
            }
        handling_line = ", ".join(f"{_date(h.meeting_date)} {h.body.display_short}" for h in handlings)
        evaluation = []
        if handlings:
            evaluation.append(
                _("Handled: %(handlings)s.") % {"handlings": "; ".join(h.history_text for h in handlings)}
            )
        if checkpoints:
            evaluation.append(
                _("Follow-ups: %(labels)s.") % {"labels": ", ".join(c.display_label for c in checkpoints)}
            )
        evaluation += texts.evaluation_items(agreement, lang, words)
        footer = [
            _("Version %(number)s") % {"number": version.number},
            _("Retention: %(rule)s") % {"rule": retention.metadata_text(organization.pk, RecordType.PLANS)},
        ]
        if approval:
            footer.append(approval.reference + _correction_note(approval))
            footer.append(f"SHA-256 {approval.snapshot_sha256}")
        return {
            "kind": "annex",
            "lang": lang,
            "organization": organization.display_name,
            "title": plan.display_title,
            "handling_line": handling_line,
            "presenter": _("Presenting official: %(name)s") % {"name": _user(presenter)} if presenter else "",
            "sections": [
                {
                    "heading": _("Director agreement"),
                    "paragraphs": [texts.agreement_text(agreement, lang, words)],
                },
                {
                    "heading": _("Purpose of the goal discussion"),
                    "items": texts.purpose_items(agreement, lang, words),
                },
            ],
            "table": {
                "caption": _("Goals, metrics and follow-ups"),
                "headers": [_("Goal"), _("Metric")] + [_checkpoint_header(c) for c in checkpoints],
                "rows": [
                    {
                        "goal": _goal_in_annex(goal, organization),
                        # Only where the organization opted in: without it the annex is
                        # the same data (and the same bytes) as before the option.
                        **(
                            {"objectives": _objectives_in_annex(goal)}
                            if organization.annex_shows_objectives
                            else {}
                        ),
                        "metrics": [
                            _metric_in_annex(m, goal, organization)
                            for m in goal.metrics.all()
                            if m.publicity == Publicity.PUBLIC
                        ],
                        "followups": [_rating_text(agreed.get((goal.pk, c.pk))) for c in checkpoints],
                    }
                    for goal in goals
                ],
            },
            "closing": {"heading": _("Evaluation of the goals"), "items": evaluation},
            "footer": " · ".join(footer),
            "page_label": _("Page"),
            "date": (approval.meeting_date if approval else version.updated_at.date()).isoformat(),
        }


def followup_report(plan, checkpoint: Checkpoint, lang: str) -> dict:
    """One checkpoint's agreed follow-up for the board: per goal the rating and text, a
    summary of ratings and, where the organization weighs its goals, the weighted result
    with each goal's (and rated metric's) points; at the year's evaluation the pay
    calculation; where the goals link to them, the strategy objectives and budget targets
    they serve (the budget's figures as realised by the report's date); and the draft
    decision or the decision as recorded."""
    with translation.override(lang):
        version = checkpoint.version
        agreement = plan.agreement
        organization = agreement.organization
        report = board_decision(checkpoint)
        day = report.meeting_date if report else checkpoint.window_end
        all_goals = _all_goals(version, realised_by=day)
        checkpoints = list(Checkpoint.objects.filter(version=version))
        _verified(plan, version, all_goals, checkpoints)
        goals = _public(all_goals)
        agreed = _agreed(version, [checkpoint])
        agreed_by_goal = _agreed_by_goal(goals, agreed, checkpoint)
        per_metric = _per_metric(organization)
        counts: dict[str, int] = {}
        for goal in goals if not per_metric else []:
            a = agreed_by_goal.get(goal.pk)
            label = a.rating.display_label if a and a.rating else _("No rating")
            counts[label] = counts.get(label, 0) + 1
        year, pay_row = (
            _year_evaluation(checkpoint, goals, agreed_by_goal) if checkpoint.is_evaluation else (None, None)
        )
        overall = year.overall if year is not None else checkpoint_result(checkpoint, goals, agreed_by_goal)
        points = {term.goal.pk: term.points_text for term in overall.terms} if overall else {}
        sections = [
            {
                "heading": _("Summary"),
                "items": [f"{label}: {count}" for label, count in counts.items()] + _weighted_result(overall),
            }
        ]
        sections += [
            part
            for part in (
                _points_per_goal(overall),
                _pay_section(checkpoint, year, pay_row, report) if year is not None else None,
            )
            if part
        ]
        closing = _decision_or_draft(report, followup_decision(agreement, checkpoint, year))
        if report is not None and year is not None and year.decided is not None:
            closing["items"].append(_decided_figures(year))
        charts = _charts(plan, version, checkpoints)
        return {
            "kind": "followup-report",
            "lang": lang,
            "organization": organization.display_name,
            "title": _("Follow-up %(label)s: %(title)s")
            % {"label": checkpoint.display_label, "title": plan.display_title},
            "handling_line": report.reference if report else "",
            "presenter": "",
            "sections": sections,
            "table": {
                "caption": _("Agreed follow-up per goal"),
                "headers": [_("Goal"), _("Points") if per_metric else _("Rating"), _("Agreed follow-up")],
                "rows": [
                    {
                        "goal": _goal_with_weight(goal, organization.use_weights),
                        "metrics": [],
                        "followups": [
                            points.get(goal.pk, _("left out") if overall else "")
                            if per_metric
                            else _rating_label(agreed_by_goal.get(goal.pk)),
                            agreed_by_goal[goal.pk].text if agreed_by_goal.get(goal.pk) else "",
                        ],
                    }
                    for goal in goals
                ],
            },
            # After the goals' follow-ups: what the goals serve (only where they link to
            # strategy objectives or budget targets).
            "after_table": _strategy_sections(goals, day),
            "charts": charts,
            "closing": closing,
            "footer": " · ".join(
                [
                    _("Version %(number)s") % {"number": version.number},
                    _("Retention: %(rule)s")
                    % {"rule": retention.metadata_text(organization.pk, RecordType.FOLLOWUPS)},
                ]
            ),
            "page_label": _("Page"),
            "date": day.isoformat(),
        }


def _rating_label(assessment) -> str:
    return assessment.rating.display_label if assessment is not None and assessment.rating else ""


# Record metadata a case system needs (CaseM, Dynasty, Tweb, Ahjo); per-organization
# values come from RecordSettings, these are the defaults.
def agenda(plan, version: PlanVersion, lang: str, checkpoint: Checkpoint | None = None) -> dict:
    """The agenda item draft (esityslistateksti): approving the goals, or taking a
    follow-up for information when a checkpoint is given."""

    with translation.override(lang):
        agreement = plan.agreement
        organization = agreement.organization
        records = record_settings(organization)
        all_handlings = _all_handlings(version)
        _verified(plan, version, handlings=all_handlings)
        handlings = _public(all_handlings)
        presenter = next((h.presenter for h in reversed(handlings) if h.presenter_id), None)
        if presenter is None:
            presenter = people.default_presenter(agreement)
        words = texts.texts_of(version)
        has_preparatory = any(b.kind == BodyKind.PREPARATORY for b in organization.bodies.all())
        preparers = [_user(m.user) for m in people.preparers(organization.pk)]
        if checkpoint is None:
            subject = capfirst(
                _("Approval of the %(position)s goals for %(period)s")
                % {"position": agreement.display_genitive, "period": plan.period_start.year}
            )
            proposal = _("%(board)s approves the %(position)s annual goals %(year)s as in the annex.") % {
                # The body that freezes the goals in this organization's process (the
                # board, or e.g. the chair group).
                "board": _approving_body_name(organization),
                "position": agreement.display_genitive,
                "year": plan.period_start.year,
            }
            background = [texts.agreement_text(agreement, lang, words)]
            preparatory = [h for h in handlings if h.outcome == Outcome.HANDLED]
            if preparatory:
                background.append(
                    _("Preparatory handling: %(handlings)s.")
                    % {"handlings": "; ".join(h.history_text for h in preparatory)}
                )
            annex_title = plan.display_title
            document_type = _("Agenda item: approval of goals")
            decision = next((h for h in handlings if h.outcome == Outcome.APPROVED), None)
        else:
            subject = capfirst(
                _("Follow-up %(label)s of the %(position)s goals")
                % {"label": checkpoint.display_label, "position": agreement.display_genitive}
            )
            # The year's evaluation is approved with its result and pay (the draft as on
            # the follow-up report); any other follow-up is taken for information.
            year = None
            if checkpoint.is_evaluation:
                goals = _public(_all_goals(checkpoint.version))
                agreed = _agreed(checkpoint.version, [checkpoint])
                year, _pay_row = _year_evaluation(
                    checkpoint, goals, _agreed_by_goal(goals, agreed, checkpoint)
                )
            proposal = followup_decision(agreement, checkpoint, year)
            background = [
                _("The goals were approved: %(reference)s.")
                % {"reference": next((h.reference for h in handlings if h.snapshot_sha256), "–")},
                _("The follow-up was agreed in the preparatory body and is reported to the board.")
                if has_preparatory
                else _("The follow-up was agreed with the evaluators and is reported to the board."),
            ]
            annex_title = _("Follow-up %(label)s: %(title)s") % {
                "label": checkpoint.display_label,
                "title": plan.display_title,
            }
            document_type = _("Agenda item: follow-up report")
            decision = board_decision(checkpoint)
        metadata = [
            (_("Document type"), document_type),
            (_("Publicity"), records.publicity_label()),
            (_("Secrecy basis and period"), records.secrecy_text() or "–"),
            (_("Contains personal data"), _("Yes") if records.personal_data else _("No")),
            (_("Task class"), records.task_class or "–"),
            (_("Retention"), records.retention or "–"),
            (
                _("Retention of the annex") if checkpoint is None else _("Retention of the follow-up"),
                retention.metadata_text(
                    organization.pk, RecordType.PLANS if checkpoint is None else RecordType.FOLLOWUPS
                ),
            ),
        ]
        return {
            "kind": "agenda",
            "lang": lang,
            "organization": organization.display_name,
            "title": subject,
            "handling_line": "",
            "presenter": "",
            "sections": [
                {
                    "heading": _("Preparation"),
                    "items": [
                        _("Prepared by: %(names)s") % {"names": ", ".join(preparers) or "–"},
                        _("Presenting official: %(name)s") % {"name": _user(presenter) or "–"},
                        _("The %(position)s is disqualified and does not take part in the handling.")
                        % {"position": agreement.display_position},
                    ],
                },
                {"heading": _("Background"), "paragraphs": background},
                {"heading": _("Proposal"), "paragraphs": [proposal]},
                {"heading": _("Annexes"), "items": [annex_title]},
                {"heading": _("For information"), "items": [_user(agreement.executive)]},
                {
                    "heading": _("Appeal"),
                    "paragraphs": [texts.appeal_text(agreement, lang, words)],
                },
            ],
            "table": {
                "caption": _("Record metadata"),
                "headers": [_("Field"), _("Value")],
                "rows": [{"goal": label, "metrics": [], "followups": [value]} for label, value in metadata],
            },
            "closing": _decision_or_draft(decision, proposal),
            "footer": (
                _("Decided: %(reference)s") % {"reference": decision.reference + _correction_note(decision)}
                if decision
                else _("Draft")
            )
            + " · "
            + _("Version %(number)s") % {"number": version.number},
            "page_label": _("Page"),
            "date": version.updated_at.date().isoformat(),
        }
