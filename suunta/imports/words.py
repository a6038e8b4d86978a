"""The words documents use, in Finnish, Swedish and English: column headers, the word
that starts a follow-up column, weights, the qualifiers of a target, month names.

These are the only language-specific facts the parser knows (docs/import.md). They are
matched case-insensitively, on whole words.
"""

import re

GOAL_HEADERS = frozenset(
    {
        "tavoite",
        "tavoitteet",
        "tavoitealue",
        "tavoitealueet",
        "mål",
        "målen",
        "målområde",
        "målområden",
        "goal",
        "goals",
        "goal area",
        "goal areas",
    }
)
METRIC_HEADERS = frozenset(
    {
        "mittari",
        "mittarit",
        "mittari / arviointikriteeri",
        "mittarit / arviointikriteerit",
        "arviointikriteeri",
        "arviointikriteerit",
        "kriteeri",
        "kriteerit",
        "mätare",
        "mätarna",
        "mätare / kriterier",
        "kriterier",
        "bedömningskriterier",
        "metric",
        "metrics",
        "criteria",
        "indicator",
        "indicators",
    }
)
# A follow-up column's header, or a line listing the follow-ups, starts with one of these.
CHECKPOINT_WORDS = ("seurannat", "seuranta", "uppföljningar", "uppföljning", "follow-ups", "follow-up")
# The year's evaluation (vuosiarviointi): a checkpoint after the period.
EVALUATION_WORDS = ("vuosiarviointi", "årsutvärdering", "year's evaluation")
WEIGHT_WORDS = ("painoarvot", "painoarvo", "painotus", "paino", "vikter", "vikt", "weights", "weight")
TARGET_HEADERS = frozenset(
    {"tavoitearvo", "tavoitetaso", "tavoitearvot", "målvärde", "målnivå", "målvärden", "target", "targets"}
)

# Qualifiers before a number that make it a target, and which way is better.
HIGHER = ("vähintään", "väh.", "yli", "minst", "över", "at least", "more than", "≥", ">=", ">", "+")
LOWER = (
    "enintään",
    "enint.",
    "korkeintaan",
    "alle",
    "högst",
    "under",
    "at most",
    "less than",
    "no more than",
    "≤",
    "<=",
    "<",
)

# Month names by number: the stem every inflected form starts with ("elokuu",
# "elokuussa", "augusti", "Aug").
MONTH_STEMS = {
    1: ("tammi", "januari", "jan"),
    2: ("helmi", "februari", "feb"),
    3: ("maalis", "mars", "mar"),
    4: ("huhti", "april", "apr"),
    5: ("touko", "maj", "may"),
    6: ("kesä", "juni", "jun"),
    7: ("heinä", "juli", "jul"),
    8: ("elo", "augusti", "aug"),
    9: ("syys", "september", "sep"),
    10: ("loka", "oktober", "oct"),
    11: ("marras", "november", "nov"),
    12: ("joulu", "december", "dec"),
}


def normal(text: str) -> str:
    """Lower case, single spaces, no trailing colon: how headers are compared."""
    return re.sub(r"\s+", " ", text).strip().rstrip(":").strip().lower()


def starts_with_word(text: str, words) -> str | None:
    """The word of `words` that `text` starts with (as a whole word), or None."""
    lowered = text.lower()
    for word in words:
        if lowered.startswith(word) and (len(lowered) == len(word) or not lowered[len(word)].isalnum()):
            return word
    return None
