"""Data generations: a token per app that changes whenever a committed write touches one
of the app's tables. The page cache (pagecache.py) keys a rendered page by the apps'
tokens, so an entry can never outlive the data it was made from, on any app server:
every server reads the tokens from the shared database.

How a write is seen: a wrapper on every database connection (`connection.execute_wrappers`)
matches INSERT, UPDATE, DELETE, TRUNCATE and COPY statements and notes the table's app.
Just before the transaction commits, the noted apps get new random tokens, in the same
transaction (an upsert of one row per app), so the new data and the new token become
visible at once. The upsert comes last in the transaction, so the row locks it takes
are held only while committing: two writing transactions cannot deadlock on it. A write
in autocommit mode (no `atomic`) is its own transaction, and the tokens follow it in
another: a reader in between may see the new data under the old token for that moment.

Inside a test case's transaction (Django's TestCase never commits) the tokens change at
once, in the same transaction, so the whole test suite runs with the page cache on.

Tables written all the time by machinery no cached page reads (the sessions' last-seen
records, the database cache, the tasks queue, the worker's heartbeat, lockout attempts),
and a user's last-login time, change no token: a page that reads one of them is never
cached (pagecache.py). The sessions table has tokens of its own, which no page's key
holds (a sign-in anywhere would empty every page cache): one for the table and one
for each of 64 buckets of session keys, so that a session saving itself changes only
its bucket's. Only the sign-in cache (`ProcessCache`, suunta/security/signin_cache.py)
is keyed by them, and a page that reads the table is not cached.
Tokens are random, not counters, so a flushed table (tests) never repeats an old value.

Within a request the tokens are read once, when first needed (`current`), and again
after the request's own writes commit: the sign-in cache and the page cache share that
one query.
"""

import hashlib
import re
import secrets
import threading
from functools import partial

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate

TABLE = "suunta_lib_datageneration"

_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|COPY|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)"?',
    re.IGNORECASE,
)
# A sign-in's "last login" time, which no cached page shows (django.contrib.auth's
# update_last_login): signing in must not empty every cache.
_SIGN_IN = re.compile(r'^UPDATE "\w+" SET "last_login" = %s WHERE "\w+"\."id" = %s$')
_READ = re.compile(r'\b(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)

# Apps whose tables change no token; a page reading them is not cached.
_UNTRACKED_APPS = {"axes", "django_tasks_db", "django_tasks_database"}
_UNTRACKED_MODELS = {"suunta_site.workerbeat", "suunta_lib.datageneration", "security.usersession"}
# The app whose writes change tokens that no page's key holds (see above); a page reading
# its table is not cached either.
SESSIONS = "sessions"
# A session's own writes change only the token of its bucket (of 64, by its key): every
# active session saves itself now and then (its last-seen time), and with one token for
# all of them an installation's busy hour would leave none in memory for long.
SESSION_BUCKETS = 64
_BY_SESSION_KEY = re.compile(r'WHERE "django_session"\."session_key" (?:= %s|IN \(((?:%s, )*%s)\))$')

_apps_of_tables: dict[str, str] | None = None
_untracked: set[str] = set()
_session_tables: set[str] = set()
_migrating = threading.Event()


def _tables() -> dict[str, str]:
    """db_table → app label, for every model and auto-created m2m table (built once)."""
    global _apps_of_tables
    if _apps_of_tables is None:
        found = {}
        for model in apps.get_models(include_auto_created=True):
            label = model._meta.label_lower
            if model._meta.app_label in _UNTRACKED_APPS or label in _UNTRACKED_MODELS:
                _untracked.add(model._meta.db_table)
            else:
                found[model._meta.db_table] = model._meta.app_label
                if model._meta.app_label == SESSIONS:
                    _session_tables.add(model._meta.db_table)
        for cache in settings.CACHES.values():
            if cache["BACKEND"].endswith("db.DatabaseCache"):
                _untracked.add(cache["LOCATION"])
        _apps_of_tables = found
    return _apps_of_tables


def app_of(table: str) -> str | None:
    """The app whose token a write to the table changes; None for an untracked table.
    A table no model knows (raw SQL) counts as the app "other"."""
    tables = _tables()
    if table in _untracked:
        return None
    return tables.get(table, "other")


def apps_read(sql: str) -> tuple[set[str], bool]:
    """The apps whose tables a SELECT reads, and whether it read a table no page's key
    covers."""
    tables = _tables()
    found, untracked = set(), False
    for table in _READ.findall(sql):
        if table in _untracked or table in _session_tables:
            untracked = True
        else:
            found.add(tables.get(table, "other"))
    return found, untracked


# --- Per connection ---------------------------------------------------------------------------


class _State:
    """What one connection has written and (while a page renders) read."""

    def __init__(self):
        self.pending: set[str] = set()  # apps written in the open transaction
        self.writes = 0  # statements that wrote a tracked table, ever
        self.reading: set[str] | None = None  # apps read, while a page is being made
        self.read_untracked = False


def state(connection) -> _State:
    found = getattr(connection, "_suunta_generations", None)
    if found is None:
        found = connection._suunta_generations = _State()
    return found


def _track(connection, execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not isinstance(sql, str):  # psycopg's composed SQL (suunta/scale)
        sql = sql.as_string(connection.connection)
    current = state(connection)
    match = _WRITE.match(sql)
    if match:
        if sql.lstrip()[:8].upper() == "TRUNCATE":
            wrote(connection, *_tables().values(), "other")
        elif (app := app_of(match.group(1))) == SESSIONS:
            _session_write(connection, sql, params, many)
        elif app is not None and not _SIGN_IN.match(sql):
            wrote(connection, app)
    elif current.reading is not None:
        read, untracked = apps_read(sql)
        current.reading |= read
        current.read_untracked |= untracked
    return result


def session_bucket(key: str) -> str:
    """The token name of a session key's bucket ("sessions.0" … "sessions.63")."""
    number = int.from_bytes(hashlib.blake2b(key.encode(), digest_size=2).digest(), "big") % SESSION_BUCKETS
    return f"{SESSIONS}.{number}"


def for_pages(name: str) -> bool:
    """Whether a token is part of a page's key (not the sessions' tokens)."""
    return name != SESSIONS and not name.startswith(f"{SESSIONS}.")


def _session_write(connection, sql: str, params, many: bool) -> None:
    """A write to the sessions table: a new session (INSERT) changes nothing anybody
    holds; a save or a deletion by key (Django's session store, an ended session) changes
    the keys' buckets; anything else (an expiry sweep) the sessions' token itself."""
    if sql.lstrip()[:6].upper() == "INSERT":
        return
    found = None if many or not params else _BY_SESSION_KEY.search(sql.rstrip())
    if found is None:
        wrote(connection, SESSIONS)
        return
    count = 1 if found.group(1) is None else found.group(1).count("%s")
    wrote(connection, *{session_bucket(str(key)) for key in list(params)[-count:]})


def wrote(connection, *apps: str) -> None:
    """Note a write to the apps' tables that no statement of the connection's shows (a
    COPY through the driver, suunta/scale)."""
    if _migrating.is_set():
        return
    current = state(connection)
    current.writes += 1
    current.pending.update(apps)
    _request.tokens = None  # read again once the write is committed
    _after_write(connection, current)


def _after_write(connection, current: _State) -> None:
    if not connection.in_atomic_block:
        _bump(connection, current)  # autocommit: the write is already committed
    elif getattr(connection.atomic_blocks[0], "_from_testcase", False):
        _bump(connection, current)  # a test case's transaction never commits


def _bump(connection, current: _State) -> None:
    written, current.pending = sorted(current.pending), set()
    if not written:
        return
    values = ", ".join(["(%s, %s)"] * len(written))
    params = []
    for app in written:
        params += [app, secrets.randbits(62)]
    sql = f"INSERT INTO {TABLE} (app, token) VALUES {values} ON CONFLICT (app) DO UPDATE SET token = excluded.token"  # noqa: S608 (TABLE is ours)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _commit(connection, commit):
    current = state(connection)
    if current.pending:
        _bump(connection, current)
    commit()


def _rollback(connection, rollback):
    state(connection).pending = set()
    rollback()


def _install(sender, connection, **kwargs):
    if connection.alias != DEFAULT_DB_ALIAS:
        return
    state(connection).pending = set()
    if getattr(connection, "_suunta_generations_installed", False):
        return
    connection._suunta_generations_installed = True
    # First, not last: the connection may be opened inside another wrapper's
    # `with connection.execute_wrapper(…)` (metrics.QueryCountMiddleware), whose exit
    # pops the list's last item.
    connection.execute_wrappers.insert(0, partial(_track, connection))
    connection._commit = partial(_commit, connection, connection._commit)
    connection._rollback = partial(_rollback, connection, connection._rollback)


def _migration_started(sender, **kwargs):
    _migrating.set()


def _migration_ended(sender, **kwargs):
    _migrating.clear()


def connect() -> None:
    """Called once from the site app's ready()."""
    connection_created.connect(_install, dispatch_uid="suunta.generations")
    request_started.connect(_request_started, dispatch_uid="suunta.generations.request")
    request_finished.connect(_request_finished, dispatch_uid="suunta.generations.request")
    pre_migrate.connect(_migration_started, dispatch_uid="suunta.generations.pre")
    post_migrate.connect(_migration_ended, dispatch_uid="suunta.generations.post")


def tokens() -> dict[str, int]:
    """Every app's current token (one query)."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(f"SELECT app, token FROM {TABLE}")  # noqa: S608 (TABLE is ours)
        return dict(cursor.fetchall())


# --- Per request -------------------------------------------------------------------------------

# The tokens as this thread's request read them (a thread serves one request at a time).
_request = threading.local()


def _request_started(sender, **kwargs):
    _request.active, _request.tokens = True, None


def _request_finished(sender, **kwargs):
    _request.active, _request.tokens = False, None


def current() -> dict[str, int] | None:
    """The tokens, read once per request (and again after its own writes); None outside
    a request or while the connection's transaction holds writes not yet committed,
    whose tokens are not yet replaced: nothing may then be taken from, or put in, a
    cache keyed by them."""
    if not getattr(_request, "active", False):
        return None
    connection = connections[DEFAULT_DB_ALIAS]
    if state(connection).pending:
        return None
    if _request.tokens is None:
        _request.tokens = tokens()
    return _request.tokens


class ProcessCache:
    """Rows read from the database, kept in a cache of this process's memory (an alias of
    settings.CACHES: LocMemCache, which drops the oldest entries when full) while the
    token of the app they come from is the one the request read (`current`). The caller
    looks up first and reads the database only on a miss, so the token an entry is
    stored under was read before its row: a write committed in between leaves the entry
    under a token that is already gone, never newer data under an older token. Outside
    a request nothing is looked up or stored."""

    def __init__(self, app: str, cache: str, bucket=None):
        """`bucket(key)`: the name of a second token the entry of `key` is valid under
        as well (session_bucket)."""
        self.app, self.cache, self.bucket = app, cache, bucket

    def _token(self, key):
        known = current()
        if known is None:
            return None
        if self.bucket is None:
            return known.get(self.app, 0)
        return (known.get(self.app, 0), known.get(self.bucket(key), 0))

    def _name(self, key) -> str:
        # Any hashable key (a user's is a tuple), as a short key the cache accepts.
        return f"{self.app}:" + hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()

    def get(self, key):
        token = self._token(key)
        if token is None:
            return None
        found = caches[self.cache].get(self._name(key))
        if found is None or found[0] != token:
            return None
        return found[1]

    def put(self, key, value) -> None:
        token = self._token(key)
        if token is not None:
            caches[self.cache].set(self._name(key), (token, value))
