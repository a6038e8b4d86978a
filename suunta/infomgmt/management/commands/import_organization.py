"""Read an organization export back into an installation that lacks the organization.

manage.py import_organization DIR
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...transfer import TransferError, import_organization


class Command(BaseCommand):
    help = "Import an organization written by export_organization (ids kept; refuses taken ids)."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, directory, **options):
        try:
            counts = import_organization(Path(directory))
        except TransferError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"imported {sum(counts.values())} rows")
