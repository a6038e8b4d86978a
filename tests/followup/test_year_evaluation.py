"""The year's evaluation and performance pay, computed by hand beside the app: five
goals × 20 %, metrics split evenly, ratings 100/75/50/0, one metric scored from its
value and one that cannot be assessed; the board approves, amends or returns; an
approved result is never recomputed."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from suunta.followup import performance
from suunta.followup import services as followup_services
from suunta.followup.models import PayBasis, PayScale, PerformancePay
from suunta.governance.models import Outcome

from ..helpers import fi
from .year_evaluation import EXPECTED_MAXIMUM, EXPECTED_PAY, EXPECTED_POINTS, SALARY, agree, build

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
    assert "(20 × 87,5 + 20 × 100 + 20 × 58,3 + 20 × 77,5 + 20 × 50) / (20 + 20 + 20 + 20 + 20) = 74,7" in result
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
    assert "4\u00a0898,72\u00a0€ × 74,7 / 100 = 3\u00a0657,71\u00a0€" in pay
    # The draft decision names the figures.
    assert "74,7" in html[html.find('name="report-text"') : html.find("</textarea>", html.find('name="report-text"'))]

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
    assert EXPECTED_MAXIMUM == Decimal("4898.72")
