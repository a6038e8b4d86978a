"""The chair-group demo's previous year with performance pay (issue 18): Pikkujärvi's
2025 plan is followed up in the autumn and evaluated after the year, each metric rated
(one scored from its values), the annual salary entered by the preparer, and the board
approves the result and the pay. Texts and figures are the demo's own.

The year's evaluation by hand (goals 20 % each, metrics split evenly; ratings 100 / 75 /
50 / 0, "cannot be assessed" left out):
  Talous            (75 [225 €/as.: (225 − 150) / (250 − 150)] + 100) / 2 = 87,5
  Palveluverkko     (100 + 75) / 2                                      = 87,5
  Elinvoima         (50 + 100 + 100) / 3                                = 83,33…
  Henkilöstö        (100) / 1 (poissaolot ei arvioitavissa)             = 100
  Yhteistyö         (75 + 100) / 2                                      = 87,5
  total (20 × 87,5 + 20 × 87,5 + 20 × 250/3 + 20 × 100 + 20 × 87,5) / 100 = 535/6 = 89,2
  pay   8 % × 92 450,00 € = 7 396,00 €; × (535/6) / 100 = 6 594,766… → 6 594,77 €
(tests/test_demo.py checks the stored decision against these figures.)
"""

import datetime as dt
from decimal import Decimal

from django.utils import translation

from suunta.agreements.models import GoalArea, GoalPlan
from suunta.documents.content import followup_decision
from suunta.followup import performance
from suunta.followup import services as followup_services
from suunta.followup.models import AssessmentKind, FollowUp, PayRules, Rating
from suunta.governance.models import Outcome
from suunta.organizations.models import Body, BodyKind

from .followups import submit_self_and_views

D = dt.date

EXECUTIVE, PREPARER = "pikku-johtaja", "pikku-valmistelija"
VIEW_TEXTS = {
    "pikku-kh-pj": "Arvio vastaa käsitystäni; hyvää työtä pienillä resursseilla.",
    "pikku-kh-vpj": "Samaa mieltä itsearvion kanssa. Kaavoituksen aikataulua on seurattava.",
    "pikku-kv-pj": "Valtuusto on saanut hyvin tietoa; palveluverkosta toivotaan lisää keskustelua.",
}
ANNUAL_SALARY = Decimal("92450.00")

# Per checkpoint, per goal: (self rating, self text, agreed text, each metric's agreed
# rating; None for the metric scored from its values).
AUTUMN = [
    (
        "progressed",
        "Osavuosikatsauksen mukaan vuosikate on noussut 200 euroon asukasta kohden; menot ovat talousarviossa.",
        "Vuosikate paranee ennakoidusti; menokehitys on talousarvion mukainen.",
        [None, "progressed"],
    ),
    (
        "progressed",
        "Selvityksen luonnos on valmis; kuulemistilaisuudet pidetään lokakuussa.",
        "Selvitys etenee aikataulussa. Kuulemiset järjestetään lokakuussa.",
        ["progressed", "partly"],
    ),
    (
        "partly",
        "Kaavaluonnos oli nähtävillä kesällä; kolme yrittäjätapaamista pidetty; hankehakemus jätetty.",
        "Kaava etenee arvioitua hitaammin; yrittäjäyhteistyö toimii hyvin.",
        ["partly", "progressed", "progressed"],
    ),
    (
        "progressed",
        "Kehityskeskustelut on käyty kahdeksan esihenkilön kanssa kymmenestä.",
        "Kehityskeskustelut lähes valmiit. Poissaolojen vertailutieto saadaan vasta vuoden lopussa.",
        ["progressed", "not_assessable"],
    ),
    (
        "achieved",
        "Esityslistat ovat olleet ajoissa; uusien luottamushenkilöiden perehdytysilta pidettiin elokuussa.",
        "Perehdytys on toteutunut ja esityslistojen aikataulu pitänyt.",
        ["progressed", "achieved"],
    ),
]
YEAR = [
    (
        "progressed",
        "Tilinpäätösennusteen vuosikate on 225 euroa asukasta kohden; tavoitteesta jäätiin, "
        "mutta menot pysyivät talousarviossa.",
        "Vuosikate 225 €/asukas (tavoite 250 €). Käyttötalouden menot alittivat talousarvion.",
        [None, "achieved"],
    ),
    (
        "achieved",
        "Palveluverkkoselvitys valmistui lokakuussa, ja valtuusto kävi sen läpi joulukuussa.",
        "Selvitys valmistui ajallaan. Kuulemisia täydennetään kevään aikana.",
        ["achieved", "progressed"],
    ),
    (
        "progressed",
        "Asemakaava siirtyi kevääseen 2026 lisäselvitysten vuoksi; muut tavoitteet toteutuivat.",
        "Kaava ei valmistunut vuoden aikana; yrittäjätapaamiset ja matkailuhanke toteutuivat.",
        ["partly", "achieved", "achieved"],
    ),
    (
        "achieved",
        "Kehityskeskustelut käytiin kaikkien esihenkilöiden kanssa.",
        "Keskustelut on käyty. Poissaolojen vertailutieto valmistuu vasta huhtikuun "
        "henkilöstöraportissa, joten sitä mittaria ei arvioida.",
        ["achieved", "not_assessable"],
    ),
    (
        "achieved",
        "Esityslistat julkaistiin ajoissa yhtä lukuun ottamatta; perehdytysohjelma toteutettiin.",
        "Yhteistyö sujui hyvin; yksi esityslista myöhästyi marraskuussa.",
        ["progressed", "achieved"],
    ),
]
# Per checkpoint: (its goals' texts and ratings, agreed in the chair group's meeting on,
# the board's meeting, §, what the board decided).
ROUNDS = [
    (AUTUMN, D(2025, 9, 24), D(2025, 10, 13), "118", Outcome.NOTED),
    (YEAR, D(2026, 2, 16), D(2026, 3, 16), "41", Outcome.APPROVED),
]
CASE_NUMBER = "9/2025"


def load_pay_rules(organization, people: dict, spec: dict) -> None:
    """The organization's performance pay rules, unless it has rules already."""
    if PayRules.objects.filter(organization=organization).exists():
        return
    performance.save_rules(
        people[spec["by"]],
        organization,
        enabled=True,
        basis=spec["basis"],
        maximum=Decimal(spec["maximum"]),
        threshold=Decimal(spec["threshold"]),
        scale=spec["scale"],
        steps=[],
    )


def load_year(people: dict, plan: GoalPlan) -> None:
    """The plan's follow-up and year's evaluation, agreed and decided by the board
    (idempotent: skipped when already written)."""
    version = plan.versions.get(status="approved")
    checkpoints = list(version.checkpoints.order_by("order"))
    if FollowUp.objects.filter(checkpoint__in=checkpoints).exists():
        return
    organization = plan.agreement.organization
    ratings = {r.code: r for r in Rating.objects.filter(organization=organization)}
    goals = list(GoalArea.objects.filter(version=version).prefetch_related("metrics").order_by("order", "id"))
    # The meeting that agrees a follow-up, as the checkpoint page records it.
    body = Body.objects.filter(organization=organization, kind=BodyKind.PREPARATORY).first()
    preparer = people[PREPARER]
    for checkpoint, (rows, agreed_on, board_day, section, outcome) in zip(checkpoints, ROUNDS, strict=True):
        for goal, (self_rating, self_text, _agreed, _metrics) in zip(goals, rows, strict=True):
            submit_self_and_views(
                people[EXECUTIVE],
                {people[u]: text for u, text in VIEW_TEXTS.items()},
                checkpoint,
                goal,
                (ratings[self_rating], self_text),
                ratings[self_rating],
            )
        for goal, (_self, _text, agreed_text, metric_codes) in zip(goals, rows, strict=True):
            metrics = list(goal.metrics.all())
            followup_services.save_assessment(
                preparer,
                checkpoint,
                goal,
                AssessmentKind.AGREED,
                rating=None,
                text=agreed_text,
                metric_ratings={
                    m.pk: ratings[code] for m, code in zip(metrics, metric_codes, strict=True) if code
                },
            )
        followup_services.mark_agreed(preparer, checkpoint, agreed_on, body)
        if checkpoint.is_evaluation:
            performance.set_salary(preparer, checkpoint, ANNUAL_SALARY)
        followup_services.report_to_board(
            preparer,
            checkpoint,
            meeting_date=board_day,
            section=section,
            case_number=CASE_NUMBER,
            text=_decision_text(checkpoint),
            outcome=outcome,
        )


def _decision_text(checkpoint) -> str:
    """The board's decision in Finnish: the app's own draft, with its figures."""
    if not checkpoint.is_evaluation:
        return "Kunnanhallitus merkitsee kunnanjohtajan tavoitteiden syysseurannan tiedoksi."
    with translation.override("fi"):
        return followup_decision(
            checkpoint.version.plan.agreement, checkpoint, performance.stored_evaluation(checkpoint)
        )
