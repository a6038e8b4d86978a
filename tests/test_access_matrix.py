"""Every URL pattern, every demo persona of both organizations and an anonymous user.

A new URL pattern without an entry in MATRIX fails `test_every_url_pattern_has_an_entry`:
whoever adds a page must decide who may use it.
"""

from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from suunta.organizations.models import Membership
from tests.conftest import DEMO_PERSONAS

ANON = "anonymous"
PERSONAS = (*DEMO_PERSONAS, ANON)
EVALUATORS = ("pormestari", "apulaispormestari", "valtuuston-pj")
EDITORS = (*EVALUATORS, "valmistelija")
ESIMERKKI = (*EDITORS, "kansliapaallikko", "hallitus", "tarkastaja", "paakayttaja")
TOINEN = ("toinen-paakayttaja", "toinen-johtaja", "toinen-kh-pj", "toinen-valmistelija")
LOGGED_IN = DEMO_PERSONAS


def expect(default: int, anonymous: int = 302, **by_group) -> dict[str, int]:
    """Expected status per persona: `default`, overridden per group of personas."""
    result = dict.fromkeys(LOGGED_IN, default)
    for group, status in by_group.items():
        for persona in GROUPS[group]:
            result[persona] = status
    result[ANON] = anonymous
    return result


GROUPS = {
    "editors": EDITORS,
    "executive": ("kansliapaallikko",),
    "readers": ("hallitus", "tarkastaja"),
    "admin": ("paakayttaja",),
    "auditor": ("tarkastaja",),
    "evaluators": EVALUATORS,
    "mayor_or_preparer": ("pormestari", "valmistelija"),
    "preparer": ("valmistelija",),
    "toinen": TOINEN,
    "esimerkki": ESIMERKKI,
}


@dataclass
class Entry:
    expected: dict[str, int]
    method: str = "get"
    data: dict = field(default_factory=dict)
    args: object = None  # callable(demo) -> list of URL args


def approved(demo):
    return [demo.plan.pk]


def plan(demo):
    return [demo.draft.pk]


def goal(demo):
    return [demo.draft.pk, demo.draft.versions.get().goal_areas.order_by("order")[1].pk]


def metric(demo):
    goal_area = demo.draft.versions.get().goal_areas.order_by("order")[1]
    return [demo.draft.pk, goal_area.metrics.order_by("order")[0].pk]


def checkpoint(demo):
    return [demo.draft.pk, demo.draft.versions.get().checkpoints.order_by("order")[0].pk]


def open_checkpoint(demo):
    """The current plan's follow-up whose window contains today."""
    checkpoint = demo.current.versions.get(status="approved").checkpoints.order_by("order").first()
    return [demo.current.pk, checkpoint.pk]


def agreed_goal(demo):
    plan_pk, checkpoint_pk = open_checkpoint(demo)
    goal = demo.current.versions.get(status="approved").goal_areas.order_by("order").first()
    return [plan_pk, checkpoint_pk, goal.pk]


def current_without_successor(demo):
    """The 2026 plan, with the fixture's 2027 draft removed so a next period can be made."""
    demo.draft.delete()
    return [demo.current.pk]


def close_step(demo):
    from suunta.governance.models import WorkflowStep

    step = WorkflowStep.objects.get(organization=demo.org, action="close")
    return [demo.plan.pk, step.pk]


def membership(demo):
    return ["esimerkkikunta", Membership.objects.get(user__username="hallitus").pk]


# Plan editing (on the demo's 2026 draft): editors may; the executive and the admin see
# the plan but may not edit (403); board members and auditors do not see a draft at all
# (404); Toinen kunta: 404. The approved 2025 plan: everyone in Esimerkkikunta reads it;
# only editors take steps on it (the executive never: disqualified on own goals).
EDIT = expect(200, editors=200, executive=403, admin=403, readers=404, toinen=404)
EDIT_POST = expect(302, editors=302, executive=403, admin=403, readers=404, toinen=404)
MANAGE = expect(403, admin=200, toinen=404)
ON_APPROVED = expect(200, editors=200, executive=403, admin=403, readers=403, toinen=404)
# Follow-up of the current plan's open checkpoint. Everyone in Esimerkkikunta reads it.
# The executive writes the self-assessment, evaluators their views (an empty POST saves
# an empty draft: 302); the agreed text by preparers and evaluators (an empty POST is
# refused in the form: a rating and a text are needed, 200); closing a step and
# marking it agreed by the preparer or the mayor, reporting by the preparer (an empty
# POST to those re-shows the form: 200).
OWN = expect(403, executive=302, toinen=404, **{"evaluators": 302})
AGREED = expect(403, editors=200, toinen=404)
MAYOR_OR_PREPARER = expect(403, toinen=404, **{"mayor_or_preparer": 200})
PREPARER_ONLY = expect(403, toinen=404, **{"preparer": 200})
ON_APPROVED_POST = expect(302, editors=302, executive=403, admin=403, readers=403, toinen=404)
EVERYONE = expect(200, anonymous=200)
LOGGED_IN_ONLY = expect(200)
POST_REDIRECTS = expect(302, anonymous=302)

MATRIX: dict[str, Entry] = {
    "home": Entry(LOGGED_IN_ONLY),
    "login": Entry(EVERYONE),
    "logout": Entry(POST_REDIRECTS, method="post"),
    "set_language": Entry(POST_REDIRECTS, method="post", data={"language": "sv", "next": "/"}),
    "password_reset": Entry(EVERYONE),
    "password_reset_done": Entry(EVERYONE),
    "password_reset_confirm": Entry(EVERYONE, args=lambda demo: ["MQ", "set-password"]),
    "password_reset_complete": Entry(EVERYONE),
    "password_change": Entry(LOGGED_IN_ONLY),
    "password_change_done": Entry(LOGGED_IN_ONLY),
    "organization_list": Entry(LOGGED_IN_ONLY),
    "organization_detail": Entry(expect(200, toinen=404), args=lambda demo: ["esimerkkikunta"]),
    "member_list": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "member_new": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "member_end": Entry(MANAGE, args=membership),
    "audit_log": Entry(
        expect(403, admin=200, toinen=404, **{"auditor": 200}), args=lambda demo: ["esimerkkikunta"]
    ),
    "agreement_detail": Entry(expect(200, toinen=404), args=lambda demo: [demo.plan.agreement_id]),
    "plan_new": Entry(
        expect(200, executive=403, readers=403, admin=403, toinen=404),
        args=lambda demo: [demo.plan.agreement_id],
    ),
    "plan_detail": Entry(expect(200, toinen=404), args=approved),
    "plan_history": Entry(expect(200, toinen=404), args=approved),
    "plan_amend": Entry(ON_APPROVED_POST, method="post", args=approved),
    "plan_next_period": Entry(ON_APPROVED_POST, method="post", args=current_without_successor),
    "plan_step": Entry(ON_APPROVED, args=close_step),
    "goal_new": Entry(EDIT, args=plan),
    "goal_edit": Entry(EDIT, args=goal),
    "goal_delete": Entry(EDIT, args=goal),
    "goal_move": Entry(EDIT_POST, method="post", data={"direction": "up"}, args=goal),
    "metric_new": Entry(EDIT, args=goal),
    "metric_edit": Entry(EDIT, args=metric),
    "metric_delete": Entry(EDIT, args=metric),
    "metric_move": Entry(EDIT_POST, method="post", data={"direction": "down"}, args=metric),
    "checkpoint_new": Entry(EDIT, args=plan),
    "checkpoint_edit": Entry(EDIT, args=checkpoint),
    "checkpoint_delete": Entry(EDIT, args=checkpoint),
    "checkpoint_move": Entry(EDIT_POST, method="post", data={"direction": "down"}, args=checkpoint),
    "followup": Entry(expect(200, toinen=404), args=open_checkpoint),
    "followup_own": Entry(OWN, method="post", args=open_checkpoint),
    "followup_agreed": Entry(AGREED, method="post", args=agreed_goal),
    "followup_close": Entry(MAYOR_OR_PREPARER, method="post", args=open_checkpoint),
    "followup_mark": Entry(MAYOR_OR_PREPARER, method="post", args=open_checkpoint),
    "followup_report": Entry(PREPARER_ONLY, method="post", args=open_checkpoint),
    "dashboard": Entry(expect(200, toinen=404), args=lambda demo: ["esimerkkikunta"]),
    "rating_styles": Entry(LOGGED_IN_ONLY),
    # The Django admin is for operators (superusers) only: every persona is sent to its login.
    "admin:index": Entry(expect(302)),
}


def url_names(resolver=None, namespace="") -> set[str]:
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin":
                names.add("admin:index")  # the admin is one door; tested below with a superuser too
                continue
            names |= url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_url_pattern_has_an_entry():
    missing = url_names() - MATRIX.keys()
    assert not missing, f"URL patterns without an access entry: {sorted(missing)}"
    stale = MATRIX.keys() - url_names()
    assert not stale, f"Entries for URL patterns that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_persona_gets_the_expected_answer(demo, name):
    entry = MATRIX[name]
    url = reverse(name, args=entry.args(demo) if entry.args else None)
    outcomes = {}
    for persona in PERSONAS:
        client = Client() if persona == ANON else demo.client(persona)
        # Each persona meets the same state: what one request changes is rolled back.
        with transaction.atomic():
            response = getattr(client, entry.method)(url, entry.data)
            transaction.set_rollback(True)
        outcomes[persona] = response.status_code
        if response.status_code == 302 and persona == ANON and name not in {"logout", "set_language"}:
            assert "/login/" in response["Location"], (persona, response["Location"])
    wrong = {p: (outcomes[p], entry.expected[p]) for p in PERSONAS if outcomes[p] != entry.expected[p]}
    assert not wrong, f"{name} {url}: persona → (got, expected): {wrong}"


def test_a_superuser_operator_reaches_the_django_admin(db):
    from django.contrib.auth import get_user_model

    operator = get_user_model().objects.create_superuser("operaattori", password="x")
    client = Client()
    client.force_login(operator)
    assert client.get(reverse("admin:index")).status_code == 200
