"""Remove evidence files (and signed agreements) that no row refers to: what an interrupted upload, or a
transaction rolled back after the file was written, left behind.

    manage.py sweep_evidence [--min-age-hours N] [--dry-run]

Only files older than --min-age-hours (default 1) are touched, so an upload still in
progress keeps its file. It works through the evidence storage (storages["evidence"]),
on the file system or an object store alike. Run it e.g. hourly from cron.
"""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from suunta.agreements.models import DirectorAgreement
from suunta.evidence import uploads
from suunta.evidence.models import Evidence

# Temporary names: the file system storage's half-written uploads, /readyz's probes.
TEMPORARY_PREFIXES = (".upload-", ".readyz-")


def orphans(min_age_seconds: float) -> list[str]:
    storage = uploads.storage()
    try:
        _directories, names = storage.listdir("")
    except FileNotFoundError:
        return []
    cutoff = timezone.now() - dt.timedelta(seconds=min_age_seconds)
    candidates = [
        name
        for name in names
        if (uploads.STORED_NAME.match(name) or name.startswith(TEMPORARY_PREFIXES))
        and storage.get_modified_time(name) < cutoff
    ]
    known = set(Evidence.objects.exclude(stored_name="").values_list("stored_name", flat=True))
    # Signed director agreements are stored beside the evidence files.
    known |= set(DirectorAgreement.objects.exclude(signed_file="").values_list("signed_file", flat=True))
    return sorted(name for name in candidates if name not in known)


class Command(BaseCommand):
    help = "Remove evidence files that no evidence row refers to."

    def add_arguments(self, parser):
        parser.add_argument("--min-age-hours", type=float, default=1.0)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, min_age_hours=1.0, dry_run=False, **options):
        found = orphans(min_age_hours * 3600)
        storage = uploads.storage()
        for name in found:
            if not dry_run:
                storage.delete(name)
            self.stdout.write(name)
        self.stdout.write(f"{'found' if dry_run else 'removed'}={len(found)}")
