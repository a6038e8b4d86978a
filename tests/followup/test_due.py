"""Issue 5, "What is due": each person's next actions on the front page with dates,
late ones marked; the organization dashboard with everyone's items in the third person
and the goals x checkpoints matrix with ratings as text; query counts that do not grow
with the data."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suunta.agreements.models import GoalPlan, PlanVersion
from suunta.followup import services
from suunta.followup.models import AssessmentKind
from suunta.followup.scale import ensure_scale
from suunta.organizations.models import Organization

from ..conftest import client_for
from ..dom import parse
from ..factories import (
    AgreementFactory,
    BodyFactory,
    CheckpointFactory,
    GoalAreaFactory,
    MembershipFactory,
    MetricFactory,
    OrganizationFactory,
    PlanFactory,
    UserFactory,
    VersionFactory,
)
from .common import (
    EVALUATORS,
    EXECUTIVE,
    PREPARER,
    agree_all,
    checkpoints,
    dashboard_url,
    fi,
    goals,
    open_checkpoint,
    own_data,
    own_url,
    page_url,
    ratings,
    self_assess,
    squash,
    views_in,
)

pytestmark = pytest.mark.django_db

LABEL = "marraskuu 2026"
# The seed plan's agreed ratings per goal at "elokuu 2025" and "tammikuu/helmikuu 2026".
SEED_AGREED_LABELS = [
    ["Edistynyt", "Toteutunut"],
    ["Edistynyt", "Edistynyt"],
    ["Osittain", "Edistynyt"],
    ["Toteutunut", "Toteutunut"],
    ["Edistynyt", "Toteutunut"],
    ["Ei edistynyt", "Osittain"],
]
END = "17.12.2026"


def due_items(response) -> list[dict]:
    """The due list (front page or dashboard): link, text, plan line and lateness per item."""
    assert response.status_code == 200, response.status_code
    doc = parse(response.content)
    lists = doc.find_all(lambda e: e.tag == "ul" and "due-list" in e.classes)
    assert len(lists) == 1
    items = []
    for li in lists[0].find_all(lambda e: e.tag == "li"):
        links = li.find_all(lambda e: e.tag == "a")
        if not links:
            continue  # "nothing due"
        muted = li.find_all(lambda e: "muted" in e.classes)
        items.append(
            {
                "href": links[0].attrs["href"],
                "text": squash(links[0].text()),
                "line": squash(muted[0].text()) if muted else "",
                "late": bool(li.find_all(lambda e: "overdue" in e.classes)),
                "late_text": squash(
                    " ".join(e.text() for e in li.find_all(lambda e: "overdue" in e.classes))
                ),
            }
        )
    return items


def front_page(demo, username) -> list[dict]:
    return due_items(demo.client(username).get("/"))


SELF_TEXT = "Write the self-assessment for follow-up %(label)s (open until %(end)s)."
VIEW_TEXT = "Write your view for follow-up %(label)s (by %(end)s)."
AGREE_TEXT = "Agree on follow-up %(label)s in the meeting and record it."
REPORT_TEXT = "Report follow-up %(label)s to the board."


def texts(items) -> list[str]:
    return [item["text"] for item in items]


def of_plan(items, plan) -> list[dict]:
    """The items of one plan's follow-ups (the demo's sector directors' plans have late
    items of their own: test_the_directors_late_follow_ups_are_due_to_them_and_the_chief)."""
    prefix = reverse("plan_detail", args=[plan.pk])
    return [item for item in items if item["href"].startswith(prefix)]


# --- The front page ------------------------------------------------------------------------------


def test_each_persons_next_action_on_the_front_page(demo):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    url = page_url(plan, checkpoint)
    self_item = fi(SELF_TEXT, label=LABEL, end=END)
    view_item = fi(VIEW_TEXT, label=LABEL, end=END)

    # The window is open: the executive's self-assessment, with its date and a link.
    items = of_plan(front_page(demo, EXECUTIVE), plan)
    assert [(i["text"], i["href"], i["late"]) for i in items] == [(self_item, url, False)]
    assert END in items[0]["text"]
    assert plan.title in items[0]["line"]
    assert of_plan(front_page(demo, PREPARER), plan) == []
    for username in ("hallitus", "tarkastaja"):
        assert front_page(demo, username) == [], username

    # A draft is not done yet.
    client = demo.client(EXECUTIVE)
    scale = ratings(demo.org)
    client.post(own_url(plan, checkpoint), own_data(goals(plan), scale["progressed"], "Luonnos"))
    assert texts(of_plan(front_page(demo, EXECUTIVE), plan)) == [self_item]

    # Submitted: gone from the executive's page; each evaluator is asked for a view.
    client.post(own_url(plan, checkpoint), own_data(goals(plan), scale["progressed"], "Valmis", submit=True))
    assert of_plan(front_page(demo, EXECUTIVE), plan) == []
    for username in EVALUATORS:
        items = front_page(demo, username)
        assert [(i["text"], i["href"]) for i in items] == [(view_item, url)], username

    # Each view submitted takes that evaluator's item away, only that one.
    demo.client("pormestari").post(
        own_url(plan, checkpoint), own_data(goals(plan), scale["partly"], "Näkemys", submit=True)
    )
    assert front_page(demo, "pormestari") == []
    assert texts(front_page(demo, "apulaispormestari")) == [view_item]

    # All views in: the preparer and the mayor are to record the agreement.
    views_in(demo, checkpoint, scale["partly"], usernames=("apulaispormestari", "valtuuston-pj"))
    agree_item = fi(AGREE_TEXT, label=LABEL)
    for username in (PREPARER, "pormestari"):
        assert texts(of_plan(front_page(demo, username), plan)) == [agree_item], username
    for username in ("apulaispormestari", "valtuuston-pj", EXECUTIVE):
        assert of_plan(front_page(demo, username), plan) == [], username

    # Agreed: the preparer reports it to the board; then nothing is due.
    agree_all(demo, checkpoint, scale["partly"])
    services.mark_agreed(demo.user(PREPARER), checkpoint, dt.date(2026, 11, 26))
    assert texts(of_plan(front_page(demo, PREPARER), plan)) == [fi(REPORT_TEXT, label=LABEL)]
    assert front_page(demo, "pormestari") == []
    services.report_to_board(demo.user(PREPARER), checkpoint, meeting_date=dt.date(2026, 11, 27), section="3")
    for username in (PREPARER, EXECUTIVE, *EVALUATORS):
        assert of_plan(front_page(demo, username), plan) == [], username
    # The mayor evaluates the chief's agreement alone: nothing of the directors' is his.
    nothing = parse(demo.client("pormestari").get("/").content)
    assert fi("Nothing due right now.") in squash(nothing.by_id("main").text())


def test_late_items_are_marked_late(demo, fixed_today):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    self_assess(demo, checkpoint, ratings(demo.org)["progressed"])
    assert not any(i["late"] for i in front_page(demo, "pormestari"))
    fixed_today.move_to(dt.datetime(2026, 12, 18, 9, 0, tzinfo=dt.UTC))  # the window closed on 17.12.
    url = page_url(plan, checkpoint)
    items = [i for i in front_page(demo, "pormestari") if i["href"] == url]
    view_item = fi(VIEW_TEXT, label=LABEL, end=END)
    late = [i for i in items if i["text"] == view_item]
    assert len(late) == 1 and late[0]["late"]
    assert late[0]["late_text"] == f"· {fi('Late')}"
    # Late and not agreed: the preparer and the mayor are reminded to agree on it.
    agree = [i for i in items if i["text"] == fi(AGREE_TEXT, label=LABEL)]
    assert len(agree) == 1 and agree[0]["late"]
    items = [i for i in front_page(demo, PREPARER) if i["href"] == url]
    assert texts(items) == [fi(AGREE_TEXT, label=LABEL)]
    assert items[0]["late"]
    # The executive's part is done: nothing late for him.
    assert [i for i in front_page(demo, EXECUTIVE) if i["href"] == url] == []


def test_the_next_checkpoint_is_announced_two_weeks_ahead(demo, fixed_today):
    plan = demo.current
    later = list(plan.latest_version().checkpoints.order_by("order"))[1]
    assert later.window_start == dt.date(2027, 1, 1)
    # Everything of the first follow-up is done, so only the announcement remains.
    first = open_checkpoint(demo)
    scale = ratings(demo.org)
    self_assess(demo, first, scale["progressed"])
    views_in(demo, first, scale["progressed"])
    agree_all(demo, first, scale["progressed"])
    services.mark_agreed(demo.user(PREPARER), first, dt.date(2026, 11, 26))
    services.report_to_board(demo.user(PREPARER), first, meeting_date=dt.date(2026, 11, 27), section="3")
    assert of_plan(front_page(demo, EXECUTIVE), plan) == []
    fixed_today.move_to(dt.datetime(2026, 12, 20, 9, 0, tzinfo=dt.UTC))
    opens = fi("Follow-up %(label)s opens on %(start)s.", label=later.label, start="1.1.2027")
    for username in (EXECUTIVE, PREPARER, *EVALUATORS):
        items = of_plan(front_page(demo, username), plan)
        assert [(i["text"], i["href"]) for i in items] == [(opens, page_url(plan, later))], username


# The sector directors' 2025 plans (suunta/demo/cascade.py): their first follow-up is
# reported, the second ("tammikuu 2026", open until 31.1.2026) was never written. It is
# late for each director (the self-assessment), for the chief of staff as their
# evaluator (a view on each, and to agree on it), for the preparer (to agree on it); never
# for the sibling director, nor the mayor, who evaluates the chief's agreement alone.
DIRECTORS_LABEL, DIRECTORS_END = "tammikuu 2026", "31.1.2026"


def test_the_directors_late_follow_ups_are_due_to_them_and_the_chief(demo):
    education, technical = (
        GoalPlan.objects.get(title=title)
        for title in ("Sivistysjohtajan tavoitteet 2025", "Teknisen johtajan tavoitteet 2025")
    )
    second = {plan: page_url(plan, checkpoints(plan)[1]) for plan in (education, technical)}
    assert {checkpoints(plan)[1].label for plan in second} == {DIRECTORS_LABEL}
    own = fi(SELF_TEXT, label=DIRECTORS_LABEL, end=DIRECTORS_END)
    view = fi(VIEW_TEXT, label=DIRECTORS_LABEL, end=DIRECTORS_END)
    agree = fi(AGREE_TEXT, label=DIRECTORS_LABEL)
    expected = {
        "sivistysjohtaja": [(own, second[education])],
        "tekninen-johtaja": [(own, second[technical])],
        # The chief's position marks the directors' follow-ups agreed: the late agreeing
        # is his as well as the preparer's.
        EXECUTIVE: [
            (view, second[education]),
            (agree, second[education]),
            (view, second[technical]),
            (agree, second[technical]),
        ],
        PREPARER: [(agree, second[education]), (agree, second[technical])],
        "pormestari": [],
        "hallitus": [],
    }
    for username, items in expected.items():
        got = [i for i in front_page(demo, username) if i["href"] in second.values()]
        assert [(i["text"], i["href"]) for i in got] == items, username
        assert all(i["late"] for i in got), username
    # The dashboard of a full reader lists them all in the third person.
    listed = [
        i
        for i in due_items(demo.client(PREPARER).get(dashboard_url(demo.org)))
        if i["href"] in second.values()
    ]
    assert sorted((i["text"], i["line"]) for i in listed) == sorted(
        [
            (
                fi(
                    "Follow-up %(label)s: the self-assessment is missing (open until %(end)s).",
                    label=DIRECTORS_LABEL,
                    end=DIRECTORS_END,
                ),
                f"{plan.title} · {fi('Whose turn')}: {plan.agreement.executive}",
            )
            for plan in second
        ]
        + [
            (
                fi(
                    "Follow-up %(label)s: a view is missing (by %(end)s).",
                    label=DIRECTORS_LABEL,
                    end=DIRECTORS_END,
                ),
                f"{plan.title} · {fi('Whose turn')}: {demo.user(EXECUTIVE)}",
            )
            for plan in second
        ]
        + [
            (
                fi("Follow-up %(label)s: not agreed yet.", label=DIRECTORS_LABEL),
                f"{plan.title} · {fi('Whose turn')}: "
                + fi("preparer or %(positions)s", positions="kansliapäällikkö"),
            )
            for plan in second
        ]
    )


# --- The dashboard -----------------------------------------------------------------------------------


def matrix(response, plan) -> dict:
    """The dashboard's goals x checkpoints table of `plan`: header texts and, per goal
    title, the cells' texts and the rating classes."""
    doc = parse(response.content)
    section = next(
        s
        for s in doc.find_all(lambda e: e.tag == "section")
        if s.attrs.get("aria-labelledby") == f"matrix-{plan.pk}"
    )
    table = section.find_all(lambda e: e.tag == "table")[0]
    headers = []
    for th in table.find_all(lambda e: e.tag == "th" and e.attrs.get("scope") == "col")[1:]:
        link = th.find_all(lambda e: e.tag == "a")
        status = th.find_all(lambda e: "muted" in e.classes)
        headers.append((squash(link[0].text()), squash(status[0].text())))
    rows = {}
    for tr in table.find_all(lambda e: e.tag == "tr"):
        th = tr.find_all(lambda e: e.tag == "th" and e.attrs.get("scope") == "row")
        if th:
            cells = tr.find_all(lambda e: e.tag == "td")
            rows[squash(th[0].text())] = [
                (
                    squash(td.text()),
                    sorted(c for s in td.find_all(lambda e: "rating" in e.classes) for c in s.classes),
                )
                for td in cells
            ]
    return {"headers": headers, "rows": rows}


def test_the_dashboard_lists_everyones_items_in_the_third_person(demo):
    plan, checkpoint = demo.current, open_checkpoint(demo)
    url = page_url(plan, checkpoint)
    response = demo.client(PREPARER).get(dashboard_url(demo.org))
    items = of_plan(due_items(response), plan)
    whose = fi("Whose turn")
    expected = [
        (
            fi(
                "Follow-up %(label)s: the self-assessment is missing (open until %(end)s).",
                label=LABEL,
                end=END,
            ),
            str(demo.user(EXECUTIVE)),
        )
    ] + [
        (fi("Follow-up %(label)s: a view is missing (by %(end)s).", label=LABEL, end=END), str(demo.user(u)))
        for u in EVALUATORS
    ]
    assert sorted((i["text"], i["line"]) for i in items) == sorted(
        (text, f"{plan.title} · {whose}: {name}") for text, name in expected
    )
    assert {i["href"] for i in items} == {url}
    # Not the second person ("write your ..."): those are for the front page.
    assert fi(SELF_TEXT, label=LABEL, end=END) not in {i["text"] for i in items}

    # Further on, whose turn it is follows the state.
    scale = ratings(demo.org)
    self_assess(demo, checkpoint, scale["progressed"])
    views_in(demo, checkpoint, scale["progressed"])
    items = of_plan(due_items(demo.client("valtuuston-pj").get(dashboard_url(demo.org))), plan)
    assert [(i["text"], i["line"]) for i in items] == [
        (
            fi("Follow-up %(label)s: not agreed yet.", label=LABEL),
            f"{plan.title} · {whose}: {fi('preparer or %(positions)s', positions='pormestari')}",
        )
    ]
    agree_all(demo, checkpoint, scale["progressed"])
    services.mark_agreed(demo.user(PREPARER), checkpoint, dt.date(2026, 11, 26))
    items = of_plan(due_items(demo.client("paakayttaja").get(dashboard_url(demo.org))), plan)
    assert [(i["text"], i["line"]) for i in items] == [
        (
            fi("Follow-up %(label)s: not reported to the board yet.", label=LABEL),
            f"{plan.title} · {whose}: {fi('preparer')}",
        )
    ]


def test_the_dashboard_matrix_shows_ratings_as_text(demo):
    scale = ratings(demo.org)
    checkpoint = open_checkpoint(demo)
    self_assess(demo, checkpoint, scale["progressed"])
    views_in(demo, checkpoint, scale["progressed"])
    goal_list = goals(demo.current)
    agreed = dict(zip((g.pk for g in goal_list), itertools.cycle(scale.values()), strict=False))
    for goal in goal_list:
        services.save_assessment(
            demo.user(PREPARER),
            checkpoint,
            goal,
            AssessmentKind.AGREED,
            rating=agreed[goal.pk],
            text="Sovittu",
        )
    response = demo.client(PREPARER).get(dashboard_url(demo.org))
    current = matrix(response, demo.current)
    # The open follow-up says so; the one whose window is still ahead says when it opens.
    later = demo.current.versions.get().checkpoints.order_by("order")[1]
    opens = fi("Opens on %(date)s", date=f"{later.window_start:%-d.%-m.%Y}")
    assert current["headers"] == [(LABEL, fi("Evaluators' views in")), ("tammikuu/helmikuu 2027", opens)]
    assert list(current["rows"]) == [g.title for g in goal_list]
    for goal in goal_list:
        rating = agreed[goal.pk]
        # The rating as its label (text), its colour as a class; nothing agreed yet: a dash.
        assert current["rows"][goal.title] == [(rating.label, ["rating", rating.css_class]), ("–", [])]
    assert len({r.label for r in agreed.values()}) == len(scale)  # every rating of the scale shown
    # The draft plan is not there.
    doc = parse(response.content)
    assert not doc.find_all(lambda e: e.attrs.get("aria-labelledby") == f"matrix-{demo.draft.pk}")


def test_the_dashboard_shows_last_years_plans_while_something_is_due(demo):
    """The seed plan (2025), reported to the board twice, is no longer a matrix on the
    dashboard but on the organization's list of plans, a link away; the sector directors'
    2025 plans, whose January follow-ups were never written, still are."""
    response = demo.client(PREPARER).get(dashboard_url(demo.org))
    doc = parse(response.content)
    shown = {
        e.attrs["aria-labelledby"]
        for e in doc.find_all(lambda e: e.tag == "section")
        if e.attrs.get("aria-labelledby", "").startswith("matrix-")
    }
    directors = GoalPlan.objects.filter(agreement__organization=demo.org, period_start__year=2025).exclude(
        pk=demo.plan.pk
    )
    assert len(directors) == 2
    assert shown == {f"matrix-{plan.pk}" for plan in [demo.current, *directors]}
    list_url = reverse("plan_list", args=[demo.org.slug])
    assert list_url in {a.attrs.get("href") for a in doc.find_all(lambda e: e.tag == "a")}
    listed = parse(demo.client(PREPARER).get(list_url).content)
    assert reverse("plan_detail", args=[demo.plan.pk]) in {
        a.attrs.get("href") for a in listed.find_all(lambda e: e.tag == "a")
    }
    # The seed plan's agreed ratings are on its own follow-up page.
    seed_checkpoint = checkpoints(demo.plan)[0]
    page = demo.client(PREPARER).get(page_url(demo.plan, seed_checkpoint))
    assert page.status_code == 200
    text = squash(parse(page.content).text())
    assert all(label in text for label in {row[0] for row in SEED_AGREED_LABELS})


def test_the_board_member_sees_the_matrix_of_reported_follow_ups_only(demo):
    checkpoint = open_checkpoint(demo)
    scale = ratings(demo.org)
    self_assess(demo, checkpoint, scale["progressed"])
    views_in(demo, checkpoint, scale["progressed"])
    agree_all(demo, checkpoint, scale["achieved"])
    insider = matrix(demo.client(PREPARER).get(dashboard_url(demo.org)), demo.current)
    assert all(cells[0][0] == "Toteutunut" for cells in insider["rows"].values())
    for username in ("hallitus", "tarkastaja"):
        response = demo.client(username).get(dashboard_url(demo.org))
        assert due_items_absent(response)
        assert all(cells[0] == ("–", []) for cells in matrix(response, demo.current)["rows"].values())
    services.mark_agreed(demo.user(PREPARER), checkpoint, dt.date(2026, 11, 26))
    services.report_to_board(demo.user(PREPARER), checkpoint, meeting_date=dt.date(2026, 11, 27), section="3")
    for username in ("hallitus", "tarkastaja"):
        board = matrix(demo.client(username).get(dashboard_url(demo.org)), demo.current)
        assert all(cells[0][0] == "Toteutunut" for cells in board["rows"].values()), username


def due_items_absent(response) -> bool:
    doc = parse(response.content)
    return not doc.find_all(lambda e: e.tag == "ul" and "due-list" in e.classes)


def test_the_dashboard_of_another_organization_is_404(demo):
    assert demo.client("toinen-valmistelija").get(dashboard_url(demo.org)).status_code == 404
    assert demo.client(PREPARER).get(dashboard_url(demo.other_org)).status_code == 404


# --- Query counts at 1x and 10x data ---------------------------------------------------------------


def build_organization(plan_count: int) -> dict:
    """A new organization with one agreement and `plan_count` approved plans, each with
    three goals, a reported checkpoint and one open today in a different state."""
    org = OrganizationFactory()
    scale = {r.code: r for r in ensure_scale(org)}
    BodyFactory(organization=org, kind="preparatory", name="Poliittinen johtoryhmä", short_name="Poljory")
    BodyFactory(organization=org, kind="board", name="Kunnanhallitus", short_name="KH")
    people = {}
    for name, role, title in (
        ("executive", "executive", ""),
        ("mayor", "evaluator", "mayor"),
        ("chair", "evaluator", "council_chair"),
        ("preparer", "preparer", ""),
        ("board", "board_member", ""),
        ("auditor", "auditor", ""),
    ):
        people[name] = UserFactory()
        MembershipFactory(organization=org, user=people[name], role=role, title=title)
    agreement = AgreementFactory(organization=org, executive=people["executive"])
    steps = ["open", "self_assessed", "views_in", "agreed"]
    for index in range(plan_count):
        year = 2026 - index
        plan = PlanFactory(
            agreement=agreement,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            version=None,
        )
        version = VersionFactory(plan=plan, status="draft")
        goal_list = [GoalAreaFactory(version=version) for _ in range(3)]
        for goal in goal_list:
            MetricFactory.create_batch(2, goal_area=goal)
        past = CheckpointFactory(
            version=version, window_start=dt.date(2026, 6, 1), window_end=dt.date(2026, 6, 30), order=1
        )
        current = CheckpointFactory(
            version=version, window_start=dt.date(2026, 11, 17), window_end=dt.date(2026, 12, 17), order=2
        )
        PlanVersion.objects.filter(pk=version.pk).update(status="approved")
        _follow_up(people, past, goal_list, scale, "reported")
        _follow_up(people, current, goal_list, scale, steps[index % len(steps)])
    return {"org": org, **people}


def _follow_up(people, checkpoint, goal_list, scale, until: str) -> None:
    def write(user, kind, rating, submit=True):
        for goal in goal_list:
            services.save_assessment(
                user, checkpoint, goal, kind, rating=rating, text=f"{kind} {goal.title}", submit=submit
            )

    if until == "open":
        write(people["executive"], AssessmentKind.SELF, scale["partly"], submit=False)
        write(people["mayor"], AssessmentKind.VIEW, scale["partly"])
        return
    write(people["executive"], AssessmentKind.SELF, scale["progressed"])
    if until == "self_assessed":
        write(people["chair"], AssessmentKind.VIEW, scale["partly"], submit=False)
        return
    write(people["mayor"], AssessmentKind.VIEW, scale["progressed"])
    write(people["chair"], AssessmentKind.VIEW, scale["achieved"])
    if until == "views_in":
        return
    write(people["preparer"], AssessmentKind.AGREED, scale["achieved"])
    services.mark_agreed(people["preparer"], checkpoint, dt.date(2026, 11, 20))
    if until == "reported":
        services.report_to_board(
            people["preparer"], checkpoint, meeting_date=dt.date(2026, 11, 25), section="7"
        )


def count_queries(user, url: str) -> tuple[int, str]:
    client = client_for(user)
    client.get(url)  # warm up (session, caches)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries), "\n".join(q["sql"] for q in context.captured_queries)


@pytest.fixture
def small_and_big(db):
    small, big = build_organization(1), build_organization(10)
    assert small["org"].pk != big["org"].pk
    return small, big


def test_query_counts_do_not_grow_with_the_data(small_and_big):
    """The front page and the dashboard of each person make as many queries at 10x as at
    1x. One test over them all: building the two organizations is most of its time."""
    small, big = small_and_big
    grown = []
    for page in ("front", "dashboard"):
        small_url, big_url = (
            ("/", "/") if page == "front" else (dashboard_url(small["org"]), dashboard_url(big["org"]))
        )
        for person in ("preparer", "executive", "mayor", "board", "auditor"):
            small_count, _ = count_queries(small[person], small_url)
            big_count, big_sql = count_queries(big[person], big_url)
            if small_count != big_count:
                grown.append(
                    f"{page} as {person}: {small_count} queries at 1x, {big_count} at 10x:\n{big_sql}"
                )
    assert not grown, "\n\n".join(grown)


def test_the_big_organization_really_shows_ten_plans(small_and_big):
    _small, big = small_and_big
    response = client_for(big["preparer"]).get(dashboard_url(big["org"]))
    doc = parse(response.content)
    tables = doc.find_all(lambda e: e.tag == "table" and "matrix" in e.classes)
    assert len(tables) == 10
    items = due_items(response)
    # open: self missing + chair's view; self_assessed: both views; views_in: agree; agreed: report.
    assert len(items) == 3 * 2 + 3 * 2 + 2 + 2
    ratings_shown = doc.find_all(lambda e: "rating" in e.classes and e.tag == "span")
    assert len(ratings_shown) == 10 * 3 + 2 * 3  # reported everywhere, agreed in two plans
    front = due_items(client_for(big["executive"]).get("/"))
    assert len(front) == 3  # the self-assessments not submitted
    assert Organization.objects.get(pk=big["org"].pk).ratings.count() == 5
