"""Numbers as Finnish and Swedish users type them: "1 234,5", "1234.5", "−3,2 %"."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

# Thousands separators people type or paste: space, no-break space, narrow no-break space.
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)?|[.,]\d+)$")


def parse_decimal(text: str) -> Decimal:
    """The number in `text`, accepting a decimal comma or point and spaces between
    thousands. Raises ValueError for anything else (two separators, letters, "1.234,5")."""
    cleaned = _SPACES.sub("", str(text)).replace("\u2212", "-")  # typographic minus
    if not _NUMBER.match(cleaned):
        raise ValueError(text)
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(text) from error


def format_decimal(value: Decimal | None, unit: str = "") -> str:
    """A number for people: localized separators, no needless decimals, the unit after."""
    if value is None:
        return ""
    normalized = value.normalize()
    places = 0 if normalized == normalized.to_integral() else min(4, -normalized.as_tuple().exponent)
    text = formats.number_format(value, places, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0{unit}" if unit else text


class LocalDecimalField(forms.CharField):
    """A decimal form field that accepts the decimal comma; shows numbers the same way."""

    default_error_messages = {"invalid": _("Enter a number, e.g. 1 234,5.")}

    def __init__(self, *, max_digits: int = 16, decimal_places: int = 4, **kwargs):
        self.max_digits = max_digits
        self.decimal_places = decimal_places
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format_decimal(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = parse_decimal(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        check_digits(number, self.max_digits, self.decimal_places)
        return number


def check_digits(number: Decimal, max_digits: int = 16, decimal_places: int = 4) -> None:
    # Trailing zeros do not count: "1,50000" has one decimal.
    _sign, digits, exponent = number.normalize().as_tuple()
    decimals = max(0, -exponent)
    whole = len(digits) - decimals if exponent < 0 else len(digits) + exponent
    if decimals > decimal_places:
        raise ValidationError(
            _("Use at most %(places)s decimals.") % {"places": decimal_places}, code="decimal_places"
        )
    if whole > max_digits - decimal_places:
        raise ValidationError(_("The number is too large."), code="max_digits")
