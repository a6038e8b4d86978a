"""The parser's rules (docs/import.md) on the structures municipalities write, each
with a fixture written for the test: what comes out must be exactly the plan meant."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import translation

from suunta.imports.dates import window
from suunta.imports.draft import as_json
from suunta.imports.parse import parse
from suunta.imports.readers import read_text
from suunta.imports.targets import find_target

from ..test_seed import read_seed
from .expected import SEED_CHECKPOINTS, SEED_GOALS, goals_and_metrics


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def plan_of(text: str) -> dict:
    source = read_text(text)
    return as_json(parse(source), {line.number: line.text for line in source.lines})


def test_the_seed_as_plain_text_gives_its_six_goals_fourteen_metrics_and_two_follow_ups():
    plan = plan_of(read_seed())
    assert goals_and_metrics(plan) == SEED_GOALS
    assert [(c["label"], c["start"], c["end"]) for c in plan["checkpoints"]] == SEED_CHECKPOINTS
    unplaced = [u["text"] for u in plan["unplaced"]]
    # Nothing of the seed is lost without saying: the title, the introduction, the purpose
    # and the evaluation section are listed as not placed, each bullet under its heading.
    assert unplaced[0] == "Kansliapäällikön tavoitteet"
    assert "Tavoitekeskustelun tarkoitus" in unplaced
    assert "• Perustuu johtajasopimukseen" in unplaced
    assert "Tavoitteiden arviointi" in unplaced
    assert unplaced[-1] == "• Tavoitteiden toteutumisesta raportoidaan kunnanhallitukselle."
    seed_lines = read_seed().split("\n")
    for entry in plan["unplaced"]:
        assert seed_lines[entry["line"] - 1].strip() == entry["text"], entry


NUMBERED_LIST = """Kunnanjohtajan tavoitteet 2026
Hyväksytty kunnanhallituksessa 12.1.2026 § 4

1. Elinvoiman vahvistaminen
   • Yritysten määrä kasvaa
   - Matkailun yhteistyömalli valmistuu
     ja otetaan käyttöön
2. Talouden tasapaino
   – Talousarvio toteutuu
   * Investointiohjelma päivitetään
3) Henkilöstön hyvinvointi
   a) Sairauspoissaolot vähenevät
   b) Esihenkilöiden valmennus
      jatkuu koko vuoden

Painoarvot: 1. 40 %, 2. 40 %, 3. 20 %
Seuranta: kesäkuu 2026 ja joulukuu 2026
"""


def test_a_numbered_list_with_bullet_metrics_a_weights_line_and_follow_ups():
    plan = plan_of(NUMBERED_LIST)
    assert [(g["title"], g["weight"], [m["text"] for m in g["metrics"]]) for g in plan["goals"]] == [
        (
            "Elinvoiman vahvistaminen",
            "40",
            ["Yritysten määrä kasvaa", "Matkailun yhteistyömalli valmistuu ja otetaan käyttöön"],
        ),
        ("Talouden tasapaino", "40", ["Talousarvio toteutuu", "Investointiohjelma päivitetään"]),
        (
            "Henkilöstön hyvinvointi",
            "20",
            ["Sairauspoissaolot vähenevät", "Esihenkilöiden valmennus jatkuu koko vuoden"],
        ),
    ]
    assert plan["checkpoints"] == [
        {"label": "kesäkuu 2026", "start": "2026-06-01", "end": "2026-06-30"},
        {"label": "joulukuu 2026", "start": "2026-12-01", "end": "2026-12-31"},
    ]
    assert plan["unplaced"] == [
        {"line": 1, "text": "Kunnanjohtajan tavoitteet 2026"},
        {"line": 2, "text": "Hyväksytty kunnanhallituksessa 12.1.2026 § 4"},
    ]


TARGETS_IN_SENTENCES = """Tavoitteet vuodelle 2026

1. Väestönkehitys: kuntaan muuttaa vähintään 30 uutta asukasta vuodessa (+30 hlöä/v.)
2) Talous – vuosikate on vähintään 1,5 M€
3. Sairauspoissaolot ovat alle 10 päivää henkilötyövuotta kohden
Tavoite 4: Uusi hyvinvointisuunnitelma hyväksytään valtuustossa (painoarvo 10 %)
"""


def test_numbered_goals_with_a_target_in_the_same_sentence():
    plan = plan_of(TARGETS_IN_SENTENCES)
    assert plan["goals"] == [
        {
            "title": "Väestönkehitys",
            "weight": None,
            "metrics": [
                {
                    "text": "kuntaan muuttaa vähintään 30 uutta asukasta vuodessa (+30 hlöä/v.)",
                    "target": "30",
                    "unit": "hlöä/v.",
                    "direction": "higher",
                    "target_text": "+30 hlöä/v.",
                }
            ],
        },
        {
            "title": "Talous",
            "weight": None,
            "metrics": [
                {
                    "text": "vuosikate on vähintään 1,5 M€",
                    "target": "1.5",
                    "unit": "M€",
                    "direction": "higher",
                    "target_text": "vähintään 1,5 M€",
                }
            ],
        },
        {
            "title": "Sairauspoissaolot ovat alle 10 päivää henkilötyövuotta kohden",
            "weight": None,
            "metrics": [
                {
                    "text": "Sairauspoissaolot ovat alle 10 päivää henkilötyövuotta kohden",
                    "target": "10",
                    "unit": "päivää",
                    "direction": "lower",
                    "target_text": "alle 10 päivää",
                }
            ],
        },
        # No target: the goal stays without metrics (the plan editor says what is missing).
        {"title": "Uusi hyvinvointisuunnitelma hyväksytään valtuustossa", "weight": "10", "metrics": []},
    ]
    assert plan["unplaced"] == [{"line": 1, "text": "Tavoitteet vuodelle 2026"}]
    assert json.loads(json.dumps(plan)) == plan  # what the command prints


SWEDISH = """Kommundirektörens mål 2026

1. Ekonomisk balans (vikt 40 %)
   • Budgeten håller
   • Årsbidraget är minst 2 M€
2. Personalens välbefinnande (vikt 60 %)
   • Sjukfrånvaron under 4 %
     av arbetstiden
Uppföljning: augusti 2026 och januari 2027
"""


def test_a_swedish_list_with_weights_targets_and_follow_ups():
    plan = plan_of(SWEDISH)
    assert [(g["title"], g["weight"]) for g in plan["goals"]] == [
        ("Ekonomisk balans", "40"),
        ("Personalens välbefinnande", "60"),
    ]
    assert plan["goals"][0]["metrics"][1] == {
        "text": "Årsbidraget är minst 2 M€",
        "target": "2",
        "unit": "M€",
        "direction": "higher",
        "target_text": "minst 2 M€",
    }
    assert plan["goals"][1]["metrics"] == [
        {
            "text": "Sjukfrånvaron under 4 % av arbetstiden",
            "target": "4",
            "unit": "%",
            "direction": "lower",
            "target_text": "under 4 %",
        }
    ]
    assert plan["checkpoints"] == [
        {"label": "augusti 2026", "start": "2026-08-01", "end": "2026-08-31"},
        {"label": "januari 2027", "start": "2027-01-01", "end": "2027-01-31"},
    ]


SWEDISH_TABLE = """Mål Mätare Uppföljning augusti 2025 Uppföljning
januari/februari 2026

Ekonomisk ledning • Budgetens mål uppnås
• Ordnandet av tjänster främjas så att sparmålen
uppnås 2025

Utvärdering av målen
• Målen har behandlats med kanslichefen
"""


def test_the_run_together_table_in_swedish():
    plan = plan_of(SWEDISH_TABLE)
    assert goals_and_metrics(plan) == [
        (
            "Ekonomisk ledning",
            ["Budgetens mål uppnås", "Ordnandet av tjänster främjas så att sparmålen uppnås 2025"],
        )
    ]
    assert [c["label"] for c in plan["checkpoints"]] == ["augusti 2025", "januari/februari 2026"]
    assert [u["text"] for u in plan["unplaced"]] == [
        "Utvärdering av målen",
        "• Målen har behandlats med kanslichefen",
    ]


def test_bullets_under_a_heading_are_not_metrics_of_the_goal_above():
    plan = plan_of("1. Talous\n• Budjetti pitää\nMuuta huomioitavaa\n• Tämä ei ole mittari\n")
    assert goals_and_metrics(plan) == [("Talous", ["Budjetti pitää"])]
    assert [u["text"] for u in plan["unplaced"]] == ["Muuta huomioitavaa", "• Tämä ei ole mittari"]


def test_a_weights_line_that_fits_no_goals_is_not_placed():
    plan = plan_of("1. Talous\n• Budjetti pitää\n2. Henkilöstö\n• Kysely\nPainoarvot: 30 %, 30 %, 40 %\n")
    assert [g["weight"] for g in plan["goals"]] == [None, None]
    assert plan["unplaced"] == [{"line": 5, "text": "Painoarvot: 30 %, 30 %, 40 %"}]


@pytest.mark.parametrize(
    ("sentence", "value", "unit", "direction"),
    [
        ("Talousarvion toteuma 98 %", "98", "%", None),  # a unit without a qualifier: no direction
        ("kustannukset enint. 12,5 milj. €", "12.5", "milj. €", "lower"),
        ("Yli 1 500 kävijää vuodessa", "1500", "", "higher"),
        ("at least 80 % of answers", "80", "%", "higher"),
        ("högst 2 dagar", "2", "dagar", "lower"),
    ],
)
def test_targets_read_from_sentences(sentence, value, unit, direction):
    target = find_target(sentence)
    assert (target.value, target.unit, target.direction) == (Decimal(value), unit, direction)


@pytest.mark.parametrize("sentence", ["säästötavoitteet toteutuvat 2025", "vuonna 2025 tehdään 3 selvitystä"])
def test_a_bare_number_is_no_target(sentence):
    assert find_target(sentence) is None


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("elokuu 2025", dt.date(2025, 8, 1), dt.date(2025, 8, 31)),
        ("tammikuu/helmikuu 2026", dt.date(2026, 1, 1), dt.date(2026, 2, 28)),
        ("tammi–helmikuu 2028", dt.date(2028, 1, 1), dt.date(2028, 2, 29)),
        ("8/2025", dt.date(2025, 8, 1), dt.date(2025, 8, 31)),
        ("31.8.2025", dt.date(2025, 8, 1), dt.date(2025, 8, 31)),
        ("1.8.–15.9.2025", dt.date(2025, 8, 1), dt.date(2025, 9, 15)),
        ("marraskuu 2026", dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        ("joulukuu/tammikuu 2026", dt.date(2025, 12, 1), dt.date(2026, 1, 31)),
    ],
)
def test_follow_up_windows_from_labels(label, start, end):
    assert window(label) == (start, end)
