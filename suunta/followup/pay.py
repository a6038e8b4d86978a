"""Performance pay (tulospalkkio) from the year's evaluation, written out step by step.

The rules are read as a plain dict (`rules_of`), the same shape that is stored with the
board's decision, so a decided calculation is shown from its own copy and never from
rules changed since. Points come in exact (a fraction); the pay is rounded half up to
the cent once, at the end.
"""

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils import formats
from django.utils.translation import gettext as _

from suunta.lib.numbers import format_decimal, parse_decimal
from suunta.measures.weights import points_text, to_decimal

from .models import PayBasis, PayScale

CENT = Decimal("0.01")
CURRENCY = "EUR"
# A yearly salary outside this range is a typo (a monthly figure, a missing zero, cents).
SALARY_MIN = Decimal("10000")
SALARY_MAX = Decimal("1000000")
STEP_LINE = re.compile(r"^\s*([\d\s.,]+)\s*[-–—]\s*([\d\s.,]+)\s*[:=]\s*([\d\s.,]+)\s*%?\s*$")


def money(value: Decimal | None) -> str:
    """Euros to the cent, as on a pay slip: 3 657,71 €."""
    if value is None:
        return ""
    text = formats.number_format(
        value.quantize(CENT, rounding=ROUND_HALF_UP), 2, use_l10n=True, force_grouping=True
    )
    return f"{text}\u00a0€"


def _cents(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def rules_of(rules) -> dict | None:
    """The organization's rules (a PayRules row) as stored with a decision; None when off."""
    if rules is None or not rules.enabled:
        return None
    return {
        "basis": rules.basis,
        "maximum": format(rules.maximum.normalize(), "f") if rules.maximum is not None else None,
        "threshold": format(rules.threshold.normalize(), "f"),
        "scale": rules.scale,
        "steps": [list(step) for step in rules.steps] if rules.scale == PayScale.STEPPED else [],
    }


# --- Stepped scales as people write them: "50–74,9: 50 %" per line -------------------------


def parse_steps(text: str) -> list[list[str]]:
    """Lines "from–to: per cent" into [[from, to, per cent], …] as decimal text. Raises
    ValueError with a message naming the line at fault."""
    steps = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = STEP_LINE.match(line)
        if not match:
            raise ValueError(
                _("Line %(line)s: write a range of points and a share, e.g. 50–74,9: 50 %%.")
                % {"line": number}
            )
        try:
            low, high, share = (parse_decimal(part) for part in match.groups())
        except ValueError:
            raise ValueError(_("Line %(line)s: the numbers could not be read.") % {"line": number}) from None
        steps.append([format(x.normalize(), "f") for x in (low, high, share)])
    return steps


def steps_text(steps: list) -> str:
    return "\n".join(
        f"{format_decimal(Decimal(low))}–{format_decimal(Decimal(high))}: {format_decimal(Decimal(share))} %"
        for low, high, share in steps
    )


def steps_problems(steps: list, threshold: Decimal) -> list[str]:
    """What is wrong with a stepped scale: steps out of order, overlapping or leaving a
    gap, a share over 100 %, or a scale that does not reach 100 points."""
    if not steps:
        return [_("Give at least one step, e.g. 50–100: 100 %.")]
    problems = []
    previous = None
    for low, high, share in ([Decimal(x) for x in step] for step in steps):
        if high < low:
            problems.append(_("The step %(low)s–%(high)s ends before it starts.") % _pair(low, high))
        if share > 100:
            problems.append(
                _("A step pays at most 100 %% of the maximum; %(share)s %% is more.")
                % {"share": format_decimal(share)}
            )
        if previous is not None:
            expected = previous + Decimal("0.1")
            if low > expected:
                problems.append(
                    _("The steps leave a gap between %(low)s and %(high)s points.") % _pair(previous, low)
                )
            elif low < expected:
                problems.append(_("The steps overlap at %(low)s points.") % {"low": format_decimal(low)})
        previous = high
    first_low = Decimal(steps[0][0])
    if first_low < threshold:
        problems.append(
            _("The first step starts below the threshold (%(threshold)s points).")
            % {"threshold": format_decimal(threshold)}
        )
    if previous is not None and previous != 100:
        problems.append(_("The last step must end at 100 points."))
    return problems


def _pair(low, high) -> dict:
    return {"low": format_decimal(low), "high": format_decimal(high)}


# --- The calculation -------------------------------------------------------------------------


@dataclass
class Calculation:
    rules: dict
    points: Fraction | None
    salary: Decimal | None
    lines: list[str] = field(default_factory=list)
    amount: Decimal | None = None
    problem: str = ""

    @property
    def amount_text(self) -> str:
        return money(self.amount) if self.amount is not None else ""

    @property
    def points_text(self) -> str:
        return points_text(self.points)


def exact_text(points: Fraction) -> str:
    """Points in a pay line: to one decimal where that is exact, else to four, so the line
    adds up by hand (the pay is computed from the exact points, not the rounded ones)."""
    if to_decimal(points) == to_decimal(points, Decimal("0.0001")):
        return points_text(points)
    return format_decimal(to_decimal(points, Decimal("0.0001")))


def _step_for(steps: list, points: Fraction):
    """The step whose range holds the points; a range ends where the next one starts,
    so 89,95 points (shown as 90,0) still fall in 75–89,9."""
    found = None
    for low, _high, share in steps:
        if points >= Fraction(Decimal(low)):
            found = (low, _high, share)
    return found


def calculate(rules: dict, points: Fraction | None, salary: Decimal | None) -> Calculation:
    calc = Calculation(rules=rules, points=points, salary=salary)
    if points is None:
        calc.problem = _("The pay is calculated once the year's evaluation has a weighted result.")
        return calc
    if rules.get("maximum") is None:
        calc.problem = _("The organization's performance pay rules have no maximum yet.")
        return calc
    maximum_rule = Fraction(Decimal(rules["maximum"]))
    threshold = Fraction(Decimal(rules["threshold"]))
    calc.lines.append(_("Result of the goals: %(points)s points.") % {"points": points_text(points)})
    if rules["basis"] == PayBasis.PERCENT:
        if salary is None:
            calc.problem = _("Enter the annual salary to calculate the pay.")
            return calc
        maximum = maximum_rule * Fraction(salary) / 100
        calc.lines.append(
            _("Maximum pay: %(percent)s %% × annual salary %(salary)s = %(maximum)s.")
            % {
                "percent": format_decimal(Decimal(rules["maximum"])),
                "salary": money(salary),
                "maximum": money(_cents(maximum)),
            }
        )
    else:
        maximum = maximum_rule
        calc.lines.append(_("Maximum pay: %(maximum)s.") % {"maximum": money(_cents(maximum))})
    if points < threshold:
        calc.lines.append(
            _("Below the threshold of %(threshold)s points: no pay.")
            % {"threshold": format_decimal(Decimal(rules["threshold"]))}
        )
        calc.amount = Decimal("0.00")
        return calc
    if threshold:
        calc.lines.append(
            _("The threshold of %(threshold)s points is reached.")
            % {"threshold": format_decimal(Decimal(rules["threshold"]))}
        )
    if rules["scale"] == PayScale.STEPPED:
        step = _step_for(rules["steps"], points)
        if step is None:
            calc.lines.append(_("No step of the scale covers these points: no pay."))
            calc.amount = Decimal("0.00")
            return calc
        low, high, share = step
        exact = maximum * Fraction(Decimal(share)) / 100
        calc.amount = _cents(exact)
        calc.lines.append(
            _("Step %(low)s–%(high)s points: %(share)s %% × %(maximum)s = %(amount)s.")
            % {
                "low": format_decimal(Decimal(low)),
                "high": format_decimal(Decimal(high)),
                "share": format_decimal(Decimal(share)),
                "maximum": money(_cents(maximum)),
                "amount": money(calc.amount),
            }
        )
    else:
        exact = maximum * points / 100
        calc.amount = _cents(exact)
        calc.lines.append(
            _("Pay: %(maximum)s × %(points)s / 100 = %(amount)s.")
            % {"maximum": money(_cents(maximum)), "points": exact_text(points), "amount": money(calc.amount)}
        )
    calc.lines.append(_("Rounded to the cent once, at the end."))
    return calc


def snapshot(calc: Calculation, *, decision: str, amended: dict | None = None) -> dict:
    """What is stored with the board's decision: the rules, the inputs and the result as
    decided (the amended figures where the board amended them), decimals as text."""
    result_points = amended["points"] if amended else to_text(calc.points)
    result_amount = (
        amended["amount"] if amended else (format(calc.amount, "f") if calc.amount is not None else None)
    )
    return {
        "rules": calc.rules,
        "inputs": {
            "points": to_text(calc.points),
            "points_exact": f"{calc.points.numerator}/{calc.points.denominator}"
            if calc.points is not None
            else None,
            "annual_salary": format(calc.salary, "f") if calc.salary is not None else None,
        },
        "calculated": {
            "points": to_text(calc.points),
            "amount": format(calc.amount, "f") if calc.amount is not None else None,
            "lines": calc.lines,
        },
        "result": {"points": result_points, "amount": result_amount, "currency": CURRENCY},
        "amended": bool(amended),
        "decision": decision,
    }


def to_text(points: Fraction | None) -> str | None:
    return format(to_decimal(points), "f") if points is not None else None
