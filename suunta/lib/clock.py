"""The one clock for "today": every date decision asks here, so tests can move time
(time-machine) and the demo never depends on the real date."""

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    return timezone.now()


def today() -> datetime.date:
    return timezone.localdate(now())
