"""The demo's data. People and organizations are fictional; the 2025 plan's goals and
metrics are the seed's (../shared/seed/kansliapaallikon-tavoitteet-2025.txt) verbatim,
wrapped lines joined and bullets dropped. Swedish texts are our translations.

Pikkujärvi's plans (the chair-group municipality: weighted goals, a rating per metric,
performance pay) are written for the demo; its 2025 year's evaluation is in
suunta/demo/evaluation.py."""

import datetime as dt

D = dt.date

# Two of the seed's metrics are numbers in disguise: the demo follows them as such.
# (Metric texts stay the seed's; unit, baseline, target and values are the demo's.)
BUDGET_REALISATION = {
    "unit": "%",
    "baseline": "103.4",  # operating expenses against the budget in 2024
    "target": "100",
    "direction": "decrease",
    "source": "Kuukausiraportti",
    "values": [
        (D(2025, 1, 31), "102.8", "Talvikunnossapito ylittää arvion"),
        (D(2025, 2, 28), "102.1", ""),
        (D(2025, 3, 31), "101.9", ""),
        (D(2025, 4, 30), "101.2", "Osavuosikatsaus 1"),
        (D(2025, 5, 31), "100.9", ""),
        (D(2025, 6, 30), "100.6", ""),
        (D(2025, 7, 31), "100.8", "Kesän sijaiskulut"),
        (D(2025, 8, 31), "100.3", "Osavuosikatsaus 2"),
        (D(2025, 9, 30), "100.1", ""),
        (D(2025, 10, 31), "99.8", ""),
        (D(2025, 11, 30), "99.9", ""),
        (D(2025, 12, 31), "99.6", "Tilinpäätösennuste"),
    ],
}
SAVINGS = {
    "unit": "€",
    "baseline": "0",
    "target": "850000",
    "direction": "increase",
    "source": "Talouden tasapainotusohjelman seuranta",
    "values": [
        (D(2025, 1, 31), "20000", ""),
        (D(2025, 2, 28), "45000", ""),
        (D(2025, 3, 31), "90000", "Hankintojen kilpailutus"),
        (D(2025, 4, 30), "150000", ""),
        (D(2025, 5, 31), "210000", ""),
        (D(2025, 6, 30), "300000", "Tilojen käytön tehostaminen"),
        (D(2025, 7, 31), "330000", ""),
        (D(2025, 8, 31), "410000", ""),
        (D(2025, 9, 30), "520000", ""),
        (D(2025, 10, 31), "610000", "Palveluverkon muutos voimaan"),
        (D(2025, 11, 30), "690000", ""),
        (D(2025, 12, 31), "780000", ""),
    ],
}

# Pikkujärvi's 2025 metric scored from its values: the operating margin per resident.
OPERATING_MARGIN = {
    "unit": "€/asukas",
    "baseline": "150",  # the 2024 financial statements
    "target": "250",
    "direction": "increase",
    "scoring": "values",  # points: the share of the way from the baseline to the target
    "source": "Osavuosikatsaukset ja tilinpäätös",
    "values": [
        (D(2025, 4, 30), "170", "Osavuosikatsaus 1"),
        (D(2025, 8, 31), "200", "Osavuosikatsaus 2"),
        (D(2025, 12, 31), "225", "Tilinpäätösennuste"),
    ],
}

ORGANIZATIONS = [
    {
        "slug": "esimerkkikunta",
        "name": "Esimerkkikunta",
        "name_sv": "Exempelkommun",
        "business_id": "1234567-1",
        "kind": "municipality",
        "preset": "mayor",
        # Its strategy 2025–2029 and 2025 budget targets (suunta/demo/strategy.py), and
        # its public goals page.
        "strategy": True,
        "public_page": True,
        "bodies": [
            {
                "kind": "preparatory",
                "name": "Poliittinen johtoryhmä",
                "name_sv": "Politiska ledningsgruppen",
                "short_name": "Poljory",
                "short_name_sv": "Pol. ledningsgr.",
            },
            {
                "kind": "board",
                "name": "Kunnanhallitus",
                "name_sv": "Kommunstyrelsen",
                "short_name": "KH",
                "short_name_sv": "KS",
            },
            {
                "kind": "council",
                "name": "Kunnanvaltuusto",
                "name_sv": "Kommunfullmäktige",
                "short_name": "KV",
                "short_name_sv": "KF",
            },
        ],
        "people": [
            # username, first name, last name, role, evaluator title
            ("pormestari", "Aino", "Virtanen", "evaluator", "mayor"),
            ("apulaispormestari", "Mikko", "Laine", "evaluator", "deputy_mayor"),
            ("valtuuston-pj", "Leena", "Koskinen", "evaluator", "council_chair"),
            ("kansliapaallikko", "Juha", "Niemi", "executive", ""),
            ("valmistelija", "Sari", "Heikkinen", "preparer", ""),
            ("hallitus", "Pekka", "Järvinen", "board_member", ""),
            ("tarkastaja", "Riitta", "Salo", "auditor", ""),
            ("paakayttaja", "Tiina", "Lehtonen", "admin", ""),
        ],
        "agreement": {
            "executive": "kansliapaallikko",
            "position_title": "kansliapäällikkö",
            "position_title_sv": "kanslichef",
            "position_genitive": "kansliapäällikön",
            "position_genitive_sv": "kanslichefens",
            "legal_basis": "Esimerkkikunnan hallintosääntö 35 § (kansliapäällikön johtajasopimus)",
            "starts_on": D(2023, 8, 1),
            "signed_on": D(2023, 6, 12),
        },
        # The seed plan's follow-ups and the current year's plan: suunta/demo/followups.py.
        "followups": True,
        # Two sector directors evaluated by the chief, whose 2025 goals serve the seed
        # plan's: suunta/demo/cascade.py.
        "cascade": True,
        "plan": {
            "preparer": "valmistelija",
            "title": "Kansliapäällikön tavoitteet 2025",
            "title_sv": "Kanslichefens mål 2025",
            "period_start": D(2025, 1, 1),
            "period_end": D(2025, 12, 31),
            "goals": [
                (
                    "Strategian toimeenpanon johtaminen",
                    "Ledning av strategins genomförande",
                    [
                        (
                            "Valtuustokauden ja vuositavoitteiden toteutuminen",
                            "Fullmäktigeperiodens och årets mål uppnås",
                        ),
                        ("Uuden strategiakauden valmistelu", "Beredning av den nya strategiperioden"),
                    ],
                ),
                (
                    "Henkilöstöjohtaminen",
                    "Personalledning",
                    [
                        (
                            "Johtamisen linjakkuus, valmentava johtamisote, epäkohtiin puuttuminen",
                            "Konsekvent ledarskap, coachande ledarstil, ingripande i missförhållanden",
                        ),
                        (
                            "Laadukas esihenkilötyö ja tuki johdettaville",
                            "Högklassigt chefsarbete och stöd till medarbetarna",
                        ),
                    ],
                ),
                (
                    "Talouden johtaminen",
                    "Ekonomisk ledning",
                    [
                        (
                            "Talousarvion mukaiset tavoitteet toteutuvat",
                            "Budgetens mål uppnås",
                            BUDGET_REALISATION,
                        ),
                        (
                            "Palveluiden järjestämisen edistäminen siten, että säästötavoitteet toteutuvat 2025",
                            "Ordnandet av tjänster främjas så att sparmålen uppnås 2025",
                            SAVINGS,
                        ),
                    ],
                ),
                (
                    "Johtoryhmätyöskentelyn kehittäminen",
                    "Utveckling av ledningsgruppens arbete",
                    [
                        (
                            "Johtoryhmätyöskentelyn kehittämisen uudelleen käynnistäminen",
                            "Utvecklingen av ledningsgruppens arbete återupptas",
                        ),
                        (
                            "Johtoryhmätyöskentelyn säännöllinen arviointi",
                            "Regelbunden utvärdering av ledningsgruppens arbete",
                        ),
                        (
                            "Työhyvinvoinnin ja hyvän ilmapiirin edistäminen",
                            "Främjande av arbetsvälbefinnande och god stämning",
                        ),
                    ],
                ),
                (
                    "Yhteistyö poliittisen johdon kanssa",
                    "Samarbete med den politiska ledningen",
                    [
                        ("Päätöksenteon laadukas valmistelu", "Högklassig beredning av beslut"),
                        (
                            "Sujuva yhteistyö ja tiedonkulku poliittisen johtoryhmän kanssa",
                            "Smidigt samarbete och informationsflöde med den politiska ledningsgruppen",
                        ),
                        (
                            "Koulutus- ja perehdyttämisohjelman luonti luottamushenkilöille ja viranhaltijoille",
                            "Ett utbildnings- och introduktionsprogram för förtroendevalda och tjänsteinnehavare",
                        ),
                    ],
                ),
                (
                    "Organisaatiorakenteen arviointi ja kehittäminen",
                    "Utvärdering och utveckling av organisationsstrukturen",
                    [
                        (
                            "Kunnan strategiasta ja palvelutuotannon järjestämisestä nousevien muutostarpeiden arviointi",
                            "Utvärdering av förändringsbehov som följer av kommunens strategi och "
                            "ordnandet av serviceproduktionen",
                        ),
                        (
                            "Tunnistettujen muutostarpeiden toimeenpano",
                            "Genomförande av identifierade förändringsbehov",
                        ),
                    ],
                ),
            ],
            "checkpoints": [
                ("elokuu 2025", "augusti 2025", D(2025, 8, 1), D(2025, 8, 31)),
                ("tammikuu/helmikuu 2026", "januari/februari 2026", D(2026, 1, 1), D(2026, 2, 28)),
            ],
            # Taken through the workflow in this order: the seed's "26.3.2025 Poljory, 31.3.2025 KH".
            "steps": [
                {
                    "action": "handle",
                    "by": "valmistelija",
                    "meeting_date": D(2025, 3, 26),
                    "text": "Tavoitteet käyty läpi kansliapäällikön kanssa.",
                },
                {"action": "propose", "by": "valmistelija"},
                {
                    "action": "approve",
                    "by": "valmistelija",
                    "meeting_date": D(2025, 3, 31),
                    "section": "45",
                    "case_number": "TUUDno-2025-123",
                    "presenter": "pormestari",
                    "text": "Kunnanhallitus hyväksyy kansliapäällikön vuositavoitteet 2025 liitteen mukaisesti.",
                },
            ],
        },
    },
    {
        "slug": "toinen-kunta",
        "name": "Toinen kunta",
        # This organization weighs its goals (40 + 40 + 20).
        "use_weights": True,
        "name_sv": "Andra kommunen",
        "business_id": "7654321-2",
        "kind": "municipality",
        "preset": "manager",
        "bodies": [
            {
                "kind": "board",
                "name": "Kunnanhallitus",
                "name_sv": "Kommunstyrelsen",
                "short_name": "KH",
                "short_name_sv": "KS",
            },
            {
                "kind": "council",
                "name": "Kunnanvaltuusto",
                "name_sv": "Kommunfullmäktige",
                "short_name": "KV",
                "short_name_sv": "KF",
            },
        ],
        "people": [
            ("toinen-paakayttaja", "Olli", "Rantanen", "admin", ""),
            ("toinen-johtaja", "Katja", "Hiltunen", "executive", ""),
            ("toinen-kh-pj", "Matti", "Korhonen", "evaluator", "board_chair"),
            ("toinen-valmistelija", "Eeva", "Mustonen", "preparer", ""),
        ],
        "agreement": {
            "executive": "toinen-johtaja",
            "position_title": "kunnanjohtaja",
            "position_title_sv": "kommundirektör",
            "position_genitive": "kunnanjohtajan",
            "position_genitive_sv": "kommundirektörens",
            "legal_basis": "Kuntalaki 410/2015 42 §",
            "starts_on": D(2024, 1, 1),
            "signed_on": D(2023, 11, 20),
        },
        "plan": {
            "preparer": "toinen-valmistelija",
            "title": "Kunnanjohtajan tavoitteet 2025",
            "title_sv": "Kommundirektörens mål 2025",
            "period_start": D(2025, 1, 1),
            "period_end": D(2025, 12, 31),
            "goals": [
                (
                    "Elinvoiman vahvistaminen",
                    "",
                    [
                        ("Väestö kasvaa vähintään 0,5 % vuodessa", ""),
                        ("Uusien yritysten määrä vähintään 25", ""),
                    ],
                    {"weight": 40},
                ),
                (
                    "Talouden tasapainottaminen",
                    "",
                    [
                        ("Toimintakate asukasta kohden pysyy talousarvion mukaisena", ""),
                        ("Investointiohjelma toteutuu aikataulussa", ""),
                    ],
                    {"weight": 40},
                ),
                (
                    "Henkilöstön hyvinvointi",
                    "",
                    [
                        ("Henkilöstökyselyn johtamista koskeva tulos vähintään 3,8/5", ""),
                    ],
                    {"weight": 20},
                ),
            ],
            "checkpoints": [
                ("kesäkuu 2025", "juni 2025", D(2025, 6, 1), D(2025, 6, 30)),
                ("joulukuu 2025", "december 2025", D(2025, 12, 1), D(2025, 12, 31)),
            ],
            "steps": [
                {"action": "propose", "by": "toinen-valmistelija"},
                {
                    "action": "approve",
                    "by": "toinen-valmistelija",
                    "meeting_date": D(2025, 2, 17),
                    "section": "23",
                    "case_number": "154/02.02.00/2025",
                    "presenter": "toinen-kh-pj",
                    "text": "Kunnanhallitus hyväksyy kunnanjohtajan tavoitteet vuodelle 2025.",
                },
            ],
        },
    },
    {
        # A small municipality on the chair-group model: the board chair, vice chair and
        # the council chair evaluate; the chair group's meeting freezes the goals.
        "slug": "pikkujarvi",
        "name": "Pikkujärven kunta",
        # The goals weigh 20 % each, the agreed follow-up rates each metric, and the
        # year's evaluation gives the performance pay: 8 % of the annual salary at most,
        # nothing under 50 points, linear above.
        "use_weights": True,
        "assess_metrics": True,
        "pay_rules": {
            "by": "pikku-paakayttaja",
            "basis": "percent",
            "maximum": "8",
            "threshold": "50",
            "scale": "linear",
        },
        "name_sv": "Pikkujärvi kommun",
        "business_id": "0135202-4",
        "kind": "municipality",
        "preset": "chair-group",
        "bodies": [
            {
                "kind": "chair_group",
                "name": "Puheenjohtajisto",
                "name_sv": "Presidiet",
                "short_name": "Pj-isto",
                "short_name_sv": "Presidiet",
            },
            {
                "kind": "board",
                "name": "Kunnanhallitus",
                "name_sv": "Kommunstyrelsen",
                "short_name": "KH",
                "short_name_sv": "KS",
            },
        ],
        "people": [
            ("pikku-paakayttaja", "Mirja", "Kallio", "admin", ""),
            ("pikku-johtaja", "Timo", "Lindqvist", "executive", ""),
            ("pikku-kh-pj", "Anneli", "Hakala", "evaluator", "board_chair"),
            ("pikku-kh-vpj", "Jari", "Peltonen", "evaluator", "board_first_vice_chair"),
            ("pikku-kv-pj", "Sirpa", "Honkanen", "evaluator", "council_chair"),
            ("pikku-valmistelija", "Kaisa", "Aalto", "preparer", ""),
        ],
        "agreement": {
            "executive": "pikku-johtaja",
            "position_title": "kunnanjohtaja",
            "position_title_sv": "kommundirektör",
            "position_genitive": "kunnanjohtajan",
            "position_genitive_sv": "kommundirektörens",
            "legal_basis": "Kuntalaki 410/2015 42 §",
            # From the start of 2025 (chosen KV 16.12.2024), so the 2025 plan is inside it.
            "starts_on": D(2025, 1, 1),
            "signed_on": D(2024, 12, 18),
        },
        # The previous year: followed up in the autumn, evaluated after the year, and the
        # result and pay approved by the board (suunta/demo/evaluation.py).
        "earlier_plans": [
            {
                "preparer": "pikku-valmistelija",
                "title": "Kunnanjohtajan tulostavoitteet 2025",
                "title_sv": "Kommundirektörens resultatmål 2025",
                "period_start": D(2025, 1, 1),
                "period_end": D(2025, 12, 31),
                "goals": [
                    (
                        "Talous tasapainoon",
                        "",
                        [
                            ("Vuosikate vähintään 250 euroa asukasta kohden", "", OPERATING_MARGIN),
                            ("Käyttötalouden menot pysyvät talousarviossa", ""),
                        ],
                        {"weight": 20},
                    ),
                    (
                        "Koulun ja päiväkodin palveluverkko selvitetään",
                        "",
                        [
                            ("Palveluverkkoselvitys valmistuu lokakuussa 2025", ""),
                            ("Huoltajat ja henkilöstö kuullaan ennen päätösten valmistelua", ""),
                        ],
                        {"weight": 20},
                    ),
                    (
                        "Elinvoima ja yrittäjyys",
                        "",
                        [
                            ("Yritysalueen asemakaava hyväksytään valtuustossa", ""),
                            ("Yrittäjätapaamiset neljä kertaa vuodessa", ""),
                            ("Matkailun yhteishanke naapurikuntien kanssa käynnistyy", ""),
                        ],
                        {"weight": 20},
                    ),
                    (
                        "Henkilöstö ja johtaminen",
                        "",
                        [
                            ("Kehityskeskustelut käyty kaikkien esihenkilöiden kanssa", ""),
                            ("Sairauspoissaolot vähenevät edellisvuodesta", ""),
                        ],
                        {"weight": 20},
                    ),
                    (
                        "Yhteistyö luottamushenkilöiden kanssa",
                        "",
                        [
                            ("Esityslistat julkaistaan viikkoa ennen kokousta", ""),
                            ("Uudet luottamushenkilöt perehdytetään valtuustokauden alussa", ""),
                        ],
                        {"weight": 20},
                    ),
                ],
                "checkpoints": [
                    ("syyskuu 2025", "september 2025", D(2025, 9, 1), D(2025, 9, 30)),
                    (
                        "vuosiarviointi 2025",
                        "årsutvärdering 2025",
                        D(2026, 1, 1),
                        D(2026, 2, 28),
                        {"kind": "evaluation"},
                    ),
                ],
                "steps": [
                    {"action": "propose", "by": "pikku-valmistelija"},
                    {
                        "action": "approve",
                        "by": "pikku-valmistelija",
                        "meeting_date": D(2025, 1, 27),
                        "section": "2",
                        "case_number": "9/2025",
                        "presenter": "pikku-kh-pj",
                        "text": "Puheenjohtajisto vahvistaa kunnanjohtajan tulostavoitteet vuodelle 2025.",
                    },
                ],
            },
        ],
        "plan": {
            "preparer": "pikku-valmistelija",
            "title": "Kunnanjohtajan tavoitteet 2026",
            "title_sv": "Kommundirektörens mål 2026",
            "period_start": D(2026, 1, 1),
            "period_end": D(2026, 12, 31),
            "goals": [
                (
                    "Koulun ja päiväkodin tulevaisuus ratkaistaan",
                    "",
                    [("Palveluverkkoselvitys valtuuston käsittelyssä kesäkuussa", "")],
                    {"weight": 50},
                ),
                (
                    "Talous tasapainoon",
                    "",
                    [("Tilinpäätös 2026 vähintään nollatulos", "")],
                    {"weight": 50},
                ),
            ],
            "checkpoints": [
                ("elokuu 2026", "augusti 2026", D(2026, 8, 1), D(2026, 8, 31)),
                ("tammikuu 2027", "januari 2027", D(2027, 1, 1), D(2027, 1, 31)),
            ],
            "steps": [
                {"action": "propose", "by": "pikku-valmistelija"},
                {
                    "action": "approve",
                    "by": "pikku-valmistelija",
                    "meeting_date": D(2026, 1, 19),
                    "section": "3",
                    "case_number": "12/2026",
                    "presenter": "pikku-kh-pj",
                    "text": "Puheenjohtajisto vahvistaa kunnanjohtajan tavoitteet vuodelle 2026.",
                },
            ],
        },
    },
]

# Memberships start before any demo plan, so every persona has its role on any date.
MEMBERSHIP_START = D(2023, 1, 1)
# The decisions the demo's confidential roles rest on (by username): an admin gives
# such a role only with one, and the executive sees it.
ROLE_BASIS = {
    "pormestari": "KV 13.6.2021 § 31, pormestarin valinta",
    "apulaispormestari": "KV 13.6.2021 § 32, apulaispormestarien valinta",
    "valtuuston-pj": "KV 13.6.2021 § 30, valtuuston puheenjohtajiston valinta",
    "kansliapaallikko": "KH 12.12.2022 § 210, kansliapäällikön valinta ja johtajasopimus",
    "toinen-johtaja": "KV 14.11.2022 § 58, kunnanjohtajan valinta",
    "toinen-kh-pj": "KV 20.6.2021 § 25, kunnanhallituksen puheenjohtajan valinta",
    "pikku-johtaja": "KV 16.12.2024 § 44, kunnanjohtajan valinta",
    "pikku-kh-pj": "KV 21.6.2025 § 20, kunnanhallituksen puheenjohtajiston valinta",
    "pikku-kh-vpj": "KV 21.6.2025 § 20, kunnanhallituksen puheenjohtajiston valinta",
    "pikku-kv-pj": "KV 21.6.2025 § 19, valtuuston puheenjohtajiston valinta",
}
