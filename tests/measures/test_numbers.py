"""Numbers as Finnish and Swedish users type them (suunta/lib/numbers.py): a decimal
comma or point, spaces between thousands, the typographic minus; and numbers shown
back with the language's separators."""

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from suunta.lib.numbers import LocalDecimalField, check_digits, format_decimal, parse_decimal

from .common import NBSP, fi


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1 234,5", "1234.5"),
        ("1234.5", "1234.5"),
        ("1234,5", "1234.5"),
        (f"1{NBSP}234{NBSP}567,25", "1234567.25"),
        ("1\u202f234,5", "1234.5"),  # narrow no-break space, as spreadsheets copy it
        ("  42  ", "42"),
        ("\u22127", "-7"),  # typographic minus
        ("-3,25", "-3.25"),
        ("+3", "3"),
        (",5", "0.5"),
        ("0", "0"),
    ],
)
def test_parse_decimal_accepts_what_people_type(typed, expected):
    assert parse_decimal(typed) == Decimal(expected)


@pytest.mark.parametrize(
    "typed",
    [
        "1.234,5",
        "1,234.5",
        "1,2,3",
        "abc",
        "1e5",
        "1E5",
        "12.",
        "",
        "   ",
        "--5",
        "5-",
        "12 %",
        "0x10",
        "NaN",
        "∞",
    ],
)
def test_parse_decimal_rejects_anything_else(typed):
    with pytest.raises(ValueError):
        parse_decimal(typed)


class NumberForm(forms.Form):
    number = LocalDecimalField(required=False)


def errors_for(typed: str) -> list[str]:
    with translation.override("fi"):
        form = NumberForm({"number": typed})
        assert not form.is_valid()
        return form.errors["number"]


@pytest.mark.parametrize(
    ("typed", "expected"), [("1 234,5", "1234.5"), ("\u22127", "-7"), ("1234.5", "1234.5")]
)
def test_the_form_field_gives_a_decimal(typed, expected):
    form = NumberForm({"number": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["number"] == Decimal(expected)
    assert isinstance(form.cleaned_data["number"], Decimal)


def test_the_form_field_leaves_an_empty_value_empty():
    form = NumberForm({"number": "  "})
    assert form.is_valid()
    assert form.cleaned_data["number"] is None


@pytest.mark.parametrize("typed", ["1.234,5", "abc", "1e5"])
def test_the_form_field_rejects_a_non_number_in_finnish(typed):
    assert errors_for(typed) == [fi("Enter a number, e.g. 1 234,5.")]


def test_the_form_field_rejects_too_many_decimals():
    assert errors_for("12,34567") == [fi("Use at most %(places)s decimals.", places=4)]
    assert NumberForm({"number": "12,3456"}).is_valid()


def test_the_form_field_rejects_a_number_too_large_for_the_column():
    # 16 digits of which 4 decimals: 12 before the comma.
    assert NumberForm({"number": "999 999 999 999"}).is_valid()
    assert errors_for("1 000 000 000 000") == [fi("The number is too large.")]


def test_the_form_field_shows_a_stored_number_the_finnish_way():
    form = NumberForm(initial={"number": Decimal("1234.5000")})
    with translation.override("fi"):
        html = str(form["number"])
    assert f'value="1{NBSP}234,5"' in html
    assert 'inputmode="decimal"' in html


@pytest.mark.parametrize(
    ("language", "value", "unit", "expected"),
    [
        ("fi", "1234567.5", "€", f"1{NBSP}234{NBSP}567,5{NBSP}€"),
        ("sv", "1234567.5", "€", f"1{NBSP}234{NBSP}567,5{NBSP}€"),
        ("en", "1234567.5", "€", f"1,234,567.5{NBSP}€"),
        ("fi", "850000.0000", "€", f"850{NBSP}000{NBSP}€"),
        ("en", "850000.0000", "", "850,000"),
        ("fi", "103.4000", "%", f"103,4{NBSP}%"),
        ("sv", "0.2500", "", "0,25"),
        ("en", "0.2500", "", "0.25"),
        ("fi", "-7", "", "-7"),
        ("fi", "0.0000", "€", f"0{NBSP}€"),
    ],
)
def test_format_decimal_uses_the_languages_separators_without_needless_decimals(
    language, value, unit, expected
):
    with translation.override(language):
        assert format_decimal(Decimal(value), unit) == expected


def test_format_decimal_of_nothing_is_empty():
    assert format_decimal(None, "€") == ""


def test_a_value_survives_the_round_trip_from_the_page_and_back():
    for text in ("1234567.8912", "-0.5", "100", "0.0001"):
        value = Decimal(text)
        for language in ("fi", "sv", "en"):
            with translation.override(language):
                shown = format_decimal(value)
            if language == "en":
                shown = shown.replace(",", "")  # English grouping is not accepted back
            assert parse_decimal(shown) == value, (language, shown)


def test_check_digits_error_codes():
    """The form's two limits are separate errors (so the message says which)."""

    with pytest.raises(ValidationError) as error:
        check_digits(Decimal("1.23456"))
    assert error.value.code == "decimal_places"
    with pytest.raises(ValidationError) as error:
        check_digits(Decimal("1E12"))
    assert error.value.code == "max_digits"
    check_digits(Decimal("999999999999.9999"))
