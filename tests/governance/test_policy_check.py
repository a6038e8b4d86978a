"""Issue 4, "Policy check": the seed asks for two follow-ups in the agreement's first
12 months. Fewer warn (never block); two are enough."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, translation

from suunta.agreements.checks import first_year_followups_warning
from suunta.agreements.models import PlanVersion

from ..conftest import client_for
from ..dom import parse
from ..factories import (
    AgreementFactory,
    CheckpointFactory,
    MembershipFactory,
    PlanFactory,
    UserFactory,
    VersionFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date
SINGULAR = (
    "The first 12 months of the agreement (%(start)s–%(end)s) have %(count)s follow-up checkpoint; "
    "progress should be followed up at least twice in that time."
)
PLURAL = (
    "The first 12 months of the agreement (%(start)s–%(end)s) have %(count)s follow-up checkpoints; "
    "progress should be followed up at least twice in that time."
)


@pytest.fixture
def agreement():
    # The agreement starts in the middle of its first plan's period.
    return AgreementFactory(starts_on=D(2025, 3, 1))


@pytest.fixture
def plan(agreement):
    return PlanFactory(agreement=agreement, period_start=D(2025, 1, 1), period_end=D(2025, 12, 31))


def expected(count: int) -> str:
    """The warning as a Finnish user reads it (the msgid until the catalogue has it)."""
    with translation.override("fi"):
        start = formats.date_format(D(2025, 3, 1), "SHORT_DATE_FORMAT")
        end = formats.date_format(D(2026, 2, 28), "SHORT_DATE_FORMAT")
        text = translation.ngettext(SINGULAR, PLURAL, count)
    return text % {"start": start, "end": end, "count": count}


def warning(plan) -> str:
    with translation.override("fi"):
        return first_year_followups_warning(plan)


def checkpoint(version, start: dt.date, label: str = "seuranta"):
    return CheckpointFactory(
        version=version, label=label, window_start=start, window_end=start + dt.timedelta(days=27)
    )


def test_no_checkpoints_warn(agreement, plan):
    assert warning(plan) == expected(0)


def test_one_checkpoint_in_the_first_twelve_months_warns(agreement, plan):
    checkpoint(plan.versions.get(), D(2025, 8, 1), "elokuu 2025")
    assert warning(plan) == expected(1)


def test_two_checkpoints_in_the_first_twelve_months_are_enough(agreement, plan):
    version = plan.versions.get()
    checkpoint(version, D(2025, 8, 1), "elokuu 2025")
    checkpoint(version, D(2026, 1, 1), "tammikuu 2026")
    assert warning(plan) == ""


def test_checkpoints_across_two_plans_count_together(agreement, plan):
    checkpoint(plan.versions.get(), D(2025, 8, 1))
    next_plan = PlanFactory(agreement=agreement, period_start=D(2026, 1, 1), period_end=D(2026, 12, 31))
    assert warning(next_plan) == expected(1)
    checkpoint(next_plan.versions.get(), D(2026, 2, 1))
    assert warning(plan) == ""
    assert warning(next_plan) == ""


def test_a_plan_after_the_first_twelve_months_is_not_warned_about(agreement, plan):
    later = PlanFactory(agreement=agreement, period_start=D(2026, 3, 1), period_end=D(2027, 2, 28))
    assert warning(plan) == expected(0)
    assert warning(later) == ""


def test_checkpoints_outside_the_first_twelve_months_do_not_count(agreement, plan):
    version = plan.versions.get()
    checkpoint(version, D(2025, 2, 1))  # before the agreement started
    checkpoint(version, D(2025, 8, 1))
    checkpoint(version, D(2026, 3, 1))  # the first day of the second year
    assert warning(plan) == expected(1)


def test_the_last_day_of_the_first_year_still_counts(agreement, plan):
    version = plan.versions.get()
    checkpoint(version, D(2025, 8, 1))
    checkpoint(version, D(2026, 2, 28))
    assert warning(plan) == ""


def test_only_each_plans_latest_version_counts(agreement, plan):
    """An amendment that dropped a follow-up warns again, though version 1 had two."""
    v1 = plan.versions.get()
    checkpoint(v1, D(2025, 8, 1))
    checkpoint(v1, D(2026, 1, 1))
    PlanVersion.objects.filter(pk=v1.pk).update(status="superseded")
    v2 = VersionFactory(plan=plan, number=2)
    checkpoint(v2, D(2025, 8, 1))
    assert warning(plan) == expected(1)


def test_the_plan_page_warns_an_editor_and_still_lets_him_edit(agreement, plan):
    editor = UserFactory()
    MembershipFactory(organization=agreement.organization, user=editor, role="preparer", title="")
    checkpoint(plan.versions.get(), D(2025, 8, 1))
    response = client_for(editor).get(reverse("plan_detail", args=[plan.pk]))
    notes = parse(response.content).find_all(lambda e: e.attrs.get("role") == "note")
    assert [" ".join(n.text().split()) for n in notes] == [expected(1)]
    assert reverse("checkpoint_new", args=[plan.pk]) in response.content.decode()

    checkpoint(plan.versions.get(), D(2026, 1, 1))
    response = client_for(editor).get(reverse("plan_detail", args=[plan.pk]))
    assert not parse(response.content).find_all(lambda e: e.attrs.get("role") == "note")
