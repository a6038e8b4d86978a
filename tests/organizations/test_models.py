"""Organizations and memberships: the business id checksum, membership validity on a
day, and which roles carry an evaluator title."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from suunta.lib.validators import business_id_check_digit, validate_business_id
from suunta.organizations.models import Membership, Organization

from ..factories import AgreementFactory, MembershipFactory, OrganizationFactory, UserFactory
from ..helpers import fi

FORMAT_MESSAGE = "Enter the business ID as seven digits, a hyphen and a check digit, e.g. 1234567-1."
CHECKSUM_MESSAGE = "The check digit of this business ID is wrong. Check the number."
WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def remainder(seven: str) -> int:
    """The weighted sum mod 11, computed here independently of the app."""
    return sum(int(digit) * weight for digit, weight in zip(seven, WEIGHTS, strict=True)) % 11


def error_of(value: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_business_id(value)
    return caught.value


# --- Business id ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0201256-6", "1234567-1", "7654321-2"])
def test_it_accepts_a_valid_business_id(value):
    validate_business_id(value)  # no error


def test_it_accepts_check_digit_zero_when_the_remainder_is_zero():
    seven = next(f"{n:07d}" for n in range(1, 10_000) if remainder(f"{n:07d}") == 0)
    assert business_id_check_digit(seven) == 0
    validate_business_id(f"{seven}-0")


@pytest.mark.parametrize("value", ["0201256-5", "0201256-7", "0201256-0", "1234567-2"])
def test_it_rejects_a_wrong_check_digit(value):
    error = error_of(value)
    assert error.code == "checksum"
    assert error.messages == [fi(CHECKSUM_MESSAGE)]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "0201256",
        "02012566",
        "201256-6",
        "00201256-6",
        "0201256-66",
        "0201256 6",
        "0201256–6",  # an en dash
        "O201256-6",  # a letter O
        " 0201256-6",
        "0201256-6 ",
        "0201256-6\n",
        "٠٢٠١٢٥٦-٦",  # Arabic-Indic digits
    ],
)
def test_it_rejects_a_business_id_in_the_wrong_format(value):
    error = error_of(value)
    assert error.code == "format"
    assert error.messages == [fi(FORMAT_MESSAGE)]


def test_it_rejects_every_check_digit_when_the_remainder_is_one():
    seven = "0000006"
    assert remainder(seven) == 1, "the test number must have remainder 1"
    assert business_id_check_digit(seven) is None
    for digit in range(10):
        assert error_of(f"{seven}-{digit}").code == "checksum", digit


def test_it_finds_no_check_digit_for_any_remainder_one_number():
    sevens = [f"{n:07d}" for n in range(1_000_000, 1_000_500) if remainder(f"{n:07d}") == 1]
    assert sevens
    assert all(business_id_check_digit(seven) is None for seven in sevens)


def test_it_computes_the_check_digit_as_eleven_minus_the_remainder():
    for n in range(2_000_000, 2_000_200):
        seven = f"{n:07d}"
        r = remainder(seven)
        expected = None if r == 1 else (0 if r == 0 else 11 - r)
        assert business_id_check_digit(seven) == expected, seven


@pytest.mark.django_db
def test_an_organization_with_a_wrong_business_id_does_not_validate():
    organization = Organization(name="Virhekunta", slug="virhekunta", business_id="0201256-5")
    with pytest.raises(ValidationError) as caught:
        organization.full_clean()
    assert caught.value.message_dict == {"business_id": [fi(CHECKSUM_MESSAGE)]}


@pytest.mark.django_db
def test_an_organization_with_a_valid_business_id_validates():
    Organization(name="Oikeakunta", slug="oikeakunta", business_id="0201256-6").full_clean()


@pytest.mark.django_db
def test_an_organization_name_cannot_be_only_spaces():
    organization = Organization(name="   ", slug="tyhja", business_id="0201256-6")
    with pytest.raises(ValidationError) as caught:
        organization.full_clean()
    assert "name" in caught.value.message_dict


# --- Membership.valid_on -------------------------------------------------------------------


@pytest.fixture
def memberships(db):
    organization = OrganizationFactory()
    return {
        "year": MembershipFactory(
            organization=organization, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 12, 31)
        ),
        "open": MembershipFactory(organization=organization, valid_from=dt.date(2025, 6, 1), valid_to=None),
        "one_day": MembershipFactory(
            organization=organization, valid_from=dt.date(2025, 3, 31), valid_to=dt.date(2025, 3, 31)
        ),
    }


def valid_names(memberships, day=None) -> set[str]:
    ids = set(Membership.objects.valid_on(day).values_list("pk", flat=True))
    return {name for name, membership in memberships.items() if membership.pk in ids}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2024, 12, 31), set()),
        (dt.date(2025, 1, 1), {"year"}),
        (dt.date(2025, 3, 30), {"year"}),
        (dt.date(2025, 3, 31), {"year", "one_day"}),
        (dt.date(2025, 4, 1), {"year"}),
        (dt.date(2025, 5, 31), {"year"}),
        (dt.date(2025, 6, 1), {"year", "open"}),
        (dt.date(2025, 12, 31), {"year", "open"}),
        (dt.date(2026, 1, 1), {"open"}),
        (dt.date(2099, 1, 1), {"open"}),
    ],
)
def test_a_membership_is_valid_from_its_first_to_its_last_day(memberships, day, expected):
    assert valid_names(memberships, day) == expected


def test_valid_on_defaults_to_todays_date_from_the_clock(memberships):
    with time_machine.travel(dt.datetime(2025, 3, 31, 12, 0, tzinfo=dt.UTC), tick=False):
        assert valid_names(memberships) == {"year", "one_day"}
    with time_machine.travel(dt.datetime(2026, 2, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        assert valid_names(memberships) == {"open"}


def test_valid_on_uses_the_helsinki_date(memberships):
    # 31.12.2025 at 23.30 UTC is already 1.1.2026 in Helsinki: the year membership has ended.
    with time_machine.travel(dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC), tick=False):
        assert valid_names(memberships) == {"open"}
    with time_machine.travel(dt.datetime(2025, 12, 31, 21, 30, tzinfo=dt.UTC), tick=False):
        assert valid_names(memberships) == {"year", "open"}


# --- Membership.clean ----------------------------------------------------------------------


def membership(**fields) -> Membership:
    organization = OrganizationFactory()
    defaults = {"valid_from": dt.date(2025, 1, 1)}
    if fields.get("role") == "evaluator":
        # An evaluator's role is for one of the organization's agreements.
        defaults["agreement"] = AgreementFactory(organization=organization)
    return Membership(organization=organization, user=UserFactory(), **{**defaults, **fields})


@pytest.mark.django_db
def test_an_evaluator_must_carry_a_title():
    with pytest.raises(ValidationError) as caught:
        membership(role="evaluator", title="").full_clean()
    assert caught.value.message_dict == {
        "title": [fi("An evaluator holds a position, e.g. the board chair.")]
    }


@pytest.mark.django_db
@pytest.mark.parametrize("title", ["mayor", "deputy_mayor", "council_chair"])
def test_an_evaluator_holding_one_of_the_organizations_positions_validates(title):
    membership(role="evaluator", title=title).full_clean()


@pytest.mark.django_db
def test_a_position_the_organization_does_not_have_is_refused():
    # The factory's organization is on the mayor model: no board vice chair there.
    with pytest.raises(ValidationError) as caught:
        membership(role="evaluator", title="board_vice_chair").full_clean()
    assert caught.value.message_dict == {"title": [fi("The organization has no such position.")]}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["executive", "preparer", "board_member", "auditor", "admin"])
def test_only_evaluators_carry_a_title(role):
    with pytest.raises(ValidationError) as caught:
        membership(role=role, title="mayor").full_clean()
    assert caught.value.message_dict == {"title": [fi("Only evaluators hold a position.")]}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["executive", "preparer", "board_member", "auditor", "admin"])
def test_other_roles_validate_without_a_title(role):
    membership(role=role, title="").full_clean()


@pytest.mark.django_db
def test_a_membership_cannot_end_before_it_starts():
    item = membership(role="preparer", valid_from=dt.date(2025, 6, 1), valid_to=dt.date(2025, 5, 31))
    with pytest.raises(ValidationError) as caught:
        item.full_clean()
    assert fi("The end date cannot be before the start date.") in caught.value.message_dict["valid_to"]


@pytest.mark.django_db
def test_a_membership_may_end_on_the_day_it_starts():
    membership(role="preparer", valid_from=dt.date(2025, 6, 1), valid_to=dt.date(2025, 6, 1)).full_clean()


@pytest.mark.django_db
def test_the_database_refuses_a_membership_that_ends_before_it_starts():
    item = membership(role="preparer", valid_from=dt.date(2025, 6, 1), valid_to=dt.date(2025, 5, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()
