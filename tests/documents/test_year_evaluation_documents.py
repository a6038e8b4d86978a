"""The year's evaluation in the documents and the export (issue 18): the follow-up
report prints the weighted result, each goal's and rated metric's points, the pay
calculation step by step and the draft decision, but never the annual salary before
the board's decision; once decided, the figures as the board decided them (amended
ones where it amended them). The annex shows the metric weights and the year's
evaluation column; the export carries the points and the decided pay, never the
salary. The figures are the hand-computed ones of tests/followup/year_evaluation.py."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from suunta.agreements import services as plan_services
from suunta.agreements.models import GoalArea
from suunta.audit.models import AuditEvent
from suunta.documents import render as documents
from suunta.followup import performance
from suunta.followup import services as followup_services
from suunta.followup.models import PerformancePay
from suunta.governance.models import Outcome
from suunta.measures import services as measure_services

from ..followup.year_evaluation import EXPECTED_POINTS, SALARY, agree, build, scale
from ..helpers import fi
from .common import docx_text, normalise, pdftotext

pytestmark = pytest.mark.django_db

FORMULA = "(20 × 87,5 + 20 × 100 + 20 × 58,3 + 20 × 77,5 + 20 × 50) / (20 + 20 + 20 + 20 + 20) = 74,7"
PAY = "3 657,71 €"
SALARY_TEXTS = ("61 234", "61234")
BOARD = "Kunnanhallitus"
POSITION = "kunnanjohtajan"
LABEL = "vuosiarviointi 2026"


def texts(version, kind: str, checkpoint=None) -> dict[str, str]:
    """The document's text in both formats, whitespace collapsed (a no-break space in
    the figures reads as a space)."""
    read = {"pdf": pdftotext, "docx": docx_text}
    return {
        fmt: normalise(reader(documents.render(documents.Request(kind, version, "fi", checkpoint), fmt)[0]))
        for fmt, reader in read.items()
    }


def n(text: str) -> str:
    return normalise(text)


def agreed_with_salary(time_machine):
    s = build(time_machine)
    agree(s, time_machine)
    time_machine.move_to(dt.datetime(2027, 3, 1, 12, 0))
    performance.set_salary(s.preparer, s.evaluation, SALARY)
    return s


def decide(s, time_machine, outcome=Outcome.APPROVED, **amended):
    time_machine.move_to(dt.datetime(2027, 3, 20, 12, 0))
    return followup_services.report_to_board(
        s.preparer,
        s.evaluation,
        meeting_date=dt.date(2027, 3, 16),
        section="93",
        case_number="45/2027",
        outcome=outcome,
        **amended,
    )


def export(plan) -> dict:
    out = io.StringIO()
    call_command("export_plan", str(plan.pk), stdout=out)
    return json.loads(out.getvalue())


def goal_line(title: str, points: str, formula: str) -> str:
    return n(
        fi(
            "%(goal)s: %(points)s points; metrics split evenly: %(formula)s",
            goal=fi("%(title)s (weight %(weight)s %%)", title=title, weight=20),
            points=points,
            formula=formula,
        )
    )


def metric_line(text: str, weight: str, points: str, how: str) -> str:
    return n(
        "– "
        + fi(
            "%(metric)s (%(weight)s): %(points)s points, %(how)s",
            metric=text,
            weight=fi("split evenly, %(weight)s %% of the goal", weight=weight),
            points=points,
            how=how,
        )
    )


def test_the_report_before_the_decision_shows_the_calculation_but_not_the_salary(time_machine):
    s = agreed_with_salary(time_machine)
    used_before = AuditEvent.objects.filter(action="pay.salary.used").count()
    levels = scale(s.organization)
    draft = n(
        fi(
            "%(board)s approves the result of the %(position)s goals (%(label)s): %(points)s points, "
            "and the performance pay of %(amount)s.",
            board=BOARD,
            position=POSITION,
            label=LABEL,
            points=EXPECTED_POINTS,
            amount=PAY,
        )
    )
    expected = [
        n(fi("Weighted result: %(result)s points, %(formula)s", result=EXPECTED_POINTS, formula=FORMULA)),
        goal_line("Palveluverkko ratkaistaan", "58,3", "(100 + 75 + 0) / 3 = 58,3"),
        goal_line("Talous tasapainoon", "87,5", "(100 + 75) / 2 = 87,5"),
        metric_line(
            "Uudet asukkaat, tavoite +30",
            "50",
            "80",
            fi("from the value %(value)s (%(date)s)", value="24 hlöä", date="31.12.2026"),
        ),
        metric_line(
            "Palveluverkko ratkaistaan: mittari 3", "33,3", "0", levels["not_progressed"].display_label
        ),
        # The metric that cannot be assessed is named as left out, its weight spread.
        n(
            "– "
            + fi(
                "%(metric)s (%(weight)s): left out, %(how)s",
                metric="Henkilöstö hyvinvoivaksi: mittari 1",
                weight=fi("split evenly, %(weight)s %% of the goal", weight="50"),
                how=levels["not_assessable"].display_label,
            )
        ),
        n(
            fi(
                "Metrics left out, their weight spread over the goal's other metrics: %(metrics)s",
                metrics="Henkilöstö hyvinvoivaksi: mittari 1",
            )
        ),
        # The pay step by step, the salary line replaced by one that does not name it.
        n(fi("Calculated pay: %(amount)s", amount=PAY)),
        n(
            fi(
                "Maximum pay: %(percent)s %% of the annual salary (documents do not print the salary).",
                percent="8",
            )
        ),
        n(
            fi(
                "Pay: %(maximum)s × %(points)s / 100 = %(amount)s.",
                maximum="4 898,72 €",
                points="74,6667",
                amount=PAY,
            )
        ),
        n(fi("Draft decision")),
        draft,
    ]
    for fmt, text in texts(s.version, "followup-report", s.evaluation).items():
        for item in expected:
            assert item in text, (fmt, item, text)
        for figure in SALARY_TEXTS:
            assert figure not in text, (fmt, figure)
    # Each document that calculated from the salary says so in the audit log.
    used = AuditEvent.objects.filter(action="pay.salary.used")
    assert used.count() == used_before + 2
    assert used.last().object_id == str(PerformancePay.objects.get(checkpoint=s.evaluation).pk)
    # The agenda item proposes the same decision, without the salary either.
    for fmt, text in texts(s.version, "agenda", s.evaluation).items():
        assert draft in text, fmt
        assert not any(figure in text for figure in SALARY_TEXTS), fmt


def test_the_report_after_the_boards_approval_prints_the_decided_figures(time_machine):
    s = agreed_with_salary(time_machine)
    handling = decide(s, time_machine)
    assert handling.reference == "KH 16.3.2027 § 93"
    # Later changes to the rules change nothing decided.
    performance.save_rules(
        s.admin,
        s.organization,
        enabled=True,
        basis="euros",
        maximum=Decimal("9000"),
        threshold=Decimal("80"),
        scale="linear",
        steps=[],
    )
    decided = n(fi("Decided: %(points)s points, pay %(amount)s", points=EXPECTED_POINTS, amount=PAY))
    used_before = AuditEvent.objects.filter(action="pay.salary.used").count()
    for fmt, text in texts(s.version, "followup-report", s.evaluation).items():
        assert "KH 16.3.2027 § 93" in text, fmt
        assert n(fi("Decision")) in text, fmt
        assert f"{BOARD} 16.3.2027 § 93, {fi('approved')}" in text, fmt
        assert decided in text, fmt
        assert n(fi("As the board decided (%(decision)s).", decision="KH 16.3.2027 § 93")) in text, fmt
        # The lines as the board decided them, from its own copy.
        assert n(fi("The calculation as stored with the board's decision:")) in text, fmt
        assert n("4 898,72 € × 74,6667 / 100 = 3 657,71 €") in text, fmt
        assert n(fi("Draft decision")) not in text, fmt
        assert "9 000" not in text, fmt
        # Nor after the decision does a document print the salary (the evaluators read it).
        assert not any(figure in text for figure in SALARY_TEXTS), fmt
    # The decided copy is printed without reading the salary.
    assert AuditEvent.objects.filter(action="pay.salary.used").count() == used_before


def test_an_amended_decision_prints_the_boards_own_figures(time_machine):
    s = agreed_with_salary(time_machine)
    decide(s, time_machine, Outcome.AMENDED, amended_points=Decimal("80"), amended_amount=Decimal("3900"))
    for fmt, text in texts(s.version, "followup-report", s.evaluation).items():
        assert f"{BOARD} 16.3.2027 § 93, {fi('approved as amended')}" in text, fmt
        assert (
            n(fi("Decided: %(points)s points, pay %(amount)s", points="80,0", amount="3 900,00 €")) in text
        ), fmt
        assert (
            n(fi("The board amended the calculated figures (%(decision)s).", decision="KH 16.3.2027 § 93"))
            in text
        ), fmt
        assert (
            n(fi("Calculated: %(points)s points, pay %(amount)s", points=EXPECTED_POINTS, amount=PAY)) in text
        )
    row = PerformancePay.objects.get(checkpoint=s.evaluation)
    assert row.snapshot["result"] == {"points": "80.0", "amount": "3900.00", "currency": "EUR"}
    pay = export(s.plan)["performance_pay"]
    assert pay["result"] == {"points": "80.0", "amount": "3900.00", "currency": "EUR"}
    assert pay["calculated"] == {"points": "74.7", "amount": "3657.71"}
    assert pay["amended"] is True


def test_the_annex_shows_the_metric_weights_and_the_years_evaluation(time_machine):
    s = build(time_machine)
    header = n(fi("%(label)s (year's evaluation)", label=LABEL))
    split = n(
        fi(
            "%(title)s (weight %(weight)s %%, metrics split evenly)",
            title="Palveluverkko ratkaistaan",
            weight=20,
        )
    )
    values = n(f"Uudet asukkaat, tavoite +30 ({fi('scored from its values')})")
    for fmt, text in texts(s.version, "annex").items():
        assert header in text, fmt
        assert split in text, fmt
        assert values in text, fmt
        assert n(fi("Follow-up %(label)s", label="elokuu 2026")) in text, fmt

    # An amendment weighs the first goal's metrics 70/30: each metric's share is shown.
    draft = plan_services.amend(s.preparer, s.plan)
    goals = list(GoalArea.objects.filter(version=draft).order_by("order", "id").prefetch_related("metrics"))
    metrics = [m for g in goals for m in g.metrics.all()]
    first = list(goals[0].metrics.all())
    measure_services.set_weights(
        s.preparer,
        draft,
        {g.pk: 20 for g in goals},
        {
            m.pk: ({first[0].pk: 70, first[1].pk: 30}.get(m.pk) if m.goal_area_id == goals[0].pk else None)
            for m in metrics
        },
        {m.pk: m.scoring for m in metrics},
    )
    for fmt, text in texts(draft, "annex").items():
        assert n(fi("%(title)s (weight %(weight)s %%)", title="Talous tasapainoon", weight=20)) in text, fmt
        for metric, weight in zip(first, (70, 30), strict=True):
            assert n(f"{metric.text} ({fi('%(weight)s %% of the goal', weight=weight)})") in text, fmt
        assert values in text, fmt


def test_the_export_carries_the_points_and_the_decided_pay_without_the_salary(time_machine):
    s = agreed_with_salary(time_machine)
    data = export(s.plan)
    assert data["performance_pay"] is None
    evaluation = data["checkpoints"][1]
    assert evaluation["kind"] == "evaluation" and data["checkpoints"][0]["kind"] == "followup"
    assert evaluation["weighted_result"] == "74.7"
    assert evaluation["formula"] == FORMULA
    # The follow-up not agreed yet has no points.
    assert data["checkpoints"][0]["points"] == [] and data["checkpoints"][0]["weighted_result"] is None
    goals = {g["lineage"]: g for g in data["goals"]}
    for goal in data["goals"]:
        for metric in goal["metrics"]:
            assert metric["weight"] is None  # split evenly
    assert [m["scoring"] for m in data["goals"][3]["metrics"]] == ["values", "rating"]
    points = {(p["goal"], p["metric"]): p["points"] for p in evaluation["points"]}
    lineage = [str(g.lineage) for g in s.goals]
    metric = [[str(m.lineage) for m in ms] for ms in s.metrics]
    assert set(goals) == set(lineage)
    assert [points[(lineage[i], None)] for i in range(5)] == ["87.5", "100.0", "58.3", "77.5", "50.0"]
    assert points[(lineage[0], metric[0][0])] == "100.0"
    assert points[(lineage[0], metric[0][1])] == "75.0"
    assert points[(lineage[3], metric[3][0])] == "80.0"
    assert points[(lineage[4], metric[4][0])] is None  # cannot be assessed: left out
    assert points[(lineage[4], metric[4][1])] == "50.0"

    decide(s, time_machine)
    text = json.dumps(export(s.plan), ensure_ascii=False)
    pay = json.loads(text)["performance_pay"]
    assert pay["result"] == {"points": "74.7", "amount": "3657.71", "currency": "EUR"}
    assert pay["decision"] == "KH 16.3.2027 § 93"
    assert pay["rules"] == {
        "basis": "percent",
        "maximum": "8",
        "threshold": "50",
        "scale": "linear",
        "steps": [],
    }
    assert pay["amended"] is False
    assert pay["inputs"]["points"] == "74.7" and pay["inputs"]["points_exact"] == "224/3"
    assert pay["inputs"]["points_per_item"] == evaluation["points"]
    assert "annual_salary" not in pay["inputs"]
    for figure in SALARY_TEXTS:
        assert figure not in text
