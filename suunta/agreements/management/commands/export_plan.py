"""Export a plan (its latest version) or all plans as JSON.

An operator's command: it runs with shell access to the server, outside any user's
scope, like the Django admin. Users get their documents through the app.

All plans are read and written a chunk at a time (CHUNK plans with their rows), so the
memory it takes does not grow with the number of plans; the JSON goes to a temporary
file first and reaches the output only when every plan passed the integrity check.
"""

import json
import os
import tempfile
import textwrap

from django.core.management.base import BaseCommand, CommandError

from suunta.agreements import integrity
from suunta.agreements.export import plan_to_dict, plans_for_export
from suunta.agreements.models import GoalPlan

# Plans read at a time: their versions, goals, metrics, values, checkpoints,
# assessments and handlings (a national database has about 200 metric values a plan).
CHUNK = 200


def _chunks(ids: list[int], size: int):
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class Command(BaseCommand):
    help = "Export a plan as JSON; with no PLAN_ID, a JSON list of all plans."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", nargs="?", type=int)
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")

    def handle(self, *args, plan_id=None, output=None, **options):
        if plan_id is not None:
            plans = list(plans_for_export(GoalPlan.objects.filter(pk=plan_id)))
            if not plans:
                raise CommandError(f"No plan with id {plan_id}.")
            try:
                payload = plan_to_dict(plans[0])
            except integrity.IntegrityError as changed:
                self._refuse([changed.failure])
            self._deliver(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", output)
            return
        ids = list(GoalPlan.objects.order_by("id").values_list("id", flat=True))
        directory = os.path.dirname(os.path.abspath(output)) if output else None
        with tempfile.NamedTemporaryFile(
            "w+", encoding="utf-8", dir=directory, prefix=".export_plan-", suffix=".json", delete=False
        ) as handle:
            try:
                failures = self._write_all(handle, ids)
                if failures:
                    self._refuse(failures)
                if output:
                    handle.close()
                    # The mode a file opened for writing gets (a temporary file is 0600).
                    umask = os.umask(0)
                    os.umask(umask)
                    os.chmod(handle.name, 0o666 & ~umask)
                    os.replace(handle.name, output)
                else:
                    handle.seek(0)
                    while text := handle.read(1 << 20):
                        self.stdout.write(text, ending="")
            finally:
                if os.path.exists(handle.name):
                    os.unlink(handle.name)

    def _write_all(self, handle, ids: list[int]) -> list:
        """The same text as json.dumps(list_of_plans, ensure_ascii=False, indent=2)."""
        if not ids:
            handle.write("[]\n")
            return []
        failures = []
        handle.write("[\n")
        first = True
        for chunk in _chunks(ids, CHUNK):
            for plan in plans_for_export(GoalPlan.objects.filter(pk__in=chunk)):
                try:
                    item = plan_to_dict(plan)
                except integrity.IntegrityError as changed:
                    failures.append(changed.failure)
                    continue
                if failures:
                    continue  # nothing is delivered: only the failures are still collected
                if not first:
                    handle.write(",\n")
                first = False
                handle.write(textwrap.indent(json.dumps(item, ensure_ascii=False, indent=2), "  "))
        handle.write("\n]\n")
        return failures

    def _refuse(self, failures):
        # Loudly, and nothing written: an approved version whose rows were changed
        # beside the application is never exported as approved content.
        for failure in failures:
            integrity.record(failure, "export")
        raise CommandError("\n".join(failure.operator_message() for failure in failures))

    def _deliver(self, text: str, output: str | None) -> None:
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text)
