"""The import page through the test client, as the preparer uses it: read a document,
correct the preview, save a new draft plan; who may; what is refused and kept."""

import datetime as dt
import io
import json

import pytest
from django.urls import reverse

from suunta.agreements.models import Checkpoint, GoalArea, GoalPlan, Metric
from suunta.audit.models import AuditEvent

from ..dom import parse
from ..helpers import assert_field_error, fi
from ..test_seed import read_seed
from .expected import SEED_GOALS


def form_data(doc, button: str) -> dict[str, list[str]]:
    """What the browser would post from the page's import form, pressing `button`."""
    form = next(f for f in doc.find_all(lambda e: e.tag == "form") if "import-form" in f.classes)
    data: dict[str, list[str]] = {}
    for element in form.iter():
        name = element.attrs.get("name")
        if not name or element.attrs.get("type") == "submit" or element.tag == "button":
            continue
        if element.tag == "select":
            chosen = [o for o in element.iter() if o.tag == "option" and "selected" in o.attrs]
            value = (chosen or [o for o in element.iter() if o.tag == "option"])[0].attrs.get("value", "")
        elif element.attrs.get("type") == "checkbox":
            if "checked" not in element.attrs:
                continue
            value = element.attrs.get("value", "on")
        else:
            value = element.value()
        data.setdefault(name, []).append(value)
    data["action"] = [button]
    return data


def rows_of(doc) -> list[dict]:
    """Each preview row: its kind, its text and the source lines beside it."""
    rows = []
    for item in doc.find_all(lambda e: "import-row" in e.classes):
        kind = next(e for e in item.iter() if e.tag == "select" and e.attrs["name"].endswith("-kind"))
        selected = next(o for o in kind.iter() if o.tag == "option" and "selected" in o.attrs)
        text = next(e for e in item.iter() if e.tag == "textarea")
        source = [li.text().strip() for li in item.find_all(lambda e: e.tag == "li")]
        rows.append(
            {
                "kind": selected.attrs["value"],
                "text": text.value(),
                "source": source,
                "prefix": kind.attrs["name"][:-5],
            }
        )
    return rows


@pytest.fixture
def preparer(demo):
    return demo.client("valmistelija")


def url(demo) -> str:
    return reverse("plan_import", args=[demo.org_agreement_pk])


@pytest.fixture(autouse=True)
def agreement_pk(demo):
    demo.org_agreement_pk = demo.plan.agreement_id


def read(client, demo, text: str):
    return client.post(url(demo), {"action": "read", "text": text})


def test_the_agreement_page_offers_the_import_to_who_may_create_plans(demo, preparer):
    page = preparer.get(reverse("agreement_detail", args=[demo.plan.agreement_id]))
    assert f'href="{url(demo)}"' in page.content.decode()
    board = demo.client("hallitus").get(reverse("agreement_detail", args=[demo.plan.agreement_id]))
    assert f'href="{url(demo)}"' not in board.content.decode()


@pytest.mark.parametrize(
    ("username", "status"), [("hallitus", 403), ("tarkastaja", 403), ("toinen-valmistelija", 404)]
)
def test_it_requires_the_right_to_create_plans(demo, username, status):
    client = demo.client(username)
    assert client.get(url(demo)).status_code == status
    assert read(client, demo, read_seed()).status_code == status


def test_pasting_the_seed_previews_it_and_saving_makes_a_new_draft_plan(demo, preparer):
    before = GoalPlan.objects.count()
    page = read(preparer, demo, read_seed())
    assert page.status_code == 200
    doc = parse(page.content)
    rows = rows_of(doc)
    goals = [r["text"] for r in rows if r["kind"] == "goal"]
    assert goals == [title for title, _ in SEED_GOALS]
    assert [r["text"] for r in rows if r["kind"] == "checkpoint"] == ["elokuu 2025", "tammikuu/helmikuu 2026"]
    # Side by side: the row of the goal shows the document's line it came from.
    talous = next(r for r in rows if r["text"] == "Talouden johtaminen")
    assert any(
        "Talouden johtaminen • Talousarvion mukaiset tavoitteet toteutuvat" in s for s in talous["source"]
    )
    assert GoalPlan.objects.count() == before, "reading saves nothing"

    data = form_data(doc, "save")
    # The seed's period, 2025, has a plan: refused next to the period, nothing saved.
    refused = preparer.post(url(demo), data)
    assert_field_error(refused, "id_plan-period_start", fi_overlap(demo.plan), typed="2025-01-01")
    assert GoalPlan.objects.count() == before

    data.update({"plan-period_start": ["2028-01-01"], "plan-period_end": ["2028-12-31"], "plan-title": [""]})
    saved = preparer.post(url(demo), data)
    plan = GoalPlan.objects.get(agreement=demo.plan.agreement, period_start="2028-01-01")
    assert saved.status_code == 302 and saved["Location"] == reverse("plan_detail", args=[plan.pk])
    version = plan.versions.get()
    assert version.status == "draft"
    stored = [
        (goal.title, list(goal.metrics.order_by("order").values_list("text", flat=True)))
        for goal in GoalArea.objects.filter(version=version).order_by("order")
    ]
    assert stored == SEED_GOALS
    assert list(
        Checkpoint.objects.filter(version=version).values_list("label", "window_start", "window_end")
    ) == [
        ("elokuu 2025", *_dates("2025-08-01", "2025-08-31")),
        ("tammikuu/helmikuu 2026", *_dates("2026-01-01", "2026-02-28")),
    ]
    event = AuditEvent.objects.filter(action="plan.import").latest("id")
    changes = json.loads(event.changes)
    assert (changes["goals"], changes["metrics"], changes["format"]) == (
        [None, 6],
        [None, 14],
        [None, "text"],
    )
    shown = preparer.get(saved["Location"]).content.decode()
    assert (
        fi(
            "The plan was imported: %(goals)s goals, %(metrics)s metrics and %(checkpoints)s follow-ups. "
            "It is a draft: check it and continue editing here.",
            goals=6,
            metrics=14,
            checkpoints=2,
        )
        in shown
    )


def _dates(*days):
    return [dt.date.fromisoformat(day) for day in days]


def fi_overlap(plan) -> str:
    return fi(
        "This agreement already has a plan for this period: %(title)s (%(start)s–%(end)s).",
        title=plan.display_title,
        start="1.1.2025",
        end="31.12.2025",
    )


TEXT = """Tavoitteet 2028
1. Talous
• Budjetti pitää
• Investoinnit aikataulussa
Tiedotus
2. Henkilöstö
• Kysely tehdään
ja tulokset käsitellään
Seuranta: kesäkuu 2028
"""


def test_corrections_in_the_preview_kind_split_and_join(demo, preparer):
    doc = parse(read(preparer, demo, TEXT).content)
    rows = rows_of(doc)
    assert [(r["kind"], r["text"]) for r in rows] == [
        ("skip", "Tavoitteet 2028"),
        ("goal", "Talous"),
        ("metric", "Budjetti pitää"),
        ("metric", "Investoinnit aikataulussa"),
        ("skip", "Tiedotus"),
        ("goal", "Henkilöstö"),
        ("metric", "Kysely tehdään ja tulokset käsitellään"),
        ("checkpoint", "kesäkuu 2028"),
    ]
    data = form_data(doc, "update")
    # "Tiedotus" was a metric of Talous; the survey metric is two; "Budjetti pitää" is
    # joined with the next row.
    data[rows[4]["prefix"] + "-kind"] = ["metric"]
    data[rows[6]["prefix"] + "-text"] = ["Kysely tehdään\nTulokset käsitellään"]
    data[rows[3]["prefix"] + "-join"] = ["on"]
    updated = parse(preparer.post(url(demo), data).content)
    assert [(r["kind"], r["text"]) for r in rows_of(updated)] == [
        ("skip", "Tavoitteet 2028"),
        ("goal", "Talous"),
        ("metric", "Budjetti pitää Investoinnit aikataulussa"),
        ("metric", "Tiedotus"),
        ("goal", "Henkilöstö"),
        ("metric", "Kysely tehdään"),
        ("metric", "Tulokset käsitellään"),
        ("checkpoint", "kesäkuu 2028"),
    ]
    assert GoalPlan.objects.filter(period_start="2028-01-01").count() == 0
    saved = preparer.post(url(demo), form_data(updated, "save"))
    assert saved.status_code == 302
    plan = GoalPlan.objects.get(agreement=demo.plan.agreement, period_start="2028-01-01")
    version = plan.versions.get()
    assert [
        (g.title, list(g.metrics.order_by("order").values_list("text", flat=True)))
        for g in GoalArea.objects.filter(version=version).order_by("order")
    ] == [
        ("Talous", ["Budjetti pitää Investoinnit aikataulussa", "Tiedotus"]),
        ("Henkilöstö", ["Kysely tehdään", "Tulokset käsitellään"]),
    ]


def test_a_row_that_cannot_be_saved_is_marked_and_nothing_is_saved(demo, preparer):
    doc = parse(read(preparer, demo, "1. Talous\n• Talousarvion toteuma 98 %\n").content)
    data = form_data(doc, "save")
    data.update({"plan-period_start": ["2028-01-01"], "plan-period_end": ["2028-12-31"]})
    data["row-1-text"] = ["Talousarvion toteuma vähintään 98 % (korjattu)"]
    metrics_before = Metric.objects.count()
    response = preparer.post(url(demo), data)
    # The target has a unit but no qualifier: which way is better is asked, not guessed.
    assert_field_error(
        response, "id_row-1-direction", fi("Choose whether a higher or a lower value is better.")
    )
    assert (
        parse(response.content).by_id("id_row-1-text").value()
        == "Talousarvion toteuma vähintään 98 % (korjattu)"
    )
    assert GoalPlan.objects.filter(period_start="2028-01-01").count() == 0
    assert Metric.objects.count() == metrics_before


def test_a_metric_with_no_goal_above_it_is_refused(demo, preparer):
    doc = parse(read(preparer, demo, TEXT).content)
    data = form_data(doc, "save")
    data.update({"plan-period_start": ["2028-01-01"], "plan-period_end": ["2028-12-31"]})
    data["row-1-kind"] = ["skip"]  # "Talous" left out: its metrics have no goal above them
    response = preparer.post(url(demo), data)
    assert_field_error(
        response,
        "id_row-2-kind",
        fi("A metric belongs to the goal above it; this one has no goal above it."),
    )
    assert not GoalPlan.objects.filter(period_start="2028-01-01").exists()


def test_nothing_given_and_a_file_that_is_no_document_are_refused_next_to_the_field(demo, preparer):
    empty = preparer.post(url(demo), {"action": "read", "text": ""})
    assert_field_error(empty, "id_file", fi("Choose a file, or paste the text below."))
    picture = io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    picture.name = "tavoitteet.docx"
    response = preparer.post(url(demo), {"action": "read", "file": picture})
    assert response.status_code == 200
    assert parse(response.content).by_id("id_file").attrs.get("aria-invalid") == "true"


def test_the_upload_is_not_stored(demo, preparer, settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path
    document = io.BytesIO(read_seed().encode("utf-8"))
    document.name = "tavoitteet.txt"
    response = preparer.post(url(demo), {"action": "read", "file": document})
    assert response.status_code == 200
    assert 'name="file"' not in response.content.decode().split("import-form")[1]
    assert list(tmp_path.iterdir()) == []
