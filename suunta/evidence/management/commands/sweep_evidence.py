"""Remove evidence files (and signed agreements) that no row refers to: what an interrupted upload, or a
transaction rolled back after the file was written, left behind.

    manage.py sweep_evidence [--min-age-hours N] [--dry-run]

Only files older than --min-age-hours (default 1) are touched, so an upload still in
progress keeps its file. Run it e.g. nightly from cron.
"""

import time

from django.core.management.base import BaseCommand

from suunta.agreements.models import DirectorAgreement
from suunta.evidence import uploads
from suunta.evidence.models import Evidence


def orphans(min_age_seconds: float) -> list:
    directory = uploads.root()
    if not directory.is_dir():
        return []
    cutoff = time.time() - min_age_seconds
    candidates = [
        path
        for path in directory.iterdir()
        if path.is_file()
        and (uploads.STORED_NAME.match(path.name) or path.name.startswith(".upload-"))
        and path.stat().st_mtime < cutoff
    ]
    known = set(Evidence.objects.exclude(stored_name="").values_list("stored_name", flat=True))
    # Signed director agreements are stored beside the evidence files.
    known |= set(DirectorAgreement.objects.exclude(signed_file="").values_list("signed_file", flat=True))
    return sorted(path for path in candidates if path.name not in known)


class Command(BaseCommand):
    help = "Remove evidence files that no evidence row refers to."

    def add_arguments(self, parser):
        parser.add_argument("--min-age-hours", type=float, default=1.0)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, min_age_hours=1.0, dry_run=False, **options):
        found = orphans(min_age_hours * 3600)
        for path in found:
            if not dry_run:
                path.unlink(missing_ok=True)
            self.stdout.write(path.name)
        self.stdout.write(f"{'found' if dry_run else 'removed'}={len(found)}")
