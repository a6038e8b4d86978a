"""Who is signed in, without asking the database on every request.

Every request of a signed-in person used to read two rows before anything else: the
session (django_session) and the user (accounts_user). Both are now kept in the
process's memory (generations.ProcessCache) under the data generation of their table,
which any committed write to it replaces on every app server at once (a sign-out, a
session ended from the security page, a password change, an account closed): the
request's one read of the tokens, which the page cache shares, stands in for the two
reads while neither table changed.

- `SessionStore` (settings.SESSION_ENGINE) is Django's database session store with the
  row taken from memory when the sessions' token and the token of the key's bucket
  are unchanged (a session saving itself changes only its bucket's, generations.py).
  The row's expiry is checked again on each use, as the database query would.
- `AuthenticationMiddleware` (in place of Django's) asks Django's own `auth.get_user`
  on a miss, which verifies the session against the user's password hash and checks
  the account may sign in, and keeps the user's fields only when that gave a signed-in
  user. A hit is the same answer: the same session values (user, backend, password
  hash) checked against the same user row (the accounts token is unchanged). Each
  request gets a user object of its own, made from the kept fields.

Outside a request (management commands, the tasks worker), and inside a transaction
that has written something not yet committed, nothing is taken from memory or kept.
"""

import functools

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.sessions.backends import db
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from suunta.lib import generations

# In settings.CACHES["signins"].
_SESSIONS = generations.ProcessCache(generations.SESSIONS, "signins", bucket=generations.session_bucket)
_USERS = generations.ProcessCache("accounts", "signins")


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        if key is None:
            return None
        found = _SESSIONS.get(key)
        if found is not None:
            data, expires = found
            if expires > timezone.now():
                return self.model(session_key=key, session_data=data, expire_date=expires)
        row = super()._get_session_from_db()
        if row is not None:
            _SESSIONS.put(key, (row.session_data, row.expire_date))
        return row


def get_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = _user(request)
    return request._cached_user


def _user(request):
    session = request.session
    try:
        key = (
            str(session[auth.SESSION_KEY]),
            session[auth.BACKEND_SESSION_KEY],
            session.get(auth.HASH_SESSION_KEY),
        )
    except KeyError:
        return auth.get_user(request)  # nobody signed in: nothing to keep
    fields = _fields()
    found = _USERS.get(key)
    if found is not None:
        user = get_user_model().from_db(DEFAULT_DB_ALIAS, fields, found)
        return user
    user = auth.get_user(request)
    if user.is_authenticated and str(user.pk) == key[0] and session.get(auth.HASH_SESSION_KEY) == key[2]:
        _USERS.put(key, tuple(getattr(user, name) for name in fields))
    return user


@functools.cache
def _fields() -> list[str]:
    return [field.attname for field in get_user_model()._meta.concrete_fields]


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    def process_request(self, request):
        super().process_request(request)  # its checks and request.auser (not served here)
        request.user = SimpleLazyObject(lambda: get_user(request))
