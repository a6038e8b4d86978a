"""Verify the audit log's hash chains. Exit 0 and print "OK" plus each chain's length and
head hash when intact; exit 1 naming each broken chain's first broken event otherwise.

    manage.py verify_audit [--organization SLUG] [--expect-head HASH ...]

Keep the printed head hashes outside the system (see docs/audit.md). --expect-head
fails when that event is no longer in the verified chain(s): the tail was cut off or
the chain rewritten. The chain may have grown since; the output shows where the
expected head sits (expected-head-at=SEQUENCE).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from suunta.audit.chain import chain_key
from suunta.audit.verify import verify
from suunta.organizations.models import Organization


class Command(BaseCommand):
    help = "Recompute the audit log's hash chains and report the first broken event of each."

    def add_arguments(self, parser):
        parser.add_argument("--organization", metavar="SLUG", help="Verify only this organization's chain.")
        parser.add_argument(
            "--expect-head",
            metavar="HASH",
            action="append",
            default=[],
            help="A head hash kept earlier: fail unless that event is still in the chain. Repeatable.",
        )

    def handle(self, *args, organization=None, expect_head=(), **options):
        chains = None
        if organization:
            org = Organization.objects.filter(slug=organization).first()
            if org is None:
                raise CommandError(
                    _("No organization with the short name %(slug)s.") % {"slug": organization}
                )
            chains = [chain_key(org.pk)]
        expected = [value.strip().lower() for value in expect_head]
        reports = verify(chains, expected)
        broken = [report for report in reports if not report.ok]
        if not broken:
            self.stdout.write("OK")
        for report in reports:
            if report.ok:
                self.stdout.write(str(report))
        if broken:
            raise CommandError("\n".join(str(report) for report in broken))
