"""National-scale data for benchmarks: every organization with its agreements and ten
years of their life (suunta/scale/, docs/performance.md).

    manage.py generate_scale [--organizations 330] [--years 10] [--seed 1] [--force]

PostgreSQL only; the database must be migrated and hold nothing but the demo (an empty
one gets the demo first). Every generated person logs in with the demo's password, so
the command refuses with DEBUG off unless --force, as load_demo does.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from suunta.scale.generate import ScaleError, generate


class Command(BaseCommand):
    help = "Generate national-scale data (organizations with ten years of plans) on PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=int, default=330, help="How many organizations (330).")
        parser.add_argument("--years", type=int, default=10, help="Years of plans up to this year (10).")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same data (1).")
        parser.add_argument("--force", action="store_true", help="Generate even when DEBUG is off.")

    def handle(self, *args, organizations, years, seed, force, **options):
        if organizations < 1 or not 1 <= years <= 30:
            raise CommandError("Give at least one organization and 1 to 30 years.")
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to generate data with DEBUG off: every generated person logs in with the "
                "demo's password. Use --force if you really mean it."
            )
        try:
            summary = generate(
                organizations=organizations,
                years=years,
                seed=seed,
                progress=lambda line: self.stdout.write(line),
            )
        except ScaleError as problem:
            raise CommandError(str(problem)) from None
        first, last = summary.years
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {summary.organizations} organizations, plans {first}–{last} (seed {summary.seed}): "
                f"{summary.total:,} rows in {summary.seconds:.0f} s."
            )
        )
        width = max(len(table) for table in summary.rows)
        for table, count in sorted(summary.rows.items(), key=lambda item: -item[1]):
            self.stdout.write(f"  {table:<{width}} {count:>12,}")
        self.stdout.write(f"Digest {summary.digest}")
