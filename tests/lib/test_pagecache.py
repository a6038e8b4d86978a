"""Issue 23: the page cache (suunta/lib/pagecache.py) and the data generations it keys
on (suunta/lib/generations.py). Nothing stale, nothing leaked: a page is served again
only to the session it was made for, and only while no table it read has changed."""

import json

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suunta.agreements.models import GoalArea, GoalPlan
from suunta.audit.models import AuditEvent
from suunta.discussions.models import DevelopmentItem
from suunta.followup.models import FollowUp, FollowUpStatus
from suunta.lib import clock, generations, pagecache
from suunta.organizations.models import Organization

from ..discussions.common import (
    ADMIN,
    AUDITOR,
    DEMO_PUBLIC_NOTES,
    DEMO_SECRETS,
    EXECUTIVE,
    MAYOR,
    PREPARER,
    create_discussion,
    demo_discussion_of,
    detail_url,
    item_new_url,
    page_text,
)
from ..dom import parse
from ..factories import MembershipFactory, OrganizationFactory, PlanFactory
from ..helpers import fi
from .test_once import ALREADY_SENT, keys_in, messages_on

HIT = pagecache.HIT_HEADER


@pytest.fixture(autouse=True)
def empty_page_cache(settings):
    settings.PAGE_CACHE = True
    caches[pagecache.CACHE].clear()


def get(client: Client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, [q["sql"] for q in queries.captured_queries]


def until_served_from_cache(client: Client, url: str):
    """Open the page until the cache serves it: the first showing learns which data the
    view reads, the second stores the page, the third is served from the cache."""
    shown = []
    for _ in range(3):
        response, queries = get(client, url)
        shown.append((response, queries))
    assert shown[-1][0].headers.get(HIT) == "hit", [r.headers.get(HIT) for r, _ in shown]
    return shown


def without_keys(response) -> str:
    content = response.content.decode()
    for key in keys_in(response):
        content = content.replace(key, "")
    return content


def demo_pages(demo) -> list[tuple[str, str]]:
    checkpoint = demo.plan.versions.get(status="approved").checkpoints.order_by("order").first()
    return [
        (EXECUTIVE, reverse("home")),
        (EXECUTIVE, reverse("plan_detail", args=[demo.plan.pk])),
        (PREPARER, reverse("plan_detail", args=[demo.draft.pk])),
        (PREPARER, reverse("dashboard", args=[demo.org.slug])),
        (EXECUTIVE, reverse("followup", args=[demo.plan.pk, checkpoint.pk])),
        (AUDITOR, reverse("audit_log", args=[demo.org.slug])),
    ]


def test_a_page_opened_again_is_the_same_page_in_one_query(demo):
    for username, url in demo_pages(demo):
        client = demo.client(username)
        shown = until_served_from_cache(client, url)
        (made, made_queries), (cached, cached_queries) = shown[1], shown[2]
        assert without_keys(cached) == without_keys(made), url
        # A stored page's one-time keys are made anew in each copy served.
        assert len(keys_in(cached)) == len(keys_in(made)), url
        assert not set(keys_in(cached)) & set(keys_in(made)), url
        assert made.headers.get(HIT) is None
        # The data generations only: the session and the user come from memory too
        # (suunta/security/signin_cache.py), and the page itself reads nothing.
        assert len(cached_queries) == 1, (url, cached_queries)
        assert "suunta_lib_datageneration" in cached_queries[0]
        assert len(made_queries) > 1


def test_two_tabs_of_one_stored_page_send_two_submissions(demo):
    """The mayor opens an open discussion in two tabs, both from the cache, and adds a
    development item in each: two items, and neither is taken for the other sent
    twice (each copy has one-time keys of its own)."""
    discussion = create_discussion(demo)
    client = demo.client(MAYOR)
    url = detail_url(discussion)
    until_served_from_cache(client, url)
    tabs = [get(client, url)[0] for _ in range(2)]
    assert [tab.headers.get(HIT) for tab in tabs] == ["hit", "hit"]
    item_keys = [keys_in(tab) for tab in tabs]
    assert item_keys[0] and item_keys[1] and not set(item_keys[0]) & set(item_keys[1])
    needs = ["Ensimmäisen välilehden tarve", "Toisen välilehden tarve"]
    for tab, need in zip(tabs, needs, strict=True):
        data = {
            "once_key": item_form_key(tab, discussion),
            "item-need": need,
            "item-action": "Koulutus",
            "item-responsible": "Pormestari",
            "item-status": "open",
        }
        answer = client.post(item_new_url(discussion), data)
        assert answer.status_code == 302, answer.content.decode()[:2000]
        assert fi(ALREADY_SENT) not in messages_on(client.get(answer["Location"]))
    assert (
        sorted(DevelopmentItem.objects.filter(raised_in=discussion).values_list("need", flat=True)) == needs
    )


def item_form_key(response, discussion) -> str:
    """The one-time key of the page's form that adds a development item."""
    action = item_new_url(discussion)
    (form,) = parse(response.content).find_all(lambda e: e.tag == "form" and e.attrs.get("action") == action)
    (key,) = form.find_all(lambda e: e.tag == "input" and e.attrs.get("name") == "once_key")
    return key.attrs["value"]


def test_a_change_shows_at_once(demo):
    client = demo.client(PREPARER)
    url = reverse("plan_detail", args=[demo.draft.pk])
    until_served_from_cache(client, url)
    goal = GoalArea.objects.filter(version__plan=demo.draft).first()
    GoalArea.objects.filter(pk=goal.pk).update(title="Uusi otsikko välimuistin testiin")
    response, _ = get(client, url)
    assert response.headers.get(HIT) is None
    assert "Uusi otsikko välimuistin testiin" in response.content.decode()


def test_a_change_of_follow_up_state_shows_at_once(demo):
    """A follow-up of the 2025 plan moved on behind the page's back: its page and the
    dashboard say so at once, though both were in the cache."""
    followup = FollowUp.objects.filter(checkpoint__version__plan=demo.plan).order_by("id").first()
    checkpoint = followup.checkpoint
    pages = {
        "followup": (demo.client(EXECUTIVE), reverse("followup", args=[demo.plan.pk, checkpoint.pk])),
        "dashboard": (demo.client(PREPARER), reverse("dashboard", args=[demo.org.slug])),
    }
    before = {}
    for name, (client, url) in pages.items():
        before[name] = until_served_from_cache(client, url)[-1][0].content.decode()
    moved = FollowUpStatus.VIEWS_IN if followup.status != FollowUpStatus.VIEWS_IN else FollowUpStatus.AGREED
    FollowUp.objects.filter(pk=followup.pk).update(status=moved)
    for name, (client, url) in pages.items():
        response, _ = get(client, url)
        assert response.headers.get(HIT) is None, name
        assert response.content.decode() != before[name], name


def test_a_restricted_text_never_reaches_another_viewer_through_the_cache(demo):
    """The mayor (a participant) reads the restricted notes; the preparer and the admin open
    the same address right after, again and again, and never get the mayor's page."""
    url = detail_url(demo_discussion_of(demo))
    mayor = until_served_from_cache(demo.client(MAYOR), url)[-1][0]
    assert all(secret in page_text(mayor) for secret in DEMO_SECRETS[:3])
    for username in (PREPARER, ADMIN):
        for response, _ in until_served_from_cache(demo.client(username), url):
            text = page_text(response)
            assert all(note in text for note in DEMO_PUBLIC_NOTES)
            assert not any(secret in text for secret in DEMO_SECRETS), username
    # The mayor's second session (another browser) has a page of its own too.
    second = demo.client(MAYOR)
    response, _ = get(second, url)
    assert response.headers.get(HIT) is None


def test_each_showing_from_the_cache_is_in_the_use_log(demo, settings, django_capture_on_commit_callbacks):
    # Every showing: a repeat within the window is one use (tests/discussions/test_uselog.py).
    settings.USE_LOG_REPEAT_SECONDS = 0
    discussion = demo_discussion_of(demo)
    client = demo.client(MAYOR)
    reads = AuditEvent.objects.filter(action="discussion.read_restricted", actor__username=MAYOR)
    before = reads.count()
    with django_capture_on_commit_callbacks(execute=True):
        shown = until_served_from_cache(client, detail_url(discussion))
    assert reads.count() == before + len(shown)
    first, last = reads.order_by("id")[before], reads.order_by("-id").first()
    assert json.loads(last.changes) == json.loads(first.changes)
    assert last.object_id == str(discussion.pk)


def test_a_page_with_a_message_is_neither_served_nor_stored(demo):
    client = demo.client(EXECUTIVE)
    url = reverse("home")
    until_served_from_cache(client, url)
    # What a form's "Saved" leaves for the next page (django.contrib.messages' cookie).
    client.cookies["messages"] = CookieStorage(HttpRequest())._encode(
        [Message(constants.SUCCESS, "Tallennettu viesti")]
    )
    response, _ = get(client, url)
    assert response.headers.get(HIT) is None
    assert "Tallennettu viesti" in response.content.decode()


def test_the_page_cache_can_be_turned_off(demo, settings):
    settings.PAGE_CACHE = False
    client = demo.client(EXECUTIVE)
    for _ in range(3):
        response, queries = get(client, reverse("home"))
        assert response.headers.get(HIT) is None
        assert len(queries) > 3


# --- Data generations, with real commits -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_token_changes_when_the_transaction_commits_and_not_on_rollback():
    start = generations.tokens().get("organizations")
    with transaction.atomic():
        OrganizationFactory()
        # Not yet: the new token is written just before the commit.
        assert generations.tokens().get("organizations") == start
    committed = generations.tokens().get("organizations")
    assert committed != start

    with pytest.raises(RuntimeError), transaction.atomic():
        Organization.objects.update(name="Peruttu")
        raise RuntimeError
    assert generations.tokens().get("organizations") == committed

    # A write without a transaction (autocommit) changes the token right after it.
    Organization.objects.update(name="Heti")
    assert generations.tokens().get("organizations") not in {start, committed}


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_shows_on_a_cached_page(client):
    plan = PlanFactory(period_start=clock.today().replace(month=1, day=1))
    plan.period_end = plan.period_start.replace(month=12, day=31)
    plan.save()
    evaluator = MembershipFactory(organization=plan.agreement.organization).user
    client.force_login(evaluator)
    url = reverse("home")
    assert plan.title in until_served_from_cache(client, url)[-1][0].content.decode()
    with transaction.atomic():
        GoalPlan.objects.filter(pk=plan.pk).update(title="Vastanimetyt tavoitteet")
    response, _ = get(client, url)
    assert response.headers.get(HIT) is None
    assert "Vastanimetyt tavoitteet" in response.content.decode()


def test_writes_that_change_no_page_change_no_token(demo):
    """The session's last-seen time, the database cache, the last-login time and the
    sessions themselves are written all the time; they must not empty the cache. The
    sessions' tokens (the sign-in cache's) are in no page's key."""
    client = demo.client(EXECUTIVE)

    def page_tokens():
        return {app: t for app, t in generations.tokens().items() if generations.for_pages(app)}

    before = page_tokens()
    caches["default"].set("pagecache-test", 1)
    client.get(reverse("home"))
    demo.client(MAYOR)  # a sign-in: the user's last-login time, a new session
    client.session["pagecache-test"] = 1
    client.session.save()  # a session saving itself changes its bucket's token
    assert page_tokens() == before
    assert demo.user(MAYOR).last_login is not None


@pytest.mark.django_db(transaction=True)
def test_writes_are_seen_on_a_connection_opened_inside_another_execute_wrapper():
    """The metrics middleware counts queries with `connection.execute_wrapper`, whose
    exit pops the last wrapper: a connection opened inside it must keep its tracking
    (on PostgreSQL the first write of a new connection used to be the last one seen)."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)  # a new thread's, or a worker's
    try:
        with other.execute_wrapper(lambda execute, *args: execute(*args)), other.cursor() as cursor:
            cursor.execute("SELECT 1")  # opens the connection
        for name in ("Ensimmäinen", "Toinen"):
            start = generations.tokens().get("organizations")
            with other.cursor() as cursor:
                cursor.execute('UPDATE "organizations_organization" SET "name" = %s', [name])
            assert generations.tokens().get("organizations") != start, name
    finally:
        other.close()
