"""Bad input in the plan editor and the plan form (issue 2, "Bad input"): a clear
message beside the field, in Finnish, the typed text kept, nothing saved."""

import pytest
from django.urls import reverse

from suunta.agreements.models import DESCRIPTION_MAX, TEXT_MAX, TITLE_MAX, GoalArea, GoalPlan, PlanVersion

from ..dom import parse
from ..factories import AgreementFactory
from ..helpers import (
    HTMX,
    REQUIRED_FI,
    assert_annex_fragment,
    assert_field_error,
    fi,
    max_length_fi,
    snapshot,
)

EDITORS = ("pormestari", "valmistelija")


@pytest.fixture(params=EDITORS)
def editor(request, demo):
    return demo.client(request.param)


@pytest.fixture
def version(demo) -> PlanVersion:
    return demo.draft.versions.get()


def first_goal(version) -> GoalArea:
    return GoalArea.objects.filter(version=version).order_by("order", "id").first()


CHECKPOINT_OK = {
    "new-checkpoint-label": "toukokuu 2026",
    "new-checkpoint-window_start": "2026-05-01",
    "new-checkpoint-window_end": "2026-05-31",
}


# --- Goals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["", "   ", "\t \n "])
def test_it_requires_a_goal_title(editor, demo, typed):
    before = snapshot()
    response = editor.post(
        reverse("goal_new", args=[demo.draft.pk]),
        {"new-goal-title": typed, "new-goal-description": "Kuvaus jää"},
    )
    assert_field_error(response, "id_new-goal-title", REQUIRED_FI, typed=typed)
    assert parse(response.content).by_id("id_new-goal-description").value() == "Kuvaus jää"
    assert snapshot() == before


def test_it_requires_a_goal_title_with_htmx(editor, demo):
    before = snapshot()
    response = editor.post(reverse("goal_new", args=[demo.draft.pk]), {"new-goal-title": "  "}, **HTMX)
    assert_annex_fragment(response)
    assert_field_error(response, "id_new-goal-title", REQUIRED_FI, typed="  ")
    assert snapshot() == before


def test_it_rejects_a_goal_post_without_any_fields(editor, demo):
    before = snapshot()
    response = editor.post(reverse("goal_new", args=[demo.draft.pk]), {})
    assert_field_error(response, "id_new-goal-title", REQUIRED_FI)
    assert snapshot() == before


def test_it_rejects_a_too_long_goal_title(editor, demo):
    before = snapshot()
    typed = "Ä" * (TITLE_MAX + 1)
    response = editor.post(reverse("goal_new", args=[demo.draft.pk]), {"new-goal-title": typed})
    assert_field_error(response, "id_new-goal-title", max_length_fi(TITLE_MAX, TITLE_MAX + 1), typed=typed)
    assert snapshot() == before


def test_it_accepts_a_goal_title_of_exactly_the_limit(editor, demo, version):
    typed = "Ä" * TITLE_MAX
    response = editor.post(reverse("goal_new", args=[demo.draft.pk]), {"new-goal-title": typed})
    assert response.status_code == 302
    assert GoalArea.objects.filter(version=version, title=typed).exists()


def test_it_rejects_a_too_long_goal_description(editor, demo):
    before = snapshot()
    typed = "x" * (DESCRIPTION_MAX + 1)
    response = editor.post(
        reverse("goal_new", args=[demo.draft.pk]),
        {"new-goal-title": "Otsikko", "new-goal-description": typed},
    )
    assert_field_error(
        response, "id_new-goal-description", max_length_fi(DESCRIPTION_MAX, DESCRIPTION_MAX + 1), typed=typed
    )
    assert parse(response.content).by_id("id_new-goal-title").value() == "Otsikko"
    assert snapshot() == before


def test_it_rejects_emptying_a_goal_title_on_edit(editor, demo, version):
    goal = first_goal(version)
    before = snapshot()
    response = editor.post(
        reverse("goal_edit", args=[demo.draft.pk, goal.pk]),
        {f"goal-{goal.pk}-title": "   ", f"goal-{goal.pk}-description": "Muutettu kuvaus"},
    )
    assert_field_error(response, f"id_goal-{goal.pk}-title", REQUIRED_FI, typed="   ")
    assert parse(response.content).by_id(f"id_goal-{goal.pk}-description").value() == "Muutettu kuvaus"
    assert snapshot() == before


def test_it_rejects_a_too_long_goal_title_on_edit_with_htmx(editor, demo, version):
    goal = first_goal(version)
    before = snapshot()
    typed = "y" * (TITLE_MAX + 5)
    response = editor.post(
        reverse("goal_edit", args=[demo.draft.pk, goal.pk]), {f"goal-{goal.pk}-title": typed}, **HTMX
    )
    assert_annex_fragment(response)
    assert_field_error(
        response, f"id_goal-{goal.pk}-title", max_length_fi(TITLE_MAX, TITLE_MAX + 5), typed=typed
    )
    assert snapshot() == before


def test_it_shows_the_other_goals_unchanged_beside_a_failed_edit(editor, demo, version):
    goal = first_goal(version)
    response = editor.post(reverse("goal_edit", args=[demo.draft.pk, goal.pk]), {f"goal-{goal.pk}-title": ""})
    doc = parse(response.content)
    titles = [span.text().strip() for span in doc.find_all(lambda e: "goal-title" in e.classes)]
    # The goal being edited shows its form instead; the others are as stored.
    assert titles == list(
        GoalArea.objects.filter(version=version)
        .exclude(pk=goal.pk)
        .order_by("order")
        .values_list("title", flat=True)
    )


# --- Metrics -------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["", "    "])
def test_it_requires_a_metric_text(editor, demo, version, typed):
    goal = first_goal(version)
    before = snapshot()
    response = editor.post(reverse("metric_new", args=[demo.draft.pk, goal.pk]), {"new-metric-text": typed})
    assert_field_error(response, "id_new-metric-text", REQUIRED_FI, typed=typed)
    assert snapshot() == before


def test_it_rejects_a_too_long_metric_text(editor, demo, version):
    goal = first_goal(version)
    before = snapshot()
    typed = "m" * (TEXT_MAX + 1)
    response = editor.post(
        reverse("metric_new", args=[demo.draft.pk, goal.pk]), {"new-metric-text": typed}, **HTMX
    )
    assert_annex_fragment(response)
    assert_field_error(response, "id_new-metric-text", max_length_fi(TEXT_MAX, TEXT_MAX + 1), typed=typed)
    assert snapshot() == before


def test_it_rejects_a_too_long_swedish_metric_text(editor, demo, version):
    goal = first_goal(version)
    before = snapshot()
    typed = "s" * (TEXT_MAX + 2)
    response = editor.post(
        reverse("metric_new", args=[demo.draft.pk, goal.pk]),
        {"new-metric-text": "Mittari", "new-metric-text_sv": typed},
    )
    assert_field_error(response, "id_new-metric-text_sv", max_length_fi(TEXT_MAX, TEXT_MAX + 2), typed=typed)
    assert parse(response.content).by_id("id_new-metric-text").value() == "Mittari"
    assert snapshot() == before


def test_it_rejects_emptying_a_metric_on_edit(editor, demo, version):
    metric = first_goal(version).metrics.order_by("order").first()
    before = snapshot()
    response = editor.post(
        reverse("metric_edit", args=[demo.draft.pk, metric.pk]), {f"metric-{metric.pk}-text": " "}
    )
    assert_field_error(response, f"id_metric-{metric.pk}-text", REQUIRED_FI, typed=" ")
    assert snapshot() == before


def test_it_rejects_a_metric_post_without_any_fields(editor, demo, version):
    metric = first_goal(version).metrics.order_by("order").first()
    before = snapshot()
    response = editor.post(reverse("metric_edit", args=[demo.draft.pk, metric.pk]), {})
    assert_field_error(response, f"id_metric-{metric.pk}-text", REQUIRED_FI)
    assert snapshot() == before


# --- Checkpoints ---------------------------------------------------------------------------


def test_it_rejects_a_checkpoint_window_that_closes_before_it_opens(editor, demo):
    before = snapshot()
    data = {
        **CHECKPOINT_OK,
        "new-checkpoint-window_start": "2026-05-31",
        "new-checkpoint-window_end": "2026-05-01",
    }
    response = editor.post(reverse("checkpoint_new", args=[demo.draft.pk]), data)
    assert_field_error(
        response,
        "id_new-checkpoint-window_end",
        fi("The window cannot close before it opens."),
        typed="2026-05-01",
    )
    doc = parse(response.content)
    assert doc.by_id("id_new-checkpoint-label").value() == "toukokuu 2026"
    assert doc.by_id("id_new-checkpoint-window_start").value() == "2026-05-31"
    assert snapshot() == before


def test_it_rejects_a_backwards_checkpoint_window_on_edit_with_htmx(editor, demo, version):
    checkpoint = version.checkpoints.order_by("order").first()
    prefix = f"checkpoint-{checkpoint.pk}"
    before = snapshot()
    response = editor.post(
        reverse("checkpoint_edit", args=[demo.draft.pk, checkpoint.pk]),
        {
            f"{prefix}-label": "elokuu 2025",
            f"{prefix}-window_start": "2025-08-31",
            f"{prefix}-window_end": "2025-08-30",
        },
        **HTMX,
    )
    assert_annex_fragment(response)
    assert_field_error(
        response,
        f"id_{prefix}-window_end",
        fi("The window cannot close before it opens."),
        typed="2025-08-30",
    )
    assert snapshot() == before


@pytest.mark.parametrize("typed", ["", "  "])
def test_it_requires_a_checkpoint_label(editor, demo, typed):
    before = snapshot()
    response = editor.post(
        reverse("checkpoint_new", args=[demo.draft.pk]), {**CHECKPOINT_OK, "new-checkpoint-label": typed}
    )
    assert_field_error(response, "id_new-checkpoint-label", REQUIRED_FI, typed=typed)
    assert snapshot() == before


def test_it_rejects_a_too_long_checkpoint_label(editor, demo):
    before = snapshot()
    typed = "k" * 101
    response = editor.post(
        reverse("checkpoint_new", args=[demo.draft.pk]), {**CHECKPOINT_OK, "new-checkpoint-label": typed}
    )
    assert_field_error(response, "id_new-checkpoint-label", max_length_fi(100, 101), typed=typed)
    assert snapshot() == before


def test_it_requires_the_checkpoint_window_dates(editor, demo):
    before = snapshot()
    response = editor.post(
        reverse("checkpoint_new", args=[demo.draft.pk]), {**CHECKPOINT_OK, "new-checkpoint-window_start": ""}
    )
    assert_field_error(response, "id_new-checkpoint-window_start", REQUIRED_FI)
    assert snapshot() == before


def test_it_rejects_a_malformed_checkpoint_date(editor, demo):
    before = snapshot()
    response = editor.post(
        reverse("checkpoint_new", args=[demo.draft.pk]),
        {**CHECKPOINT_OK, "new-checkpoint-window_end": "31.13.2026"},
    )
    assert_field_error(
        response, "id_new-checkpoint-window_end", "Syötä oikea päivämäärä.", typed="31.13.2026"
    )
    assert snapshot() == before


# --- Plans ---------------------------------------------------------------------------------

PLAN_2026 = {
    "title": "Kansliapäällikön tavoitteet 2026",
    "period_start": "2026-01-01",
    "period_end": "2026-12-31",
}


@pytest.mark.parametrize("typed", ["", "   ", "Kansliapäällikön tavoitteet 2027"])
def test_an_empty_or_default_plan_title_follows_the_period(editor, demo, typed):
    """Left empty, or left as the default title the form suggested for another year,
    the title becomes the default title of the period's year."""
    data = {"title": typed, "period_start": "2031-01-01", "period_end": "2031-12-31"}
    response = editor.post(reverse("plan_new", args=[demo.draft.agreement_id]), data)
    assert response.status_code == 302
    plan = GoalPlan.objects.get(agreement_id=demo.draft.agreement_id, period_start="2031-01-01")
    assert plan.title == "Kansliapäällikön tavoitteet 2031"


def test_an_own_plan_title_is_kept(editor, demo):
    data = {"title": "Johtamisen painopisteet 2027", "period_start": "2031-01-01", "period_end": "2031-12-31"}
    assert editor.post(reverse("plan_new", args=[demo.draft.agreement_id]), data).status_code == 302
    assert GoalPlan.objects.get(period_start="2031-01-01").title == "Johtamisen painopisteet 2027"


def test_it_rejects_a_too_long_plan_title(editor, demo):
    before = snapshot()
    typed = "t" * (TITLE_MAX + 1)
    response = editor.post(reverse("plan_new", args=[demo.draft.agreement_id]), {**PLAN_2026, "title": typed})
    assert_field_error(response, "id_title", max_length_fi(TITLE_MAX, TITLE_MAX + 1), typed=typed)
    assert snapshot() == before


def test_it_rejects_a_plan_period_that_ends_before_it_starts(editor, demo):
    before = snapshot()
    response = editor.post(
        reverse("plan_new", args=[demo.draft.agreement_id]),
        {**PLAN_2026, "period_start": "2026-12-31", "period_end": "2026-01-01"},
    )
    assert_field_error(
        response, "id_period_end", fi("The period cannot end before it starts."), typed="2026-01-01"
    )
    doc = parse(response.content)
    assert doc.by_id("id_title").value() == PLAN_2026["title"]
    assert doc.by_id("id_period_start").value() == "2026-12-31"
    assert snapshot() == before


def test_it_says_the_period_error_once(editor, demo):
    response = editor.post(
        reverse("plan_new", args=[demo.draft.agreement_id]),
        {**PLAN_2026, "period_start": "2026-12-31", "period_end": "2026-01-01"},
    )
    assert response.content.decode().count(fi("The period cannot end before it starts.")) == 1


def _duplicate_message(demo) -> str:
    return fi(
        "This agreement already has a plan for this period: %(title)s (%(start)s–%(end)s).",
        title=demo.plan.title,
        start="1.1.2025",
        end="31.12.2025",
    )


def test_a_second_plan_for_the_same_period_is_the_plan_that_has_it(editor, demo):
    # Create once: the plan of exactly this period is shown (made a moment ago in another
    # tab, or by a second click), nothing is created or changed; an overlap is an error.
    before = snapshot()
    typed = "Kansliapäällikön tavoitteet 2025 (uusi)"
    response = editor.post(
        reverse("plan_new", args=[demo.draft.agreement_id]),
        {"title": typed, "period_start": "2025-01-01", "period_end": "2025-12-31"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("plan_detail", args=[demo.plan.pk])
    page = editor.get(response["Location"])
    assert fi("A plan for this period had already been created; here it is.") in page.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("start", "end"),
    [("2025-06-01", "2026-05-31"), ("2024-07-01", "2025-01-01"), ("2025-03-01", "2025-03-31")],
    ids=["overlaps-the-end", "touches-the-start", "inside"],
)
def test_it_rejects_a_plan_that_overlaps_another(editor, demo, start, end):
    before = snapshot()
    response = editor.post(
        reverse("plan_new", args=[demo.draft.agreement_id]),
        {"title": "Päällekkäinen", "period_start": start, "period_end": end},
    )
    assert_field_error(response, "id_period_start", _duplicate_message(demo), typed=start)
    assert snapshot() == before


def test_it_allows_a_plan_that_starts_the_day_after_the_last_one_ends(editor, demo):
    response = editor.post(
        reverse("plan_new", args=[demo.draft.agreement_id]),
        {"title": "Seuraava", "period_start": "2028-01-01", "period_end": "2028-06-30"},
    )
    assert response.status_code == 302


def test_it_allows_the_same_period_for_another_agreement(demo):
    # Only plans of the same agreement conflict: a second director's 2025 plan is fine.
    # (The preparer makes it: the mayor evaluates the chief of staff, not this director.)
    agreement = AgreementFactory(organization=demo.org)
    assert demo.client("pormestari").get(reverse("plan_new", args=[agreement.pk])).status_code == 404
    response = demo.client("valmistelija").post(
        reverse("plan_new", args=[agreement.pk]),
        {
            "title": "Toisen johtajan tavoitteet 2025",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
        },
    )
    assert response.status_code == 302
    assert agreement.plans.count() == 1
