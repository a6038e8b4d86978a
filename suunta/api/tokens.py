"""Reading a token from a request: find it by its prefix, compare the secret's hash,
refuse a revoked or expired one, limit its rate and note its use."""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache

from suunta import policies
from suunta.audit import services as audit
from suunta.lib.clock import now

from .models import ApiToken, Scope

PREFIX = "suunta"
# The last use is written at most this often (one UPDATE, not one per request).
USE_RESOLUTION = datetime.timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> tuple[str, str, str]:
    """(token, prefix, hash of the secret): the token is shown once and never stored."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"{PREFIX}_{prefix}_{secret}", prefix, hash_secret(secret)


def parse(token: str) -> tuple[str, str] | None:
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def find(token: str) -> ApiToken | None:
    """The valid token row, or None (unknown, wrong secret, revoked or expired)."""
    parsed = parse(token)
    if parsed is None:
        return None
    prefix, secret = parsed
    row = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if row is None or not hmac.compare_digest(row.secret_sha256, hash_secret(secret)):
        return None
    if not row.is_valid():
        return None
    # A personal token ends with its person's account; a service principal never signs in.
    if not row.is_service and not row.user.is_active:
        return None
    if row.is_service and (row.user.is_active or row.user.has_usable_password()):
        return None  # a service token acts only as an account that cannot sign in
    return row


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def check_rate(row: ApiToken) -> None:
    """A fixed window of a minute per token in the shared cache."""
    moment = now()
    window = int(moment.timestamp()) // 60
    key = f"api-rate:{row.prefix}:{window}"
    try:
        count = cache.incr(key)
    except ValueError:  # the window's first request
        count = 1 if cache.add(key, 1, 120) else cache.incr(key)
    if count > settings.API_RATE_LIMIT_PER_MINUTE:
        raise RateLimited(60 - int(moment.timestamp()) % 60)


def note_use(row: ApiToken, request) -> None:
    """The token's last use (at most once a minute) and an audit event on its first use
    of each day."""
    moment = now()
    if row.last_used_at is not None and moment - row.last_used_at < USE_RESOLUTION:
        return
    first_today = row.last_used_at is None or row.last_used_at.date() != moment.date()
    address = request.META.get("REMOTE_ADDR") or None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=moment, last_used_ip=address)
    row.last_used_at, row.last_used_ip = moment, address
    if first_today:
        audit.record(
            "api_token.use",
            actor=row.user,
            organization=row.organization_id,
            obj=row,
            changes={"path": [None, request.path[:200]]},
            request=request,
        )


def act(row: ApiToken, request) -> None:
    """The request acts as the token's user, within the token's scopes."""
    user = row.user
    if row.is_service:
        policies.act_as_service(user, row.organization_id, may_write=Scope.WRITE_VALUES in row.scope_list)
    request.user = user
    request.api_token = row
