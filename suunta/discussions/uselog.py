"""Which showings of restricted texts the use log records (tiedonhallintalaki 17 §).

One use is one entry: the same texts, unchanged, shown again to the same sign-in
session within settings.USE_LOG_REPEAT_SECONDS (5 minutes) of a logged showing are the
same use, not a new one. Reloading the page or opening it again in another tab of the
same browser would otherwise each append an event to the organization's hash chain,
and the executive's "Who reads my restricted notes" would list the same person and
texts again and again. Anything new is logged at once: another session (another
browser or device, a new sign-in), another user, a text not shown before in this
session, a changed text (its time of change and revision are part of what was shown),
or the window gone by.

What was logged is remembered in this process's memory (CACHES["uselog"]) only after
the event committed, so a rolled-back event never silences the next showing. Each app
server process remembers its own: with several, a repeat may be logged once by each.
That errs on the side of the log. USE_LOG_REPEAT_SECONDS = 0 logs every showing.
"""

import hashlib
import json

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

CACHE = "uselog"


def fingerprint(*, sections=(), items=(), answers=()) -> str:
    """What identifies the texts shown: their ids, when each last changed and a section's
    revision (a frozen memo's confirmed items have neither and never change)."""
    shown = [
        [kind, obj.pk if hasattr(obj, "pk") else obj.id, _changed(obj), getattr(obj, "revision", None)]
        for kind, objects in (("s", sections), ("i", items), ("a", answers))
        for obj in objects
    ]
    return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()


def is_repeat(request, discussion_id: int, shown: str) -> bool:
    """Has this session been shown these very texts of the discussion within the window,
    in a showing the log has? (An entry lives as long as the window.)"""
    key = _key(request, discussion_id, shown)
    return key is not None and caches[CACHE].get(key) is not None


def logged(request, discussion_id: int, shown: str) -> None:
    """Remember, once the event has committed, that the log has this showing."""
    key = _key(request, discussion_id, shown)
    if key is not None:
        window = settings.USE_LOG_REPEAT_SECONDS
        transaction.on_commit(lambda: caches[CACHE].set(key, True, timeout=window))


def window_minutes() -> int:
    """The window in whole minutes, as the executive's page states it (0: none)."""
    seconds = settings.USE_LOG_REPEAT_SECONDS
    return max(1, round(seconds / 60)) if seconds > 0 else 0


def _key(request, discussion_id: int, shown: str) -> str | None:
    """None where nothing is remembered: no window, or no signed-in session."""
    if settings.USE_LOG_REPEAT_SECONDS <= 0:
        return None
    session = getattr(request, "session", None)
    session_key = session.session_key if session is not None else None
    if not session_key or not request.user.is_authenticated:
        return None
    # Hashed: the session key, a credential, is not kept in another place.
    what = f"{session_key}\n{request.user.pk}\n{discussion_id}\n{shown}"
    return hashlib.sha256(what.encode()).hexdigest()


def _changed(obj) -> str | None:
    changed = getattr(obj, "updated_at", None)
    return changed.isoformat() if changed is not None else None
