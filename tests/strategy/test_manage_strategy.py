"""The strategy pages as the preparer uses them: a new strategy with its themes,
objectives and indicators, the council's approval, a revision as a new version, and a
deletion refused while goals link to the version. Errors show next to their fields in
the user's language, with what was typed kept."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suunta.organizations.models import Body
from suunta.strategy import services
from suunta.strategy.models import Objective, Strategy, StrategyIndicator, StrategyStatus, Theme

from ..dom import parse
from ..helpers import REQUIRED_FI, assert_field_error, fi, known_sign_in

KEY = "k" * 24


@pytest.fixture
def preparer(demo):
    return demo.client("valmistelija")


def demo_strategy(demo) -> Strategy:
    return Strategy.objects.get(organization=demo.org)


def detail_url(strategy) -> str:
    return reverse("strategy_detail", args=[strategy.organization.slug, strategy.pk])


def url(name: str, strategy, *extra) -> str:
    return reverse(name, args=[strategy.organization.slug, strategy.pk, *extra])


def messages_of(response) -> list[str]:
    doc = parse(response.content)
    return [p.text().strip() for p in doc.find_all(lambda e: "message" in e.classes and e.tag == "p")]


def new_draft(demo, title="Strategia 2027–2030", objectives=0, **extra) -> Strategy:
    user = demo.user("valmistelija")
    strategy = services.create_strategy(
        user, demo.org, title=title, term_start=dt.date(2027, 1, 1), term_end=dt.date(2030, 5, 31), **extra
    )
    theme = services.add_theme(user, strategy, number="1", title="Elinvoima")
    for n in range(1, objectives + 1):
        objective = services.add_objective(user, strategy, theme=theme, number=f"1.{n}", title=f"Tavoite {n}")
        services.add_strategy_indicator(
            user, objective, text=f"Mittari {n}", unit="%", targets={2027: Decimal(n), 2028: Decimal(n + 1)}
        )
    return strategy


def council(demo) -> Body:
    return Body.objects.get(organization=demo.org, short_name="KV")


# --- Creating ---------------------------------------------------------------------------------


def test_the_preparer_builds_a_strategy_with_themes_objectives_and_indicators(demo, preparer):
    response = preparer.post(
        reverse("strategy_list", args=[demo.org.slug]),
        {
            "new-title": "Strategia 2029–2033",
            "new-term_start": "2029-06-01",
            "new-term_end": "2033-05-31",
            "new-vision": "Hyvä kunta.",
            "once_key": KEY,
        },
    )
    strategy = Strategy.objects.get(title="Strategia 2029–2033")
    assert response.status_code == 302
    assert response["Location"] == detail_url(strategy)
    assert strategy.status == StrategyStatus.DRAFT and strategy.version == 1

    preparer.post(url("strategy_theme_add", strategy), {"theme-number": "1", "theme-title": "Elinvoima"})
    theme = Theme.objects.get(strategy=strategy)
    response = preparer.post(
        url("strategy_objective_add", strategy),
        {
            "objective-theme": theme.pk,
            "objective-number": "1.1",
            "objective-title": "Yritykset viihtyvät",
            "objective-description": "Yrityksiä tuetaan.",
        },
    )
    objective = Objective.objects.get(strategy=strategy)
    assert response["Location"] == detail_url(strategy) + f"#objective-{objective.pk}"
    assert objective.theme == theme and objective.number == "1.1"
    preparer.post(
        url("strategy_indicator_add", strategy, objective.pk),
        {
            f"indicator-{objective.pk}-text": "Uudet yritykset",
            f"indicator-{objective.pk}-unit": "kpl",
            f"indicator-{objective.pk}-target_2030": "12,5",
            f"indicator-{objective.pk}-target_2031": "15",
        },
    )
    indicator = StrategyIndicator.objects.get(objective=objective)
    assert {t.year: t.value for t in indicator.targets.all()} == {2030: Decimal("12.5"), 2031: Decimal(15)}

    page = parse(preparer.get(detail_url(strategy)).content)
    theme_section = page.by_id(f"theme-{theme.pk}")
    assert theme_section.find_all(lambda e: e.tag == "h3")[0].text() == "1 Elinvoima"
    item = page.by_id(f"objective-{objective.pk}")
    assert "1.1 Yritykset viihtyvät" in " ".join(item.text().split())
    row = next(tr for tr in item.find_all(lambda e: e.tag == "tr") if "Uudet yritykset" in tr.text())
    cells = [c.text().strip() for c in row.find_all(lambda e: e.tag == "td")]
    assert cells[:6] == ["kpl", "–", "12,5", "15", "–", "–"]


def test_a_new_strategy_with_errors_is_shown_again_with_the_messages(demo, preparer):
    before = Strategy.objects.count()
    response = preparer.post(
        reverse("strategy_list", args=[demo.org.slug]),
        {
            "new-title": "",
            "new-term_start": "2029-06-01",
            "new-term_end": "2025-05-31",
            "new-vision": "Visio",
        },
    )
    assert_field_error(response, "id_new-title", REQUIRED_FI)
    assert_field_error(response, "id_new-term_end", fi("The term cannot end before it starts."), "2025-05-31")
    assert parse(response.content).by_id("id_new-vision").value() == "Visio"
    assert Strategy.objects.count() == before


def test_a_double_submit_adds_the_theme_once(demo, preparer):
    strategy = new_draft(demo)
    data = {"theme-number": "2", "theme-title": "Hyvinvointi", "once_key": KEY}
    first = preparer.post(url("strategy_theme_add", strategy), data)
    second = preparer.post(url("strategy_theme_add", strategy), data)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert Theme.objects.filter(strategy=strategy, title="Hyvinvointi").count() == 1


def test_an_objective_with_errors_keeps_what_was_typed(demo, preparer):
    strategy = new_draft(demo)
    response = preparer.post(
        url("strategy_objective_add", strategy),
        {"objective-number": "1.9", "objective-title": "", "objective-description": "Kuvaus"},
    )
    assert_field_error(response, "id_objective-title", REQUIRED_FI)
    doc = parse(response.content)
    assert doc.by_id("id_objective-number").value() == "1.9"
    assert doc.by_id("id_objective-description").value().strip() == "Kuvaus"
    assert not Objective.objects.filter(strategy=strategy).exists()


def test_an_indicator_target_must_be_a_number(demo, preparer):
    strategy = new_draft(demo, objectives=1)
    objective = strategy.objectives.get()
    prefix = f"indicator-{objective.pk}"
    response = preparer.post(
        url("strategy_indicator_add", strategy, objective.pk),
        {f"{prefix}-text": "Tyytyväisyys", f"{prefix}-target_2028": "paljon"},
    )
    assert_field_error(response, f"id_{prefix}-target_2028", fi("Enter a number, e.g. 1 234,5."), "paljon")
    assert parse(response.content).by_id(f"id_{prefix}-text").value() == "Tyytyväisyys"
    # The form stays open where it was sent from.
    details = parse(response.content).by_id(f"id_{prefix}-text").closest(lambda e: e.tag == "details")
    assert "open" in details.attrs
    assert objective.indicators.count() == 1


# --- Editing ----------------------------------------------------------------------------------


def test_the_preparer_edits_the_strategy_a_theme_an_objective_and_an_indicator(demo, preparer):
    strategy = new_draft(demo, objectives=2)
    response = preparer.post(
        detail_url(strategy),
        {
            "strategy-title": "Uusi nimi",
            "strategy-term_start": "2027-01-01",
            "strategy-term_end": "2031-05-31",
            "strategy-vision": "Uusi visio",
        },
    )
    assert response.status_code == 302
    strategy.refresh_from_db()
    assert (strategy.title, strategy.term_end, strategy.vision) == (
        "Uusi nimi",
        dt.date(2031, 5, 31),
        "Uusi visio",
    )

    theme = strategy.themes.get()
    edit = url("strategy_theme_edit", strategy, theme.pk)
    assert parse(preparer.get(edit).content).by_id("id_title").value() == "Elinvoima"
    preparer.post(edit, {"number": "1", "title": "Elinvoima ja veto"})
    second = services.add_theme(demo.user("valmistelija"), strategy, number="2", title="Talous")

    objective = strategy.objectives.get(number="1.2")
    preparer.post(
        url("strategy_objective_edit", strategy, objective.pk),
        {"theme": second.pk, "number": "2.1", "title": "Talous tasapainossa"},
    )
    objective.refresh_from_db()
    assert (objective.theme, objective.number, objective.title) == (second, "2.1", "Talous tasapainossa")

    indicator = objective.indicators.get()
    edit = url("strategy_indicator_edit", strategy, indicator.pk)
    assert parse(preparer.get(edit).content).by_id("id_target_2028").value() == "3"
    preparer.post(edit, {"text": "Vuosikate", "unit": "€", "target_2027": "", "target_2028": "250,5"})
    indicator.refresh_from_db()
    assert indicator.text == "Vuosikate"
    assert {t.year: t.value for t in indicator.targets.all()} == {2028: Decimal("250.5")}

    page = preparer.get(detail_url(strategy)).content.decode()
    assert "Elinvoima ja veto" in page and "Talous tasapainossa" in page and "250,5" in page


def test_an_edit_with_errors_is_shown_again(demo, preparer):
    strategy = new_draft(demo, objectives=1)
    objective = strategy.objectives.get()
    response = preparer.post(
        url("strategy_objective_edit", strategy, objective.pk),
        {"number": "1.1", "title": "", "description": "D"},
    )
    assert_field_error(response, "id_title", REQUIRED_FI, "")
    assert parse(response.content).by_id("id_description").value().strip() == "D"
    objective.refresh_from_db()
    assert objective.title == "Tavoite 1"


def test_a_theme_with_objectives_is_not_removed(demo, preparer):
    strategy = new_draft(demo, objectives=1)
    theme = strategy.themes.get()
    response = preparer.post(url("strategy_theme_delete", strategy, theme.pk), follow=True)
    assert fi("Move or remove the theme's objectives first.") in messages_of(response)
    assert Theme.objects.filter(pk=theme.pk).exists()
    preparer.post(url("strategy_objective_delete", strategy, strategy.objectives.get().pk))
    preparer.post(url("strategy_theme_delete", strategy, theme.pk))
    assert not strategy.themes.exists()


def test_an_approved_strategy_does_not_change(demo, preparer):
    strategy = demo_strategy(demo)
    theme = strategy.themes.first()
    before = (Theme.objects.count(), Objective.objects.count())
    response = preparer.post(url("strategy_theme_add", strategy), {"theme-title": "Uusi"}, follow=True)
    assert fi(
        "An approved strategy does not change. Revise it as a new version to change its content."
    ) in messages_of(response)
    preparer.post(url("strategy_theme_edit", strategy, theme.pk), {"title": "Muutettu"})
    preparer.post(url("strategy_objective_delete", strategy, strategy.objectives.first().pk))
    assert (Theme.objects.count(), Objective.objects.count()) == before
    assert Theme.objects.get(pk=theme.pk).title == theme.title
    page = parse(preparer.get(detail_url(strategy)).content)
    assert not page.has_id("add-theme")
    assert page.has_id("revise")


# --- Approval, revision, deletion -------------------------------------------------------------


def test_the_preparer_records_the_councils_approval(demo, preparer):
    strategy = new_draft(demo, objectives=2)
    response = preparer.post(
        url("strategy_approve", strategy),
        {
            "approval-decided_by": council(demo).pk,
            "approval-decided_on": "2027-02-16",
            "approval-decision_section": "9",
            "approval-decision_case_number": "TUUDno-2026-55",
        },
    )
    assert response.status_code == 302
    strategy.refresh_from_db()
    assert strategy.status == StrategyStatus.APPROVED
    assert (strategy.decided_by, strategy.decided_on, strategy.decision_section) == (
        council(demo),
        dt.date(2027, 2, 16),
        "9",
    )
    listing = parse(preparer.get(reverse("strategy_list", args=[demo.org.slug])).content)
    row = next(tr for tr in listing.find_all(lambda e: e.tag == "tr") if "Strategia 2027–2030" in tr.text())
    assert "KV 16.2.2027 § 9 (TUUDno-2026-55)" in row.text()


def test_the_approval_form_shows_its_errors(demo, preparer):
    strategy = new_draft(demo, objectives=1)
    response = preparer.post(
        url("strategy_approve", strategy),
        {
            "approval-decided_by": council(demo).pk,
            "approval-decided_on": "",
            "approval-decision_section": "9",
        },
    )
    assert_field_error(response, "id_approval-decided_on", REQUIRED_FI)
    assert parse(response.content).by_id("id_approval-decision_section").value() == "9"
    assert Strategy.objects.get(pk=strategy.pk).status == StrategyStatus.DRAFT


def test_a_strategy_without_objectives_is_not_approved(demo, preparer):
    strategy = new_draft(demo)
    response = preparer.post(
        url("strategy_approve", strategy),
        {"approval-decided_by": council(demo).pk, "approval-decided_on": "2027-02-16"},
    )
    assert response.status_code == 200
    errors = parse(response.content).by_id("approval").find_all(lambda e: "form-errors" in e.classes)
    assert fi("Add the strategy's objectives before recording its approval.") in errors[0].text()
    assert Strategy.objects.get(pk=strategy.pk).status == StrategyStatus.DRAFT


def test_revising_keeps_the_approved_version_and_copies_the_lineage(demo, preparer):
    old = demo_strategy(demo)
    response = preparer.post(url("strategy_revise", old))
    draft = Strategy.objects.get(lineage=old.lineage, version=2)
    assert response["Location"] == detail_url(draft)
    assert draft.status == StrategyStatus.DRAFT and draft.title == old.title
    old.refresh_from_db()
    assert old.status == StrategyStatus.APPROVED
    pairs = lambda s: sorted(s.objectives.values_list("number", "lineage"))  # noqa: E731
    assert pairs(draft) == pairs(old)
    assert draft.objectives.count() == 11
    # Revising again opens the same draft; the old version's page points at it.
    assert preparer.post(url("strategy_revise", old))["Location"] == detail_url(draft)
    page = parse(preparer.get(detail_url(old)).content)
    assert detail_url(draft) in [
        a.attrs.get("href") for a in page.by_id("revise").find_all(lambda e: e.tag == "a")
    ]
    # Approving the draft supersedes the old version.
    preparer.post(
        url("strategy_approve", draft),
        {
            "approval-decided_by": council(demo).pk,
            "approval-decided_on": "2026-11-23",
            "approval-decision_section": "70",
        },
    )
    old.refresh_from_db()
    draft.refresh_from_db()
    assert (old.status, draft.status) == (StrategyStatus.SUPERSEDED, StrategyStatus.APPROVED)


def test_a_version_that_goals_link_to_is_not_deleted(demo, preparer):
    strategy = services.approve_strategy(
        demo.user("valmistelija"),
        new_draft(demo, objectives=2),
        decided_by=council(demo),
        decided_on=dt.date(2026, 11, 23),
    )
    goal = demo.draft.versions.get().goal_areas.first()
    services.link_goal(
        demo.user("valmistelija"), goal, objectives=[strategy.objectives.first()], budget_targets=[]
    )
    response = preparer.post(url("strategy_delete", strategy))
    assert response["Location"] == detail_url(strategy) + "#delete"
    shown = messages_of(preparer.get(response["Location"]))
    expected = fi(
        "Goals link to this strategy version (%(goals)s), so it is kept. Revise it as a new "
        "version instead; the goals keep pointing where they pointed.",
        goals=goal.title,
    )
    assert expected in shown
    assert Strategy.objects.filter(pk=strategy.pk).exists()


def test_a_draft_nothing_links_to_is_deleted(demo, preparer):
    strategy = new_draft(demo, objectives=2)
    response = preparer.post(url("strategy_delete", strategy), follow=True)
    assert response.redirect_chain[-1][0] == reverse("strategy_list", args=[demo.org.slug])
    assert not Strategy.objects.filter(pk=strategy.pk).exists()
    assert not Objective.objects.filter(strategy_id=strategy.pk).exists()


# --- Queries --------------------------------------------------------------------------------------


def test_the_detail_page_makes_as_many_queries_for_twelve_objectives_as_for_three(demo, preparer):
    small = new_draft(demo, title="Pieni", objectives=3)
    large = new_draft(demo, title="Suuri", objectives=12)
    preparer.get(detail_url(small))  # the session and roles warm

    def queries(strategy) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = preparer.get(detail_url(strategy))
        assert response.status_code == 200
        assert response.content.decode().count('class="objective"') == strategy.objectives.count()
        return len(captured)

    assert queries(small) == queries(large)
    # The same for a reader of an approved strategy.
    reader = demo.client("hallitus")
    for strategy in (small, large):
        services.approve_strategy(
            demo.user("valmistelija"), strategy, decided_by=council(demo), decided_on=dt.date(2026, 11, 23)
        )
    known_sign_in(reader)
    with CaptureQueriesContext(connection) as first:
        reader.get(detail_url(small))
    with CaptureQueriesContext(connection) as second:
        reader.get(detail_url(large))
    assert len(first) == len(second)
