"""Restore a backup made by `manage.py backup` onto an empty database (docs/operations.md).

    manage.py restore DIR [--manifest-sha256 HASH]

Everything is checked before anything is written: the manifest, every part's SHA-256,
the database vendor, the migrations, that the target database has no application rows
and that the evidence storage holds no other file under a backed-up name. Then the
evidence files are written through the evidence storage and the database restored in
one step (suunta/site/backup.py). Run `manage.py migrate` afterwards when this code is
newer than the backup.
"""

from django.core.management.base import BaseCommand

from suunta.site import backup


class Command(BaseCommand):
    help = "Restore a backup directory onto an empty database and the evidence storage."

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument(
            "--manifest-sha256",
            metavar="HASH",
            help="The manifest_sha256 the backup printed, kept elsewhere: refuse a manifest with another.",
        )

    def handle(self, *args, directory, manifest_sha256=None, **options):
        result = backup.restore(directory, manifest_sha256=manifest_sha256)
        self.stdout.write(
            f"restored={result.directory} vendor={result.vendor} parts={result.parts} "
            f"evidence_files={result.evidence_files} bytes={result.bytes} seconds={result.seconds:.2f} "
            f"manifest_sha256={result.manifest_sha256}"
        )
