from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from suunta.agreements import integrity
from suunta.agreements.models import GoalPlan

from ... import render


class Command(BaseCommand):
    help = "Render a plan's document (annex, followup-report, agenda) as PDF/A or DOCX."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=render.KINDS)
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--format", dest="fmt", default="pdf")
        parser.add_argument("--lang", default="fi")
        parser.add_argument("--output", required=True)
        parser.add_argument("--checkpoint", type=int, help="counted from 1")

    def handle(self, kind, plan_id, fmt, lang, output, checkpoint, **options):
        # An operator's tool (shell access), like export_plan: outside any user's scope.
        try:
            render.check(kind, fmt, lang)
            plan = GoalPlan.objects.select_related("agreement__organization").get(pk=plan_id)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except GoalPlan.DoesNotExist:
            raise CommandError(f"No plan {plan_id}.") from None
        version = plan.latest_version()
        if version is None:
            raise CommandError(f"Plan {plan_id} has no version.")
        try:
            point = render.checkpoint_of(version, checkpoint, kind)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        try:
            body, _name, _type = render.render(render.Request(kind, version, lang, point), fmt)
        except integrity.IntegrityError as changed:
            integrity.record(changed.failure, "document")
            raise CommandError(str(changed)) from None
        Path(output).write_bytes(body)
        self.stdout.write(f"{output}: {len(body)} bytes")
