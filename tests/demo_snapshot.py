"""The demo, loaded once per test process and copied back into each test that asks.

Loading the demo runs the services (workflow steps, frozen snapshots, hashes, audit
events): about 2 500 queries and one to two seconds. More than a thousand tests start
from it, so the first of them in a process loads it and records the rows it wrote;
every later one inserts those rows again, with their ids, inside its own transaction
(a few hundred milliseconds). The rows are exactly what the services wrote: the same
ids, hashes, timestamps and audit chain, so a test cannot tell the copy from a load
(`tests/test_demo_snapshot.py` compares the two).

Only rows the load added are recorded. A load that changed or deleted a row that was
there before (one written by a migration) could not be copied this way, so capturing
fails loudly if that ever happens.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


@dataclass
class TableRows:
    table: str
    columns: list[str]
    rows: list[list]  # prepared for the database (get_db_prep_save), ready to insert


@dataclass
class Snapshot:
    tables: list[TableRows]
    models: list  # the models whose tables got rows, for resetting their sequences
    count: int


def copied_models() -> list:
    """Every model with a table of its own, including the automatic many-to-many ones,
    but not the data generations: restoring the rows gives them new tokens anyway."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        and model._meta.label_lower != "suunta_lib.datageneration"
    ]


def _columns(model) -> list:
    return [field for field in model._meta.concrete_fields if not getattr(field, "generated", False)]


def rows_by_pk(model) -> dict:
    """A model's rows as {pk: tuple of column values}, as Django reads them."""
    names = [field.attname for field in _columns(model)]
    pk_index = names.index(model._meta.pk.attname)
    return {row[pk_index]: row for row in model._base_manager.values_list(*names)}


def capture(load: Callable[[], object]) -> tuple[object, Snapshot]:
    """Run `load` and record the rows it added; fail if it changed an existing row."""
    models = copied_models()
    before = {model: rows_by_pk(model) for model in models}
    result = load()
    tables, used, count = [], [], 0
    for model in models:
        after = rows_by_pk(model)
        old = before[model]
        changed = [pk for pk, row in old.items() if after.get(pk) != row]
        if changed:
            raise RuntimeError(
                f"the demo load changed or deleted {len(changed)} existing row(s) of"
                f" {model._meta.label} (pk {changed[:5]}): it cannot be copied as added rows"
            )
        new_pks = [pk for pk in after if pk not in old]
        if not new_pks:
            continue
        fields = _columns(model)
        objects = model._base_manager.filter(pk__in=new_pks).order_by("pk")
        rows = [
            [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
            for obj in objects
        ]
        tables.append(TableRows(model._meta.db_table, [field.column for field in fields], rows))
        used.append(model)
        count += len(rows)
    return result, Snapshot(tables, used, count)


def restore(snapshot: Snapshot) -> None:
    """Insert the recorded rows again. Foreign keys are checked at commit (Django makes
    them deferrable on PostgreSQL and SQLite), so the tables' order does not matter."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table in snapshot.tables:
            columns = ", ".join(quote(column) for column in table.columns)
            marks = ", ".join(["%s"] * len(table.columns))
            cursor.executemany(f"INSERT INTO {quote(table.table)} ({columns}) VALUES ({marks})", table.rows)
        # PostgreSQL's sequences are not rolled back with the test that first loaded the
        # demo, so they are already past these ids; resetting makes sure of it anyway
        # (a flush may restart them). SQLite keeps its counters in a table that the
        # inserts above update.
        for statement in connection.ops.sequence_reset_sql(no_style(), snapshot.models):
            cursor.execute(statement)
