"""The rendered pages people open again and again, kept and served again while nothing
they show has changed.

A page is stored under a key made of everything that decides what it shows:

- the viewer: the session (its key and its contents, which hold the sign-in and the
  chosen settings) and the CSRF secret the page's forms carry. An entry is never served
  to another session, so it never carries a text someone else may read and this viewer
  may not;
- the request: the view, the path with its query, the host, the language;
- the day (clock.today()): what is due, open or late changes with the date;
- the data: the generation token (generations.py) of every app, which a committed
  write to any of its tables replaces at once. Every app's, not only those of the
  tables the page read: what a page shows can depend on a query it did not make (a
  prefetch over no rows makes none), so a narrower key would need proof per page. The
  one exception is the audit log, written on every sign-in and every showing of a
  restricted text: only a view declared with `audit=True` has the audit token in its
  key, and a page of any other view that read an audit table is not stored.

What must differ in every copy is made fresh in each one served: the one-time keys of
its forms (once.py), so that two tabs showing one stored page send two submissions, not
one sent twice.

Nothing else is trusted to stay the same: a page that wrote anything while rendering,
read a table no page's key covers (sessions, the database cache …), answered
anything but 200 HTML, set a cookie, or showed a message is not stored; a request with
a message waiting, or from htmx, is not served from the cache. A write the page must
make on every view (the use log of restricted texts) is registered with
`on_every_view` and repeated on each hit.

Authorization: a hit is the answer the view gave, after its policy checks, to the same
session on the same data on the same day, so the decision is the policy's (policies.py
reads only the database, the user and the date). A refusal (403) or a 404 is never
stored; the view decides those again each time.

The entries live in the `pages` cache (settings.CACHES; each process's own memory by
default). The key includes the tokens read from the shared database on each request,
so two app servers, or two workers of one, never serve each other's stale pages.
"""

import hashlib
import importlib
import json
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils import translation

from . import clock, generations, once

CACHE = "pages"
HIT_HEADER = "X-Page-Cache"

# Session entries that change without changing any page: the last-seen time.
_SESSION_NOISE = ("security.record",)
AUDIT_APP = "audit"
# Stands for a one-time key in a stored page; NUL never occurs in a rendered page.
_KEY_SLOT = b"\x00once-key\x00"


def enabled() -> bool:
    return getattr(settings, "PAGE_CACHE", False)


def cached_page(view=None, *, audit: bool = False):
    """Serve the view's page from the cache while its key holds (see the module);
    `audit=True` for a view that shows the audit log."""
    if view is None:
        return lambda view: cached_page(view, audit=audit)
    name = f"{view.__module__}.{view.__qualname__}"

    @wraps(view)
    def serve(request, *args, **kwargs):
        if not _may_serve(request):
            return view(request, *args, **kwargs)
        key = _key(request, name, audit)
        cache = caches[CACHE]
        entry = cache.get(key)
        if entry is not None:
            return _replay(request, entry)
        response, reads, keys = _render(request, view, args, kwargs)
        if reads is not None and (audit or AUDIT_APP not in reads) and _storable(request, response):
            cache.set(key, _entry(request, response, keys))
        return response

    return serve


def on_every_view(request, function, *args) -> None:
    """Call `function(request, *args)` now and again on every view of this page served
    from the cache. It must be a module-level function taking ids, not objects (the
    call is stored with the page). What it writes and reads does not count against
    storing the page."""
    current = generations.state(connection)
    reading, writes = current.reading, current.writes
    current.reading = None
    try:
        function(request, *args)
    finally:
        current.reading = reading
    excused = getattr(request, "_pagecache_excused", 0) + current.writes - writes
    request._pagecache_excused = excused
    repeats = getattr(request, "_pagecache_repeats", [])
    repeats.append((function.__module__, function.__qualname__, args))
    request._pagecache_repeats = repeats


# --- Inside ----------------------------------------------------------------------------------


def _may_serve(request) -> bool:
    return (
        enabled()
        and request.method == "GET"
        and request.user.is_authenticated
        and not request.headers.get("HX-Request")
        and not _messages_waiting(request)
    )


def _messages_waiting(request) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and bool(storage._queued_messages or storage._loaded_messages)


def _key(request, name: str, audit: bool) -> str:
    session = request.session
    data = {k: v for k, v in session.items() if k not in _SESSION_NOISE}
    # The request's own read of the tokens (the sign-in cache made it), or a new one.
    tokens = generations.current() or generations.tokens()
    parts = [
        name,
        request.get_host(),
        request.get_full_path(),
        translation.get_language(),
        session.session_key,
        json.dumps(data, sort_keys=True, default=str),
        request.META.get("CSRF_COOKIE", ""),
        clock.today().isoformat(),
        *(
            f"{app}={token}"
            for app, token in sorted(tokens.items())
            if (audit or app != AUDIT_APP) and generations.for_pages(app)
        ),
    ]
    return "page:" + hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=24).hexdigest()


def _render(request, view, args, kwargs):
    """The view's response, the apps its queries read (None: it must not be stored,
    whatever it read) and the one-time keys it made."""
    current = generations.state(connection)
    writes = current.writes
    current.reading, current.read_untracked = set(), False
    try:
        with once.keys_made() as keys:
            response = view(request, *args, **kwargs)
    finally:
        reads, untracked = current.reading, current.read_untracked
        current.reading = None
    wrote = current.writes - writes - getattr(request, "_pagecache_excused", 0)
    if untracked or wrote:
        return response, None, keys
    return response, frozenset(reads), keys


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and getattr(response, "is_rendered", True)
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and not _messages_waiting(request)
    )


def _entry(request, response, keys: list[str]) -> dict:
    content = response.content
    for key in keys:  # ASCII (once.new_key), the same bytes in any charset a page has
        content = content.replace(key.encode(), _KEY_SLOT)
    return {
        "content": content,
        "headers": dict(response.headers),
        "repeats": getattr(request, "_pagecache_repeats", []),
    }


def _replay(request, entry: dict) -> HttpResponse:
    for module, qualname, args in entry["repeats"]:
        function = importlib.import_module(module)
        for part in qualname.split("."):
            function = getattr(function, part)
        function(request, *args)
    pieces = entry["content"].split(_KEY_SLOT)
    content = b"".join(piece + once.new_key().encode() for piece in pieces[:-1]) + pieces[-1]
    response = HttpResponse(content)
    for header, value in entry["headers"].items():
        response.headers[header] = value
    response.headers[HIT_HEADER] = "hit"  # for the operator's logs and the tests
    return response


@receiver(setting_changed)
def _forget_on_setting_change(sender, setting, **kwargs):
    # Settings never change in a running server; tests change them and expect to see it.
    if setting != "PAGE_CACHE" and CACHE in settings.CACHES:
        caches[CACHE].clear()
