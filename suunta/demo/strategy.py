"""Esimerkkikunta's strategy 2025–2029 and its 2025 budget's binding targets for the
central administration: written for the demo (no real municipality's strategy), and
the links of the seed plan's goals to them."""

import datetime as dt
from decimal import Decimal

from suunta.strategy import services
from suunta.strategy.models import BudgetTarget, Objective, Strategy

D = dt.date

STRATEGY = {
    "title": "Esimerkkikunnan strategia 2025–2029",
    "title_sv": "Exempelkommunens strategi 2025–2029",
    "term_start": D(2025, 1, 1),
    "term_end": D(2029, 5, 31),
    "vision": "Esimerkkikunta on elinvoimainen, turvallinen ja hyvinvoiva kotikunta, jossa asiat hoidetaan yhdessä.",
    "vision_sv": "Exempelkommun är en livskraftig, trygg och välmående hemkommun där saker sköts tillsammans.",
    "decision": {
        "body": "Kunnanvaltuusto",
        "decided_on": D(2025, 2, 17),
        "section": "12",
        "case": "TUUDno-2024-310",
    },
    "themes": [
        (
            "1",
            "Elinvoimainen ja vetovoimainen kunta",
            "En livskraftig och attraktiv kommun",
            [
                (
                    "1.1",
                    "Asukasmäärä kasvaa maltillisesti",
                    "Invånarantalet växer måttligt",
                    (
                        "Väkiluvun muutos",
                        "Förändring i invånarantalet",
                        "hlöä/v",
                        {2025: "30", 2026: "30", 2027: "30"},
                    ),
                ),
                (
                    "1.2",
                    "Yritysten toimintaedellytykset paranevat",
                    "Företagens verksamhetsförutsättningar förbättras",
                    None,
                ),
                (
                    "1.3",
                    "Kunnan tunnettuus ja viestintä vahvistuvat",
                    "Kommunens synlighet och kommunikation stärks",
                    None,
                ),
            ],
        ),
        (
            "2",
            "Hyvinvoivat asukkaat",
            "Invånare som mår bra",
            [
                (
                    "2.1",
                    "Palvelut järjestetään asukaslähtöisesti ja kustannustehokkaasti",
                    "Tjänsterna ordnas invånarorienterat och kostnadseffektivt",
                    None,
                ),
                (
                    "2.2",
                    "Hyvinvoinnin ja terveyden edistäminen on osa kaikkea toimintaa",
                    "Främjandet av välfärd och hälsa är en del av all verksamhet",
                    None,
                ),
                (
                    "2.3",
                    "Asukkaiden osallisuus ja vuorovaikutus lisääntyvät",
                    "Invånarnas delaktighet och växelverkan ökar",
                    None,
                ),
            ],
        ),
        (
            "3",
            "Kestävä talous ja toimiva organisaatio",
            "Hållbar ekonomi och en fungerande organisation",
            [
                (
                    "3.1",
                    "Talous on tasapainossa valtuustokauden lopussa",
                    "Ekonomin är i balans vid fullmäktigeperiodens slut",
                    ("Vuosikate", "Årsbidrag", "€/asukas", {2025: "250", 2026: "300", 2027: "350"}),
                ),
                (
                    "3.2",
                    "Palveluverkko vastaa tarpeita ja säästötavoitteet toteutuvat",
                    "Servicenätet motsvarar behoven och sparmålen uppnås",
                    None,
                ),
                (
                    "3.3",
                    "Henkilöstö voi hyvin ja johtaminen on valmentavaa",
                    "Personalen mår bra och ledarskapet är coachande",
                    None,
                ),
                (
                    "3.4",
                    "Luottamushenkilöt ja viranhaltijat toimivat yhdessä",
                    "Förtroendevalda och tjänsteinnehavare arbetar tillsammans",
                    None,
                ),
                (
                    "3.5",
                    "Organisaatio uudistuu strategian mukaisesti",
                    "Organisationen förnyas enligt strategin",
                    None,
                ),
            ],
        ),
    ],
}

# The 2025 budget's binding targets of the board (central administration):
# (kind, title, title_sv, indicator, indicator_sv, unit, target value, realisation figures).
BUDGET_2025 = [
    (
        "operational",
        "Strategian toimeenpano etenee suunnitellusti",
        "Strategins genomförande framskrider enligt plan",
        "Toteutetut strategian toimenpiteet",
        "Genomförda strategiska åtgärder",
        "%",
        "80",
        [(D(2025, 8, 31), "45"), (D(2025, 12, 31), "78")],
    ),
    (
        "operational",
        "Henkilöstön työhyvinvointi paranee",
        "Personalens arbetsvälbefinnande förbättras",
        "Henkilöstökyselyn työhyvinvointi-indeksi (1–5)",
        "Personalenkätens index för arbetsvälbefinnande (1–5)",
        "",
        "3.8",
        [(D(2025, 11, 30), "3.7")],
    ),
    (
        "financial",
        "Keskushallinnon toimintakulut pysyvät talousarviossa",
        "Centralförvaltningens verksamhetskostnader hålls inom budgeten",
        "Toimintakulut suhteessa talousarvioon",
        "Verksamhetskostnader i förhållande till budgeten",
        "%",
        "100",
        [(D(2025, 4, 30), "101.2"), (D(2025, 8, 31), "100.3"), (D(2025, 12, 31), "99.6")],
    ),
    (
        "financial",
        "Talouden tasapainotusohjelman säästöt toteutuvat",
        "Besparingarna i balanseringsprogrammet förverkligas",
        "Säästöt",
        "Besparingar",
        "€",
        "850000",
        [(D(2025, 8, 31), "410000"), (D(2025, 12, 31), "780000")],
    ),
]
BUDGET_BODY = "Kunnanhallitus"
SERVICE_AREA = "Keskushallinto"

# The seed plan's goals and what they serve: objective numbers and budget targets.
LINKS = {
    "Strategian toimeenpanon johtaminen": (["1.1", "2.1"], ["Strategian toimeenpano etenee suunnitellusti"]),
    "Henkilöstöjohtaminen": (["3.3"], ["Henkilöstön työhyvinvointi paranee"]),
    "Talouden johtaminen": (
        ["3.1", "3.2"],
        [
            "Keskushallinnon toimintakulut pysyvät talousarviossa",
            "Talouden tasapainotusohjelman säästöt toteutuvat",
        ],
    ),
    "Johtoryhmätyöskentelyn kehittäminen": (["3.3", "3.5"], []),
    "Yhteistyö poliittisen johdon kanssa": (["3.4", "2.3"], []),
    "Organisaatiorakenteen arviointi ja kehittäminen": (["3.5", "2.1"], []),
}


def load_strategy(organization, bodies, author) -> Strategy:
    existing = Strategy.objects.filter(organization=organization).first()
    if existing is not None:
        return existing
    spec = STRATEGY
    strategy = services.create_strategy(
        author,
        organization,
        **{k: spec[k] for k in ("title", "title_sv", "term_start", "term_end", "vision", "vision_sv")},
    )
    for number, title, title_sv, objectives in spec["themes"]:
        theme = services.add_theme(author, strategy, number=number, title=title, title_sv=title_sv)
        for objective_number, text, text_sv, indicator in objectives:
            objective = services.add_objective(
                author, strategy, theme=theme, number=objective_number, title=text, title_sv=text_sv
            )
            if indicator:
                name, name_sv, unit, targets = indicator
                services.add_strategy_indicator(
                    author,
                    objective,
                    text=name,
                    text_sv=name_sv,
                    unit=unit,
                    targets={year: Decimal(value) for year, value in targets.items()},
                )
    decision = spec["decision"]
    return services.approve_strategy(
        author,
        strategy,
        decided_by=bodies[decision["body"]],
        decided_on=decision["decided_on"],
        decision_section=decision["section"],
        decision_case_number=decision["case"],
    )


def load_budget(organization, bodies, author, year: int = 2025) -> None:
    if BudgetTarget.objects.filter(organization=organization, year=year).exists():
        return
    for kind, title, title_sv, indicator, indicator_sv, unit, value, realisations in BUDGET_2025:
        target = services.create_budget_target(
            author,
            organization,
            year=year,
            body=bodies[BUDGET_BODY],
            service_area=SERVICE_AREA,
            kind=kind,
            title=title,
            title_sv=title_sv,
        )
        measure = services.add_budget_indicator(
            author, target, text=indicator, text_sv=indicator_sv, unit=unit, target_value=Decimal(value)
        )
        for day, figure in realisations:
            services.record_realisation(author, measure, measured_on=day, value=Decimal(figure))


def link_goals(author, version, strategy: Strategy) -> None:
    objectives = {o.number: o for o in Objective.objects.filter(strategy=strategy)}
    targets = {t.title: t for t in BudgetTarget.objects.filter(organization=strategy.organization)}
    for goal in version.goal_areas.all():
        numbers, titles = LINKS.get(goal.title, ([], []))
        if numbers or titles:
            services.link_goal(
                author,
                goal,
                objectives=[objectives[n] for n in numbers],
                budget_targets=[targets[t] for t in titles],
            )
