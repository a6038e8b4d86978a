"""The year's evaluation and performance pay, computed by hand beside the app: five
goals × 20 %, metrics split evenly, ratings 100/75/50/0, one metric scored from its
value and one that cannot be assessed; the board approves, amends or returns; an
approved result is never recomputed."""

import datetime as dt
import json
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from suunta.agreements import services as plan_services
from suunta.agreements.models import CheckpointKind, Metric, Scoring
from suunta.audit.models import AuditEvent
from suunta.followup import pay, performance
from suunta.followup import services as followup_services
from suunta.followup.models import MetricScore, PayBasis, PayRules, PayScale, PerformancePay
from suunta.governance.models import Handling, Outcome
from suunta.measures import services as measure_services
from suunta.measures.weights import score_from_value

from ..helpers import fi
from .common import field_errors, status_of
from .year_evaluation import (
    EXPECTED_MAXIMUM,
    EXPECTED_PAY,
    EXPECTED_POINTS,
    SALARY,
    agree,
    build,
    scale,
    to_views,
)

pytestmark = pytest.mark.django_db


def text_of(html: str, start: str, end: str) -> str:
    part = html[html.find(start) : html.find(end, html.find(start))]
    return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", part))


def report(s, **fields):
    data = {
        "report-meeting_date": "2027-03-16",
        "report-section": "93",
        "report-case_number": "45/2027",
        "report-text": "",
        **{f"report-{k}": v for k, v in fields.items()},
    }
    return s.client(s.preparer).post(f"/plans/{s.plan.pk}/followup/{s.evaluation.pk}/report/", data)


def test_the_example_computed_by_hand_and_approved_by_the_board(time_machine):
    s = build(time_machine)
    agree(s, time_machine)
    page = s.client(s.preparer).get(f"/plans/{s.plan.pk}/followup/{s.evaluation.pk}/")
    html = page.content.decode()
    result = text_of(html, 'id="overall"', "</section>")
    assert f"{EXPECTED_POINTS} " in result
    assert (
        "(20 × 87,5 + 20 × 100 + 20 × 58,3 + 20 × 77,5 + 20 × 50) / (20 + 20 + 20 + 20 + 20) = 74,7" in result
    )
    # Split evenly, written out; the value-scored metric from its value; the one that
    # cannot be assessed left out and its weight spread over the other.
    assert "(100 + 75 + 0) / 3 = 58,3" in result
    assert "(80 + 75) / 2 = 77,5" in result
    assert "(50) / 1 = 50" in result
    # No salary yet: the preparer is asked for it, no pay is shown.
    assert fi("Enter the annual salary to calculate the pay.") in text_of(html, 'id="pay"', "</section>")

    time_machine.move_to(dt.datetime(2027, 3, 1, 12, 0))
    response = s.client(s.preparer).post(
        f"/plans/{s.plan.pk}/followup/{s.evaluation.pk}/salary/", {"salary-annual_salary": "61 234"}
    )
    assert response.status_code == 302
    html = s.client(s.preparer).get(f"/plans/{s.plan.pk}/followup/{s.evaluation.pk}/").content.decode()
    pay = text_of(html, 'id="pay"', "</section>")
    assert "3\u00a0657,71\u00a0€" in pay, pay
    assert "8 % × " in pay and "61\u00a0234,00\u00a0€ = 4\u00a0898,72\u00a0€" in pay
    assert "4\u00a0898,72\u00a0€ × 74,6667 / 100 = 3\u00a0657,71\u00a0€" in pay
    # The draft decision names the figures.
    assert (
        "74,7"
        in html[html.find('name="report-text"') : html.find("</textarea>", html.find('name="report-text"'))]
    )

    time_machine.move_to(dt.datetime(2027, 3, 20, 12, 0))
    assert report(s, outcome="approved").status_code == 302
    row = PerformancePay.objects.get(checkpoint=s.evaluation)
    assert row.snapshot["result"] == {"points": "74.7", "amount": str(EXPECTED_PAY), "currency": "EUR"}
    assert row.snapshot["inputs"]["points_exact"] == "224/3"
    assert row.snapshot["inputs"]["annual_salary"] == "61234.00"
    assert row.snapshot["rules"]["maximum"] == "8"
    assert row.decision.outcome == Outcome.APPROVED
    assert row.snapshot["decision"] == row.decision.reference

    # Changing the rules afterwards changes nothing decided.
    performance.save_rules(
        s.admin,
        s.organization,
        enabled=True,
        basis=PayBasis.EUROS,
        maximum=Decimal("9000"),
        threshold=Decimal("80"),
        scale=PayScale.LINEAR,
        steps=[],
    )
    html = s.client(s.preparer).get(f"/plans/{s.plan.pk}/followup/{s.evaluation.pk}/").content.decode()
    pay = text_of(html, 'id="pay"', "</section>")
    assert "3\u00a0657,71\u00a0€" in pay and "74,7" in pay
    row.refresh_from_db()
    assert row.snapshot["result"]["amount"] == "3657.71"
    # … and the salary it was calculated from stays.
    with pytest.raises(ValidationError):
        performance.set_salary(s.preparer, s.evaluation, Decimal("70000"))
    assert any("4\u00a0898,72\u00a0€" in line for line in row.snapshot["calculated"]["lines"])
    assert EXPECTED_MAXIMUM == Decimal("4898.72")  # noqa: SIM300 - the figure in the comment of year_evaluation.py


def test_the_board_amends_with_figures_of_its_own_or_returns(time_machine):
    s = build(time_machine)
    agree(s, time_machine)
    performance.set_salary(s.preparer, s.evaluation, SALARY)
    time_machine.move_to(dt.datetime(2027, 3, 20, 12, 0))
    # Amended without the figures: a message next to each, nothing recorded.
    response = report(s, outcome="amended")
    assert response.status_code == 200
    assert field_errors(response, "id_report-amended_points") == [fi("Enter the points the board decided.")]
    assert field_errors(response, "id_report-amended_amount") == [
        fi("Enter the performance pay the board decided, in euros.")
    ]
    assert not Handling.objects.filter(checkpoint=s.evaluation).exists()
    response = report(s, outcome="amended", amended_points="120", amended_amount="3 000")
    assert field_errors(response, "id_report-amended_points") == [fi("The points are between 0 and 100.")]
    # Returned: it stays agreed, nothing decided; then amended.
    assert report(s, outcome="returned").status_code == 302
    assert status_of(s.evaluation) == "agreed"
    assert not PerformancePay.objects.filter(checkpoint=s.evaluation, snapshot__isnull=False).exists()
    assert report(s, outcome="amended", amended_points="80", amended_amount="3 900,50").status_code == 302
    row = PerformancePay.objects.get(checkpoint=s.evaluation)
    assert row.decision.outcome == Outcome.AMENDED
    assert row.snapshot["amended"] is True
    assert row.snapshot["result"] == {"points": "80.0", "amount": "3900.50", "currency": "EUR"}
    assert row.snapshot["calculated"]["amount"] == str(EXPECTED_PAY)
    html = s.client(s.preparer).get(f"/plans/{s.plan.pk}/followup/{s.evaluation.pk}/").content.decode()
    pay = text_of(html, 'id="pay"', "</section>")
    assert "80,0" in pay and "3\u00a0900,50\u00a0€" in pay
    assert fi("the board amended the calculated figures.") in pay


def test_bad_input_gets_a_message_where_it_happened(time_machine):
    s = build(time_machine)
    to_views(s, time_machine)
    client = s.client(s.chairs[0])
    goal, metrics = s.goals[0], s.metrics[0]
    # A metric rated by hand left without a rating: its own message, the text kept.
    response = client.post(
        f"/plans/{s.plan.pk}/followup/{s.evaluation.pk}/agreed/{goal.pk}/",
        {
            f"agreed-{goal.pk}-text": "Sovittu teksti",
            f"agreed-{goal.pk}-revision": "0",
            f"agreed-{goal.pk}-metric_{metrics[0].pk}": str(scale(s.organization)["achieved"].pk),
        },
    )
    assert response.status_code == 200
    assert field_errors(response, f"id_agreed-{goal.pk}-metric_{metrics[1].pk}") == [
        fi("Choose a rating for the metric: %(metric)s.", metric=metrics[1].text)
    ]
    assert "Sovittu teksti" in response.content.decode()
    assert not MetricScore.objects.filter(checkpoint=s.evaluation).exists()
    # The follow-up cannot be agreed with a metric unrated.
    with pytest.raises(ValidationError):
        followup_services.mark_agreed(s.preparer, s.evaluation, dt.date(2027, 1, 20))
    # A salary of zero or of absurd size.
    for typed in ("0", "61234000", "5 103"):
        response = s.client(s.preparer).post(
            f"/plans/{s.plan.pk}/followup/{s.evaluation.pk}/salary/", {"salary-annual_salary": typed}
        )
        assert response.status_code == 200
        assert field_errors(response, "id_salary-annual_salary"), typed
        assert f'value="{typed}"' in response.content.decode()
    assert not PerformancePay.objects.filter(checkpoint=s.evaluation, annual_salary__isnull=False).exists()


def test_metric_weights_must_sum_to_100_or_be_left_empty(time_machine):
    s = build(time_machine, pay=False)
    amendment = plan_services.amend(s.preparer, s.plan)
    goals = list(amendment.goal_areas.prefetch_related("metrics").order_by("order"))
    metrics = list(goals[0].metrics.all())
    weights = {g.pk: 20 for g in goals}
    with pytest.raises(ValidationError) as refused:
        measure_services.set_weights(s.preparer, amendment, weights, {metrics[0].pk: 60, metrics[1].pk: 30})
    assert refused.value.message_dict[f"metric_{metrics[0].pk}"] == [
        fi(
            "The weights of the metrics of “%(goal)s” must sum to 100; now they sum to %(total)s.",
            goal=goals[0].title,
            total=90,
        )
    ]
    with pytest.raises(ValidationError) as refused:
        measure_services.set_weights(s.preparer, amendment, weights, {metrics[0].pk: 60, metrics[1].pk: None})
    assert f"metric_{metrics[1].pk}" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        measure_services.set_weights(s.preparer, amendment, weights, {}, {metrics[0].pk: Scoring.VALUES})
    assert refused.value.message_dict[f"scoring_{metrics[0].pk}"] == [
        fi("Only a metric with a numeric target is scored from its values.")
    ]
    metrics[0].refresh_from_db()
    assert (metrics[0].weight, metrics[0].scoring) == (None, Scoring.RATING)
    measure_services.set_weights(s.preparer, amendment, weights, {metrics[0].pk: 70, metrics[1].pk: 30})
    metrics[0].refresh_from_db()
    assert metrics[0].weight == 70


def test_the_years_evaluation_comes_after_the_period(time_machine):
    s = build(time_machine, pay=False)
    amendment = plan_services.amend(s.preparer, s.plan)
    with pytest.raises(ValidationError) as refused:
        plan_services.add_checkpoint(
            s.preparer,
            amendment,
            label="joulukuu",
            label_sv="",
            kind=CheckpointKind.EVALUATION,
            window_start=dt.date(2026, 12, 1),
            window_end=dt.date(2026, 12, 31),
        )
    assert "window_start" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        plan_services.add_checkpoint(
            s.preparer,
            amendment,
            label="maaliskuu 2027",
            label_sv="",
            kind=CheckpointKind.EVALUATION,
            window_start=dt.date(2027, 3, 1),
            window_end=dt.date(2027, 3, 31),
        )
    assert refused.value.message_dict["kind"] == [
        fi("The plan already has a year's evaluation: %(label)s.", label="vuosiarviointi 2026")
    ]


def test_the_salary_is_seen_by_few_and_every_read_is_audited(time_machine):
    s = build(time_machine)
    agree(s, time_machine)
    performance.set_salary(s.preparer, s.evaluation, SALARY)
    url = f"/plans/{s.plan.pk}/followup/{s.evaluation.pk}/"

    def salary_shown(user) -> bool:
        return "61\u00a0234,00" in s.client(user).get(url).content.decode()

    reads = AuditEvent.objects.filter(action="pay.salary.read")
    assert salary_shown(s.preparer) and salary_shown(s.admin) and salary_shown(s.executive)
    assert reads.count() == 3
    assert {e.actor_id for e in reads} == {s.preparer.pk, s.admin.pk, s.executive.pk}
    # The evaluators never; board members only once the results are on the board's agenda.
    assert not salary_shown(s.chairs[0])
    assert not salary_shown(s.board_member)
    assert reads.count() == 3
    # Only the preparer and the admin enter it; the change is audited without the figure.
    with pytest.raises(PermissionDenied):
        performance.set_salary(s.chairs[0], s.evaluation, Decimal("70000"))
    with pytest.raises(PermissionDenied):
        performance.set_salary(s.executive, s.evaluation, Decimal("70000"))
    change = AuditEvent.objects.filter(action="pay.salary.set").latest("id")
    assert "61234" not in json.dumps(change.changes)
    time_machine.move_to(dt.datetime(2027, 3, 20, 12, 0))
    assert report(s, outcome="approved").status_code == 302
    assert salary_shown(s.board_member)
    assert not salary_shown(s.chairs[0])


def test_the_admin_sets_the_rules_and_a_scale_with_gaps_is_refused(time_machine):
    s = build(time_machine, pay=False)
    client = s.client(s.admin)
    url = f"/organizations/{s.organization.slug}/evaluation/"
    assert client.get(url).status_code == 200
    data = {
        "use_weights": "on",
        "assess_metrics": "on",
        "pay_enabled": "on",
        "basis": "euros",
        "maximum": "5 000",
        "threshold": "50",
        "scale": "stepped",
        "steps": "50–74,9: 50 %\n76–100: 100 %",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert field_errors(response, "id_steps") == [
        fi("The steps leave a gap between %(low)s and %(high)s points.", low="74,9", high="76")
    ]
    assert "76–100: 100 %" in response.content.decode()
    assert not PayRules.objects.filter(organization=s.organization).exists()
    response = client.post(url, {**data, "steps": "50–74,9: 50 %\n75–100: 100 %", "use_weights": ""})
    assert field_errors(response, "id_assess_metrics") == [
        fi("Rating each metric needs goal weights: choose weights too.")
    ]
    assert field_errors(response, "id_pay_enabled")
    s.organization.refresh_from_db()
    assert s.organization.use_weights  # nothing saved half-way
    assert client.post(url, {**data, "steps": "50–74,9: 50 %\n75–100: 100 %"}).status_code == 302
    rules = PayRules.objects.get(organization=s.organization)
    assert rules.steps == [["50", "74.9", "50"], ["75", "100", "100"]]
    # The stepped scale at work: 74,66… points fall on the first step, 50 % of 5 000 €.
    calc = pay.calculate(pay.rules_of(rules), Fraction(224, 3), None)
    assert calc.amount == Decimal("2500.00")
    assert pay.calculate(pay.rules_of(rules), Fraction(75), None).amount == Decimal("5000.00")
    assert pay.calculate(pay.rules_of(rules), Fraction(499, 10), None).amount == Decimal("0.00")
    # Only the organization's admin.
    assert s.client(s.preparer).post(url, data).status_code == 403


def test_a_metric_scored_from_its_values_handles_lower_is_better():
    increase = Metric(target=Decimal("30"), baseline=None, direction="increase")
    assert score_from_value(increase, Decimal("24")) == 80
    assert score_from_value(increase, Decimal("45")) == 100  # capped
    decrease = Metric(target=Decimal("4"), baseline=None, direction="decrease")
    assert score_from_value(decrease, Decimal("5")) == 80
    assert score_from_value(decrease, Decimal("3")) == 100
    with_baseline = Metric(target=Decimal("5"), baseline=Decimal("10"), direction="decrease")
    assert score_from_value(with_baseline, Decimal("8")) == 40
    assert score_from_value(with_baseline, Decimal("12")) == 0  # capped at zero
