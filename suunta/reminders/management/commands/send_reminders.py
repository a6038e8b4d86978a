"""Send the reminders due today (or on --today), once: for cron, or to check by hand.

    DEBUG=1 .venv/bin/python manage.py send_reminders [--today 2026-08-11] [--sync]

Prints one line per reminder written by this run: `recipient kind object`. A second
run on the same day prints nothing (each reminder is written once, see models.py).
Without --sync the mails wait for the tasks worker (manage.py run_worker); with it they
are also delivered in this process.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from suunta.reminders import services


class Command(BaseCommand):
    help = "Send the reminders due today (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day as YYYY-MM-DD (default: the clock's today)")
        parser.add_argument("--sync", action="store_true", help="also deliver the mails in this process")

    def handle(self, *args, today=None, sync=False, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today must be YYYY-MM-DD, not {today!r}") from None
        for reminder in services.run(day, sync=sync):
            self.stdout.write(f"{reminder.user.get_username()} {reminder.kind} {reminder.object_key}")
