"""Back up the database and the evidence files into a new directory (docs/operations.md).

    manage.py backup --output DIR

DIR must not exist or be empty. It receives the database (PostgreSQL: pg_dump's custom
format; SQLite: an online copy), every evidence file the database refers to and
manifest.json with the SHA-256 and size of every part (suunta/site/backup.py).
"""

from django.core.management.base import BaseCommand

from suunta.site import backup


class Command(BaseCommand):
    help = "Back up the database and the evidence files, with a manifest of SHA-256 sums."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", required=True, metavar="DIR", help="A new or empty directory.")

    def handle(self, *args, output, **options):
        result = backup.backup(output)
        self.stdout.write(
            f"backup={result.directory} vendor={result.vendor} parts={result.parts} "
            f"evidence_files={result.evidence_files} bytes={result.bytes} seconds={result.seconds:.2f} "
            f"manifest_sha256={result.manifest_sha256}"
        )
