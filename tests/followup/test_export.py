"""Issue 5, the export: `export_plan` of the seed plan carries, per goal, the submitted
self-assessments, views and agreed follow-ups per checkpoint (label, rating, text), and
per checkpoint its status and the board's report; drafts are never exported."""

import io
import json

import pytest
from django.core.management import call_command

from suunta.demo.followups import SEED_FOLLOWUPS, VIEW_TEXTS
from suunta.followup import services
from suunta.followup.models import Assessment, AssessmentKind

from .common import checkpoints, goals, open_checkpoint, ratings

pytestmark = pytest.mark.django_db


def export(plan) -> dict:
    out = io.StringIO()
    call_command("export_plan", str(plan.pk), stdout=out)
    return json.loads(out.getvalue())


LABELS = {
    "achieved": "Toteutunut",
    "progressed": "Edistynyt",
    "partly": "Osittain",
    "not_progressed": "Ei edistynyt",
}


def test_the_seed_plans_follow_ups_are_exported(demo):
    data = export(demo.plan)
    labels = ["elokuu 2025", "tammikuu/helmikuu 2026"]
    names = {
        "kansliapaallikko": "Juha Niemi",
        "pormestari": "Aino Virtanen",
        "valtuuston-pj": "Leena Koskinen",
        "valmistelija": "Sari Heikkinen",
    }
    assert len(data["goals"]) == 6
    for goal, rows in zip(data["goals"], SEED_FOLLOWUPS, strict=True):
        expected = []
        for label, (self_rating, self_text, agreed_rating, agreed_text) in zip(labels, rows, strict=True):
            expected.append(
                ("self", label, names["kansliapaallikko"], self_rating, LABELS[self_rating], self_text)
            )
            for username, text in VIEW_TEXTS.items():
                expected.append(("view", label, names[username], agreed_rating, LABELS[agreed_rating], text))
            expected.append(
                ("agreed", label, names["valmistelija"], agreed_rating, LABELS[agreed_rating], agreed_text)
            )
        got = [
            (f["kind"], f["checkpoint"], f["author"], f["rating"], f["rating_label"], f["text"])
            for f in goal["followups"]
        ]
        assert sorted(got) == sorted(expected), goal["title"]
        assert set(goal["followups"][0]) == {"checkpoint", "kind", "author", "rating", "rating_label", "text"}

    assert [c["label"] for c in data["checkpoints"]] == labels
    first, second = data["checkpoints"]
    assert (first["status"], first["agreed_on"], second["status"], second["agreed_on"]) == (
        "reported",
        "2025-08-27",
        "reported",
        "2026-02-18",
    )
    for checkpoint, (date, section) in zip(
        data["checkpoints"], [("2025-09-08", "112"), ("2026-03-02", "28")], strict=True
    ):
        report = checkpoint["report"]
        assert (
            report["body"],
            report["body_short"],
            report["date"],
            report["section"],
            report["outcome"],
        ) == (
            "Kunnanhallitus",
            "KH",
            date,
            section,
            "noted",
        )
        assert report["disqualified"] == ["Juha Niemi"]
        assert report["reference"].startswith("KH ")
    # The reports are under their checkpoints, not among the version's own handlings.
    assert all(h["outcome"] != "noted" for h in data["handling"])


def test_drafts_are_never_exported(demo):
    scale = ratings(demo.org)
    # A draft left on the seed plan (written straight into the table: the checkpoints are closed).
    seed_checkpoint, seed_goal = checkpoints(demo.plan)[0], goals(demo.plan)[0]
    Assessment.objects.create(
        checkpoint=seed_checkpoint,
        goal_area=seed_goal,
        kind=AssessmentKind.VIEW,
        author=demo.user("apulaispormestari"),
        rating=scale["partly"],
        text="Luonnos, ei koskaan lähetetty",
    )
    data = export(demo.plan)
    assert "Luonnos, ei koskaan lähetetty" not in json.dumps(data, ensure_ascii=False)
    assert all(f["author"] != "Mikko Laine" for g in data["goals"] for f in g["followups"])

    # On the current plan: a draft self-assessment and a draft view, one view submitted.
    checkpoint = open_checkpoint(demo)
    goal = goals(demo.current)[0]
    services.save_assessment(
        demo.user("kansliapaallikko"), checkpoint, goal, "self", rating=scale["achieved"], text="Itseluonnos"
    )
    services.save_assessment(
        demo.user("pormestari"), checkpoint, goal, "view", rating=scale["partly"], text="Näkemysluonnos"
    )
    services.save_assessment(
        demo.user("valtuuston-pj"),
        checkpoint,
        goal,
        "view",
        rating=scale["progressed"],
        text="Lähetetty näkemys",
        submit=True,
    )
    data = export(demo.current)
    text = json.dumps(data, ensure_ascii=False)
    assert "Itseluonnos" not in text and "Näkemysluonnos" not in text
    assert data["goals"][0]["followups"] == [
        {
            "checkpoint": "marraskuu 2026",
            "kind": "view",
            "author": "Leena Koskinen",
            "rating": "progressed",
            "rating_label": "Edistynyt",
            "text": "Lähetetty näkemys",
        }
    ]
    assert all(g["followups"] == [] for g in data["goals"][1:])
    assert [(c["label"], c["status"], c["agreed_on"], c["report"]) for c in data["checkpoints"]] == [
        ("marraskuu 2026", "open", None, None),
        ("tammikuu/helmikuu 2027", "open", None, None),
    ]
