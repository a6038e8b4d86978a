"""A double submit saves once: one-time keys for the forms that create something.

A form that creates (a plan, a goal, a decision record, a metric value, evidence…)
carries a hidden one-time key, made fresh each time the form is rendered. The view
stores the key, in the same transaction as what the submission saves, in a table with
a unique (user, key) constraint. A second submission of the same form (a double click,
the browser's back and send again, a resend after a timeout) carries the same key: it
is answered with the first submission's result, a redirect to where the first one
went and a message saying so, instead of saving again. Sent at the same moment, the
second waits for the first: on PostgreSQL its insert of the key waits for the first
transaction's unique index entry, on SQLite its BEGIN IMMEDIATE for the first commit.
A submission that saved nothing (its form had errors) releases its key, so the
corrected form saves.

In the form's template, inside the <form> element (it works without JavaScript; an
htmx form posts it like any other field)::

    {% load once %}
    <form method="post" action="..." data-hx-post="...">{% csrf_token %}{% once_key %} ...

In the view, after the scoped lookups (a 404 from get_scoped_or_404 must be raised
before the block, where its refusal can still be written to the audit log), around the
validation, the service call and the answer::

    from suunta.lib import once

    with once.submission(request) as submission:
        if submission.replayed:
            return submission.replay()
        form = ThingForm(request.POST)
        if form.is_valid():
            thing = services.create_thing(request.user, **form.cleaned_data)
            return submission.done(redirect("thing_detail", pk=thing.pk))
        return render(request, "thing_form.html", {"form": form})  # errors: key released

`submission.done(response)` records the redirect's Location; an answer that is no
redirect (an htmx fragment) names where the result is: `done(response, url=...)`.
Leaving the block without done() releases the key; an exception rolls everything back.
The whole block is one transaction (a service's own atomic block becomes a savepoint
in it); a refusal raised in it (policies.require, audit.Refused) leaves the block and
the view, and RefusalAuditMiddleware writes it after the rollback.

A POST without a key (an API client, a page rendered before the key existed) is run
the same way, in one transaction, with no double-submit protection. Keys are per
user; a key sent to another form than the one it was first used on is a bad request
(400). Keys older than a day are removed as the user sends new ones.
"""

import contextvars
import datetime
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from . import clock
from .models import SubmissionKey

FIELD = "once_key"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
KEEP = datetime.timedelta(days=1)


# The keys made while a page is rendered for the page cache (pagecache.py), which puts
# fresh ones in each copy it serves: two tabs showing one stored page must not share a
# key, or the second tab's submission would be taken for the first's.
_made: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("once_keys_made", default=None)


def new_key() -> str:
    """A fresh key for a form being rendered (nothing is stored until it is sent)."""
    key = secrets.token_urlsafe(24)
    made = _made.get()
    if made is not None:
        made.append(key)
    return key


@contextmanager
def keys_made() -> Iterator[list[str]]:
    """The keys new_key() makes inside the block, in a list filled as they are made."""
    made: list[str] = []
    token = _made.set(made)
    try:
        yield made
    finally:
        _made.reset(token)


class Submission:
    """One POST of a guarded form; see the module docstring."""

    def __init__(self, request):
        self.request = request
        key = request.POST.get(FIELD, "")
        user = getattr(request, "user", None)
        guarded = bool(KEY_PATTERN.match(key)) and user is not None and user.is_authenticated
        self.key = key if guarded else ""
        self.record: SubmissionKey | None = None
        self.first: SubmissionKey | None = None
        self.finished = False

    @property
    def replayed(self) -> bool:
        """The same form was sent before and saved: answer with `replay()`."""
        return self.first is not None

    def _claim(self) -> None:
        if not self.key:
            return
        user, path = self.request.user, self.request.path
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    self.record = SubmissionKey.objects.create(user=user, key=self.key, path=path)
            except IntegrityError:
                # Sent before: committed by now (a concurrent first submission was waited
                # for); gone again only if it was removed as old meanwhile: then try again.
                self.first = SubmissionKey.objects.filter(user=user, key=self.key).first()
                if self.first is None:
                    continue
                if self.first.path != path:
                    raise SuspiciousOperation("A one-time form key was sent to another form.") from None
                return
            SubmissionKey.objects.filter(user=user, created_at__lt=clock.now() - KEEP).delete()
            return
        raise RuntimeError("could not claim a one-time form key")

    def replay(self) -> HttpResponse:
        """The first submission's result: a redirect to where it went, with a message
        (an htmx request follows the redirect and swaps what it finds there)."""
        assert self.first is not None, "replay() answers a replayed submission only"
        if not getattr(self.request, "htmx", False):
            messages.info(
                self.request, _("This form had already been sent: it was saved once. Here is the result.")
            )
        return HttpResponseRedirect(self.first.result or self.request.path)

    def done(self, response: HttpResponse, url: str | None = None) -> HttpResponse:
        """The submission saved: keep its key with where it led (the redirect's
        Location, or `url` for an answer that is no redirect). Returns `response`."""
        if url is None:
            url = response.get("Location")
        if not url:
            raise ValueError("done() needs a redirect, or the URL of the result of an answer that is none")
        self.finished = True
        if self.record is not None:
            self.record.result = url
            self.record.save(update_fields=["result"])
        return response

    def _release(self) -> None:
        if self.record is not None and not self.finished:
            self.record.delete()
            self.record = None


@contextmanager
def submission(request) -> Iterator[Submission]:
    """The guarded part of a view's POST, as one transaction; see the module docstring."""
    with transaction.atomic():
        current = Submission(request)
        current._claim()
        yield current
        current._release()
