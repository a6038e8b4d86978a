"""The periodic path without cron: the tasks worker's heartbeat (suunta/site/worker.py)
calls `maybe_run` on every beat; with settings.REMINDER_HOUR set it runs the day's
reminders once a day after that hour (local time). Several workers, or a restart, may
run it again the same day: the reminders' unique key keeps each one single."""

import datetime

from django.conf import settings
from django.utils import timezone

from suunta.lib.clock import now

from . import services

_done: set[datetime.date] = set()  # days this process has run


def maybe_run() -> list | None:
    """The reminders written, or None when it was not the time."""
    hour = settings.REMINDER_HOUR
    if hour is None:
        return None
    moment = timezone.localtime(now())
    day = moment.date()
    if moment.hour < hour or day in _done:
        return None
    written = services.run(day)
    _done.add(day)
    return written
