"""django-axes with a second, per-address limit against password spraying.

Axes pauses a username+address pair after AXES_FAILURE_LIMIT failures. An attacker who
tries one or two passwords for each of many usernames never reaches that. Axes itself
has one failure limit for all its lockout parameters (AXES_LOCKOUT_PARAMETERS =
[["username", "ip_address"], "ip_address"] would lock a whole address after 5
failures), so this handler adds the second limit on top of axes' own bookkeeping
(its AccessAttempt and AccessLog rows):

- An address with LOGIN_ADDRESS_FAILURE_LIMIT failed logins (default 30; 0 turns the
  check off) within the cool-off (AXES_COOLOFF_TIME, 15 minutes), summed over every
  username, is refused: further logins from it get the lockout page until its
  failures are older than the cool-off.
- Except for usernames that have logged in successfully from that very address in the
  last LOGIN_KNOWN_ADDRESS_DAYS days (axes' access log): a municipality whose people all
  reach Suunta through one NAT address goes on working during an attack from inside
  that address, and each of them stays protected by the per-pair limit. Someone who
  has never logged in from the address (a new employee) waits for the cool-off.

docs/access.md ("Login security") gives the trade-off.
"""

import datetime as dt
import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

log = logging.getLogger(__name__)


class AddressLimitHandler(AxesDatabaseHandler):
    """Axes' database handler plus the per-address limit (settings.AXES_HANDLER)."""

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self.address_locked(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # As axes does for a pair: the failure that reaches the limit already answers
        # with the lockout page.
        if request is not None and not request.axes_locked_out and self.address_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    def address_locked(self, request, credentials=None) -> bool:
        limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
        address = getattr(request, "axes_ip_address", None)
        if not limit or not address:
            return False
        failures = (
            AccessAttempt.objects.filter(
                ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
            ).aggregate(total=Sum("failures_since_start"))["total"]
            or 0
        )
        if failures < limit:
            return False
        username = get_client_username(request, credentials)
        if username and self.logged_in_here_before(username, address):
            return False
        if not getattr(request, "suunta_address_locked", False):
            log.warning(
                "Login refused: %s failed logins from %s within the cool-off (limit %s).",
                failures,
                address,
                limit,
            )
        request.suunta_address_locked = True  # the lockout page says why
        return True

    @staticmethod
    def logged_in_here_before(username: str, address: str) -> bool:
        since = timezone.now() - dt.timedelta(days=settings.LOGIN_KNOWN_ADDRESS_DAYS)
        return AccessLog.objects.filter(
            username=username, ip_address=address, attempt_time__gte=since
        ).exists()
