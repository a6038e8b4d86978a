"""A metric's numeric target, where its own sentence states one.

"vähintään 1,5 M€", "+30 hlöä/v.", "alle 5 %", "högst 2 dagar": a number is a target
when a qualifier stands before it (vähintään, yli, +, ≥ … higher is better; enintään,
alle, ≤ … lower is better) or a unit of measure (%, €) follows it. A bare number is
not a target: "säästötavoitteet toteutuvat 2025" names a year. The metric's text
stays as written.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .words import HIGHER, LOWER

_QUALIFIERS = sorted(HIGHER + LOWER, key=len, reverse=True)
_QUALIFIER = "|".join(re.escape(q) for q in _QUALIFIERS)
# 1 500 / 1 500,5 / 1,5 / 1.5 / 30
_NUMBER = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[,.]\d+)?|\d+(?:[,.]\d+)?"
# Units that make a bare number a target, and the shapes of a unit after any number:
# a symbol, an abbreviation with a slash or a dot (hlöä/v., kpl., milj.), a short known word.
_SYMBOL_UNITS = r"%|‰|M€|t€|k€|€|milj\.\s?€|milj\. euroa|miljoonaa euroa|euroa|eur"
_UNIT_WORDS = r"kpl|hlöä|hlö|henkilöä|päivää|pv|vrk|tuntia|h|km|kertaa|st|dagar|personer|times|days|people"
_UNIT = rf"(?:{_SYMBOL_UNITS}|[^\s,;:()]{{1,12}}/[^\s,;:()]{{1,6}}|[^\W\d_]{{1,8}}\.(?=\s|$|[,;)])|(?:{_UNIT_WORDS})\b)"
_TARGET = re.compile(
    rf"(?P<qualifier>(?<![\w])(?:{_QUALIFIER})(?=[\s\d]))?\s*(?P<number>{_NUMBER})(?!\d)(?:\s?(?P<unit>{_UNIT}))?",
    re.IGNORECASE,
)
_SYMBOL = re.compile(rf"^(?:{_SYMBOL_UNITS})$", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    value: Decimal
    unit: str  # "" when the sentence names none
    direction: str | None  # "higher", "lower" or None when the sentence does not say
    text: str  # the words it was read from: "vähintään 1,5 M€"


def _number(text: str) -> Decimal | None:
    cleaned = re.sub(r"[ \u00a0\u202f]", "", text).replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def _direction(qualifier: str | None) -> str | None:
    if not qualifier:
        return None
    lowered = qualifier.lower()
    if lowered in HIGHER:
        return "higher"
    return "lower" if lowered in LOWER else None


def _candidates(text: str):
    for match in _TARGET.finditer(text):
        qualifier, unit = match.group("qualifier"), (match.group("unit") or "").strip()
        value = _number(match.group("number"))
        if value is None or not (qualifier or _SYMBOL.match(unit)):
            continue
        yield Target(value=value, unit=unit, direction=_direction(qualifier), text=match.group(0).strip())


def find_target(text: str) -> Target | None:
    """The target the sentence states, or None: the first number with a qualifier and
    a unit ("+30 hlöä/v."), else the first with a qualifier, else the first with a unit."""
    candidates = list(_candidates(text))
    for wanted in (
        lambda t: t.direction and t.unit,
        lambda t: t.direction,
        lambda t: True,
    ):
        for candidate in candidates:
            if wanted(candidate):
                return candidate
    return None


def decimal_text(value: Decimal) -> str:
    """A target as JSON shows it: "1.5", "30" (no exponent, no trailing zeros)."""
    text = format(value.normalize(), "f")
    return text
