"""Remove an organization and everything of it; a final record stays in the operators'
(global) audit chain. Export it first (export_organization).

    manage.py delete_organization SLUG --confirm SLUG
"""

from django.core.management.base import BaseCommand, CommandError

from suunta.organizations.models import Organization

from ...transfer import delete_organization


class Command(BaseCommand):
    help = "Delete one organization with all its rows, audit chain and files."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--confirm", required=True, metavar="SLUG", help="The short name again.")

    def handle(self, slug, confirm, **options):
        if confirm != slug:
            raise CommandError("--confirm must repeat the organization's short name.")
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organization with the short name {slug}.")
        counts = delete_organization(organization)
        self.stdout.write(f"deleted {slug}: {sum(counts.values())} rows")
