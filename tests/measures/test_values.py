"""Values of a quantitative metric (issue 6): the executive and the preparer record them
on the plan in force; others are refused and audited. Bad input gets a Finnish message
beside the field and saves nothing. Values belong to the metric's lineage, so an
amended plan keeps them."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from suunta.agreements import services as plan_services
from suunta.agreements.models import Metric
from suunta.governance.services import take_step
from suunta.measures import services
from suunta.measures.models import MetricValue

from ..governance.common import meeting, step_for
from ..helpers import REQUIRED_FI, max_length_fi
from ..helpers import fi as django_fi
from .common import (
    AUDITOR,
    BOARD_MEMBER,
    EXECUTIVE,
    MAYOR,
    NBSP,
    PREPARER,
    D,
    add_url,
    approved_version,
    budget,
    delete_url,
    detail_url,
    event_changes,
    events,
    fi,
    field_errors,
    form_errors,
    page,
    savings,
    success_messages,
    values_of,
    values_state,
    values_table,
    words_metric,
)

pytestmark = pytest.mark.django_db


def post_value(client, plan, metric, measured_on="2025-06-15", value="1", **extra):
    data = {"measured_on": measured_on, "value": value, "comment": "", "source": ""}
    data.update(extra)
    return client.post(add_url(plan, metric), data)


# --- Recording ---------------------------------------------------------------------------------


@pytest.mark.parametrize("username", [EXECUTIVE, PREPARER])
def test_the_executive_and_the_preparer_record_a_value(demo, username):
    plan, metric = demo.plan, savings(demo.plan)
    client = demo.client(username)
    response = post_value(
        client,
        plan,
        metric,
        measured_on="2025-06-15",
        value="312 500,5",
        comment="Kesäkuun puolivälin tilanne",
        source="Talousraportti",
    )
    assert response.status_code == 302, response.status_code
    assert response["Location"] == detail_url(plan, metric) + "#values"
    entry = MetricValue.objects.get(plan=plan, metric_lineage=metric.lineage, measured_on=D(2025, 6, 15))
    assert (entry.value, entry.comment, entry.source, entry.recorded_by.username) == (
        Decimal("312500.5"),
        "Kesäkuun puolivälin tilanne",
        "Talousraportti",
        username,
    )
    event = events(demo.org, "metric_value.create")[-1]
    assert (event.actor_label, event.object_id) == (username, str(entry.pk))
    assert event_changes(event) == {
        "comment": [None, "Kesäkuun puolivälin tilanne"],
        "measured_on": [None, "2025-06-15"],
        "source": [None, "Talousraportti"],
        "value": [None, "312500.5"],
    }
    # The page after the redirect says so and lists it among the values, the Finnish way.
    followed = client.get(response["Location"])
    assert success_messages(followed) == [
        fi("The value %(value)s for %(date)s was saved.", value=f"312{NBSP}500,5{NBSP}€", date="15.6.2025")
    ]
    rows = values_table(followed)
    assert ["15.6.2025", f"312{NBSP}500,5{NBSP}€", "Kesäkuun puolivälin tilanne", "Talousraportti"] == rows[
        5
    ][:4]


def test_a_value_is_recorded_on_the_current_plan_too(demo):
    """The 2026 plan was made from the 2025 one: its metrics keep unit and target."""
    metric = budget(demo.current)
    assert (metric.unit, metric.target, metric.baseline, metric.direction) == (
        "%",
        Decimal("100"),
        Decimal("103.4"),
        "decrease",
    )
    assert values_of(demo.current, metric) == []
    response = post_value(
        demo.client(PREPARER), demo.current, metric, measured_on="27.11.2026", value="99,95"
    )
    assert response.status_code == 302, response.status_code
    assert values_of(demo.current, metric) == [(D(2026, 11, 27), Decimal("99.95"))]
    # The 2025 plan's values of the same lineage are not the 2026 plan's.
    assert len(values_of(demo.plan, budget(demo.plan))) == 12


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1234.5", Decimal("1234.5")),
        ("1 234,5", Decimal("1234.5")),
        (f"1{NBSP}234,5", Decimal("1234.5")),
        ("\u22127,25", Decimal("-7.25")),
    ],
)
def test_values_are_read_as_finns_type_them(demo, typed, expected):
    plan, metric = demo.plan, savings(demo.plan)
    response = post_value(demo.client(PREPARER), plan, metric, value=typed)
    assert response.status_code == 302, response.status_code
    assert MetricValue.objects.get(plan=plan, measured_on=D(2025, 6, 15)).value == expected


# --- Bad input --------------------------------------------------------------------------------


def assert_refused_input(response, field: str, message: str, typed: dict) -> None:
    assert field_errors(response, f"id_{field}") == [message]
    doc = page(response)
    for name, value in typed.items():
        assert doc.by_id(f"id_{name}").value() == value, name


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "Enter a number, e.g. 1 234,5."),
        ("1.234,5", "Enter a number, e.g. 1 234,5."),
        ("1e5", "Enter a number, e.g. 1 234,5."),
        ("12,34567", ("Use at most %(places)s decimals.", {"places": 4})),
    ],
)
def test_a_value_that_is_not_a_number_is_refused(demo, value, message):
    plan, metric = demo.plan, savings(demo.plan)
    before = values_state()
    response = post_value(demo.client(EXECUTIVE), plan, metric, value=value, comment="Oma kommentti")
    expected = fi(message[0], **message[1]) if isinstance(message, tuple) else fi(message)
    assert_refused_input(response, "value", expected, {"value": value, "comment": "Oma kommentti"})
    assert values_state() == before


def test_a_value_is_required(demo):
    plan, metric = demo.plan, savings(demo.plan)
    before = values_state()
    response = post_value(demo.client(EXECUTIVE), plan, metric, value="  ")
    assert field_errors(response, "id_value") == [REQUIRED_FI]
    assert values_state() == before


@pytest.mark.parametrize("typed", ["31.2.2025", "2025-02-31", "eilen", ""])
def test_a_date_that_is_not_a_date_is_refused(demo, typed):
    plan, metric = demo.plan, savings(demo.plan)
    before = values_state()
    response = post_value(demo.client(EXECUTIVE), plan, metric, measured_on=typed, value="5")
    expected = REQUIRED_FI if not typed else django_fi("Enter a valid date.")
    assert field_errors(response, "id_measured_on") == [expected]
    assert page(response).by_id("id_value").value() == "5"
    assert values_state() == before


@pytest.mark.parametrize("day", ["2024-12-31", "2026-01-01"])
def test_a_date_outside_the_plan_period_is_refused(demo, day):
    plan, metric = demo.plan, savings(demo.plan)
    before = values_state()
    response = post_value(demo.client(PREPARER), plan, metric, measured_on=day, value="5 000")
    message = fi(
        "The date must be within the plan period %(start)s–%(end)s.", start="1.1.2025", end="31.12.2025"
    )
    assert field_errors(response, "id_measured_on") == [message]
    assert page(response).by_id("id_measured_on").value() == day
    assert page(response).by_id("id_value").value() == "5 000"
    assert values_state() == before


def test_a_date_in_the_future_is_refused(demo):
    """Today is 27.11.2026: tomorrow is within the 2026 plan's period, but not yet."""
    metric = savings(demo.current)
    before = values_state()
    response = post_value(demo.client(EXECUTIVE), demo.current, metric, measured_on="2026-11-28", value="5")
    assert field_errors(response, "id_measured_on") == [fi("A value cannot be dated in the future.")]
    assert values_state() == before
    response = post_value(demo.client(EXECUTIVE), demo.current, metric, measured_on="2026-11-27", value="5")
    assert response.status_code == 302


def test_a_second_value_for_the_same_day_is_refused(demo):
    """31.1.2025 already has 20 000 €: it is removed first, not overwritten unseen."""
    plan, metric = demo.plan, savings(demo.plan)
    before = values_state()
    response = post_value(demo.client(PREPARER), plan, metric, measured_on="31.1.2025", value="25 000")
    message = fi(
        "There is already a value for %(date)s: %(value)s. Remove it first to replace it.",
        date="31.1.2025",
        value=f"20{NBSP}000{NBSP}€",
    )
    assert field_errors(response, "id_measured_on") == [message]
    assert page(response).by_id("id_value").value() == "25 000"
    assert values_state() == before


def test_a_metric_in_words_takes_no_values(demo):
    plan = demo.plan
    metric = words_metric(approved_version(plan))
    before = values_state()
    response = post_value(demo.client(PREPARER), plan, metric, value="5")
    assert response.status_code == 200
    assert values_state() == before
    with pytest.raises(ValidationError) as error:
        services.record_value(demo.user(PREPARER), plan, metric, measured_on=D(2025, 6, 1), value=Decimal(5))
    assert error.value.messages == [fi("This metric has no target, so it takes no values.")]
    # Its page says what it is and offers no form.
    response = demo.client(PREPARER).get(detail_url(plan, metric))
    doc = page(response)
    assert not doc.has_id("id_value")
    assert not doc.find_all(lambda e: e.tag == "svg")


def test_a_too_long_comment_is_refused(demo):
    plan, metric = demo.plan, savings(demo.plan)
    before = values_state()
    response = post_value(demo.client(PREPARER), plan, metric, value="5", comment="x" * 501)
    assert field_errors(response, "id_comment") == [max_length_fi(500, 501)]
    assert values_state() == before


# --- Who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("username", [MAYOR, "apulaispormestari", BOARD_MEMBER, AUDITOR, "paakayttaja"])
def test_others_are_refused_and_audited(demo, username):
    plan, metric = demo.plan, savings(demo.plan)
    before, refused = values_state(), len(events(demo.org, outcome="denied"))
    response = post_value(demo.client(username), plan, metric, value="5")
    assert response.status_code == 403
    assert values_state() == before
    denied = events(demo.org, outcome="denied")
    assert len(denied) == refused + 1
    assert (denied[-1].action, denied[-1].actor_label) == ("record_metric_value.denied", username)


@pytest.mark.parametrize("username", [MAYOR, BOARD_MEMBER, AUDITOR])
def test_the_page_offers_no_form_to_those_who_may_not(demo, username):
    response = demo.client(username).get(detail_url(demo.plan, savings(demo.plan)))
    doc = page(response)
    assert not doc.has_id("id_value")
    assert len(values_table(response)) == 12
    # No remove buttons, no import link.
    targets = [
        e.attrs.get("action") or e.attrs.get("href") or ""
        for e in doc.find_all(lambda e: e.tag in ("form", "a"))
    ]
    assert not [t for t in targets if "/values/" in t or t.endswith("/import/")], targets


def test_another_organization_gets_404_and_is_audited(demo):
    plan, metric = demo.plan, savings(demo.plan)
    before, refused = values_state(), len(events(demo.org, outcome="denied"))
    for username in ("toinen-valmistelija", "toinen-johtaja"):
        response = post_value(demo.client(username), plan, metric, value="5")
        assert response.status_code == 404
        assert demo.client(username).get(detail_url(plan, metric)).status_code == 404
    assert values_state() == before
    assert {e.action for e in events(demo.org, outcome="denied")[refused:]} == {"access.out_of_scope"}


def test_a_metric_of_another_plan_is_not_found_under_this_one(demo):
    """The 2026 plan's metric id under the 2025 plan's URL: 404, nothing recorded."""
    before = values_state()
    response = post_value(demo.client(PREPARER), demo.plan, savings(demo.current), value="5")
    assert response.status_code == 404
    assert values_state() == before


def test_no_values_on_a_draft(demo):
    """Values measure the plan in force; the 2027 draft takes none, not even from the executive."""
    metric = savings(demo.draft)
    before, refused = values_state(), len(events(demo.org, outcome="denied"))
    for username in (EXECUTIVE, PREPARER):
        assert post_value(demo.client(username), demo.draft, metric, value="5").status_code == 403
    assert values_state() == before
    assert len(events(demo.org, outcome="denied")) == refused + 2
    with pytest.raises(PermissionDenied):
        services.record_value(
            demo.user(PREPARER), demo.draft, metric, measured_on=D(2026, 1, 1), value=Decimal(1)
        )


def test_the_service_refuses_a_metric_of_another_plan(demo):
    with pytest.raises(ValueError):
        services.record_value(
            demo.user(PREPARER), demo.plan, savings(demo.current), measured_on=D(2025, 6, 1), value=Decimal(1)
        )


# --- Removing ------------------------------------------------------------------------------------


def stored(plan, metric, day) -> MetricValue:
    return MetricValue.objects.get(plan=plan, metric_lineage=metric.lineage, measured_on=day)


@pytest.mark.parametrize("username", [EXECUTIVE, PREPARER])
def test_a_value_is_removed_and_audited(demo, username):
    plan, metric = demo.plan, savings(demo.plan)
    entry = stored(plan, metric, D(2025, 3, 31))
    client = demo.client(username)
    response = client.post(delete_url(plan, metric, entry))
    assert response.status_code == 302
    assert response["Location"] == detail_url(plan, metric) + "#values"
    assert not MetricValue.objects.filter(pk=entry.pk).exists()
    assert len(values_of(plan, metric)) == 11
    event = events(demo.org, "metric_value.delete")[-1]
    assert (event.actor_label, event.object_id) == (username, str(entry.pk))
    assert event_changes(event) == {
        "comment": ["Hankintojen kilpailutus", None],
        "measured_on": ["2025-03-31", None],
        "source": ["Talouden tasapainotusohjelman seuranta", None],
        "value": ["90000.0000", None],
    }
    followed = client.get(response["Location"])
    assert success_messages(followed) == [
        fi("The value %(value)s for %(date)s was removed.", value=f"90{NBSP}000{NBSP}€", date="31.3.2025")
    ]
    assert "31.3.2025" not in [row[0] for row in values_table(followed)]
    # The day is free again.
    assert post_value(client, plan, metric, measured_on="2025-03-31", value="95 000").status_code == 302


@pytest.mark.parametrize("username", [MAYOR, BOARD_MEMBER, AUDITOR])
def test_others_may_not_remove_a_value(demo, username):
    plan, metric = demo.plan, savings(demo.plan)
    entry = stored(plan, metric, D(2025, 3, 31))
    refused = len(events(demo.org, outcome="denied"))
    assert demo.client(username).post(delete_url(plan, metric, entry)).status_code == 403
    assert MetricValue.objects.filter(pk=entry.pk).exists()
    assert events(demo.org, outcome="denied")[-1].action == "record_metric_value.denied"
    assert len(events(demo.org, outcome="denied")) == refused + 1


def test_a_value_of_another_metric_is_not_removed_through_this_one(demo):
    plan = demo.plan
    other = stored(plan, budget(plan), D(2025, 3, 31))
    before = values_state()
    response = demo.client(PREPARER).post(delete_url(plan, savings(plan), other))
    assert response.status_code == 404
    assert values_state() == before


def test_removing_needs_a_post(demo):
    plan, metric = demo.plan, savings(demo.plan)
    entry = stored(plan, metric, D(2025, 3, 31))
    assert demo.client(PREPARER).get(delete_url(plan, metric, entry)).status_code == 405
    assert MetricValue.objects.filter(pk=entry.pk).exists()


# --- Values stay with the metric across versions ---------------------------------------------------


def approve(preparer, version, k: int) -> None:
    take_step(preparer, version, step_for(version, "propose"), expected_status="draft")
    version.refresh_from_db()
    take_step(
        preparer,
        version,
        step_for(version, "approve"),
        meeting_date=meeting(k),
        section=str(40 + k),
        case_number="TUUDno-2026-90",
        presenter=None,
        expected_status="proposed",
    )
    version.refresh_from_db()


def test_an_amended_plan_keeps_the_values_of_its_metrics(demo):
    preparer = demo.user(PREPARER)
    plan = demo.plan
    v1_metric = savings(plan)
    v2 = plan_services.amend(preparer, plan)
    v2_metric = Metric.objects.get(goal_area__version=v2, lineage=v1_metric.lineage)
    # The amendment changes the metric's wording; the values recorded so far stay.
    plan_services.update_metric(preparer, v2_metric, text="Säästöt toteutuvat (muutettu)")
    # While v2 is a draft, v1 is in force: a value is still recorded on it, and not on v2.
    assert (
        post_value(
            demo.client(EXECUTIVE), plan, v1_metric, measured_on="2025-12-15", value="750 000"
        ).status_code
        == 302
    )
    assert (
        post_value(demo.client(EXECUTIVE), plan, v2_metric, measured_on="2025-12-16", value="1").status_code
        == 403
    )
    approve(preparer, v2, 5)
    assert v2.status == "approved"
    assert approved_version(plan) == v2
    assert (
        v1_metric.goal_area.version.__class__.objects.get(pk=v1_metric.goal_area.version_id).status
        == "superseded"
    )

    response = demo.client(MAYOR).get(detail_url(plan, v2_metric))
    doc = page(response)
    assert doc.find_all(lambda e: e.tag == "h1")[0].text() == "Säästöt toteutuvat (muutettu)"
    rows = values_table(response)
    assert len(rows) == 13
    assert [r[0] for r in rows][:2] == ["31.1.2025", "28.2.2025"]
    assert ["15.12.2025", f"750{NBSP}000{NBSP}€"] == rows[-2][:2]
    assert rows[-1][:2] == ["31.12.2025", f"780{NBSP}000{NBSP}€"]

    # Now values go to v2's metric, and the superseded v1's metric takes none.
    client = demo.client(PREPARER)
    assert post_value(client, plan, v2_metric, measured_on="2025-12-16", value="760 000").status_code == 302
    assert post_value(client, plan, v1_metric, measured_on="2025-12-17", value="1").status_code == 403
    assert len(values_of(plan, v1_metric)) == 14

    # v1's page shows the same values and points to the metric in force.
    response = demo.client(MAYOR).get(detail_url(plan, v1_metric))
    assert len(values_table(response)) == 14
    links = [a.attrs.get("href") for a in page(response).find_all(lambda e: e.tag == "a")]
    assert detail_url(plan, v2_metric) in links
    assert fi("This metric is from an earlier version of the plan.") in response.content.decode()


def test_the_metric_page_of_version_one_has_no_notice_while_it_is_in_force(demo):
    response = demo.client(MAYOR).get(detail_url(demo.plan, savings(demo.plan)))
    assert fi("This metric is from an earlier version of the plan.") not in response.content.decode()
    assert form_errors(response) == []
