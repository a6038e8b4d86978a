"""The year's evaluation and its performance pay: the rules, the executive's annual
salary (personal data: entered by the preparer or the admin, every read and change
audited), the calculation, and the copy stored with the board's decision.

Pages, documents and the export read the result through `evaluation`; a decided result
is read from its stored copy and never recomputed.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from suunta import policies
from suunta.agreements.models import GoalArea
from suunta.audit import services as audit

from . import pay
from .evaluation import checkpoint_result, points_list
from .models import Assessment, AssessmentKind, PayBasis, PayRules, PayScale, PerformancePay


@dataclass
class Evaluation:
    overall: object  # measures.weights.Overall or None
    rules: dict | None  # the organization's pay rules now, None when pay is off
    calculation: pay.Calculation | None  # with the salary where the reader may see it
    decided: dict | None  # the calculation as the board decided it (PerformancePay.snapshot)

    @property
    def decided_points(self) -> str:
        points = self.decided["result"]["points"] if self.decided else None
        return formats.number_format(Decimal(points), 1, use_l10n=True) if points is not None else ""

    @property
    def decided_amount(self) -> str:
        amount = self.decided["result"]["amount"] if self.decided else None
        return pay.money(Decimal(amount)) if amount is not None else ""


def rules_for(organization) -> dict | None:
    return pay.rules_of(PayRules.objects.filter(organization=organization).first())


def pay_row(checkpoint) -> PerformancePay | None:
    return PerformancePay.objects.filter(checkpoint=checkpoint).first()


def read_salary(user, checkpoint, row: PerformancePay | None = None) -> Decimal | None:
    """The annual salary for a reader who may see it (None otherwise, or when none is
    entered); each read of an entered salary is written to the audit log."""
    row = row if row is not None else pay_row(checkpoint)
    if row is None or row.annual_salary is None or not policies.can(user, policies.READ_SALARY, checkpoint):
        return None
    audit.record(
        "pay.salary.read",
        actor=user,
        organization=checkpoint.version.plan.agreement.organization_id,
        obj=row,
    )
    return row.annual_salary


_UNREAD = object()


def evaluation(
    checkpoint, goals: list, agreed_by_goal: dict, *, salary: Decimal | None = None, row=_UNREAD
) -> Evaluation:
    """`row`: the checkpoint's PerformancePay (or None) where the caller has read it already."""
    organization = checkpoint.version.plan.agreement.organization
    overall = checkpoint_result(checkpoint, goals, agreed_by_goal)
    rules = rules_for(organization) if checkpoint.is_evaluation else None
    calculation = None
    if rules is not None:
        calculation = pay.calculate(rules, overall.exact if overall else None, salary)
    if row is _UNREAD:
        row = pay_row(checkpoint) if checkpoint.is_evaluation else None
    return Evaluation(
        overall=overall, rules=rules, calculation=calculation, decided=row.snapshot if row else None
    )


def stored_evaluation(checkpoint) -> Evaluation:
    """The year's evaluation from what is stored, with the salary (no reader: for the
    services that decide on it and the demo that records the decision)."""
    goals = list(GoalArea.objects.filter(version_id=checkpoint.version_id).prefetch_related("metrics"))
    agreed = {
        a.goal_area_id: a
        for a in Assessment.objects.filter(checkpoint=checkpoint, kind=AssessmentKind.AGREED).select_related(
            "rating"
        )
    }
    row = pay_row(checkpoint)
    return evaluation(checkpoint, goals, agreed, salary=row.annual_salary if row else None, row=row)


def draft_decision(agreement, checkpoint, result: Evaluation, board_name: str) -> str:
    """The draft decision on a year's evaluation: the points and, where pay is in use, the
    pay, as the board approves them."""
    values = {
        "board": board_name,
        "position": agreement.display_genitive,
        "label": checkpoint.display_label,
        "points": result.overall.result_text if result.overall and result.overall.result is not None else "…",
    }
    if result.calculation is not None:
        values["amount"] = result.calculation.amount_text or "…"
        return (
            _(
                "%(board)s approves the result of the %(position)s goals (%(label)s): %(points)s points, "
                "and the performance pay of %(amount)s."
            )
            % values
        )
    return (
        _("%(board)s approves the result of the %(position)s goals (%(label)s): %(points)s points.") % values
    )


@audit.recording_refusals
@transaction.atomic
def set_salary(user, checkpoint, salary: Decimal | None) -> PerformancePay:
    policies.require(user, policies.ENTER_SALARY, checkpoint)
    if not checkpoint.is_evaluation:
        raise ValidationError(_("The salary is entered on the year's evaluation."))
    if salary is None:
        raise ValidationError({"annual_salary": _("Enter the annual salary in euros.")})
    if not pay.SALARY_MIN <= salary <= pay.SALARY_MAX:
        raise ValidationError(
            {
                "annual_salary": _(
                    "An annual salary is between %(low)s and %(high)s; check the figure (a monthly salary × 12?)."
                )
                % {"low": pay.money(pay.SALARY_MIN), "high": pay.money(pay.SALARY_MAX)}
            }
        )
    row, _created = PerformancePay.objects.select_for_update().get_or_create(checkpoint=checkpoint)
    if row.snapshot is not None:
        raise ValidationError(_("The board has decided the pay; the salary it was calculated from stays."))
    before = row.annual_salary
    row.annual_salary = salary
    row.salary_set_by = user
    row.save()
    audit.record(
        "pay.salary.set",
        actor=user,
        organization=checkpoint.version.plan.agreement.organization_id,
        obj=row,
        # The figures are personal data: the log says that it changed, not what it is.
        changes={"annual_salary": ["•••" if before is not None else None, "•••"]},
    )
    return row


@audit.recording_refusals
@transaction.atomic
def save_settings(user, organization, *, use_weights: bool, assess_metrics: bool, **rules) -> PayRules:
    """The organization's way of evaluating: weights, a rating per metric and the pay
    rules, all saved or none. Rating metrics and pay both build on weights."""
    policies.require(user, policies.SET_PAY_RULES, organization)
    errors = {}
    if assess_metrics and not use_weights:
        errors["assess_metrics"] = _("Rating each metric needs goal weights: choose weights too.")
    if rules.get("enabled") and not use_weights:
        errors["pay_enabled"] = _(
            "Performance pay is calculated from the weighted result: choose weights too."
        )
    try:
        saved = save_rules(user, organization, **rules)
    except ValidationError as error:
        errors.update(error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages})
    if errors:
        raise ValidationError(errors)
    changes = {
        name: [getattr(organization, name), value]
        for name, value in (("use_weights", use_weights), ("assess_metrics", assess_metrics))
        if getattr(organization, name) != value
    }
    if changes:
        organization.use_weights, organization.assess_metrics = use_weights, assess_metrics
        organization.save(update_fields=["use_weights", "assess_metrics", "updated_at"])
        audit.record(
            "organization.evaluation",
            actor=user,
            organization=organization.pk,
            obj=organization,
            changes=changes,
        )
    return saved


@audit.recording_refusals
@transaction.atomic
def save_rules(
    user,
    organization,
    *,
    enabled: bool,
    basis: str,
    maximum: Decimal | None,
    threshold: Decimal,
    scale: str,
    steps: list,
) -> PayRules:
    """Save the organization's pay rules, all or nothing. Decided pay keeps its own copy."""
    policies.require(user, policies.SET_PAY_RULES, organization)
    errors = {}
    if enabled:
        if maximum is None or maximum <= 0:
            errors["maximum"] = _("Give the maximum pay.")
        elif basis == PayBasis.PERCENT and maximum > 100:
            errors["maximum"] = _("A percentage of the annual salary is at most 100.")
    if threshold is None or not 0 <= threshold <= 100:
        errors["threshold"] = _("The threshold is between 0 and 100 points.")
    if enabled and scale == PayScale.STEPPED and "threshold" not in errors:
        problems = pay.steps_problems(steps, threshold)
        if problems:
            errors["steps"] = problems
    if errors:
        raise ValidationError(errors)
    rules = PayRules.objects.select_for_update().filter(organization=organization).first() or PayRules(
        organization=organization
    )
    before = pay.rules_of(rules) if rules.pk else None
    rules.enabled, rules.basis, rules.maximum, rules.threshold = enabled, basis, maximum, threshold
    rules.scale, rules.steps, rules.updated_by = scale, steps if scale == PayScale.STEPPED else [], user
    rules.save()
    audit.record(
        "pay.rules.save",
        actor=user,
        organization=organization.pk,
        obj=rules,
        changes={"rules": [before, pay.rules_of(rules)]},
    )
    return rules


def decide(user, checkpoint, handling, result: Evaluation, *, amended: dict | None) -> PerformancePay:
    """Store the calculation as the board decided it (inside report_to_board's transaction)."""
    row, _created = PerformancePay.objects.select_for_update().get_or_create(checkpoint=checkpoint)
    salary = row.annual_salary
    rules = result.rules
    points = result.overall.exact if result.overall else None
    calc = (
        pay.calculate(rules, points, salary)
        if rules is not None
        else pay.Calculation(rules=None, points=points, salary=None)
    )
    row.snapshot = pay.snapshot(calc, decision=handling.reference, amended=amended)
    row.snapshot["inputs"]["points_per_item"] = points_list(result.overall)
    row.decision = handling
    row.save()
    audit.record(
        "pay.decided",
        actor=user,
        organization=checkpoint.version.plan.agreement.organization_id,
        obj=row,
        changes={"result": [None, row.snapshot["result"]], "decision": [None, handling.reference]},
    )
    return row
