"""Rows into PostgreSQL with COPY, table by table, in the order of their foreign keys.

The generator hands over rows as dicts of attribute names (`plan_id`, not `plan`); the
writer gives each new row its id (counting on from the largest id in the table, or the
sequence's last value if that is larger), keeps the rows of the organizations made so
far and writes them with one COPY per table when enough have gathered. Rows stay dicts
until written, so the generator may still change a row (a version approved later, a
follow-up moving on) after adding it. At the end every sequence is moved past the ids
used, so the application goes on numbering from there.

Everything runs in the caller's transaction: the foreign keys are checked as each row
arrives (SET CONSTRAINTS ALL IMMEDIATE), parents are written before their children.
"""

from collections import Counter

from django.db import models
from psycopg import sql
from psycopg.types.json import Jsonb

from suunta.accounts.models import User
from suunta.agreements.models import (
    Checkpoint,
    DirectorAgreement,
    GoalArea,
    GoalPlan,
    Metric,
    PlanVersion,
)
from suunta.audit.models import AuditChainHead, AuditEvent
from suunta.discussions.models import (
    AgendaSection,
    DevelopmentItem,
    Discussion,
    Participant,
    SecrecyBasis,
    Section,
    Survey,
    SurveyAnswer,
)
from suunta.documents.models import DocumentTexts, VersionTexts
from suunta.followup.models import Assessment, FollowUp, MetricNote, Rating, SkippedStep
from suunta.governance.models import Handling, WorkflowStep
from suunta.lib import generations
from suunta.measures.models import MetricValue
from suunta.organizations.models import Body, Invitation, Membership, Organization, Position

# Parents before children.
ORDER = (
    Organization,
    User,
    Body,
    Position,
    DirectorAgreement,
    Membership,
    Invitation,
    WorkflowStep,
    Rating,
    SecrecyBasis,
    AgendaSection,
    DocumentTexts,
    GoalPlan,
    PlanVersion,
    GoalArea,
    Metric,
    Checkpoint,
    Handling,
    Handling.disqualified.through,
    VersionTexts,
    FollowUp,
    SkippedStep,
    Assessment,
    MetricNote,
    MetricValue,
    Discussion,
    Discussion.plans.through,
    Participant,
    Section,
    DevelopmentItem,
    Survey,
    Survey.recipients.through,
    SurveyAnswer,
    AuditEvent,
    AuditChainHead,
)

MISSING = object()
DISCARDED = "__discarded__"


class Table:
    """How one model's rows become COPY rows."""

    def __init__(self, model):
        self.model = model
        self.name = model._meta.db_table
        fields = model._meta.concrete_fields
        self.columns = [f.column for f in fields]
        self.attnames = [f.attname for f in fields]
        self.json = {f.attname for f in fields if isinstance(f, models.JSONField)}
        self.auto_id = isinstance(model._meta.pk, models.AutoField)
        # Defaults for what a row leaves out; a field whose default is made per row
        # (a UUID, a time) must be given.
        self.defaults = {}
        for field in fields:
            if field.primary_key:
                continue
            if field.has_default() and callable(field.default):
                continue
            self.defaults[field.attname] = field.get_default()

    def as_tuple(self, row: dict) -> tuple:
        values = []
        for name in self.attnames:
            value = row.get(name, MISSING)
            if value is MISSING:
                value = self.defaults.get(name, MISSING)
                if value is MISSING:
                    raise KeyError(f"{self.name}.{name} must be given")
            elif name in self.json and value is not None:
                value = Jsonb(value)
            values.append(value)
        return tuple(values)


class Writer:
    def __init__(self, connection, *, flush_rows: int = 200_000):
        self.connection = connection
        self.flush_rows = flush_rows
        self.tables = {model: Table(model) for model in ORDER}
        self.rows: dict = {model: [] for model in ORDER}
        self.pending = 0
        self.written: Counter = Counter()
        self.next_ids: dict = {}
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for model, table in self.tables.items():
                if table.auto_id:
                    self.next_ids[model] = self._last_id(cursor, table) + 1

    @staticmethod
    def _last_id(cursor, table: Table) -> int:
        cursor.execute(sql.SQL("SELECT COALESCE(MAX(id), 0) FROM {}").format(sql.Identifier(table.name)))
        largest = cursor.fetchone()[0]
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table.name])
        sequence = cursor.fetchone()[0]
        if sequence:
            cursor.execute(
                sql.SQL("SELECT last_value, is_called FROM {}").format(sql.Identifier(*sequence.split(".")))
            )
            last, called = cursor.fetchone()
            if called:
                largest = max(largest, last)
        return largest

    def add(self, model, row: dict) -> dict:
        """Keep a row to write; a new id is given when the row has none."""
        if "id" not in row and self.tables[model].auto_id:
            row["id"] = self.next_ids[model]
            self.next_ids[model] += 1
        self.rows[model].append(row)
        self.pending += 1
        return row

    def discard(self, row: dict) -> None:
        """A row kept but then removed again (a goal deleted in the draft): never written."""
        row[DISCARDED] = True

    def new_id(self, model) -> int:
        """An id that no row will have (a row made and removed in the app)."""
        value = self.next_ids[model]
        self.next_ids[model] += 1
        return value

    def flush_if_full(self) -> None:
        if self.pending >= self.flush_rows:
            self.flush()

    def flush(self) -> None:
        with self.connection.cursor() as cursor:
            raw = cursor.cursor
            for model in ORDER:
                rows = self.rows[model]
                if not rows:
                    continue
                table = self.tables[model]
                statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                    sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, table.columns))
                )
                count = 0
                with raw.copy(statement) as copy:
                    for row in rows:
                        if DISCARDED not in row:
                            copy.write_row(table.as_tuple(row))
                            count += 1
                self.written[model] += count
                generations.wrote(self.connection, model._meta.app_label)
                self.rows[model] = []
        self.pending = 0

    def finish(self) -> None:
        """Write what is left and move the sequences past the ids given."""
        self.flush()
        with self.connection.cursor() as cursor:
            for model, next_id in self.next_ids.items():
                if not self.written[model]:
                    continue
                table = self.tables[model].name
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, max(next_id - 1, 1)]
                )
