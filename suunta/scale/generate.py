"""National-scale data: `generate(organizations=330, years=10, seed=1)`.

Checks that the database may take it (PostgreSQL, migrated, holding the demo and
nothing else; an empty one gets the demo first), then makes the organizations one by
one (suunta/scale/organization.py) and writes their rows with COPY (writer.py), all in
one transaction: a run that fails leaves the database as it was. The logins of every
generated person go to the global chain at the end.

The data runs up to the start of the day of generation: the same seed, sizes and day
give the same rows, ids and hashes (on a database holding the same demo).
"""

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation
from django.utils.translation import gettext as _

from suunta.accounts.models import User
from suunta.audit.chain import GENESIS, GLOBAL_CHAIN
from suunta.audit.models import AuditChainHead
from suunta.demo import cascade as demo_cascade
from suunta.demo import data as demo_data
from suunta.demo.loader import demo_password, load_demo
from suunta.discussions.models import DiscussionKind, Section
from suunta.documents import texts as document_texts
from suunta.documents.models import DocumentTexts
from suunta.followup.models import AssessmentKind, FollowUpStatus
from suunta.lib import clock
from suunta.lib.validators import business_id_check_digit
from suunta.organizations.models import Organization, Role

from .events import global_chain, write_head
from .organization import OrganizationBuilder
from .writer import Writer

__all__ = ["ScaleError", "Summary", "demo_only_problem", "generate"]


class ScaleError(Exception):
    """The database cannot take the generated data; nothing was written."""


DEMO_SLUGS = frozenset(spec["slug"] for spec in demo_data.ORGANIZATIONS)
DEMO_USERNAMES = frozenset(
    [person[0] for spec in demo_data.ORGANIZATIONS for person in spec["people"]]
    + list(demo_cascade.USERNAMES)
)


def vendor_problem() -> str | None:
    if connection.vendor != "postgresql":
        return (
            f"generate_scale runs on PostgreSQL only; this database is {connection.vendor}. "
            "National-scale data on SQLite is not a configuration Suunta supports: set DATABASE_URL "
            "to a PostgreSQL database."
        )
    return None


def migration_problem() -> str | None:
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return "The database is not migrated: run manage.py migrate first."
    return None


def demo_only_problem() -> str | None:
    """Why the database holds more than the demo, or None."""
    extra = {
        "organizations": sorted(set(Organization.objects.values_list("slug", flat=True)) - DEMO_SLUGS),
        "users": sorted(set(User.objects.values_list("username", flat=True)) - DEMO_USERNAMES),
    }
    found = [
        f"{what} {', '.join(names[:5])}{f' and {len(names) - 5} more' if len(names) > 5 else ''}"
        for what, names in extra.items()
        if names
    ]
    if not found:
        return None
    return (
        f"The database holds more than the demo ({'; '.join(found)}). generate_scale writes only into "
        "a database that is empty (migrated) or holds the demo alone: use a new database "
        "(createdb, manage.py migrate) for national-scale data."
    )


def labels() -> dict:
    """Words the audit log's object names use, as the services write them in a command
    (the default language, Finnish); a restricted object's neutral name is English."""
    with translation.override("fi"):
        result = {
            "role": {role.value: str(role.label) for role in Role},
            "followup": {status.value: str(status.label) for status in FollowUpStatus},
            "assessment": {kind.value: str(kind.label) for kind in AssessmentKind},
            "discussion": str(DiscussionKind.ANNUAL.label),
            "item": _("development item"),
            "csv": _("CSV import"),
        }
    with translation.override(None):
        result["section"] = str(Section._meta.verbose_name)
    return result


class Context:
    """What the organizations share: the writer, the run's seed and dates, the names
    taken, the one password hash and the logins for the global chain."""

    def __init__(self, writer: Writer, *, seed: int, years: int, now: dt.datetime | None):
        self.writer = writer
        self.seed = seed
        local = clock.today() if now is None else now.date()
        # Everything up to the start of the day (UTC): the same day gives the same data.
        self.now = dt.datetime(local.year, local.month, local.day, tzinfo=dt.UTC)
        self.today = local
        self.last_year = local.year
        self.first_year = local.year - years + 1
        # One hash for everyone (the demo's password), its salt from the seed: the same
        # seed gives the same rows, these included.
        salt = hashlib.sha256(f"suunta-scale:{seed}:salt".encode()).hexdigest()[:22]
        self.password_hash = make_password(demo_password(), salt=salt)
        self.labels = labels()
        self.slugs = set(Organization.objects.values_list("slug", flat=True))
        self.usernames = set(User.objects.values_list("username", flat=True))
        self.business_ids = set(Organization.objects.values_list("business_id", flat=True))
        self.next_business = 2_900_000
        self.logins: list = []
        self._texts: dict = {}

    def unique_slug(self, base: str) -> str:
        slug, number = base, 1
        while slug in self.slugs or any(
            f"{slug}-{suffix}" in self.usernames for suffix in ("johtaja", "valmistelija")
        ):
            number += 1
            slug = f"{base}-{number}"
        self.slugs.add(slug)
        return slug

    def unique_username(self, base: str) -> str:
        name, number = base, 1
        while name in self.usernames:
            number += 1
            name = f"{base}-{number}"
        self.usernames.add(name)
        return name

    def business_id(self) -> str:
        while True:
            self.next_business += 1
            digits = f"{self.next_business:07d}"
            check = business_id_check_digit(digits)
            value = f"{digits}-{check}"
            if check is not None and value not in self.business_ids:
                self.business_ids.add(value)
                return value

    def default_texts(self, preset, positions, approver, board) -> dict:
        """documents.texts.default_texts for an organization of the preset with these
        positions and bodies (unsaved rows: the function reads only their names)."""
        key = (preset.code, tuple((p.name, p.name_sv) for p in positions), approver.name, board.name)
        if key not in self._texts:
            made = DocumentTexts(number=1)
            own = preset.texts
            if own:
                made.agreement, made.agreement_sv = own.agreement, own.agreement_sv
                made.purpose, made.purpose_sv = "\n".join(own.purpose), "\n".join(own.purpose_sv)
                made.evaluation, made.evaluation_sv = "\n".join(own.evaluation), "\n".join(own.evaluation_sv)
            else:
                document_texts._write_generic(made, positions, approver, board)
            for language, name in (("fi", "appeal"), ("sv", "appeal_sv")):
                with translation.override(language):
                    setattr(made, name, document_texts._appeal_default(board, language))
            self._texts[key] = {name: getattr(made, name) for name in document_texts.FIELDS}
        return self._texts[key]

    def add_login(self, person, moment: dt.datetime) -> None:
        self.logins.append((moment, person.row["id"], person.row["username"], person.ip))


@dataclass
class Summary:
    organizations: int
    years: tuple[int, int]
    seed: int
    seconds: float
    rows: dict  # table → rows written
    digest: str  # SHA-256 over the generated chains' heads: the same data gives the same

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def generate(
    *,
    organizations: int,
    years: int,
    seed: int,
    progress: Callable[[str], None] | None = None,
    now: dt.datetime | None = None,
) -> Summary:
    """Make the organizations; raises ScaleError (writing nothing) when the database
    cannot take them. `progress` is called with a line now and then."""
    problem = vendor_problem() or migration_problem()
    if problem:
        raise ScaleError(problem)
    started = time.monotonic()
    say = progress or (lambda line: None)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Nobody adds organizations or people meanwhile (readers go on).
            cursor.execute("LOCK TABLE organizations_organization, accounts_user IN EXCLUSIVE MODE")
        problem = demo_only_problem()
        if problem:
            raise ScaleError(problem)
        if set(Organization.objects.values_list("slug", flat=True)) != DEMO_SLUGS:
            say("Loading the demo first.")
            load_demo()
        writer = Writer(connection)
        context = Context(writer, seed=seed, years=years, now=now)
        heads = []
        for index in range(organizations):
            builder = OrganizationBuilder(context, index)
            builder.build()
            heads.append(writer.rows[AuditChainHead][-1]["hash"])
            writer.flush_if_full()
            if (index + 1) % 10 == 0 or index + 1 == organizations:
                say(
                    f"{index + 1}/{organizations} organizations, "
                    f"{sum(writer.written.values()) + writer.pending:,} rows, {time.monotonic() - started:.0f} s"
                )
        say(f"Logins into the global chain: {len(context.logins):,}.")
        logins = _global_logins(writer, context)
        writer.finish()
        if logins is not None:
            AuditChainHead.objects.filter(chain=GLOBAL_CHAIN).update(sequence=logins[0], hash=logins[1])
    digest = hashlib.sha256("\n".join(heads).encode()).hexdigest()
    rows = {model._meta.db_table: count for model, count in writer.written.items() if count}
    return Summary(
        organizations=organizations,
        years=(context.first_year, context.last_year),
        seed=seed,
        seconds=time.monotonic() - started,
        rows=rows,
        digest=digest,
    )


def _global_logins(writer: Writer, context: Context) -> tuple[int, str] | None:
    """The logins, in time order, after the global chain's head (locked until the
    commit). Returns the new head when the chain had one (to be moved after the
    writing), else None (its head row is written with the events)."""
    head = AuditChainHead.objects.select_for_update().filter(chain=GLOBAL_CHAIN).first()
    chain = global_chain()
    rng_state = hashlib.sha256(f"suunta-scale:{context.seed}:logins".encode()).hexdigest()
    for number, (moment, user_id, username, ip) in enumerate(sorted(context.logins)):
        request = hashlib.sha256(f"{rng_state}:{number}".encode()).hexdigest()[:32]
        chain.note(moment, "auth.login", actor=(user_id, username), request=(request, ip))
    sequence, digest = chain.write(
        writer, sequence=head.sequence if head else 0, previous=head.hash if head else GENESIS
    )
    if head is None:
        write_head(writer, GLOBAL_CHAIN, sequence, digest)
        return None
    return sequence, digest
