"""Shared fixtures: the demo's named personas and clients logged in as them."""

import datetime as dt
import email
import socket
from dataclasses import dataclass

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client
from django.utils import timezone, translation

from suunta.agreements.models import GoalPlan
from suunta.agreements.services import create_next_period_plan
from suunta.demo.loader import load_demo
from suunta.discussions import uselog
from suunta.organizations.models import Organization

from .demo_snapshot import Snapshot, capture, restore
from .served import served, served_template  # noqa: F401  (fixtures: a real server, tests/served.py)

DEMO_PERSONAS = (
    "pormestari",
    "apulaispormestari",
    "valtuuston-pj",
    "kansliapaallikko",
    "valmistelija",
    "hallitus",
    "tarkastaja",
    "paakayttaja",
    # The sector directors whose agreements the chief of staff evaluates (the goal cascade).
    "sivistysjohtaja",
    "tekninen-johtaja",
    "toinen-paakayttaja",
    "toinen-johtaja",
    "toinen-kh-pj",
    "toinen-valmistelija",
)


# The demo builds "the current year's plan" from the clock, so every test runs on one
# fixed day (time moves on from there). Tests that need another day travel further.
TEST_TODAY = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fixed_today():
    with time_machine.travel(TEST_TODAY, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language, as a fresh process would. A request
    through the test client leaves its language active in the thread (the middleware
    activates one per request, as Django's does), and nothing else resets it."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    """Evidence files of every test go to the test's own temporary directory."""
    root = tmp_path / "evidence"
    settings.EVIDENCE_ROOT = root
    return root


@pytest.fixture(autouse=True)
def empty_use_log_memory():
    """Each test starts with no showing remembered as logged (suunta/discussions/uselog.py):
    the memory is the process's, and a test's sessions are its own anyway."""
    caches[uselog.CACHE].clear()


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # argon2 in production; the suite only needs hashes that work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Demo:
    org: Organization
    other_org: Organization
    plan: GoalPlan  # "Kansliapäällikön tavoitteet 2025", approved KH 31.3.2025 § 45, followed up
    other_plan: GoalPlan  # Toinen kunta's plan, approved
    current: GoalPlan  # "Kansliapäällikön tavoitteet 2026", approved; follow-up "marraskuu 2026" open
    draft: GoalPlan  # "Kansliapäällikön tavoitteet 2027": a draft made from the 2026 plan

    def user(self, username: str):
        return get_user_model().objects.get(username=username)

    def client(self, username: str) -> Client:
        client = Client()
        client.force_login(self.user(username))
        return client


# This process's demo: its rows as the first test that asked loaded them, the draft's
# id, and the clock when the load had finished (see tests/demo_snapshot.py).
_loaded_demo: tuple[Snapshot, int, dt.datetime] | None = None


@pytest.fixture
def demo(db, fixed_today) -> Demo:
    global _loaded_demo
    if _loaded_demo is None:
        # In the default language, whatever the first test has switched to: the copy
        # serves every later test in this process.
        with translation.override("fi"):
            handles, snapshot = capture(demo_handles_after_load)
        _loaded_demo = (snapshot, handles.draft.pk, timezone.now())
        return handles
    snapshot, draft_pk, loaded_at = _loaded_demo
    restore(snapshot)
    fixed_today.move_to(loaded_at)  # time goes on from where the load left it
    return demo_handles(draft=GoalPlan.objects.get(pk=draft_pk))


def demo_handles_after_load() -> Demo:
    load_demo()
    return demo_handles()


def demo_handles(draft: GoalPlan | None = None) -> Demo:
    """The loaded demo's objects. Without `draft`, the 2027 draft is made from the 2026
    plan (as the browser tests do: their live server reads a transactional database)."""
    plan = GoalPlan.objects.get(title="Kansliapäällikön tavoitteet 2025")
    current = GoalPlan.objects.get(title="Kansliapäällikön tavoitteet 2026")
    if draft is None:
        preparer = get_user_model().objects.get(username="valmistelija")
        draft = create_next_period_plan(preparer, current)
    return Demo(
        org=Organization.objects.get(slug="esimerkkikunta"),
        other_org=Organization.objects.get(slug="toinen-kunta"),
        plan=plan,
        other_plan=GoalPlan.objects.get(title="Kunnanjohtajan tavoitteet 2025"),
        current=current,
        draft=draft,
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class _Inbox:
    """Messages received by the test SMTP server, as email.message.Message objects."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name

        message = email.message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def body(self, index: int = -1) -> str:
        message = self.messages[index]
        part = message.get_payload(decode=True) if not message.is_multipart() else None
        if part is None:
            part = message.get_payload(0).get_payload(decode=True)
        return part.decode(message.get_content_charset() or "utf-8")


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free local port; Django sends to it over SMTP."""

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()
