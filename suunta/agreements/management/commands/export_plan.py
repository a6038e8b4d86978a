"""Export a plan (its latest version) or all plans as JSON.

An operator's command: it runs with shell access to the server, outside any user's
scope, like the Django admin. Users get their documents through the app.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from suunta.agreements import integrity
from suunta.agreements.export import plan_to_dict, plans_for_export
from suunta.agreements.models import GoalPlan


class Command(BaseCommand):
    help = "Export a plan as JSON; with no PLAN_ID, a JSON list of all plans."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", nargs="?", type=int)
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")

    def handle(self, *args, plan_id=None, output=None, **options):
        if plan_id is None:
            plans = list(plans_for_export())
        else:
            plans = list(plans_for_export(GoalPlan.objects.filter(pk=plan_id)))
            if not plans:
                raise CommandError(f"No plan with id {plan_id}.")
        payload, failures = [], []
        for plan in plans:
            try:
                payload.append(plan_to_dict(plan))
            except integrity.IntegrityError as changed:
                failures.append(changed.failure)
        if failures:
            # Loudly, and nothing written: an approved version whose rows were changed
            # beside the application is never exported as approved content.
            for failure in failures:
                integrity.record(failure, "export")
            raise CommandError("\n".join(failure.operator_message() for failure in failures))
        if plan_id is not None:
            payload = payload[0]
        text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text)
