"""Validators shared by models and forms; messages go through gettext."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BUSINESS_ID_RE = re.compile(r"(\d{7})-(\d)", re.ASCII)  # fullmatch: no trailing newline, ASCII digits only
BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def business_id_check_digit(first_seven: str) -> int | None:
    """The check digit of a Finnish business id (Y-tunnus), or None when none exists.

    Weighted sum mod 11: remainder 0 gives 0, remainder 1 is never issued, otherwise
    11 - remainder.
    """
    remainder = sum(int(d) * w for d, w in zip(first_seven, BUSINESS_ID_WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def validate_business_id(value: str) -> None:
    match = BUSINESS_ID_RE.fullmatch(value or "")
    if not match:
        raise ValidationError(
            _("Enter the business ID as seven digits, a hyphen and a check digit, e.g. 1234567-1."),
            code="format",
        )
    if business_id_check_digit(match.group(1)) != int(match.group(2)):
        raise ValidationError(
            _("The check digit of this business ID is wrong. Check the number."), code="checksum"
        )


def validate_not_blank(value: str) -> None:
    if not (value or "").strip():
        raise ValidationError(_("This field cannot be empty or only spaces."), code="blank")
