"""Write everything of one organization to a directory (docs/information-management.md).

manage.py export_organization SLUG --output DIR
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from suunta.organizations.models import Organization

from ...transfer import TransferError, export_organization


class Command(BaseCommand):
    help = "Export one organization: its rows as JSON, files, documents, audit chain and a manifest."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", required=True, metavar="DIR")

    def handle(self, slug, output, **options):
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organization with the short name {slug}.")
        try:
            result = export_organization(organization, Path(output))
        except TransferError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{output}: {result.rows} rows, {result.files} files, {result.documents} documents")
