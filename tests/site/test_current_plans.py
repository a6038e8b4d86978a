"""Issue 23, pages that cost the same at national scale: the front page and the
dashboard show what is current — this year's and later plans, and earlier ones with
something due — and every plan the user may see is on the organization's list of
plans, newest first, a page at a time; none of the three reads more queries for ten
years of plans than for one."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suunta.agreements.models import PlanVersion
from suunta.followup.models import FollowUp
from suunta.site import pages

from ..conftest import client_for
from ..dom import parse
from ..factories import (
    AgreementFactory,
    CheckpointFactory,
    GoalAreaFactory,
    MembershipFactory,
    OrganizationFactory,
    PlanFactory,
    UserFactory,
    VersionFactory,
)

pytestmark = pytest.mark.django_db

THIS_YEAR = 2026  # tests.conftest.TEST_TODAY: 27.11.2026


def add_plan(agreement, year: int, status: str = "approved", late: bool = False):
    """A plan of `year` with two goals and follow-ups in August and January: reported to
    the board, except a `late` plan's August one, whose views are in but which was never
    agreed (due to the preparer, late). A plan of this year has its January follow-up ahead."""
    plan = PlanFactory(
        agreement=agreement,
        title=f"Johtajan tavoitteet {year}",
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        version=None,
    )
    version = VersionFactory(plan=plan, status="draft")
    GoalAreaFactory.create_batch(2, version=version)
    august = CheckpointFactory(
        version=version, window_start=dt.date(year, 8, 1), window_end=dt.date(year, 8, 31), order=1
    )
    january = CheckpointFactory(
        version=version, window_start=dt.date(year + 1, 1, 15), window_end=dt.date(year + 1, 2, 15), order=2
    )
    PlanVersion.objects.filter(pk=version.pk).update(status=status)
    if status == "approved":
        FollowUp.objects.create(checkpoint=august, status="views_in" if late else "reported")
        if year < THIS_YEAR:
            FollowUp.objects.create(checkpoint=january, status="reported")
    return plan


def build(years: int) -> dict:
    """An organization with `years` years of approved plans up to this year, the oldest
    with a late follow-up, and next year's draft."""
    org = OrganizationFactory()
    people = {name: UserFactory() for name in ("preparer", "executive", "mayor", "board")}
    for name, role in (("preparer", "preparer"), ("executive", "executive"), ("board", "board_member")):
        MembershipFactory(organization=org, user=people[name], role=role, title="")
    MembershipFactory(organization=org, user=people["mayor"], role="evaluator", title="mayor")
    agreement = AgreementFactory(organization=org, executive=people["executive"])
    plans = {
        year: add_plan(agreement, year, late=index == 0)
        for index, year in enumerate(range(THIS_YEAR - years + 1, THIS_YEAR + 1))
    }
    plans[THIS_YEAR + 1] = add_plan(agreement, THIS_YEAR + 1, status="draft")
    return {"org": org, "plans": plans, **people}


def plan_links(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    doc = parse(response.content)
    return [a.attrs["href"] for a in doc.find_all(lambda e: e.tag == "a" and "plan-list__title" in e.classes)]


def url_of(plan) -> str:
    return reverse("plan_detail", args=[plan.pk])


def list_url(org) -> str:
    return reverse("plan_list", args=[org.slug])


def all_plans_link(response, org) -> str:
    """The text of the front page's link to the organization's list of plans."""
    doc = parse(response.content)
    links = [a for a in doc.find_all(lambda e: e.tag == "a") if a.attrs.get("href") == list_url(org)]
    assert len(links) == 1, links
    return " ".join(links[0].text().split())


def every_listed_plan(client, org) -> list[str]:
    """Every plan on the organization's list, following the "Older" links page by page."""
    url, seen = list_url(org), []
    for _ in range(50):
        response = client.get(url)
        seen += plan_links(response)
        doc = parse(response.content)
        older = [a for a in doc.find_all(lambda e: e.tag == "a") if " ".join(a.text().split()) == "Vanhemmat"]
        if not older:
            return seen
        url = list_url(org) + older[0].attrs["href"]
    pytest.fail("the list of plans does not end")


def count_queries(client, url) -> tuple[int, str]:
    client.get(url)  # warm up (session)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries), "\n".join(q["sql"] for q in context.captured_queries)


def test_the_front_page_shows_the_current_plans_and_what_is_due(fixed_today):
    data = build(10)
    plans = data["plans"]
    late = plans[2017]
    response = client_for(data["preparer"]).get("/")
    # This year's, next year's draft and the earliest, whose follow-up is late, newest
    # first; not the eight others.
    assert plan_links(response) == [url_of(plans[2027]), url_of(plans[2026]), url_of(late)]
    doc = parse(response.content)
    due = [
        a.attrs["href"]
        for ul in doc.find_all(lambda e: "due-list" in e.classes)
        for a in ul.find_all(lambda e: e.tag == "a")
    ]
    assert any(href.startswith(url_of(late)) for href in due)
    # All eleven are a link away.
    assert all_plans_link(response, data["org"]).startswith("Kaikkien vuosien tavoitesuunnitelmat (11)")

    # The mayor may mark follow-ups agreed (the mayor model): the late one is the mayor's
    # to do too. The executive has nothing to do on it: only the current ones.
    assert plan_links(client_for(data["mayor"]).get("/")) == [
        url_of(plans[2027]),
        url_of(plans[2026]),
        url_of(late),
    ]
    assert plan_links(client_for(data["executive"]).get("/")) == [url_of(plans[2027]), url_of(plans[2026])]
    # A board member does not see the draft, and counts only what is visible.
    response = client_for(data["board"]).get("/")
    assert plan_links(response) == [url_of(plans[2026])]
    assert "(10)" in all_plans_link(response, data["org"])


def test_an_organization_with_only_earlier_plans_is_still_on_the_front_page(fixed_today):
    org = OrganizationFactory()
    reader = UserFactory()
    MembershipFactory(organization=org, user=reader, role="board_member", title="")
    agreement = AgreementFactory(organization=org)
    old = [add_plan(agreement, year) for year in (2019, 2020)]
    response = client_for(reader).get("/")
    assert plan_links(response) == []
    assert "Ei tavoitesuunnitelmia tältä tai tuleville vuosille." in " ".join(
        response.content.decode().split()
    )
    assert "(2)" in all_plans_link(response, org)
    assert every_listed_plan(client_for(reader), org) == [url_of(old[1]), url_of(old[0])]


def test_every_plan_is_on_the_list_page_by_page(fixed_today, monkeypatch):
    monkeypatch.setattr(pages, "PLANS_PER_PAGE", 4)
    data = build(10)
    plans = data["plans"]
    newest_first = [url_of(plans[year]) for year in sorted(plans, reverse=True)]
    client = client_for(data["preparer"])
    assert every_listed_plan(client, data["org"]) == newest_first
    # Three pages of four, the last with three; page numbers out of range show the last.
    page = parse(client.get(list_url(data["org"]) + "?page=3").content)
    assert "Sivu 3 / 3" in " ".join(page.text().split())
    assert plan_links(client.get(list_url(data["org"]) + "?page=99")) == newest_first[8:]
    # A board member's list has no draft.
    assert every_listed_plan(client_for(data["board"]), data["org"]) == newest_first[1:]


def test_the_list_of_another_organization_is_404(fixed_today):
    data, other = build(1), build(1)
    assert client_for(data["preparer"]).get(list_url(other["org"])).status_code == 404
    assert client_for(UserFactory()).get(list_url(data["org"])).status_code == 404


def test_the_dashboard_shows_current_and_due_plans_and_links_to_the_rest(fixed_today):
    data = build(10)
    plans = data["plans"]
    response = client_for(data["preparer"]).get(reverse("dashboard", args=[data["org"].slug]))
    doc = parse(response.content)
    matrices = [s.attrs["aria-labelledby"] for s in doc.find_all(lambda e: e.tag == "section")]
    # This year's (in force) and the late one; next year's draft has no follow-ups yet.
    assert [m for m in matrices if m.startswith("matrix-")] == [
        f"matrix-{plans[2026].pk}",
        f"matrix-{plans[2017].pk}",
    ]
    assert list_url(data["org"]) in [a.attrs.get("href") for a in doc.find_all(lambda e: e.tag == "a")]


@pytest.mark.parametrize("person", ["preparer", "executive", "mayor", "board"])
@pytest.mark.parametrize("page", ["front", "dashboard", "list"])
def test_the_query_counts_do_not_grow_with_years_of_plans(fixed_today, person, page):
    small, big = build(1), build(10)

    def url(data):
        return {"front": "/", "dashboard": reverse("dashboard", args=[data["org"].slug])}.get(
            page, list_url(data["org"])
        )

    small_count, _ = count_queries(client_for(small[person]), url(small))
    big_count, big_sql = count_queries(client_for(big[person]), url(big))
    if small_count != big_count:
        pytest.fail(f"{small_count} queries for one year, {big_count} for ten:\n{big_sql}")
