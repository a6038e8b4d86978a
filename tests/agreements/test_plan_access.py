"""Who may reach and change the plan editor: unknown and foreign ids are 404, roles
that may not edit get 403 or 404 as policies.py decides, anonymous users go to the
login page, and nothing changes in any refused case."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from suunta.agreements.models import Checkpoint, GoalArea, Metric
from suunta.organizations.models import Membership

from ..factories import CheckpointFactory, GoalAreaFactory, MetricFactory, PlanFactory, VersionFactory
from ..helpers import HTMX, snapshot

UNKNOWN = 999_999


def first(model, **filters):
    return model.objects.filter(**filters).order_by("order", "id").first()


@pytest.fixture
def ids(demo):
    """One goal, metric and checkpoint of the demo plan (ours) and of Toinen kunta's."""
    ours = demo.draft.versions.get()
    theirs = demo.other_plan.versions.get()
    return {
        "goal": first(GoalArea, version=ours).pk,
        "metric": first(Metric, goal_area__version=ours).pk,
        "checkpoint": first(Checkpoint, version=ours).pk,
        "other_goal": first(GoalArea, version=theirs).pk,
        "other_metric": first(Metric, goal_area__version=theirs).pk,
        "other_checkpoint": first(Checkpoint, version=theirs).pk,
    }


def editor_requests(plan_pk: int, ids: dict, agreement_pk: int) -> list[tuple[str, str, dict]]:
    """Every request of the editor, as (method, url, data): the GETs that show a form or
    a confirmation and the POSTs that would change something."""
    goal, metric, checkpoint = ids["goal"], ids["metric"], ids["checkpoint"]
    requests = [
        ("get", reverse("goal_new", args=[plan_pk]), {}),
        ("post", reverse("goal_new", args=[plan_pk]), {"new-goal-title": "Luvaton"}),
        ("get", reverse("metric_new", args=[plan_pk, goal]), {}),
        ("post", reverse("metric_new", args=[plan_pk, goal]), {"new-metric-text": "Luvaton"}),
        (
            "post",
            reverse("checkpoint_new", args=[plan_pk]),
            {
                "new-checkpoint-label": "Luvaton",
                "new-checkpoint-window_start": "2025-09-01",
                "new-checkpoint-window_end": "2025-09-30",
            },
        ),
        (
            "post",
            reverse("plan_new", args=[agreement_pk]),
            {"title": "Luvaton", "period_start": "2026-01-01", "period_end": "2026-12-31"},
        ),
    ]
    for kind, pk, data in (
        ("goal", goal, {f"goal-{goal}-title": "Luvaton"}),
        ("metric", metric, {f"metric-{metric}-text": "Luvaton"}),
        (
            "checkpoint",
            checkpoint,
            {
                f"checkpoint-{checkpoint}-label": "Luvaton",
                f"checkpoint-{checkpoint}-window_start": "2025-09-01",
                f"checkpoint-{checkpoint}-window_end": "2025-09-30",
            },
        ),
    ):
        requests += [
            ("get", reverse(f"{kind}_edit", args=[plan_pk, pk]), {}),
            ("post", reverse(f"{kind}_edit", args=[plan_pk, pk]), data),
            ("post", reverse(f"{kind}_move", args=[plan_pk, pk]), {"direction": "down"}),
            ("get", reverse(f"{kind}_delete", args=[plan_pk, pk]), {}),
            ("post", reverse(f"{kind}_delete", args=[plan_pk, pk]), {}),
        ]
    return requests


def send(client: Client, method: str, url: str, data: dict, htmx: bool = False):
    extra = HTMX if htmx else {}
    return client.get(url, **extra) if method == "get" else client.post(url, data, **extra)


def assert_all_refused(client, requests, expected_status: int, htmx: bool = False) -> None:
    before = snapshot()
    statuses = {
        (method, url): send(client, method, url, data, htmx).status_code for method, url, data in requests
    }
    wrong = {key: status for key, status in statuses.items() if status != expected_status}
    assert not wrong, f"expected {expected_status} everywhere, got {wrong}"
    assert snapshot() == before


# --- Unknown and foreign ids ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["plan_detail", "goal_new", "checkpoint_new"])
def test_it_404s_an_unknown_plan(demo, name):
    response = demo.client("pormestari").get(reverse(name, args=[UNKNOWN]))
    assert response.status_code == 404


def test_it_404s_an_unknown_agreement(demo):
    client = demo.client("pormestari")
    assert client.get(reverse("agreement_detail", args=[UNKNOWN])).status_code == 404
    assert client.get(reverse("plan_new", args=[UNKNOWN])).status_code == 404


@pytest.mark.parametrize("kind", ["goal", "metric", "checkpoint"])
@pytest.mark.parametrize("action", ["edit", "delete"])
def test_it_404s_an_unknown_item(demo, kind, action):
    before = snapshot()
    client = demo.client("pormestari")
    url = reverse(f"{kind}_{action}", args=[demo.draft.pk, UNKNOWN])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("kind", ["goal", "metric", "checkpoint"])
def test_it_404s_moving_an_unknown_item(demo, kind):
    response = demo.client("pormestari").post(
        reverse(f"{kind}_move", args=[demo.draft.pk, UNKNOWN]), {"direction": "up"}
    )
    assert response.status_code == 404


def test_it_404s_adding_a_metric_to_an_unknown_goal(demo):
    before = snapshot()
    response = demo.client("pormestari").post(
        reverse("metric_new", args=[demo.draft.pk, UNKNOWN]), {"new-metric-text": "Orpo mittari"}
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_it_404s_another_organizations_plan(demo):
    client = demo.client("pormestari")
    assert client.get(reverse("plan_detail", args=[demo.other_plan.pk])).status_code == 404
    assert client.get(reverse("plan_detail", args=[demo.other_plan.pk]), **HTMX).status_code == 404


def test_it_404s_another_organizations_agreement(demo):
    before = snapshot()
    client = demo.client("pormestari")
    agreement = demo.other_plan.agreement_id
    assert client.get(reverse("agreement_detail", args=[agreement])).status_code == 404
    response = client.post(
        reverse("plan_new", args=[agreement]),
        {"title": "Kaapattu", "period_start": "2026-01-01", "period_end": "2026-12-31"},
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_it_404s_every_edit_of_another_organizations_plan(demo, ids):
    theirs = {"goal": ids["other_goal"], "metric": ids["other_metric"], "checkpoint": ids["other_checkpoint"]}
    requests = editor_requests(demo.other_plan.pk, theirs, demo.other_plan.agreement_id)
    assert_all_refused(demo.client("pormestari"), requests, 404)


@pytest.mark.parametrize("kind", ["goal", "metric", "checkpoint"])
def test_it_404s_another_organizations_item_in_our_plans_url(demo, ids, kind):
    foreign = ids[f"other_{kind}"]
    client = demo.client("pormestari")
    before = snapshot()
    for action in ("edit", "delete"):
        url = reverse(f"{kind}_{action}", args=[demo.draft.pk, foreign])
        assert client.get(url).status_code == 404, url
        assert (
            client.post(url, {f"{kind}-{foreign}-title": "x", f"{kind}-{foreign}-text": "x"}).status_code
            == 404
        )
    url = reverse(f"{kind}_move", args=[demo.draft.pk, foreign])
    assert client.post(url, {"direction": "up"}, **HTMX).status_code == 404
    assert snapshot() == before


def test_it_404s_adding_a_metric_to_another_organizations_goal_through_our_plan(demo, ids):
    before = snapshot()
    response = demo.client("pormestari").post(
        reverse("metric_new", args=[demo.draft.pk, ids["other_goal"]]), {"new-metric-text": "Kaapattu"}
    )
    assert response.status_code == 404
    assert snapshot() == before


@pytest.fixture
def sibling_plan(demo):
    """Another draft plan of the same agreement (2024), with one of everything."""
    plan = PlanFactory(
        agreement=demo.draft.agreement,
        title="Kansliapäällikön tavoitteet 2024",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        version=None,
    )
    version = VersionFactory(plan=plan)
    goal = GoalAreaFactory(version=version)
    return {
        "plan": plan,
        "goal": goal.pk,
        "metric": MetricFactory(goal_area=goal).pk,
        "checkpoint": CheckpointFactory(version=version).pk,
    }


@pytest.mark.parametrize("kind", ["goal", "metric", "checkpoint"])
def test_it_404s_an_item_of_another_plan_in_this_plans_url(demo, sibling_plan, kind):
    item = sibling_plan[kind]
    client = demo.client("valmistelija")
    before = snapshot()
    assert client.get(reverse(f"{kind}_edit", args=[demo.draft.pk, item])).status_code == 404
    edit = client.post(
        reverse(f"{kind}_edit", args=[demo.draft.pk, item]), {f"{kind}-{item}-title": "Siirretty"}
    )
    assert edit.status_code == 404
    move = client.post(reverse(f"{kind}_move", args=[demo.draft.pk, item]), {"direction": "up"})
    assert move.status_code == 404
    assert client.post(reverse(f"{kind}_delete", args=[demo.draft.pk, item])).status_code == 404
    assert snapshot() == before
    # The same ids work through their own plan's address: the 404s above came from the mix-up.
    own = client.get(reverse(f"{kind}_edit", args=[sibling_plan["plan"].pk, item]))
    assert own.status_code == 200


def test_it_404s_adding_a_metric_to_a_goal_of_another_plan(demo, sibling_plan):
    before = snapshot()
    response = demo.client("valmistelija").post(
        reverse("metric_new", args=[demo.draft.pk, sibling_plan["goal"]]),
        {"new-metric-text": "Väärä tavoite"},
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_it_404s_an_unknown_version_of_the_plan(demo):
    client = demo.client("pormestari")
    assert client.get(reverse("plan_detail", args=[demo.draft.pk]) + "?version=7").status_code == 404
    assert client.get(reverse("plan_detail", args=[demo.draft.pk]) + "?version=abc").status_code == 404


# --- Roles that may not edit ---------------------------------------------------------------


@pytest.mark.parametrize("username", ["kansliapaallikko", "paakayttaja"])
def test_it_forbids_editing_to_readers_of_the_draft(demo, ids, username):
    # The executive reads own goals and the admin reads everything, but neither edits.
    client = demo.client(username)
    assert client.get(reverse("plan_detail", args=[demo.draft.pk])).status_code == 200
    assert_all_refused(client, editor_requests(demo.draft.pk, ids, demo.draft.agreement_id), 403)


def test_it_forbids_editing_with_htmx_too(demo, ids):
    client = demo.client("kansliapaallikko")
    assert_all_refused(client, editor_requests(demo.draft.pk, ids, demo.draft.agreement_id), 403, htmx=True)


@pytest.mark.parametrize("username", ["hallitus", "tarkastaja"])
def test_it_hides_a_draft_from_board_members_and_auditors(demo, ids, username):
    client = demo.client(username)
    assert client.get(reverse("plan_detail", args=[demo.draft.pk])).status_code == 404
    requests = [
        r for r in editor_requests(demo.draft.pk, ids, demo.draft.agreement_id) if "/plans/new/" not in r[1]
    ]
    assert_all_refused(client, requests, 404)


@pytest.mark.parametrize("username", ["hallitus", "tarkastaja"])
def test_it_forbids_creating_a_plan_to_board_members_and_auditors(demo, username):
    # They see the agreement, so the answer is "not allowed" rather than "not found".
    client = demo.client(username)
    before = snapshot()
    url = reverse("plan_new", args=[demo.draft.agreement_id])
    assert client.get(url).status_code == 403
    assert (
        client.post(url, {"title": "X", "period_start": "2026-01-01", "period_end": "2026-12-31"}).status_code
        == 403
    )
    assert snapshot() == before


def test_it_hides_the_plan_creation_link_from_those_who_may_not_create(demo):
    url = reverse("plan_new", args=[demo.draft.agreement_id])
    for username in ("kansliapaallikko", "paakayttaja", "hallitus", "tarkastaja"):
        response = demo.client(username).get(reverse("agreement_detail", args=[demo.draft.agreement_id]))
        assert response.status_code == 200, username
        assert url not in response.content.decode(), username


def test_it_404s_our_plan_to_the_other_organizations_evaluator(demo, ids):
    client = demo.client("toinen-kh-pj")
    assert client.get(reverse("plan_detail", args=[demo.draft.pk])).status_code == 404
    assert_all_refused(client, editor_requests(demo.draft.pk, ids, demo.draft.agreement_id), 404)


def test_it_forbids_editing_an_approved_version(demo, ids):
    version = demo.draft.versions.get()
    version.status = "approved"
    version.save()
    client = demo.client("pormestari")
    requests = [
        r for r in editor_requests(demo.draft.pk, ids, demo.draft.agreement_id) if "/plans/new/" not in r[1]
    ]
    assert_all_refused(client, requests, 403)


def test_it_404s_an_evaluator_whose_membership_has_ended(demo, ids):
    Membership.objects.filter(user__username="pormestari").update(valid_to=dt.date(2024, 12, 31))
    client = demo.client("pormestari")
    assert client.get(reverse("plan_detail", args=[demo.draft.pk])).status_code == 404
    assert_all_refused(client, editor_requests(demo.draft.pk, ids, demo.draft.agreement_id), 404)


# --- Anonymous -----------------------------------------------------------------------------


def test_it_sends_anonymous_users_to_the_login_page(demo, ids):
    client = Client()
    before = snapshot()
    requests = editor_requests(demo.draft.pk, ids, demo.draft.agreement_id)
    requests += [
        ("get", reverse("plan_detail", args=[demo.draft.pk]), {}),
        ("get", reverse("agreement_detail", args=[demo.draft.agreement_id]), {}),
        ("get", reverse("home"), {}),
    ]
    for method, url, data in requests:
        response = send(client, method, url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), (url, response["Location"])
    assert snapshot() == before


def test_it_sends_anonymous_htmx_requests_to_the_login_page(demo, ids):
    before = snapshot()
    response = Client().post(
        reverse("goal_new", args=[demo.draft.pk]), {"new-goal-title": "Anonyymi"}, **HTMX
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert snapshot() == before


@pytest.mark.parametrize("username", ["hallitus", "tarkastaja"])
def test_it_forbids_editing_an_approved_plan_to_those_who_may_read_it(demo, ids, username):
    demo.draft.versions.update(status="approved")
    client = demo.client(username)
    assert client.get(reverse("plan_detail", args=[demo.draft.pk])).status_code == 200
    requests = [
        r for r in editor_requests(demo.draft.pk, ids, demo.draft.agreement_id) if "/plans/new/" not in r[1]
    ]
    assert_all_refused(client, requests, 403)


def test_it_404s_an_item_of_the_approved_version_through_the_draft_amendment(demo, ids):
    # The approved annex is frozen: its goals cannot be reached through the next draft.
    demo.draft.versions.update(status="approved")
    draft = VersionFactory(plan=demo.draft, number=2, status="draft")
    GoalAreaFactory(version=draft)
    client = demo.client("pormestari")
    before = snapshot()
    url = reverse("goal_edit", args=[demo.draft.pk, ids["goal"]])
    assert client.get(url).status_code == 404
    assert client.post(url, {f"goal-{ids['goal']}-title": "Jäädytetty?"}).status_code == 404
    assert client.post(reverse("goal_delete", args=[demo.draft.pk, ids["goal"]])).status_code == 404
    assert client.post(reverse("metric_delete", args=[demo.draft.pk, ids["metric"]])).status_code == 404
    assert snapshot() == before
