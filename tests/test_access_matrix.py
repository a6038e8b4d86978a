"""Every URL pattern, every demo persona of both organizations and an anonymous user.

A new URL pattern without an entry in MATRIX fails `test_every_url_pattern_has_an_entry`:
whoever adds a page must decide who may use it.
"""

import datetime as dt
import weakref
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from suunta.agreements import services as agreement_services
from suunta.agreements.models import Metric
from suunta.agreements.services import amend
from suunta.api import services as api_services
from suunta.discussions import services as discussions
from suunta.discussions.models import Discussion, ItemShare
from suunta.evidence import services as evidence
from suunta.evidence import uploads
from suunta.followup import services as followup
from suunta.followup.models import AssessmentKind, Rating
from suunta.governance.models import WorkflowStep
from suunta.lib.clock import now
from suunta.mail.messages import token_digest
from suunta.mail.models import OutgoingMail
from suunta.measures.models import MetricValue
from suunta.organizations.models import Invitation, Membership
from suunta.reminders import services as reminders
from suunta.reminders.models import Reminder, ReminderPreference
from suunta.security.models import SignInMethod, UserSession
from suunta.strategy.models import (
    BudgetIndicator,
    BudgetTarget,
    Objective,
    Strategy,
    StrategyIndicator,
    Theme,
)
from tests.conftest import DEMO_PERSONAS

ANON = "anonymous"
PERSONAS = (*DEMO_PERSONAS, ANON)
EVALUATORS = ("pormestari", "apulaispormestari", "valtuuston-pj")
EDITORS = (*EVALUATORS, "valmistelija")
ESIMERKKI = (*EDITORS, "kansliapaallikko", "hallitus", "tarkastaja", "paakayttaja")
# The sector directors below the chief of staff (suunta/demo/cascade.py): executives of
# their own agreements, which the chief evaluates. The entries open the chief's plans,
# discussions and agreement: to the directors another agreement's, so 404 (as to Toinen
# kunta); the organization's own pages (front page, organization, strategy, strategy
# map, budget, dashboard) they read as the chief does, and its settings are refused (403).
DIRECTORS = ("sivistysjohtaja", "tekninen-johtaja")
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
    "directors": DIRECTORS,
}


@dataclass
class Entry:
    expected: dict[str, int]
    method: str = "get"
    data: object = field(default_factory=dict)  # a dict, or callable(demo) -> dict
    args: object = None  # callable(demo) -> list of URL args
    content_type: str | None = None  # "application/json" for the API's writes


def strategy(demo):
    return [demo.org.slug, Strategy.objects.get(organization=demo.org, status="approved").pk]


def theme(demo):
    strategy_pk = strategy(demo)[1]
    return [
        demo.org.slug,
        strategy_pk,
        Theme.objects.filter(strategy_id=strategy_pk).order_by("order").first().pk,
    ]


def strategy_objective(demo):
    strategy_pk = strategy(demo)[1]
    return [demo.org.slug, strategy_pk, Objective.objects.get(strategy_id=strategy_pk, number="1.1").pk]


def strategy_indicator(demo):
    strategy_pk = strategy(demo)[1]
    indicator = StrategyIndicator.objects.filter(objective__strategy_id=strategy_pk).order_by("id").first()
    return [demo.org.slug, strategy_pk, indicator.pk]


def budget_target(demo):
    target = (
        BudgetTarget.objects.filter(organization=demo.org, goal_areas__isnull=False).order_by("id").first()
    )
    return [demo.org.slug, target.pk]


def budget_indicator(demo):
    return [
        demo.org.slug,
        BudgetIndicator.objects.filter(target__organization=demo.org).order_by("id").first().pk,
    ]


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


def _submitted_self_assessment(demo):

    _plan_pk, checkpoint_pk, goal_pk = agreed_goal(demo)
    checkpoint = demo.current.versions.get(status="approved").checkpoints.get(pk=checkpoint_pk)
    goal = checkpoint.version.goal_areas.get(pk=goal_pk)
    rating = Rating.objects.filter(organization=demo.org).first()
    executive = demo.user("kansliapaallikko")
    followup.save_assessment(
        executive, checkpoint, goal, AssessmentKind.SELF, rating=rating, text="Eteni.", submit=True
    )
    return executive, checkpoint, goal


def evidence_link(demo):
    """A link on the executive's submitted self-assessment at the open checkpoint."""

    executive, checkpoint, goal = _submitted_self_assessment(demo)
    return [evidence.attach_link(executive, checkpoint, goal, "https://example.fi/", "Esimerkki").pk]


def evidence_file(demo):
    """A PDF on the executive's submitted self-assessment at the open checkpoint. The
    file is written under settings.EVIDENCE_ROOT and deleted when the test lets go of
    the demo (or at exit)."""

    executive, checkpoint, goal = _submitted_self_assessment(demo)
    upload = SimpleUploadedFile("liite.pdf", b"%PDF-1.4\n%%EOF\n")
    item = evidence.attach_file(executive, checkpoint, goal, upload)
    weakref.finalize(demo, uploads.delete, item.stored_name)
    return [item.pk]


def signed_agreement(demo):
    """The 2025 agreement with its signed copy attached by the admin (a PDF under
    settings.EVIDENCE_ROOT, deleted when the test lets go of the demo)."""
    agreement = demo.plan.agreement
    upload = SimpleUploadedFile("sopimus.pdf", b"%PDF-1.4\n%%EOF\n")
    agreement = agreement_services.update_agreement(demo.user("paakayttaja"), agreement, signed_file=upload)
    weakref.finalize(demo, uploads.delete, agreement.signed_file)
    return [agreement.pk]


def current_without_successor(demo):
    """The 2026 plan, with the fixture's 2027 draft removed so a next period can be made."""
    demo.draft.delete()
    return [demo.current.pk]


def savings_metric(demo):
    """The demo's quantitative savings metric of the approved 2025 plan (12 values)."""
    version = demo.plan.versions.get(status="approved")
    metric = version.goal_areas.get(title="Talouden johtaminen").metrics.get(unit="€")
    return [demo.plan.pk, metric.pk]


def savings_value(demo):

    plan_pk, metric_pk = savings_metric(demo)
    lineage = Metric.objects.get(pk=metric_pk).lineage
    value = MetricValue.objects.filter(plan=demo.plan, metric_lineage=lineage).order_by("measured_on").first()
    return [plan_pk, metric_pk, value.pk]


def weighted_draft(demo):
    """Toinen kunta weighs its goals: version 2 of its plan, a draft, takes weights."""

    amend(demo.user("toinen-valmistelija"), demo.other_plan)
    return [demo.other_plan.pk]


def demo_discussion(demo):
    """The demo's frozen spring 2025 discussion."""

    return [Discussion.objects.get(agreement=demo.plan.agreement, held_on="2025-03-12").pk]


def _open_discussion(demo):
    """An open discussion on 10.12.2026 with pormestari, valtuuston-pj and the executive
    (apulaispormestari is an evaluator outside the room)."""

    participants = [demo.user(u) for u in ("pormestari", "valtuuston-pj", "kansliapaallikko")]
    return discussions.create_discussion(
        demo.user("pormestari"),
        demo.plan.agreement,
        participants=participants,
        plans=[demo.current],
        held_on=dt.date(2026, 12, 10),
    )


def open_discussion(demo):
    return [_open_discussion(demo).pk]


def restricted_section(demo):
    discussion = _open_discussion(demo)
    return [discussion.pk, discussion.sections.get(kind="wellbeing").pk]


def development_item(demo):

    discussion = _open_discussion(demo)
    item = discussions.save_item(
        demo.user("pormestari"), discussion, None, need="Tarve", action="Toimi", responsible="Pormestari"
    )
    return [discussion.pk, item.pk]


def open_survey(demo):

    survey = discussions.create_survey(
        demo.user("pormestari"),
        _open_discussion(demo),
        recipients=[demo.user("hallitus"), demo.user("valtuuston-pj")],
        closes_on=dt.date(2026, 12, 5),
        anonymous=False,
    )
    return [survey.pk]


def close_step(demo):

    step = WorkflowStep.objects.get(organization=demo.org, action="close")
    return [demo.plan.pk, step.pk]


def pormestari_session(demo):
    """A recorded session of the mayor's (a session row and its record, as a sign-in makes)."""
    store = SessionStore()
    store.create()
    record = UserSession.objects.create(
        user=demo.user("pormestari"),
        session_id=store.session_key,
        created_at=now(),
        last_seen=now(),
        method=SignInMethod.PASSWORD,
    )
    return [record.pk]


def membership(demo):
    return ["esimerkkikunta", Membership.objects.get(user__username="hallitus").pk]


def waiting_membership(demo):
    """A board chair's evaluator role for a second admin, given by a third admin, waiting
    for confirmation: paakayttaja may confirm or refuse it."""

    User = get_user_model()
    second, _ = User.objects.get_or_create(username="toinen-admin", first_name="Olavi", last_name="Toinen")
    third, _ = User.objects.get_or_create(username="kolmas-admin", first_name="Kaarina", last_name="Kolmas")
    for person in (second, third):
        Membership.objects.get_or_create(
            organization=demo.org, user=person, role="admin", valid_from=dt.date(2024, 1, 1)
        )
    waiting, _ = Membership.objects.get_or_create(
        organization=demo.org,
        user=second,
        role="evaluator",
        title="deputy_mayor",
        valid_from=dt.date(2026, 1, 1),
        defaults={"basis": "KH 12.1.2026 § 3", "granted_by": third, "awaiting_confirmation": True},
    )
    return ["esimerkkikunta", waiting.pk]


INVITATION_TOKEN = "matriisin-kutsulinkki"


def _invitation(demo):

    invitation, _created = Invitation.objects.get_or_create(
        organization=demo.org,
        email="uusi@esimerkkikunta.fi",
        role="board_member",
        valid_from=dt.date(2026, 12, 1),
        status="open",
        defaults={
            "first_name": "Ville",
            "last_name": "Uusitalo",
            "invited_by": demo.user("paakayttaja"),
            "token_sha256": token_digest(INVITATION_TOKEN),
            "link_expires_at": now() + dt.timedelta(days=14),
        },
    )
    return invitation


def invitation(demo):
    return ["esimerkkikunta", _invitation(demo).pk]


def invitation_token(demo):
    _invitation(demo)
    return [INVITATION_TOKEN]


def item_share(demo):
    """The executive has shared the spring 2025 items with the preparer."""

    discussion = Discussion.objects.get(agreement=demo.plan.agreement, held_on="2025-03-12")
    discussions.share_items(demo.user("kansliapaallikko"), discussion, demo.user("valmistelija"))
    return [demo.plan.agreement_id, ItemShare.objects.filter(item__agreement=demo.plan.agreement).first().pk]


def stop_token(demo):
    return [reminders.stop_token(demo.user("pormestari").pk, "window_closes")]


def failed_reminder(demo):
    """A reminder to the mayor whose mail failed."""
    mail = OutgoingMail.objects.create(
        kind="reminder", to="pormestari@esimerkkikunta.example", base_url="http://x", status="failed"
    )
    reminder = Reminder.objects.create(
        organization=demo.org,
        user=demo.user("pormestari"),
        kind="window_opens",
        object_key="checkpoint:0:1",
        due_on=dt.date(2026, 11, 17),
        state="mailed",
        mail=mail,
    )
    return ["esimerkkikunta", reminder.pk]


def feed_token(demo):
    """The preparer's calendar address (the same one for both feeds: renewing would end
    the other's)."""
    preparer = demo.user("valmistelija")
    existing = ReminderPreference.objects.filter(user=preparer).values_list("feed_token", flat=True).first()
    return [existing or reminders.renew_feed(preparer)]


def own_api_token(demo):
    """The mayor's personal API token: revoked only by the mayor (others: 404)."""
    row, _token = api_services.create_personal_token(demo.user("pormestari"), "BI", ["read"], 30)
    return [row.pk]


def service_api_token(demo):
    row, _token = api_services.create_service_token(
        demo.user("paakayttaja"), demo.org, "Talousjärjestelmä", ["read", "write:values"], 30
    )
    return [demo.org.slug, row.pk]


def approval_handling(demo):
    return [demo.plan.versions.get(status="approved").handlings.get(outcome="approved").pk]


def batch_of_one(demo):
    plan_pk, metric_pk = savings_metric(demo)
    return {
        "items": [{"plan_id": plan_pk, "metric_id": metric_pk, "measured_on": "2025-06-15", "value": "5"}]
    }


# Plan editing (on the demo's 2026 draft): editors may; the executive and the admin see
# the plan but may not edit (403); board members and auditors do not see a draft at all
# (404); Toinen kunta and the sector directors: 404. The approved 2025 plan: everyone in
# Esimerkkikunta but the directors reads it; only editors take steps on it (the
# executive never: disqualified on own goals).
EDIT = expect(200, editors=200, executive=403, admin=403, readers=404, toinen=404, directors=404)
EDIT_POST = expect(302, editors=302, executive=403, admin=403, readers=404, toinen=404, directors=404)
MANAGE = expect(403, admin=200, toinen=404)
MANAGE_POST = expect(403, admin=302, toinen=404)
# The chief's agreement is out of the directors' scope: 404 before any right is asked.
OUT_OF_THE_CHIEFS = dict.fromkeys(DIRECTORS, 404)
ON_APPROVED = expect(200, editors=200, executive=403, admin=403, readers=403, toinen=404, directors=404)
# Follow-up of the current plan's open checkpoint. Everyone in Esimerkkikunta but the
# sector directors (404) reads it.
# The executive writes the self-assessment, evaluators their views (an empty POST saves
# an empty draft: 302); the agreed text by preparers and evaluators (an empty POST is
# refused in the form: a rating and a text are needed, 200); closing a step and
# marking it agreed by the preparer or the mayor, reporting by the preparer (an empty
# POST to those re-shows the form: 200).
OWN = expect(403, executive=302, toinen=404, directors=404, **{"evaluators": 302})
AGREED = expect(403, editors=200, toinen=404, directors=404)
MAYOR_OR_PREPARER = expect(403, toinen=404, directors=404, **{"mayor_or_preparer": 200})
PREPARER_ONLY = expect(403, toinen=404, directors=404, **{"preparer": 200})
# The annual salary: the preparer and the admin enter it (the demo's open checkpoint is
# no year's evaluation, so the form comes back with that message: 200).
SALARY = expect(403, toinen=404, directors=404, preparer=200, admin=200)
# Evidence on the open checkpoint: the executive and evaluators add to their own
# assessments (an empty POST re-shows the form: 200); a submitted self-assessment's file
# is downloaded by insiders, never by board members or auditors (404, as they do not see
# self-assessments); only its author removes it.
EVIDENCE_ADD = expect(403, executive=200, evaluators=200, toinen=404, directors=404)
EVIDENCE_DOWNLOAD = expect(200, readers=404, toinen=404, directors=404)
EVIDENCE_REMOVE = expect(403, executive=302, readers=404, toinen=404, directors=404)
# Measured goals: everyone in Esimerkkikunta reads the approved plan's metric page; the
# executive and the preparer record, remove and import values (others 403). Weights:
# only in an organization that weighs its goals (Toinen kunta), by its plan editors on
# a draft (an empty POST re-shows the form: 200); its executive and admin 403; others 404.
VALUES = expect(403, executive=302, preparer=302, toinen=404, directors=404)
VALUES_IMPORT = expect(403, executive=200, preparer=200, toinen=404, directors=404)
WEIGHTS = {
    **expect(404),
    "toinen-valmistelija": 200,
    "toinen-kh-pj": 200,
    "toinen-johtaja": 403,
    "toinen-paakayttaja": 403,
}
ON_APPROVED_POST = expect(302, editors=302, executive=403, admin=403, readers=403, toinen=404, directors=404)
# Goal and development discussions. Their people (evaluators, the preparer, the admin,
# the executive of his own agreement and every participant) see a discussion; board
# members, auditors, the sector directors and Toinen kunta never do (404). In the open discussion pormestari,
# valtuuston-pj and the executive take part: only they read a restricted section (others
# 403), the two evaluators write (an empty POST re-shows the page: 200), all three
# confirm; only the mayor closes and asks for views. The survey is answered by its
# recipients (an empty POST saves nothing and returns: 302); to everyone else it is 404.
DISCUSSION_READERS = expect(404, esimerkki=200, readers=404)
IN_THE_ROOM = expect(404, esimerkki=403, readers=404)
DISCUSSION_WRITERS = {**IN_THE_ROOM, "pormestari": 200, "valtuuston-pj": 200}
RESTRICTED_READERS = {**DISCUSSION_WRITERS, "kansliapaallikko": 200}
CONFIRMERS = {**IN_THE_ROOM, "pormestari": 302, "valtuuston-pj": 302, "kansliapaallikko": 302}
MAYOR_ONLY = {**IN_THE_ROOM, "pormestari": 200}
SURVEY_RECIPIENTS = {**expect(404), "hallitus": 302, "valtuuston-pj": 302}
EVERYONE = expect(200, anonymous=200)
STRATEGY_KEEPERS = expect(403, preparer=302, admin=302, toinen=404)
BUDGET_FORM = expect(403, preparer=200, admin=200, toinen=404)
LOGGED_IN_ONLY = expect(200)
POST_REDIRECTS = expect(302, anonymous=302)
# The REST API (suunta/api) with a browser session: the same answers as the pages it
# mirrors, and 401 (problem details) instead of the login redirect.
API_ORG = expect(200, anonymous=401, toinen=404)
API_CHIEFS = expect(200, anonymous=401, toinen=404, directors=404)
API_VALUES = expect(403, anonymous=401, executive=201, preparer=201, toinen=404, directors=404)
API_AGENDA = expect(200, anonymous=401, executive=403, readers=403, admin=403, toinen=404, directors=404)
JSON = "application/json"

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
    "preferences": Entry(LOGGED_IN_ONLY),
    # Reminders (suunta/reminders): one's own choices and calendar address; the stop link
    # of a mail and the calendar feeds work without a login (a signed token, a secret
    # address); what was sent is for the preparer and the admin, the defaults the admin's.
    "reminder_preferences": Entry(LOGGED_IN_ONLY),
    "reminder_feed_renew": Entry(POST_REDIRECTS, method="post"),
    "reminder_stop": Entry(EVERYONE, args=stop_token),
    "calendar_feed": Entry(EVERYONE, args=feed_token),
    "organization_calendar_feed": Entry(EVERYONE, args=lambda demo: [*feed_token(demo), "esimerkkikunta"]),
    "reminder_log": Entry(
        expect(403, preparer=200, admin=200, toinen=404), args=lambda demo: ["esimerkkikunta"]
    ),
    "reminder_defaults": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "reminder_resend": Entry(
        expect(403, preparer=302, admin=302, toinen=404), method="post", args=failed_reminder
    ),
    "my_data": Entry(LOGGED_IN_ONLY, method="post"),
    # Sign-in security (suunta/security): one's own second factor and sessions. Without
    # a pending password sign-in the code step sends everyone to the login; an empty
    # form is shown again with its errors (200); a session is ended
    # only by its own user (the mayor's: 404 to everyone else).
    "login_code": Entry(expect(302, anonymous=302)),
    "security": Entry(LOGGED_IN_ONLY),
    "two_factor_enable": Entry(LOGGED_IN_ONLY),
    "recovery_codes_regenerate": Entry(expect(200), method="post"),
    "two_factor_disable": Entry(expect(200), method="post"),
    "session_end": Entry({**expect(404), "pormestari": 302}, method="post", args=pormestari_session),
    "sessions_end_others": Entry(POST_REDIRECTS, method="post"),
    "organization_two_factor": Entry(MANAGE_POST, method="post", args=lambda demo: ["esimerkkikunta"]),
    "accessibility": Entry(EVERYONE),
    "organization_list": Entry(LOGGED_IN_ONLY),
    "organization_detail": Entry(expect(200, toinen=404), args=lambda demo: ["esimerkkikunta"]),
    "organization_positions": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "organization_process": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "organization_process_steps": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "document_texts": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "record_settings": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "retention_rules": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "legal_hold": Entry(
        MANAGE_POST,
        method="post",
        data={"reason": "Valitus"},
        args=lambda demo: ["esimerkkikunta", demo.plan.agreement_id],
    ),
    "subject_copy": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "evaluation_settings": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "agreement_new": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "member_list": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "member_new": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "member_end": Entry(MANAGE, args=membership),
    "member_invite": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "membership_confirm": Entry(MANAGE_POST, method="post", args=waiting_membership),
    "membership_reject": Entry(MANAGE_POST, method="post", args=waiting_membership),
    "invitation_resend": Entry(MANAGE_POST, method="post", args=invitation),
    "invitation_cancel": Entry(MANAGE_POST, method="post", args=invitation),
    # The invitation link opens without a login: a new person creates an account there.
    "invitation_accept": Entry(EVERYONE, args=invitation_token),
    # Single sign-on (suunta/sso). Starting it is open to everyone (an empty form shows the
    # login page again with its error: 200); the provider's redirect back is found only for
    # an organization that uses it (none in the demo: 404 to all); the settings are the
    # organization admin's (and an operator's, tests/sso).
    "sso_start": Entry(expect(200, anonymous=200), method="post"),
    "openid_connect_callback": Entry(expect(404, anonymous=404), args=lambda demo: ["esimerkkikunta"]),
    "sso_settings": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "audit_log": Entry(
        expect(403, admin=200, toinen=404, **{"auditor": 200}), args=lambda demo: ["esimerkkikunta"]
    ),
    # The chief's agreement, its plans and its decisions: 404 to the directors.
    "agreement_detail": Entry(
        expect(200, toinen=404, directors=404), args=lambda demo: [demo.plan.agreement_id]
    ),
    "agreement_edit": Entry({**MANAGE, **OUT_OF_THE_CHIEFS}, args=lambda demo: [demo.plan.agreement_id]),
    "handling_correct": Entry(
        expect(403, preparer=200, toinen=404, directors=404),
        args=lambda demo: [demo.plan.latest_version().handlings.get(outcome="approved").pk],
    ),
    "agreement_signed_file": Entry(expect(200, toinen=404, directors=404), args=signed_agreement),
    "plan_new": Entry(
        expect(200, executive=403, readers=403, admin=403, toinen=404, directors=404),
        args=lambda demo: [demo.plan.agreement_id],
    ),
    "plan_import": Entry(
        expect(200, executive=403, readers=403, admin=403, toinen=404, directors=404),
        args=lambda demo: [demo.plan.agreement_id],
    ),
    # The council's strategy and the budget's targets: read by anyone of the organization,
    # kept by the preparer and the admin. The demo's strategy is approved: a change to its
    # content is refused with a message after the redirect (302), a delete of it or of a
    # linked budget target too (goals link to them); revising it starts a draft (302).
    "strategy_list": Entry(expect(200, toinen=404), args=lambda demo: [demo.org.slug]),
    "strategy_options": Entry(
        expect(403, admin=302, toinen=404), method="post", args=lambda demo: [demo.org.slug]
    ),
    "strategy_detail": Entry(expect(200, toinen=404), args=strategy),
    "strategy_approve": Entry(STRATEGY_KEEPERS, method="post", args=strategy),
    "strategy_revise": Entry(STRATEGY_KEEPERS, method="post", args=strategy),
    "strategy_delete": Entry(STRATEGY_KEEPERS, method="post", args=strategy),
    "strategy_theme_add": Entry(STRATEGY_KEEPERS, method="post", args=strategy),
    "strategy_theme_edit": Entry(STRATEGY_KEEPERS, args=theme),
    "strategy_theme_delete": Entry(STRATEGY_KEEPERS, method="post", args=theme),
    "strategy_objective_add": Entry(STRATEGY_KEEPERS, method="post", args=strategy),
    "strategy_objective_edit": Entry(STRATEGY_KEEPERS, args=strategy_objective),
    "strategy_objective_delete": Entry(STRATEGY_KEEPERS, method="post", args=strategy_objective),
    "strategy_indicator_add": Entry(STRATEGY_KEEPERS, method="post", args=strategy_objective),
    "strategy_indicator_edit": Entry(STRATEGY_KEEPERS, args=strategy_indicator),
    "strategy_indicator_delete": Entry(STRATEGY_KEEPERS, method="post", args=strategy_indicator),
    "budget_targets": Entry(expect(200, toinen=404), args=lambda demo: [demo.org.slug]),
    "budget_import": Entry(
        expect(403, preparer=200, admin=200, toinen=404), args=lambda demo: [demo.org.slug]
    ),
    # An empty form is shown again with its errors (200).
    "budget_target_add": Entry(BUDGET_FORM, method="post", args=lambda demo: [demo.org.slug]),
    "budget_target_delete": Entry(STRATEGY_KEEPERS, method="post", args=budget_target),
    "budget_indicator_add": Entry(BUDGET_FORM, method="post", args=budget_target),
    "budget_realisation_add": Entry(BUDGET_FORM, method="post", args=budget_indicator),
    # The strategy map and its spreadsheet: anyone of the organization (what it shows of
    # the goals follows each viewer's plan access). The public page: anyone, no login,
    # only where the organization opted in (Toinen kunta has not: 404).
    "strategy_map": Entry(expect(200, toinen=404), args=lambda demo: [demo.org.slug]),
    "strategy_map_xlsx": Entry(expect(200, toinen=404), args=lambda demo: [demo.org.slug]),
    "public_goals": Entry(EVERYONE, args=lambda demo: [demo.org.slug]),
    "public_goals_json": Entry(EVERYONE, args=lambda demo: [demo.org.slug]),
    "plan_detail": Entry(expect(200, toinen=404, directors=404), args=approved),
    "plan_history": Entry(expect(200, toinen=404, directors=404), args=approved),
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
    "followup": Entry(expect(200, toinen=404, directors=404), args=open_checkpoint),
    "followup_own": Entry(OWN, method="post", args=open_checkpoint),
    "followup_agreed": Entry(AGREED, method="post", args=agreed_goal),
    "followup_close": Entry(MAYOR_OR_PREPARER, method="post", args=open_checkpoint),
    "followup_mark": Entry(MAYOR_OR_PREPARER, method="post", args=open_checkpoint),
    "followup_report": Entry(PREPARER_ONLY, method="post", args=open_checkpoint),
    "followup_salary": Entry(SALARY, method="post", args=open_checkpoint),
    "evidence_add": Entry(EVIDENCE_ADD, method="post", args=agreed_goal),
    "evidence_download": Entry(EVIDENCE_DOWNLOAD, args=evidence_file),
    "evidence_remove": Entry(EVIDENCE_REMOVE, method="post", args=evidence_link),
    "metric_detail": Entry(expect(200, toinen=404, directors=404), args=savings_metric),
    "metric_value_add": Entry(
        VALUES, method="post", data={"measured_on": "2025-06-15", "value": "1 000,5"}, args=savings_metric
    ),
    "metric_value_delete": Entry(VALUES, method="post", args=savings_value),
    "metric_value_import": Entry(VALUES_IMPORT, args=savings_metric),
    "plan_weights": Entry(WEIGHTS, method="post", args=weighted_draft),
    "dashboard": Entry(expect(200, toinen=404), args=lambda demo: ["esimerkkikunta"]),
    # Every plan of the organization the user sees (each reads only what is visible).
    "plan_list": Entry(expect(200, toinen=404), args=lambda demo: ["esimerkkikunta"]),
    "rating_styles": Entry(LOGGED_IN_ONLY),
    # Documents (the approved 2025 plan's agenda item draft, the strictest kind): the plan
    # editors preview and download it; the executive (disqualified), board members,
    # auditors and the admin 403; Toinen kunta 404.
    "document_preview": Entry(
        expect(200, executive=403, readers=403, admin=403, toinen=404, directors=404),
        args=lambda demo: [demo.plan.pk, "agenda"],
    ),
    "document_download": Entry(
        expect(200, executive=403, readers=403, admin=403, toinen=404, directors=404),
        args=lambda demo: [demo.plan.pk, "agenda", "pdf"],
    ),
    "discussion_new": Entry(
        expect(403, editors=200, toinen=404, directors=404), args=lambda demo: [demo.plan.agreement_id]
    ),
    "discussion_detail": Entry(DISCUSSION_READERS, args=demo_discussion),
    "discussion_calendar": Entry(DISCUSSION_READERS, args=demo_discussion),
    "discussion_edit": Entry(
        expect(404, editors=200, executive=403, admin=403, readers=404), args=open_discussion
    ),
    "discussion_section": Entry(RESTRICTED_READERS, args=restricted_section),
    "discussion_section_save": Entry(DISCUSSION_WRITERS, method="post", args=restricted_section),
    "development_item_new": Entry(DISCUSSION_WRITERS, method="post", args=open_discussion),
    "development_item_save": Entry(DISCUSSION_WRITERS, method="post", args=development_item),
    "discussion_confirm": Entry(CONFIRMERS, method="post", args=open_discussion),
    "discussion_close": Entry(MAYOR_ONLY, method="post", args=open_discussion),
    "survey_new": Entry(MAYOR_ONLY, args=open_discussion),
    "survey_answer": Entry(SURVEY_RECIPIENTS, method="post", args=open_survey),
    # Sharing the development items carried to the open discussion: the executive and the
    # spring 2025 room they were written in (an empty POST re-shows the page: 200); the
    # preparer and the admin are outside that room (403).
    "development_items_share": Entry(
        {
            **IN_THE_ROOM,
            "pormestari": 200,
            "apulaispormestari": 200,
            "valtuuston-pj": 200,
            "kansliapaallikko": 200,
        },
        method="post",
        args=open_discussion,
    ),
    # Who has read the executive's restricted notes: the executive's own page. A share is
    # withdrawn by the executive (or whoever made it).
    "restricted_use": Entry(
        expect(403, executive=200, toinen=404, directors=404), args=lambda demo: [demo.plan.agreement_id]
    ),
    "share_withdraw": Entry(
        expect(403, executive=302, toinen=404, directors=404), method="post", args=item_share
    ),
    # The Django admin is for operators (superusers) only: every persona is sent to its login.
    "admin:index": Entry(expect(302)),
    # For load balancers and monitoring, without a login (suunta/site/health.py). /metrics
    # answers only configured addresses or a token (tests/site/test_health.py): none here.
    "healthz": Entry(EVERYONE),
    "readyz": Entry(EVERYONE),
    "prometheus_metrics": Entry(expect(404, anonymous=404)),
    # API tokens (suunta/api): one's own personal tokens; the organization's service
    # tokens for its admin. A token is revoked by its owner (another person's: 404).
    "api_docs": Entry(LOGGED_IN_ONLY),
    "api_tokens": Entry(LOGGED_IN_ONLY),
    "api_token_revoke": Entry({**expect(404), "pormestari": 302}, method="post", args=own_api_token),
    "organization_api_tokens": Entry(MANAGE, args=lambda demo: ["esimerkkikunta"]),
    "organization_api_token_revoke": Entry(MANAGE_POST, method="post", args=service_api_token),
    # The case-system package of the 2025 approval's agenda item: as the agenda download.
    "handling_package": Entry(
        expect(200, executive=403, readers=403, admin=403, toinen=404, directors=404), args=approval_handling
    ),
    # The REST API with a session (tests/api covers tokens). The schema is public; the
    # root has no page (404).
    "api_v1:openapi-json": Entry(EVERYONE),
    "api_v1:not_found": Entry(expect(404, anonymous=404), args=lambda demo: ["no/such/thing"]),
    "api_v1:api-root": Entry(expect(404, anonymous=404)),
    "api_v1:list_organizations": Entry(expect(200, anonymous=401)),
    "api_v1:get_organization": Entry(API_ORG, args=lambda demo: ["esimerkkikunta"]),
    "api_v1:list_budget_indicators": Entry(API_ORG, args=lambda demo: ["esimerkkikunta"]),
    "api_v1:list_agreements": Entry(expect(200, anonymous=401)),
    "api_v1:get_agreement": Entry(API_CHIEFS, args=lambda demo: [demo.plan.agreement_id]),
    "api_v1:list_plans": Entry(expect(200, anonymous=401)),
    "api_v1:get_plan": Entry(API_CHIEFS, args=approved),
    "api_v1:get_version": Entry(
        API_CHIEFS, args=lambda demo: [demo.plan.pk, demo.plan.latest_version().number]
    ),
    "api_v1:get_followup": Entry(API_CHIEFS, args=open_checkpoint),
    "api_v1:list_metric_values": Entry(API_CHIEFS, args=savings_metric),
    "api_v1:create_metric_value": Entry(
        API_VALUES,
        method="post",
        data={"measured_on": "2025-06-15", "value": "1000.5"},
        args=savings_metric,
        content_type=JSON,
    ),
    "api_v1:create_metric_values": Entry(
        {**API_VALUES, "kansliapaallikko": 200, "valmistelija": 200},
        method="post",
        data=batch_of_one,
        content_type=JSON,
    ),
    "api_v1:record_realisation": Entry(
        expect(403, anonymous=401, preparer=200, admin=200, toinen=404),
        method="post",
        data={"measured_on": "2025-06-30", "value": "10"},
        args=lambda demo: budget_indicator(demo)[1:],
        content_type=JSON,
    ),
    "api_v1:get_document": Entry(API_AGENDA, args=lambda demo: [demo.plan.pk, "agenda", "pdf"]),
    "api_v1:get_package": Entry(API_AGENDA, args=approval_handling),
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
    data = entry.data(demo) if callable(entry.data) else entry.data
    extra = {"content_type": entry.content_type} if entry.content_type else {}
    outcomes = {}
    for persona in PERSONAS:
        client = Client() if persona == ANON else demo.client(persona)
        # Each persona meets the same state: what one request changes is rolled back.
        with transaction.atomic():
            response = getattr(client, entry.method)(url, data, **extra)
            transaction.set_rollback(True)
        outcomes[persona] = response.status_code
        if response.status_code == 302 and persona == ANON and name not in {"logout", "set_language"}:
            assert "/login/" in response["Location"], (persona, response["Location"])
    wrong = {p: (outcomes[p], entry.expected[p]) for p in PERSONAS if outcomes[p] != entry.expected[p]}
    assert not wrong, f"{name} {url}: persona → (got, expected): {wrong}"


def test_a_superuser_operator_reaches_the_django_admin(db):

    operator = get_user_model().objects.create_superuser("operaattori", password="x")
    client = Client()
    client.force_login(operator)
    assert client.get(reverse("admin:index")).status_code == 200
