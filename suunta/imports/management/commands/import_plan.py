"""Read a goals document and print the plan found in it as JSON; without --dry-run,
save it as a new draft plan of the agreement, acting as USERNAME.

The same reading, parsing, policy and service as the import page (docs/import.md):
USERNAME must be allowed to create plans for the agreement, and what the page would
refuse (a period that has a plan, a row that cannot be saved) is refused here, with
nothing saved. FILE may be "-" for standard input; the format is found from the content.
"""

import datetime
import json
import sys

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from suunta import policies
from suunta.agreements.models import DirectorAgreement
from suunta.agreements.pages import suggested_year
from suunta.imports import readers, services
from suunta.imports.draft import as_json
from suunta.imports.parse import parse
from suunta.imports.source import Unreadable


class Command(BaseCommand):
    help = "Read goals from a DOCX, PDF, XLSX, ODS, CSV or text file and print them as JSON; save them as a draft plan unless --dry-run."

    def add_arguments(self, parser):
        parser.add_argument("file", help='The document, or "-" for standard input.')
        parser.add_argument("--agreement", type=int, required=True, help="The director agreement's id.")
        parser.add_argument("--user", required=True, help="The username the plan is created as.")
        parser.add_argument(
            "--period", type=int, help="The plan's year (default: the document's first follow-up's)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Print what was read; save nothing.")

    def handle(self, *args, file, agreement, user, period=None, dry_run=False, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {user!r}.")
        found = (
            DirectorAgreement.objects.for_user(actor)
            .select_related("organization")
            .filter(pk=agreement)
            .first()
        )
        if found is None or not policies.can(actor, policies.CREATE_PLAN, found):
            raise CommandError(f"{user} may not create plans for agreement {agreement}.")
        source = self._read(file)
        draft = parse(source)
        for warning in draft.warnings:
            self.stderr.write(str(warning))
        texts = {line.number: line.text for line in source.lines if not line.is_blank}
        self.stdout.write(json.dumps(as_json(draft, texts), ensure_ascii=False, indent=2))
        if dry_run:
            return
        year = period or draft.first_year() or suggested_year(found)
        self._save(actor, found, draft, source.format, year)

    def _read(self, file: str):
        try:
            if file == "-":
                return readers.read_upload(sys.stdin.buffer.read(), "")
            with open(file, "rb") as handle:
                return readers.read_upload(handle.read(), file)
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        except Unreadable as problem:
            raise CommandError(problem.message) from None

    def _save(self, actor, agreement, draft, source_format: str, year: int) -> None:
        try:
            plan = services.save_plan(
                actor,
                agreement,
                draft,
                source_format=source_format,
                title=agreement.default_plan_title(year),
                period_start=datetime.date(year, 1, 1),
                period_end=datetime.date(year, 12, 31),
            )
        except services.RowErrors as problem:
            lines = ["Nothing was saved."]
            for index, fields in sorted(problem.errors.items()):
                item = draft.items[index]
                where = ", ".join(str(n) for n in item.lines) or "-"
                for messages in fields.values():
                    lines += [f"line {where}: {item.text}: {message}" for message in messages]
            raise CommandError("\n".join(lines)) from None
        except ValidationError as error:
            raise CommandError("Nothing was saved. " + " ".join(error.messages)) from None
        counts = draft.counts()
        self.stderr.write(
            f"Saved the draft plan {plan.pk} “{plan.title}”: {counts['goals']} goals, "
            f"{counts['metrics']} metrics, {counts['checkpoints']} follow-ups."
        )
