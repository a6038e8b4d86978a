"""The use log records one entry a use (suunta/discussions/uselog.py): the same restricted
texts shown again to the same sign-in session within the window are not logged again;
another session, another user, a changed text or the window gone by is.

The memory of what was logged is written when the event commits, so these tests run
the requests with the on-commit callbacks executed (the test case's own transaction
never commits)."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.db.models import F
from django.test import RequestFactory

from suunta.audit.models import AuditEvent
from suunta.discussions import uselog
from suunta.discussions.models import DevelopmentItem, Section, SectionKind
from suunta.lib import pagecache

from ..helpers import fi_n
from .common import (
    CHAIR,
    EXECUTIVE,
    MAYOR,
    create_discussion,
    demo_discussion_of,
    detail_url,
    item_data,
    item_new_url,
    item_url,
    page_text,
    restricted_use_url,
    section_of,
    user,
    write,
)


@pytest.fixture
def show(django_capture_on_commit_callbacks):
    """Open the discussion page; its on-commit callbacks run when the request ends, as
    they do in autocommit."""

    def show(client, discussion):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(detail_url(discussion))
        assert response.status_code == 200
        return response

    return show


def reads_by(username: str):
    return AuditEvent.objects.filter(action="discussion.read_restricted", actor__username=username)


def test_a_reload_in_the_same_session_is_one_use(demo, settings, show):
    settings.PAGE_CACHE = True
    discussion = demo_discussion_of(demo)
    mayor = demo.client(MAYOR)
    before = reads_by(MAYOR).count()
    responses = [show(mayor, discussion) for _ in range(4)]
    # The last showings come from the page cache, which repeats the logging call.
    assert responses[-1].headers.get(pagecache.HIT_HEADER) == "hit"
    assert reads_by(MAYOR).count() == before + 1
    event = reads_by(MAYOR).latest("id")
    assert event.object_id == str(discussion.pk)
    assert len(json.loads(event.changes)["sections"][1]) == 3


def test_the_window_gone_by_makes_a_new_use(demo, settings, show, fixed_today):
    discussion = demo_discussion_of(demo)
    mayor = demo.client(MAYOR)
    before = reads_by(MAYOR).count()
    show(mayor, discussion)
    fixed_today.shift(dt.timedelta(seconds=settings.USE_LOG_REPEAT_SECONDS - 5))
    show(mayor, discussion)
    assert reads_by(MAYOR).count() == before + 1
    fixed_today.shift(dt.timedelta(seconds=10))
    show(mayor, discussion)
    assert reads_by(MAYOR).count() == before + 2


def test_another_session_or_another_reader_is_a_new_use(demo, show):
    discussion = demo_discussion_of(demo)
    before_mayor, before_chair = reads_by(MAYOR).count(), reads_by(CHAIR).count()
    show(demo.client(MAYOR), discussion)
    # The mayor again, in another browser: a sign-in of its own.
    show(demo.client(MAYOR), discussion)
    show(demo.client(CHAIR), discussion)
    assert reads_by(MAYOR).count() == before_mayor + 2
    assert reads_by(CHAIR).count() == before_chair + 1


def test_a_changed_text_shown_again_is_a_new_use(demo, show):
    discussion = create_discussion(demo, participants=(MAYOR, CHAIR, EXECUTIVE))
    wellbeing = section_of(discussion, SectionKind.WELLBEING)
    mayor = demo.client(MAYOR)
    assert write(mayor, wellbeing, "Jaksaminen on hyvä.").status_code == 302
    chair = demo.client(CHAIR)
    before = reads_by(CHAIR).count()
    show(chair, discussion)
    show(chair, discussion)
    assert reads_by(CHAIR).count() == before + 1
    assert write(mayor, wellbeing, "Jaksaminen on parempi.").status_code == 302
    assert "Jaksaminen on parempi." in show(chair, discussion).content.decode()
    assert reads_by(CHAIR).count() == before + 2
    # A new revision written past the models (its time of change as it was) is new too.
    Section.objects.filter(pk=wellbeing.pk).update(
        text="Jaksaminen on hyvä taas.", revision=F("revision") + 1
    )
    assert "Jaksaminen on hyvä taas." in show(chair, discussion).content.decode()
    assert reads_by(CHAIR).count() == before + 3


def test_a_changed_development_item_shown_again_is_a_new_use(demo, show):
    discussion = create_discussion(demo, participants=(MAYOR, CHAIR, EXECUTIVE))
    mayor = demo.client(MAYOR)
    assert mayor.post(item_new_url(discussion), item_data(need="Talousjohtaminen")).status_code == 302
    item = DevelopmentItem.objects.get(need="Talousjohtaminen")
    chair = demo.client(CHAIR)
    before = reads_by(CHAIR).count()
    show(chair, discussion)
    show(chair, discussion)
    assert reads_by(CHAIR).count() == before + 1
    assert item.pk in json.loads(reads_by(CHAIR).latest("id").changes)["items"][1]
    # An item has no revision: its time of change tells the new text from the old.
    changed = item_data(f"item{item.pk}", need="Talousjohtaminen ja hankinnat")
    assert mayor.post(item_url(discussion, item), changed).status_code == 302
    assert "Talousjohtaminen ja hankinnat" in show(chair, discussion).content.decode()
    assert reads_by(CHAIR).count() == before + 2


def test_with_no_window_every_showing_is_logged(demo, settings, show):
    settings.USE_LOG_REPEAT_SECONDS = 0
    discussion = demo_discussion_of(demo)
    mayor = demo.client(MAYOR)
    before = reads_by(MAYOR).count()
    for _ in range(3):
        show(mayor, discussion)
    assert reads_by(MAYOR).count() == before + 3


def test_an_event_rolled_back_is_not_remembered(demo, django_capture_on_commit_callbacks):
    request = RequestFactory().get("/")
    request.user = user(MAYOR)
    request.session = SessionStore()
    request.session.create()
    shown = uselog.fingerprint(sections=[section_of(demo_discussion_of(demo), SectionKind.WELLBEING)])
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        uselog.logged(request, 1, shown)
        1 / 0  # noqa: B018  (the transaction fails after the event was written)
    assert not uselog.is_repeat(request, 1, shown)
    with django_capture_on_commit_callbacks(execute=True):
        uselog.logged(request, 1, shown)
    assert uselog.is_repeat(request, 1, shown)
    # Another discussion, or no sign-in, is never a repeat of it.
    assert not uselog.is_repeat(request, 2, shown)
    request.user = AnonymousUser()
    assert not uselog.is_repeat(request, 1, shown)


def test_the_executive_is_told_what_one_use_is(demo, settings):
    one_use = (
        "The same texts shown again to the same sign-in within a minute are one use.",
        "The same texts shown again to the same sign-in within %(minutes)s minutes are one use.",
    )
    executive = demo.client(EXECUTIVE)
    text = page_text(executive.get(restricted_use_url(demo)))
    assert fi_n(*one_use, 5, minutes=5) in text
    settings.USE_LOG_REPEAT_SECONDS = 0
    text = page_text(executive.get(restricted_use_url(demo)))
    assert fi_n(*one_use, 5, minutes=5) not in text
    assert fi_n(*one_use, 1, minutes=1) not in text
