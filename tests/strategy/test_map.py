"""The strategy map page: the demo's strategy 2025–2029 with the goals that serve its
objectives, the gaps, the follow-ups and budget figures each viewer may see."""

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.urls import reverse

from suunta.followup.models import FollowUp, FollowUpStatus
from suunta.organizations.models import Body
from suunta.strategy import services
from suunta.strategy.map import strategy_map
from suunta.strategy.models import Strategy

from ..dom import parse
from ..helpers import fi
from ..tamper import change_goal_title

pytestmark = pytest.mark.django_db

GAPS = ["1.2", "1.3", "2.2"]


def url(demo, **query) -> str:
    base = reverse("strategy_map", args=[demo.org.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def entries(context) -> dict:
    return {entry.objective.number: entry for theme in context["themes"] for entry in theme.objectives}


def goal_titles(entry) -> list[str]:
    return [item.goal.title for item in entry.goals]


def below(item) -> list:
    """The goals serving a map goal, down the cascade."""
    return [found for child in item.serving for found in (child, *below(child))]


def test_it_shows_every_objective_by_theme_with_its_goals_and_the_gaps(demo):
    context = strategy_map(demo.user("valmistelija"), demo.org, year=2025)
    assert [t.theme.number for t in context["themes"]] == ["1", "2", "3"]
    by_number = entries(context)
    assert len(by_number) == 11
    assert [e.objective.number for e in context["gaps"]] == GAPS
    assert context["covered_count"] == 8
    assert goal_titles(by_number["1.1"]) == ["Strategian toimeenpanon johtaminen"]
    assert goal_titles(by_number["3.3"]) == ["Henkilöstöjohtaminen", "Johtoryhmätyöskentelyn kehittäminen"]
    assert {item.plan.pk for e in by_number.values() for item in e.goals} == {demo.plan.pk}
    # The table: one row per objective and goal, one per gap, and one per goal below
    # serving a goal there (the demo's sector directors' goals, suunta/demo/cascade.py).
    assert len(context["rows"]) == sum(
        max(len(e.goals), 1) + sum(len(below(item)) for item in e.goals) for e in by_number.values()
    )
    assert sum(len(below(item)) for e in by_number.values() for item in e.goals) == 9


def test_the_page_links_goals_to_their_plan_and_marks_gaps_in_words(demo):
    response = demo.client("valmistelija").get(url(demo, year=2025))
    assert response.status_code == 200
    page = parse(response.content.decode())
    links = [a.attrs["href"] for a in page.find_all(lambda e: e.tag == "a")]
    assert any(href.startswith(reverse("plan_detail", args=[demo.plan.pk]) + "?version=") for href in links)
    gaps = page.find_all(lambda e: "map-objective--gap" in e.classes)
    assert len(gaps) == len(GAPS)
    for gap in gaps:
        assert fi("Gap: no goal serves this objective") in gap.text()
    table = page.find_all(lambda e: e.tag == "table")[0]
    assert table.find_all(lambda e: e.tag == "caption")
    assert all("scope" in th.attrs for th in table.find_all(lambda e: e.tag == "th"))
    gap_rows = table.find_all(lambda e: e.tag == "tr" and "map-row--gap" in e.classes)
    assert [row.find_all(lambda e: e.tag == "th")[0].text().split()[0] for row in gap_rows] == GAPS


def test_it_has_labelled_filters_for_term_and_year(demo):
    page = parse(demo.client("hallitus").get(url(demo)).content.decode())
    for name in ("strategy", "year"):
        select = page.find_all(lambda e, n=name: e.tag == "select" and e.attrs.get("name") == n)[0]
        assert page.find_all(lambda e, s=select: e.tag == "label" and e.attrs.get("for") == s.attrs["id"])
    years = page.find_all(lambda e: e.tag == "option" and e.parent.attrs.get("name") == "year")
    assert [o.attrs["value"] for o in years] == ["2025", "2026", "2027", "2028", "2029"]
    assert [o.attrs["value"] for o in years if "selected" in o.attrs] == ["2026"]  # today's year


def test_the_default_year_is_this_year_with_its_plan(demo):
    context = strategy_map(demo.user("valmistelija"), demo.org)
    assert context["year"] == 2026
    # The 2026 plan was made from the 2025 one with its goals' links.
    assert {item.plan.pk for e in entries(context).values() for item in e.goals} == {demo.current.pk}


def test_bad_filters_fall_back_to_the_defaults(demo):
    response = demo.client("valmistelija").get(url(demo, strategy="x", year="1999"))
    assert response.status_code == 200
    assert response.context["year"] == 2026
    assert response.context["strategy"].title == "Esimerkkikunnan strategia 2025–2029"
    response = demo.client("valmistelija").get(url(demo, strategy=999999, year="abc"))
    assert response.status_code == 200


def test_the_latest_agreed_followup_shows_with_its_rating(demo):
    context = strategy_map(demo.user("hallitus"), demo.org, year=2025)
    item = entries(context)["1.1"].goals[0]
    # The second checkpoint (reported 2.3.2026) is the latest.
    assert item.followup.followup.status == FollowUpStatus.REPORTED
    assert item.followup.assessment.text == "Strategiatyö käynnistetty valtuuston seminaarissa."
    assert item.followup.rating.code == "achieved"


def test_a_followup_agreed_but_not_reported_is_for_insiders_only(demo):
    latest = (
        FollowUp.objects.filter(checkpoint__version__plan=demo.plan).order_by("-checkpoint__order").first()
    )
    FollowUp.objects.filter(pk=latest.pk).update(status=FollowUpStatus.AGREED)
    preparer = entries(strategy_map(demo.user("valmistelija"), demo.org, year=2025))["1.1"].goals[0]
    assert preparer.followup.checkpoint.pk == latest.checkpoint_id
    board = entries(strategy_map(demo.user("hallitus"), demo.org, year=2025))["1.1"].goals[0]
    assert board.followup.checkpoint.pk != latest.checkpoint_id  # the earlier, reported one
    assert board.followup.followup.status == FollowUpStatus.REPORTED
    page = demo.client("hallitus").get(url(demo, year=2025)).content.decode()
    assert "Strategiatyö käynnistetty valtuuston seminaarissa." not in page


def test_a_draft_plan_is_shown_only_to_those_who_read_drafts(demo):
    preparer = strategy_map(demo.user("valmistelija"), demo.org, year=2027)
    shown = {item.plan.pk for e in entries(preparer).values() for item in e.goals}
    assert shown == {demo.draft.pk}
    assert all(not item.version.is_frozen for e in entries(preparer).values() for item in e.goals)
    board = strategy_map(demo.user("hallitus"), demo.org, year=2027)
    assert not any(e.goals for e in entries(board).values())
    assert len(board["gaps"]) == 11
    page = demo.client("hallitus").get(url(demo, year=2027)).content.decode()
    assert "Kansliapäällikön tavoitteet 2027" not in page


def test_budget_targets_show_the_latest_realisation_against_the_target(demo):
    context = strategy_map(demo.user("tarkastaja"), demo.org, year=2025)
    item = next(i for i in entries(context)["3.1"].goals if i.goal.title == "Talouden johtaminen")
    summaries = [line.summary for line in item.budget]
    assert len(summaries) == 2
    assert "99,6\xa0%" in summaries[0] and "31.12.2025" in summaries[0] and "100\xa0%" in summaries[0]
    assert context["unlinked_targets"] == []  # every demo target is linked


def test_a_budget_target_no_goal_links_to_is_listed(demo):
    preparer = demo.user("valmistelija")
    target = services.create_budget_target(
        preparer,
        demo.org,
        year=2025,
        body=Body.objects.get(organization=demo.org, short_name="KH"),
        title="Kuntalaisaloitteisiin vastataan kolmessa kuukaudessa",
    )
    services.add_budget_indicator(preparer, target, text="Vastausaika", unit="kk", target_value=Decimal(3))
    context = strategy_map(preparer, demo.org, year=2025)
    assert [line.target.pk for line in context["unlinked_targets"]] == [target.pk]
    page = demo.client("valmistelija").get(url(demo, year=2025)).content.decode()
    assert "Kuntalaisaloitteisiin vastataan kolmessa kuukaudessa" in page
    assert not strategy_map(preparer, demo.org, year=2026)["unlinked_targets"]


def _revise_and_approve(demo) -> tuple[Strategy, Strategy]:
    preparer = demo.user("valmistelija")
    first = Strategy.objects.get(organization=demo.org)
    second = services.revise_strategy(preparer, first)
    services.approve_strategy(
        preparer,
        second,
        decided_by=Body.objects.get(organization=demo.org, short_name="KV"),
        decided_on=dt.date(2026, 6, 15),
    )
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second


def test_goals_linked_to_an_earlier_version_show_under_the_same_objective_marked(demo):
    first, second = _revise_and_approve(demo)
    context = strategy_map(demo.user("valmistelija"), demo.org, year=2025)
    assert context["strategy"] == second  # the current approved version
    item = entries(context)["1.1"].goals[0]
    assert item.goal.title == "Strategian toimeenpanon johtaminen"
    assert item.linked_version == 1
    assert [e.objective.number for e in context["gaps"]] == GAPS
    page = demo.client("valmistelija").get(url(demo, year=2025)).content.decode()
    assert fi("Links to strategy version %(number)s", number=1) in page
    # The superseded version is a choice of its own; there the links are its own.
    earlier = strategy_map(demo.user("valmistelija"), demo.org, strategy=first.pk, year=2025)
    assert earlier["strategy"] == first
    assert entries(earlier)["1.1"].goals[0].linked_version is None
    assert {s.pk for s in earlier["strategies"]} == {first.pk, second.pk}


def test_a_draft_strategy_is_no_choice(demo):
    first = Strategy.objects.get(organization=demo.org)
    draft = services.revise_strategy(demo.user("valmistelija"), first)
    context = strategy_map(demo.user("valmistelija"), demo.org, strategy=draft.pk)
    assert context["strategy"] == first
    assert [s.pk for s in context["strategies"]] == [first.pk]


def test_an_organization_without_an_approved_strategy_gets_the_empty_state(demo):
    response = demo.client("toinen-valmistelija").get(reverse("strategy_map", args=[demo.other_org.slug]))
    assert response.status_code == 200
    assert response.context["strategy"] is None
    empty = fi(
        "The organization has no approved strategy yet. Once the council's strategy and its approval are "
        "recorded, this page shows which goals serve each strategic objective and where there are gaps."
    )
    page = response.content.decode()
    assert empty in page or html.escape(empty) in page


def test_an_approved_version_whose_rows_changed_is_left_out(demo):
    tampering = change_goal_title(demo.plan)
    response = demo.client("valmistelija").get(url(demo, year=2025))
    assert response.status_code == 200
    assert tampering.shown not in response.content.decode()
    assert [f.version.pk for f in response.context["integrity_failures"]] == [tampering.version.pk]
    assert len(response.context["gaps"]) == 11


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("pormestari", 200),
        ("kansliapaallikko", 200),
        ("valmistelija", 200),
        ("hallitus", 200),
        ("tarkastaja", 200),
        ("paakayttaja", 200),
        ("toinen-valmistelija", 404),
        ("toinen-paakayttaja", 404),
    ],
)
def test_it_requires_a_role_in_the_organization(demo, persona, status):
    assert demo.client(persona).get(url(demo)).status_code == status


def test_it_requires_login(demo, client):
    response = client.get(url(demo))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
