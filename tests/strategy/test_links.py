"""A goal's links to the strategy objectives and budget targets it serves: chosen in the
plan editor, part of the version (frozen with it, in its approved snapshot), carried into
amendments and next-year plans, and refused when they point where they cannot."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from suunta.agreements import integrity
from suunta.agreements.models import GoalArea, GoalObjective, PlanVersion
from suunta.agreements.services import amend
from suunta.agreements.snapshot import version_content
from suunta.audit.models import AuditEvent
from suunta.audit.services import Refused
from suunta.measures.models import MetricValue
from suunta.strategy import services
from suunta.strategy.models import BudgetTarget, Objective, Strategy

from ..dom import parse
from ..helpers import fi
from ..tamper import sql


def numbers(goal) -> list[str]:
    return sorted(o.number for o in GoalArea.objects.get(pk=goal.pk).objectives.all())


def draft_goal(demo, title="Talouden johtaminen") -> GoalArea:
    return demo.draft.versions.get().goal_areas.get(title=title)


def approved_goal(demo, title="Talouden johtaminen") -> GoalArea:
    return demo.plan.versions.get(status="approved").goal_areas.get(title=title)


def objective(demo, number: str) -> Objective:
    return Objective.objects.get(strategy__organization=demo.org, strategy__status="approved", number=number)


def budget_2027(demo, title="Talous tasapainossa 2027") -> BudgetTarget:
    return services.create_budget_target(
        demo.user("valmistelija"),
        demo.org,
        year=2027,
        body=demo.org.bodies.get(short_name="KH"),
        service_area="Keskushallinto",
        kind="financial",
        title=title,
    )


def edit_form_data(doc, goal) -> dict:
    """What the browser posts from the goal's edit form as it was shown."""
    form = doc.find_all(lambda e: e.tag == "form" and f"/goals/{goal.pk}/edit/" in e.attrs.get("action", ""))[
        0
    ]
    data: dict[str, list[str]] = {}
    for element in form.iter():
        name = element.attrs.get("name")
        if not name or element.tag == "button":
            continue
        if element.attrs.get("type") == "checkbox":
            if "checked" in element.attrs:
                data.setdefault(name, []).append(element.attrs["value"])
            continue
        data.setdefault(name, []).append(element.value())
    return data


# --- The picker in the plan editor --------------------------------------------------------------


def test_the_goal_form_offers_the_objectives_and_budget_targets_with_the_linked_ones_checked(demo):
    goal = draft_goal(demo)
    budget_2027(demo)
    response = demo.client("valmistelija").get(reverse("goal_edit", args=[demo.draft.pk, goal.pk]))
    doc = parse(response.content.decode())
    # Each choice is a checkbox inside its label: {label text: checkbox}.
    labels = {
        label.text().strip(): next(e for e in label.iter() if e.tag == "input")
        for label in doc.find_all(lambda e: e.tag == "label")
        if any(
            e.tag == "input"
            and e.attrs.get("name") in (f"goal-{goal.pk}-objectives", f"goal-{goal.pk}-budget_targets")
            for e in label.iter()
        )
    }
    offered = [text for text in labels if text[:3] in {f"{t}.{o}" for t in "123" for o in "12345"}]
    assert len(offered) == 11  # every objective of the approved strategy, numbered
    checked = sorted(text.split()[0] for text in offered if "checked" in labels[text].attrs)
    assert checked == ["3.1", "3.2"]  # copied from the 2026 plan into the 2027 draft
    # The 2027 plan is offered the 2027 budget's targets only, none checked yet.
    targets = [text for text in labels if "2027)" in text]
    assert targets == ["Talous tasapainossa 2027 (KH / Keskushallinto 2027)"]
    assert not any("2025)" in text for text in labels)


def test_the_editor_links_a_goal_and_the_plan_page_shows_it(demo):
    goal, target = draft_goal(demo), budget_2027(demo)
    client = demo.client("pormestari")
    url = reverse("goal_edit", args=[demo.draft.pk, goal.pk])
    data = edit_form_data(parse(client.get(url).content.decode()), goal)
    data[f"goal-{goal.pk}-objectives"] = [str(objective(demo, "3.1").pk), str(objective(demo, "1.2").pk)]
    data[f"goal-{goal.pk}-budget_targets"] = [str(target.pk)]
    response = client.post(url, data)
    assert response.status_code == 302
    assert numbers(goal) == ["1.2", "3.1"]
    assert list(GoalArea.objects.get(pk=goal.pk).budget_targets.all()) == [target]
    page = parse(client.get(response["Location"]).content.decode())
    shown = [
        li.text().split(None, 1)[1].strip()
        for li in page.by_id(f"goal-{goal.pk}").find_all(
            lambda e: e.tag == "li" and e.parent is not None and "goal-links" in e.parent.classes
        )
    ]
    assert shown == [
        "1.2 Yritysten toimintaedellytykset paranevat",
        "3.1 Talous on tasapainossa valtuustokauden lopussa",
        "2027 Talous tasapainossa 2027",
    ]
    event = AuditEvent.objects.filter(action="goal.link").latest("id")
    assert json.loads(event.changes)["objectives"][1] == [
        "1.2 Yritysten toimintaedellytykset paranevat",
        "3.1 Talous on tasapainossa valtuustokauden lopussa",
    ]


def test_an_objective_the_form_does_not_offer_is_refused_next_to_the_field(demo):
    goal = draft_goal(demo)
    client = demo.client("valmistelija")
    url = reverse("goal_edit", args=[demo.draft.pk, goal.pk])
    data = edit_form_data(parse(client.get(url).content.decode()), goal)
    other = Strategy.objects.create(
        organization=demo.other_org,
        title="Toisen kunnan strategia",
        term_start=dt.date(2025, 1, 1),
        term_end=dt.date(2029, 5, 31),
        status="approved",
    )
    foreign = Objective.objects.create(strategy=other, number="1", title="Toisen kunnan tavoite")
    data[f"goal-{goal.pk}-title"] = ["Talouden johtaminen uudelleen"]
    data[f"goal-{goal.pk}-objectives"] = [str(foreign.pk)]
    response = client.post(url, data)
    assert response.status_code == 200
    doc = parse(response.content.decode())
    error = doc.by_id(f"id_goal-{goal.pk}-objectives_error")
    expected = fi("Select a valid choice. %(value)s is not one of the available choices.", value=foreign.pk)
    assert expected in error.text()
    # Nothing was saved, and what the user typed is still there.
    assert GoalArea.objects.get(pk=goal.pk).title == "Talouden johtaminen"
    assert numbers(goal) == ["3.1", "3.2"]
    assert doc.by_id(f"id_goal-{goal.pk}-title").value() == "Talouden johtaminen uudelleen"


def test_the_service_refuses_another_organizations_objective_and_an_ended_term(demo):
    goal, preparer = draft_goal(demo), demo.user("valmistelija")
    other = Strategy.objects.create(
        organization=demo.other_org,
        title="Toinen",
        term_start=dt.date(2025, 1, 1),
        term_end=dt.date(2029, 5, 31),
        status="approved",
    )
    foreign = Objective.objects.create(strategy=other, number="9", title="Vieras")
    ended = Strategy.objects.create(
        organization=demo.org,
        title="Strategia 2021–2025",
        term_start=dt.date(2021, 8, 1),
        term_end=dt.date(2025, 5, 31),
        status="approved",
    )
    old = Objective.objects.create(strategy=ended, number="4.1", title="Vanha tavoite")
    with pytest.raises(Exception) as refused:
        services.link_goal(preparer, goal, objectives=[foreign, old], budget_targets=[])
    messages = refused.value.message_dict["objectives"]
    assert messages == [
        fi("%(objective)s is another organization's objective.", objective="9 Vieras"),
        fi(
            "The council term of %(strategy)s ended on %(date)s, before the plan's period starts.",
            strategy="Strategia 2021–2025",
            date="31.5.2025",
        ),
    ]
    assert numbers(goal) == ["3.1", "3.2"]  # nothing half-saved


def test_a_budget_target_of_another_year_is_refused(demo):
    goal = draft_goal(demo)
    target_2025 = BudgetTarget.objects.get(
        organization=demo.org, year=2025, title__startswith="Keskushallinnon"
    )
    with pytest.raises(Exception) as refused:
        services.link_goal(demo.user("valmistelija"), goal, objectives=[], budget_targets=[target_2025])
    assert refused.value.message_dict["budget_targets"] == [
        fi(
            "%(target)s is a target of the budget for %(year)s, outside the plan's period.",
            target=target_2025.title,
            year=2025,
        )
    ]


# --- Frozen with the version -----------------------------------------------------------------


def test_an_approved_versions_links_are_in_its_snapshot_and_frozen(demo):
    goal = approved_goal(demo)
    version = goal.version
    content = version_content(version)
    linked = next(g for g in content["goals"] if g["title"] == "Talouden johtaminen")
    assert [o["number"] for o in linked["strategy_objectives"]] == ["3.1", "3.2"]
    assert [t["title"] for t in linked["budget_targets"]] == [
        "Keskushallinnon toimintakulut pysyvät talousarviossa",
        "Talouden tasapainotusohjelman säästöt toteutuvat",
    ]
    assert integrity.check(version) is None  # the approval hashed the links
    # Each write in a transaction of its own, as a request's would be.
    with pytest.raises(Refused), transaction.atomic():
        services.link_goal(demo.user("valmistelija"), goal, objectives=[], budget_targets=[])
    with pytest.raises(Refused), transaction.atomic():
        GoalObjective.objects.filter(goal_area=goal).delete()
    with pytest.raises(Refused), transaction.atomic():
        goal.objectives.add(objective(demo, "1.2"))
    assert numbers(goal) == ["3.1", "3.2"]


def test_a_link_changed_beside_the_application_is_detected(demo):
    goal = approved_goal(demo)
    link = GoalObjective.objects.filter(goal_area=goal).order_by("id").first()
    sql(
        "UPDATE agreements_goalobjective SET objective_id = %s WHERE id = %s",
        [objective(demo, "1.3").pk, link.pk],
    )
    failure = integrity.check(PlanVersion.objects.get(pk=goal.version_id))
    assert failure is not None and failure.snapshot_intact


def test_an_amendment_keeps_the_links_and_a_next_year_plan_keeps_the_strategy_only(demo):
    preparer = demo.user("valmistelija")
    draft = amend(preparer, demo.plan)
    goal = draft.goal_areas.get(title="Talouden johtaminen")
    assert numbers(goal) == ["3.1", "3.2"]
    assert goal.budget_targets.count() == 2
    # The seed plan's next year: the 2026 plan of the demo was made the same way.
    current_goal = demo.current.versions.get(status="approved").goal_areas.get(title="Talouden johtaminen")
    assert numbers(current_goal) == ["3.1", "3.2"]
    assert current_goal.budget_targets.count() == 0


def test_a_linked_strategy_version_is_not_deleted(demo):
    strategy = Strategy.objects.get(organization=demo.org, status="approved")
    with pytest.raises(Exception) as refused:
        services.delete_strategy(demo.user("valmistelija"), strategy)
    assert "Talouden johtaminen" in refused.value.messages[0]
    assert Strategy.objects.filter(pk=strategy.pk).exists()


def test_a_revised_strategy_keeps_the_goals_pointing_at_the_version_they_linked(demo):
    preparer = demo.user("valmistelija")
    strategy = Strategy.objects.get(organization=demo.org, status="approved")
    revision = services.revise_strategy(preparer, strategy)
    first = revision.objectives.get(number="3.1")
    services.update_objective(preparer, first, title="Talous on tasapainossa vuonna 2028")
    services.approve_strategy(
        preparer, revision, decided_by=demo.org.bodies.get(short_name="KV"), decided_on=dt.date(2026, 6, 15)
    )
    strategy.refresh_from_db()
    assert strategy.status == "superseded"
    goal = approved_goal(demo)
    assert [o.strategy_id for o in goal.objectives.all()] == [strategy.pk, strategy.pk]
    assert integrity.check(goal.version) is None
    assert first.lineage == Objective.objects.get(strategy=strategy, number="3.1").lineage
    # The draft's goal still links the old version's rows, and may keep them when saved.
    goal = draft_goal(demo)
    services.link_goal(preparer, goal, objectives=goal.objectives.all(), budget_targets=[])
    assert numbers(goal) == ["3.1", "3.2"]


# --- A metric that follows a budget indicator --------------------------------------------------------


def test_a_metric_follows_a_budget_indicator_and_takes_its_realisation(demo):
    preparer = demo.user("valmistelija")
    target = budget_2027(demo)
    indicator = services.add_budget_indicator(
        preparer, target, text="Vuosikate", unit="€/asukas", target_value=Decimal(300)
    )
    services.record_realisation(preparer, indicator, measured_on=dt.date(2027, 4, 30), value=Decimal(120))
    goal = draft_goal(demo)
    client = demo.client("valmistelija")
    response = client.post(
        reverse("metric_new", args=[demo.draft.pk, goal.pk]),
        {
            "new-metric-text": "Vuosikate paranee",
            "new-metric-direction": "increase",
            "new-metric-budget_indicator": str(indicator.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    metric = goal.metrics.get(text="Vuosikate paranee")
    # Target and unit come from the indicator where the form left them empty.
    assert (metric.target, metric.unit, metric.budget_indicator) == (Decimal(300), "€/asukas", indicator)
    values = MetricValue.objects.filter(plan=demo.draft, metric_lineage=metric.lineage)
    assert [(v.measured_on, v.value, v.source) for v in values] == [
        (dt.date(2027, 4, 30), Decimal(120), "budget")
    ]
    services.record_realisation(preparer, indicator, measured_on=dt.date(2027, 8, 31), value=Decimal(180))
    assert [v.value for v in values.all()] == [Decimal(120), Decimal(180)]


def test_the_metric_form_offers_only_indicators_of_the_plans_years(demo):
    goal = draft_goal(demo)
    preparer = demo.user("valmistelija")
    indicator = services.add_budget_indicator(preparer, budget_2027(demo), text="Vuosikate")
    response = demo.client("valmistelija").get(reverse("metric_new", args=[demo.draft.pk, goal.pk]))
    doc = parse(response.content.decode())
    select = doc.by_id("id_new-metric-budget_indicator")
    options = [o.attrs.get("value") for o in select.iter() if o.tag == "option" and o.attrs.get("value")]
    assert options == [str(indicator.pk)]  # not the 2025 budget's four indicators
