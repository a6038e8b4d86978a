"""Dispose of what has passed its retention period (docs/information-management.md).

    manage.py dispose [--organization SLUG] [--dry-run]
    manage.py dispose --schedule     (enqueue the daily task; run_worker runs it)

Lists, per organization and record type, how many records are due and by which rule;
without --dry-run removes them and writes one `retention.dispose` audit event per type.
"""

from django.core.management.base import BaseCommand, CommandError

from suunta.organizations.models import Organization

from ... import disposal, tasks


class Command(BaseCommand):
    help = "Dispose of the records whose retention period has ended."

    def add_arguments(self, parser):
        parser.add_argument("--organization", metavar="SLUG", help="Only this organization.")
        parser.add_argument("--dry-run", action="store_true", help="List what is due; remove nothing.")
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Only enqueue the daily disposal task (run by run_worker); it re-enqueues itself.",
        )

    def handle(self, *args, organization=None, dry_run=False, schedule=False, **options):
        if schedule:
            queued = tasks.schedule()
            self.stdout.write("daily disposal scheduled" if queued else "daily disposal already scheduled")
            return
        organizations = Organization.objects.order_by("slug")
        if organization:
            organizations = organizations.filter(slug=organization)
            if not organizations.exists():
                raise CommandError(f"No organization with the short name {organization}.")
        for org in organizations:
            due = disposal.dispose(org, dry_run=dry_run)
            verb = "due" if dry_run else "disposed"
            if not due:
                self.stdout.write(f"{org.slug}: nothing {verb}")
            for item in due:
                self.stdout.write(
                    f"{org.slug}: {item.record_type} {verb} {item.count}"
                    f" (rule: {item.rule.trigger} {item.rule.years or ''}, oldest due {item.oldest_due})"
                )
