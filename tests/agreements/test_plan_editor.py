"""The plan editor through the test client: add, edit, reorder and delete goals,
metrics and checkpoints, with and without htmx, as an evaluator and as a preparer;
and creating a plan for an agreement and period."""

import datetime as dt

import pytest
from django.urls import reverse

from suunta.agreements.models import Checkpoint, GoalArea, GoalPlan, Metric, PlanVersion

from ..dom import parse
from ..helpers import (
    HTMX,
    assert_annex_fragment,
    assert_full_page,
    assert_redirect_to_plan,
    checkpoint_labels,
    fi,
    goal_titles,
    metric_texts,
)

EDITORS = ("pormestari", "valmistelija")


@pytest.fixture(params=EDITORS)
def editor(request, demo):
    return demo.client(request.param)


@pytest.fixture
def version(demo) -> PlanVersion:
    version = demo.draft.versions.get()
    assert version.status == "draft", "the demo plan must be a draft for these tests"
    return version


def goals_of(version) -> list[GoalArea]:
    return list(GoalArea.objects.filter(version=version).order_by("order", "id"))


def checkpoints_of(version) -> list[Checkpoint]:
    return list(Checkpoint.objects.filter(version=version).order_by("order", "window_start", "id"))


def shown_goal_titles(doc) -> list[str]:
    return [span.text().strip() for span in doc.find_all(lambda e: "goal-title" in e.classes)]


def shown_metric_texts(doc, goal) -> list[str]:
    row = doc.by_id(f"goal-{goal.pk}")
    return [span.text().strip() for span in row.find_all(lambda e: "metric-text" in e.classes)]


def shown_checkpoint_labels(doc) -> list[str]:
    return [span.text().strip() for span in doc.find_all(lambda e: "checkpoint-label" in e.classes)]


def swapped(items: list, i: int, j: int) -> list:
    items = list(items)
    items[i], items[j] = items[j], items[i]
    return items


# --- Goals ---------------------------------------------------------------------------------


def test_it_shows_the_add_goal_form(editor, demo):
    response = editor.get(reverse("goal_new", args=[demo.draft.pk]))
    doc = assert_full_page(response)
    assert doc.by_id("id_new-goal-title").attrs.get("value", "") == ""
    form = doc.by_id("id_new-goal-title").closest(lambda e: e.tag == "form")
    assert form.attrs["action"] == reverse("goal_new", args=[demo.draft.pk])


def test_it_shows_the_add_goal_form_with_htmx(editor, demo):
    response = editor.get(reverse("goal_new", args=[demo.draft.pk]), **HTMX)
    doc = assert_annex_fragment(response)
    assert doc.has_id("id_new-goal-title")


def test_it_adds_a_goal(editor, demo, version):
    before = goal_titles(version)
    response = editor.post(
        reverse("goal_new", args=[demo.draft.pk]),
        {"new-goal-title": "Digitalisaation edistäminen", "new-goal-description": "Sähköiset palvelut"},
    )
    goal = GoalArea.objects.get(version=version, title="Digitalisaation edistäminen")
    assert_redirect_to_plan(response, demo.draft, f"goal-{goal.pk}")
    assert goal.description == "Sähköiset palvelut"
    assert goal.publicity == "public"
    assert goal_titles(version) == [*before, "Digitalisaation edistäminen"]


def test_it_shows_the_added_goal_and_a_message_after_the_redirect(editor, demo):
    response = editor.post(
        reverse("goal_new", args=[demo.draft.pk]),
        {"new-goal-title": "Digitalisaation edistäminen"},
        follow=True,
    )
    doc = assert_full_page(response)
    assert "Digitalisaation edistäminen" in shown_goal_titles(doc)
    assert fi("Goal added.") in doc.find_all(lambda e: "messages" in e.classes)[0].text()


def test_it_adds_a_goal_with_htmx(editor, demo, version):
    before = goal_titles(version)
    response = editor.post(
        reverse("goal_new", args=[demo.draft.pk]), {"new-goal-title": "Digitalisaation edistäminen"}, **HTMX
    )
    doc = assert_annex_fragment(response)
    assert shown_goal_titles(doc) == [*before, "Digitalisaation edistäminen"]
    assert goal_titles(version) == [*before, "Digitalisaation edistäminen"]
    assert doc.by_id("announcer").text() == fi("Goal added.")
    goal = GoalArea.objects.get(version=version, title="Digitalisaation edistäminen")
    assert "data-focus" in doc.by_id(f"goal-{goal.pk}").attrs


def test_it_shows_the_edit_goal_form_with_the_current_text(editor, demo, version):
    goal = goals_of(version)[1]
    response = editor.get(reverse("goal_edit", args=[demo.draft.pk, goal.pk]))
    doc = assert_full_page(response)
    assert doc.by_id(f"id_goal-{goal.pk}-title").value() == goal.title


def test_it_edits_a_goal(editor, demo, version):
    goal = goals_of(version)[1]
    response = editor.post(
        reverse("goal_edit", args=[demo.draft.pk, goal.pk]),
        {
            f"goal-{goal.pk}-title": "Henkilöstöjohtaminen ja työhyvinvointi",
            f"goal-{goal.pk}-description": "Uusi",
        },
    )
    assert_redirect_to_plan(response, demo.draft, f"goal-{goal.pk}")
    goal.refresh_from_db()
    assert goal.title == "Henkilöstöjohtaminen ja työhyvinvointi"
    assert goal.description == "Uusi"
    assert goal_titles(version)[1] == "Henkilöstöjohtaminen ja työhyvinvointi"


def test_it_edits_a_goal_with_htmx(editor, demo, version):
    goal = goals_of(version)[1]
    response = editor.post(
        reverse("goal_edit", args=[demo.draft.pk, goal.pk]),
        {f"goal-{goal.pk}-title": "Henkilöstöjohtaminen ja työhyvinvointi"},
        **HTMX,
    )
    doc = assert_annex_fragment(response)
    assert shown_goal_titles(doc)[1] == "Henkilöstöjohtaminen ja työhyvinvointi"
    goal.refresh_from_db()
    assert goal.title == "Henkilöstöjohtaminen ja työhyvinvointi"


def test_it_keeps_the_metrics_when_a_goal_is_edited(editor, demo, version):
    goal = goals_of(version)[0]
    metrics_before = metric_texts(goal)
    editor.post(
        reverse("goal_edit", args=[demo.draft.pk, goal.pk]), {f"goal-{goal.pk}-title": "Uusi otsikko"}
    )
    assert metric_texts(goal) == metrics_before


def test_it_moves_a_goal_down(editor, demo, version):
    before = goal_titles(version)
    goal = goals_of(version)[2]
    response = editor.post(reverse("goal_move", args=[demo.draft.pk, goal.pk]), {"direction": "down"})
    assert_redirect_to_plan(response, demo.draft, f"goal-{goal.pk}")
    assert goal_titles(version) == swapped(before, 2, 3)


def test_it_moves_a_goal_up(editor, demo, version):
    before = goal_titles(version)
    goal = goals_of(version)[2]
    response = editor.post(reverse("goal_move", args=[demo.draft.pk, goal.pk]), {"direction": "up"})
    assert_redirect_to_plan(response, demo.draft, f"goal-{goal.pk}")
    assert goal_titles(version) == swapped(before, 1, 2)


def test_it_moves_a_goal_with_htmx(editor, demo, version):
    before = goal_titles(version)
    goal = goals_of(version)[0]
    response = editor.post(reverse("goal_move", args=[demo.draft.pk, goal.pk]), {"direction": "down"}, **HTMX)
    doc = assert_annex_fragment(response)
    assert goal_titles(version) == swapped(before, 0, 1)
    assert shown_goal_titles(doc) == swapped(before, 0, 1)


def test_it_moves_a_goal_twice(editor, demo, version):
    before = goal_titles(version)
    goal = goals_of(version)[0]
    url = reverse("goal_move", args=[demo.draft.pk, goal.pk])
    editor.post(url, {"direction": "down"})
    editor.post(url, {"direction": "down"})
    assert goal_titles(version) == [before[1], before[2], before[0], *before[3:]]


def test_it_leaves_the_first_goal_first_when_moved_up(editor, demo, version):
    before = goal_titles(version)
    goal = goals_of(version)[0]
    response = editor.post(reverse("goal_move", args=[demo.draft.pk, goal.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert goal_titles(version) == before


def test_it_leaves_the_last_goal_last_when_moved_down(editor, demo, version):
    before = goal_titles(version)
    goal = goals_of(version)[-1]
    editor.post(reverse("goal_move", args=[demo.draft.pk, goal.pk]), {"direction": "down"})
    assert goal_titles(version) == before


def test_it_rejects_an_unknown_direction(editor, demo, version):
    before = goal_titles(version)
    goal = goals_of(version)[1]
    response = editor.post(reverse("goal_move", args=[demo.draft.pk, goal.pk]), {"direction": "sideways"})
    assert response.status_code == 400
    assert goal_titles(version) == before


def test_it_does_not_move_on_get(editor, demo, version):
    goal = goals_of(version)[1]
    response = editor.get(reverse("goal_move", args=[demo.draft.pk, goal.pk]))
    assert response.status_code == 405


def test_it_asks_before_deleting_a_goal(editor, demo, version):
    goal = goals_of(version)[3]
    response = editor.get(reverse("goal_delete", args=[demo.draft.pk, goal.pk]))
    doc = assert_full_page(response)
    question = doc.by_id("confirm-question").text()
    assert goal.title in question
    assert "3" in question  # the goal's three metrics go with it
    form = doc.by_id("confirm-question").closest(lambda e: e.tag == "form")
    assert form.attrs["action"] == reverse("goal_delete", args=[demo.draft.pk, goal.pk])
    assert form.attrs["method"] == "post"
    assert GoalArea.objects.filter(pk=goal.pk).exists()
    assert Metric.objects.filter(goal_area=goal).count() == 3


def test_it_asks_before_deleting_a_goal_with_htmx(editor, demo, version):
    goal = goals_of(version)[3]
    response = editor.get(reverse("goal_delete", args=[demo.draft.pk, goal.pk]), **HTMX)
    doc = assert_annex_fragment(response)
    assert goal.title in doc.by_id("confirm-question").text()
    assert GoalArea.objects.filter(pk=goal.pk).exists()


def focus_marks(doc) -> tuple[list, list]:
    """The elements marked autofocus, and those marked for focus after an htmx swap."""
    autofocus = doc.find_all(lambda e: "autofocus" in e.attrs)
    data_focus = doc.find_all(lambda e: "data-focus" in e.attrs)
    return autofocus, data_focus


@pytest.mark.parametrize("name", ["goal_delete", "goal_edit", "goal_new"])
def test_a_whole_page_form_takes_focus_with_autofocus(editor, demo, version, name):
    goal = goals_of(version)[3]
    args = [demo.draft.pk] if name == "goal_new" else [demo.draft.pk, goal.pk]
    doc = assert_full_page(editor.get(reverse(name, args=args)))
    autofocus, data_focus = focus_marks(doc)
    assert [e.tag for e in autofocus] == ["button" if name == "goal_delete" else "input"]
    assert data_focus == []


@pytest.mark.parametrize("name", ["goal_delete", "goal_edit", "goal_new"])
def test_an_htmx_form_is_focused_by_the_script_never_by_autofocus(editor, demo, version, name):
    # Chromium focuses an inserted autofocus element at its next frame, before htmx has
    # wired the new form: an Enter typed then submitted the form as a plain page load.
    goal = goals_of(version)[3]
    args = [demo.draft.pk] if name == "goal_new" else [demo.draft.pk, goal.pk]
    doc = assert_annex_fragment(editor.get(reverse(name, args=args), **HTMX))
    autofocus, data_focus = focus_marks(doc)
    assert autofocus == []
    assert [e.tag for e in data_focus] == ["button" if name == "goal_delete" else "input"]


def test_an_htmx_form_with_errors_marks_the_invalid_field_for_focus(editor, demo, version):
    response = editor.post(reverse("goal_new", args=[demo.draft.pk]), {"new-goal-title": ""}, **HTMX)
    doc = assert_annex_fragment(response)
    autofocus, data_focus = focus_marks(doc)
    assert autofocus == []
    assert [(e.attrs.get("name"), e.attrs.get("aria-invalid")) for e in data_focus] == [
        ("new-goal-title", "true")
    ]


def test_it_deletes_a_goal_and_its_metrics(editor, demo, version):
    before = goal_titles(version)
    goal = goals_of(version)[3]
    metric_ids = list(goal.metrics.values_list("pk", flat=True))
    assert len(metric_ids) == 3
    metrics_total = Metric.objects.count()
    response = editor.post(reverse("goal_delete", args=[demo.draft.pk, goal.pk]))
    assert_redirect_to_plan(response, demo.draft, "annex")
    assert not GoalArea.objects.filter(pk=goal.pk).exists()
    assert not Metric.objects.filter(pk__in=metric_ids).exists()
    assert Metric.objects.count() == metrics_total - 3
    assert goal_titles(version) == before[:3] + before[4:]


def test_it_deletes_a_goal_with_htmx(editor, demo, version):
    before = goal_titles(version)
    goal = goals_of(version)[0]
    response = editor.post(reverse("goal_delete", args=[demo.draft.pk, goal.pk]), **HTMX)
    doc = assert_annex_fragment(response)
    assert shown_goal_titles(doc) == before[1:]
    assert goal_titles(version) == before[1:]
    assert not Metric.objects.filter(goal_area_id=goal.pk).exists()


def test_it_moves_correctly_after_a_delete(editor, demo, version):
    before = goal_titles(version)
    goals = goals_of(version)
    editor.post(reverse("goal_delete", args=[demo.draft.pk, goals[1].pk]))
    editor.post(reverse("goal_move", args=[demo.draft.pk, goals[2].pk]), {"direction": "up"})
    assert goal_titles(version) == [before[2], before[0], *before[3:]]


# --- Metrics -------------------------------------------------------------------------------


def test_it_shows_the_add_metric_form_under_its_goal(editor, demo, version):
    goal = goals_of(version)[1]
    response = editor.get(reverse("metric_new", args=[demo.draft.pk, goal.pk]), **HTMX)
    doc = assert_annex_fragment(response)
    field = doc.by_id("id_new-metric-text")
    assert field.closest(lambda e: e.attrs.get("id") == f"goal-{goal.pk}") is not None


def test_it_adds_a_metric(editor, demo, version):
    goal = goals_of(version)[1]
    before = metric_texts(goal)
    others = {g.pk: metric_texts(g) for g in goals_of(version) if g.pk != goal.pk}
    response = editor.post(
        reverse("metric_new", args=[demo.draft.pk, goal.pk]),
        {"new-metric-text": "Sairauspoissaolot vähenevät"},
    )
    metric = Metric.objects.get(goal_area=goal, text="Sairauspoissaolot vähenevät")
    assert_redirect_to_plan(response, demo.draft, f"metric-{metric.pk}")
    assert metric_texts(goal) == [*before, "Sairauspoissaolot vähenevät"]
    assert {g.pk: metric_texts(g) for g in goals_of(version) if g.pk != goal.pk} == others


def test_it_adds_a_metric_with_htmx(editor, demo, version):
    goal = goals_of(version)[1]
    before = metric_texts(goal)
    response = editor.post(
        reverse("metric_new", args=[demo.draft.pk, goal.pk]),
        {"new-metric-text": "Sairauspoissaolot vähenevät"},
        **HTMX,
    )
    doc = assert_annex_fragment(response)
    assert shown_metric_texts(doc, goal) == [*before, "Sairauspoissaolot vähenevät"]
    assert metric_texts(goal) == [*before, "Sairauspoissaolot vähenevät"]
    assert doc.by_id("announcer").text() == fi("Metric added.")


def test_it_edits_a_metric(editor, demo, version):
    goal = goals_of(version)[2]
    metric = goal.metrics.order_by("order").first()
    response = editor.post(
        reverse("metric_edit", args=[demo.draft.pk, metric.pk]),
        {
            f"metric-{metric.pk}-text": "Talousarvion tavoitteet toteutuvat",
            f"metric-{metric.pk}-text_sv": "Målen nås",
        },
    )
    assert_redirect_to_plan(response, demo.draft, f"metric-{metric.pk}")
    metric.refresh_from_db()
    assert metric.text == "Talousarvion tavoitteet toteutuvat"
    assert metric.text_sv == "Målen nås"


def test_it_edits_a_metric_with_htmx(editor, demo, version):
    goal = goals_of(version)[2]
    metric = goal.metrics.order_by("order").first()
    response = editor.post(
        reverse("metric_edit", args=[demo.draft.pk, metric.pk]),
        {f"metric-{metric.pk}-text": "Talousarvion tavoitteet toteutuvat"},
        **HTMX,
    )
    doc = assert_annex_fragment(response)
    assert shown_metric_texts(doc, goal)[0] == "Talousarvion tavoitteet toteutuvat"
    metric.refresh_from_db()
    assert metric.text == "Talousarvion tavoitteet toteutuvat"


def test_it_shows_the_edit_metric_form_with_htmx(editor, demo, version):
    metric = goals_of(version)[2].metrics.order_by("order").first()
    response = editor.get(reverse("metric_edit", args=[demo.draft.pk, metric.pk]), **HTMX)
    doc = assert_annex_fragment(response)
    assert doc.by_id(f"id_metric-{metric.pk}-text").value() == metric.text


def test_it_moves_a_metric_down(editor, demo, version):
    goal = goals_of(version)[3]
    before = metric_texts(goal)
    metric = goal.metrics.order_by("order").first()
    response = editor.post(reverse("metric_move", args=[demo.draft.pk, metric.pk]), {"direction": "down"})
    assert_redirect_to_plan(response, demo.draft, f"metric-{metric.pk}")
    assert metric_texts(goal) == swapped(before, 0, 1)


def test_it_moves_a_metric_up(editor, demo, version):
    goal = goals_of(version)[3]
    before = metric_texts(goal)
    metric = goal.metrics.order_by("order")[2]
    editor.post(reverse("metric_move", args=[demo.draft.pk, metric.pk]), {"direction": "up"})
    assert metric_texts(goal) == swapped(before, 1, 2)


def test_it_moves_a_metric_with_htmx(editor, demo, version):
    goal = goals_of(version)[4]
    before = metric_texts(goal)
    metric = goal.metrics.order_by("order")[1]
    response = editor.post(
        reverse("metric_move", args=[demo.draft.pk, metric.pk]), {"direction": "up"}, **HTMX
    )
    doc = assert_annex_fragment(response)
    assert metric_texts(goal) == swapped(before, 0, 1)
    assert shown_metric_texts(doc, goal) == swapped(before, 0, 1)


def test_it_moves_a_metric_only_within_its_goal(editor, demo, version):
    goals = goals_of(version)
    everything = {g.pk: metric_texts(g) for g in goals}
    last_of_first = goals[0].metrics.order_by("order").last()
    editor.post(reverse("metric_move", args=[demo.draft.pk, last_of_first.pk]), {"direction": "down"})
    assert {g.pk: metric_texts(g) for g in goals} == everything


def test_it_asks_before_deleting_a_metric(editor, demo, version):
    metric = goals_of(version)[0].metrics.order_by("order").first()
    response = editor.get(reverse("metric_delete", args=[demo.draft.pk, metric.pk]))
    doc = assert_full_page(response)
    assert metric.text in doc.by_id("confirm-question").text()
    assert Metric.objects.filter(pk=metric.pk).exists()


def test_it_deletes_a_metric(editor, demo, version):
    goal = goals_of(version)[0]
    before = metric_texts(goal)
    metric = goal.metrics.order_by("order").first()
    goals_before = goal_titles(version)
    response = editor.post(reverse("metric_delete", args=[demo.draft.pk, metric.pk]))
    assert_redirect_to_plan(response, demo.draft, "annex")
    assert not Metric.objects.filter(pk=metric.pk).exists()
    assert metric_texts(goal) == before[1:]
    assert goal_titles(version) == goals_before


def test_it_deletes_a_metric_with_htmx(editor, demo, version):
    goal = goals_of(version)[0]
    before = metric_texts(goal)
    metric = goal.metrics.order_by("order").last()
    response = editor.post(reverse("metric_delete", args=[demo.draft.pk, metric.pk]), **HTMX)
    doc = assert_annex_fragment(response)
    assert shown_metric_texts(doc, goal) == before[:-1]
    assert not Metric.objects.filter(pk=metric.pk).exists()


# --- Checkpoints ---------------------------------------------------------------------------


def test_it_adds_a_checkpoint(editor, demo, version):
    before = checkpoint_labels(version)
    response = editor.post(
        reverse("checkpoint_new", args=[demo.draft.pk]),
        {
            "new-checkpoint-label": "toukokuu 2026",
            "new-checkpoint-window_start": "2026-05-01",
            "new-checkpoint-window_end": "2026-05-31",
        },
    )
    checkpoint = Checkpoint.objects.get(version=version, label="toukokuu 2026")
    assert_redirect_to_plan(response, demo.draft, f"checkpoint-{checkpoint.pk}")
    assert (checkpoint.window_start, checkpoint.window_end) == (dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    # Shown by date, not in the order entered: May 2026 comes before the draft's 2027 ones.
    assert checkpoint_labels(version) == ["toukokuu 2026", *before]


def test_it_adds_a_checkpoint_with_htmx(editor, demo, version):
    before = checkpoint_labels(version)
    response = editor.post(
        reverse("checkpoint_new", args=[demo.draft.pk]),
        {
            "new-checkpoint-label": "toukokuu 2026",
            "new-checkpoint-window_start": "2026-05-01",
            "new-checkpoint-window_end": "2026-05-31",
        },
        **HTMX,
    )
    doc = assert_annex_fragment(response)
    assert shown_checkpoint_labels(doc) == ["toukokuu 2026", *before]
    headings = [th.text() for th in doc.find_all(lambda e: "col-followup" in e.classes and e.tag == "th")]
    assert any("toukokuu 2026" in heading for heading in headings), "the new column heading is missing"
    assert checkpoint_labels(version) == ["toukokuu 2026", *before]


def test_it_allows_a_one_day_checkpoint_window(editor, demo, version):
    editor.post(
        reverse("checkpoint_new", args=[demo.draft.pk]),
        {
            "new-checkpoint-label": "kokouspäivä",
            "new-checkpoint-window_start": "2026-05-12",
            "new-checkpoint-window_end": "2026-05-12",
        },
    )
    assert Checkpoint.objects.filter(version=version, label="kokouspäivä").exists()


def test_it_edits_a_checkpoint(editor, demo, version):
    checkpoint = checkpoints_of(version)[0]
    prefix = f"checkpoint-{checkpoint.pk}"
    response = editor.post(
        reverse("checkpoint_edit", args=[demo.draft.pk, checkpoint.pk]),
        {
            f"{prefix}-label": "syyskuu 2025",
            f"{prefix}-window_start": "2025-09-01",
            f"{prefix}-window_end": "2025-09-30",
        },
    )
    assert_redirect_to_plan(response, demo.draft, f"checkpoint-{checkpoint.pk}")
    checkpoint.refresh_from_db()
    assert checkpoint.label == "syyskuu 2025"
    assert (checkpoint.window_start, checkpoint.window_end) == (dt.date(2025, 9, 1), dt.date(2025, 9, 30))


def test_it_edits_a_checkpoint_with_htmx(editor, demo, version):
    checkpoint = checkpoints_of(version)[0]
    prefix = f"checkpoint-{checkpoint.pk}"
    response = editor.post(
        reverse("checkpoint_edit", args=[demo.draft.pk, checkpoint.pk]),
        {
            f"{prefix}-label": "syyskuu 2025",
            f"{prefix}-window_start": "2025-09-01",
            f"{prefix}-window_end": "2025-09-30",
        },
        **HTMX,
    )
    doc = assert_annex_fragment(response)
    assert shown_checkpoint_labels(doc)[0] == "syyskuu 2025"
    checkpoint.refresh_from_db()
    assert checkpoint.label == "syyskuu 2025"


def test_it_shows_the_edit_checkpoint_form_with_its_dates(editor, demo, version):
    checkpoint = checkpoints_of(version)[1]
    response = editor.get(reverse("checkpoint_edit", args=[demo.draft.pk, checkpoint.pk]))
    doc = assert_full_page(response)
    prefix = f"id_checkpoint-{checkpoint.pk}"
    assert doc.by_id(f"{prefix}-label").value() == checkpoint.label
    assert doc.by_id(f"{prefix}-window_start").value() == checkpoint.window_start.isoformat()
    assert doc.by_id(f"{prefix}-window_end").value() == checkpoint.window_end.isoformat()


def test_it_moves_a_checkpoint_up(editor, demo, version):
    before = checkpoint_labels(version)
    checkpoint = checkpoints_of(version)[1]
    response = editor.post(
        reverse("checkpoint_move", args=[demo.draft.pk, checkpoint.pk]), {"direction": "up"}
    )
    assert_redirect_to_plan(response, demo.draft, f"checkpoint-{checkpoint.pk}")
    assert checkpoint_labels(version) == swapped(before, 0, 1)


def test_it_moves_a_checkpoint_down_with_htmx(editor, demo, version):
    before = checkpoint_labels(version)
    checkpoint = checkpoints_of(version)[0]
    response = editor.post(
        reverse("checkpoint_move", args=[demo.draft.pk, checkpoint.pk]), {"direction": "down"}, **HTMX
    )
    doc = assert_annex_fragment(response)
    assert checkpoint_labels(version) == swapped(before, 0, 1)
    assert shown_checkpoint_labels(doc) == swapped(before, 0, 1)


def test_it_asks_before_deleting_a_checkpoint(editor, demo, version):
    checkpoint = checkpoints_of(version)[1]
    response = editor.get(reverse("checkpoint_delete", args=[demo.draft.pk, checkpoint.pk]), **HTMX)
    doc = assert_annex_fragment(response)
    assert checkpoint.label in doc.by_id("confirm-question").text()
    assert Checkpoint.objects.filter(pk=checkpoint.pk).exists()


def test_it_deletes_a_checkpoint(editor, demo, version):
    before = checkpoint_labels(version)
    checkpoint = checkpoints_of(version)[0]
    response = editor.post(reverse("checkpoint_delete", args=[demo.draft.pk, checkpoint.pk]))
    assert_redirect_to_plan(response, demo.draft, "annex")
    assert checkpoint_labels(version) == before[1:]


def test_it_deletes_a_checkpoint_with_htmx(editor, demo, version):
    before = checkpoint_labels(version)
    checkpoint = checkpoints_of(version)[1]
    response = editor.post(reverse("checkpoint_delete", args=[demo.draft.pk, checkpoint.pk]), **HTMX)
    doc = assert_annex_fragment(response)
    assert shown_checkpoint_labels(doc) == before[:1]
    assert not Checkpoint.objects.filter(pk=checkpoint.pk).exists()


# --- The plan page -------------------------------------------------------------------------


def test_it_shows_the_annex_in_order(editor, demo, version):
    doc = assert_full_page(editor.get(reverse("plan_detail", args=[demo.draft.pk])))
    assert shown_goal_titles(doc) == goal_titles(version)
    for goal in goals_of(version):
        assert shown_metric_texts(doc, goal) == metric_texts(goal)
    assert shown_checkpoint_labels(doc) == checkpoint_labels(version)


def test_it_offers_the_edit_actions_to_editors(editor, demo):
    doc = assert_full_page(editor.get(reverse("plan_detail", args=[demo.draft.pk])))
    links = {a.attrs.get("href") for a in doc.find_all(lambda e: e.tag == "a")}
    assert reverse("goal_new", args=[demo.draft.pk]) in links
    assert reverse("checkpoint_new", args=[demo.draft.pk]) in links


def test_it_shows_the_plan_page_without_edit_actions_to_the_executive(demo):
    response = demo.client("kansliapaallikko").get(reverse("plan_detail", args=[demo.draft.pk]))
    doc = assert_full_page(response)
    assert "Strategian toimeenpanon johtaminen" in shown_goal_titles(doc)
    links = {a.attrs.get("href") for a in doc.find_all(lambda e: e.tag == "a")}
    assert reverse("goal_new", args=[demo.draft.pk]) not in links
    assert not doc.find_all(lambda e: e.tag == "form" and "/move/" in e.attrs.get("action", ""))


# --- Creating a plan -----------------------------------------------------------------------


def test_it_links_to_plan_creation_from_the_agreement_page(editor, demo):
    response = editor.get(reverse("agreement_detail", args=[demo.draft.agreement_id]))
    assert response.status_code == 200
    assert reverse("plan_new", args=[demo.draft.agreement_id]) in response.content.decode()


def test_it_suggests_the_year_after_the_last_plan(editor, demo):
    response = editor.get(reverse("plan_new", args=[demo.draft.agreement_id]))
    assert response.status_code == 200
    doc = parse(response.content)
    assert doc.by_id("id_title").value() == "Kansliapäällikön tavoitteet 2028"
    assert doc.by_id("id_period_start").value() == "2028-01-01"
    assert doc.by_id("id_period_end").value() == "2028-12-31"


def test_it_creates_a_plan_for_an_agreement_and_period(editor, demo):
    agreement = demo.draft.agreement
    plans_before = GoalPlan.objects.count()
    response = editor.post(
        reverse("plan_new", args=[agreement.pk]),
        {
            "title": "Kansliapäällikön tavoitteet 2028",
            "title_sv": "Kanslichefens mål 2028",
            "period_start": "2028-01-01",
            "period_end": "2028-12-31",
        },
    )
    plan = GoalPlan.objects.get(agreement=agreement, period_start=dt.date(2028, 1, 1))
    assert response.status_code == 302
    assert response["Location"] == reverse("plan_detail", args=[plan.pk])
    assert GoalPlan.objects.count() == plans_before + 1
    assert (plan.title, plan.title_sv, plan.period_end) == (
        "Kansliapäällikön tavoitteet 2028",
        "Kanslichefens mål 2028",
        dt.date(2028, 12, 31),
    )
    version = plan.versions.get()
    assert (version.number, version.status) == (1, "draft")
    assert version.created_by.username in EDITORS
    assert not version.goal_areas.exists()


def test_it_opens_the_new_plan_for_editing(editor, demo):
    agreement = demo.draft.agreement
    response = editor.post(
        reverse("plan_new", args=[agreement.pk]),
        {
            "title": "Kansliapäällikön tavoitteet 2028",
            "period_start": "2028-01-01",
            "period_end": "2028-12-31",
        },
        follow=True,
    )
    doc = assert_full_page(response)
    assert fi("The plan was created. Add its goals, metrics and checkpoints.") in response.content.decode()
    plan = GoalPlan.objects.get(agreement=agreement, period_start=dt.date(2028, 1, 1))
    links = {a.attrs.get("href") for a in doc.find_all(lambda e: e.tag == "a")}
    assert reverse("goal_new", args=[plan.pk]) in links
    editor.post(reverse("goal_new", args=[plan.pk]), {"new-goal-title": "Ensimmäinen tavoite"})
    assert goal_titles(plan.versions.get()) == ["Ensimmäinen tavoite"]


def test_it_escapes_what_editors_type(editor, demo, version):
    title = '<script>alert("x")</script> & <b>lihavoitu</b>'
    response = editor.post(reverse("goal_new", args=[demo.draft.pk]), {"new-goal-title": title}, **HTMX)
    content = response.content.decode()
    assert "<script>alert" not in content
    assert "&lt;script&gt;" in content
    assert title in shown_goal_titles(parse(content))
    assert GoalArea.objects.filter(version=version, title=title).exists()
