"""Backup and restore: the database and the evidence files, checked by a manifest.

    manage.py backup --output DIR     (docs/operations.md)
    manage.py restore DIR

A backup directory holds:

- the database: `database.dump` (PostgreSQL, `pg_dump --format=custom`) or `db.sqlite3`
  (SQLite, a copy made with SQLite's online backup API);
- `evidence/<stored name>`: every file an Evidence row or a director agreement's signed
  copy refers to, read through the evidence storage (storages["evidence"]);
- `manifest.json`: the format version, when it was made, the database vendor, the latest
  applied migration of each app, and the SHA-256 and size of every part.

Consistency: the list of evidence files is read from the same snapshot as the dump (on
PostgreSQL pg_dump runs on the snapshot exported by the transaction that read the list;
on SQLite the list is read from the copy itself). Files are never overwritten under a
stored name, so every file named in the snapshot is there to be copied.

A restore checks everything before it writes anything: the manifest, every part's hash
and size, the vendor, that this code knows the backup's migrations, that the target
database holds no application rows and that no evidence file already stored under one
of the backup's names differs. Then it writes the evidence files, then the database in
one step (pg_restore --single-transaction --exit-on-error; SQLite's backup API); when
the database step fails, the evidence files it wrote are removed again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader

from suunta.evidence import uploads

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "db.sqlite3"
EVIDENCE_DIR = "evidence"
CHUNK = 1024 * 1024
# Tables `migrate` fills on an empty database: rows there do not make a target non-empty
# (the data generations: the content types and permissions it writes, suunta.lib.generations).
MIGRATE_TABLES = {"django_migrations", "django_content_type", "auth_permission", "suunta_lib_datageneration"}
EVIDENCE_NAMES_SQL = (
    "SELECT stored_name FROM evidence_evidence WHERE stored_name <> '' "
    "UNION SELECT signed_file FROM agreements_directoragreement WHERE signed_file <> ''"
)


@dataclass
class Result:
    directory: Path
    vendor: str
    parts: int
    evidence_files: int
    bytes: int
    seconds: float
    manifest_sha256: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _vendor(alias: str = DEFAULT_DB_ALIAS) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise CommandError(f"Backup and restore support PostgreSQL and SQLite, not {vendor}.")
    return vendor


def _pg_env(alias: str) -> dict:
    """libpq's environment for pg_dump/pg_restore: the database of DATABASE_URL."""
    db = settings.DATABASES[alias]
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
    ):
        if value:
            env[key] = str(value)
        else:
            env.pop(key, None)
    return env


def _program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise CommandError(
            f"{name} is not on PATH: install PostgreSQL's client programs (the server's version)."
        )
    return found


def _run(args: list[str], env: dict, what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)  # noqa: S603  (our own arguments)
    if result.returncode != 0:
        raise CommandError(f"{what} failed (exit {result.returncode}):\n{result.stderr.strip()[-4000:]}")


def _latest_migrations(applied: set[tuple[str, str]]) -> dict[str, str]:
    """The latest applied migration of each app: the one that depends on all the others."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    latest: dict[str, tuple[int, str]] = {}
    for app, name in applied:
        # Applied but unknown to this code (e.g. squashed away): last resort, by name.
        depth = len(graph.forwards_plan((app, name))) if (app, name) in graph.nodes else -1
        if app not in latest or (depth, name) > latest[app]:
            latest[app] = (depth, name)
    return {app: latest[app][1] for app in sorted(latest)}


def _applied_from_cursor(cursor) -> set[tuple[str, str]]:
    cursor.execute("SELECT app, name FROM django_migrations")
    return {(app, name) for app, name in cursor.fetchall()}


# --- Backup ------------------------------------------------------------------------------


def backup(output: str | os.PathLike, alias: str = DEFAULT_DB_ALIAS) -> Result:
    started = dt.datetime.now(dt.UTC)
    directory = Path(output)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise CommandError(f"{directory} exists and is not an empty directory: give a new one.")
    vendor = _vendor(alias)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(directory, 0o700)
    try:
        if vendor == "postgresql":
            database_part, names, applied = _backup_postgres(directory, alias)
        else:
            database_part, names, applied = _backup_sqlite(directory, alias)
        parts = [database_part, *_copy_evidence(directory, names)]
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": started.isoformat(),
            "vendor": vendor,
            "migrations": _latest_migrations(applied),
            "evidence_files": len(names),
            "parts": [
                {
                    "name": name,
                    "sha256": sha256_of(directory / name),
                    "size": (directory / name).stat().st_size,
                }
                for name in parts
            ],
        }
        (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
        for path in directory.rglob("*"):  # personal data: for the operator's eyes only
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    total = sum(part["size"] for part in manifest["parts"])
    seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    return Result(directory, vendor, len(parts), len(names), total, seconds, sha256_of(directory / MANIFEST))


def _backup_postgres(directory: Path, alias: str) -> tuple[str, list[str], set]:
    """pg_dump on the snapshot of a transaction that reads the evidence names and the
    migration state: the three agree."""
    connection = connections[alias]
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        cursor.execute(EVIDENCE_NAMES_SQL)
        names = sorted(row[0] for row in cursor.fetchall())
        applied = _applied_from_cursor(cursor)
        _run(
            [
                _program("pg_dump"),
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-owner",
                "--no-privileges",
                f"--file={directory / POSTGRES_DUMP}",
            ],
            _pg_env(alias),
            "pg_dump",
        )
    return POSTGRES_DUMP, names, applied


def _backup_sqlite(directory: Path, alias: str) -> tuple[str, list[str], set]:
    name = settings.DATABASES[alias]["NAME"]
    target = directory / SQLITE_COPY
    source = sqlite3.connect(name, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        names = sorted(row[0] for row in copy.execute(EVIDENCE_NAMES_SQL))
        applied = _applied_from_cursor(copy.cursor())
    finally:
        copy.close()
        source.close()
    return SQLITE_COPY, names, applied


def _copy_evidence(directory: Path, names: list[str]) -> list[str]:
    storage = uploads.storage()
    target = directory / EVIDENCE_DIR
    target.mkdir(mode=0o700)
    parts = []
    for name in names:
        try:
            with uploads.open_stored(name) as source, open(target / name, "wb") as out:
                for chunk in source.chunks(CHUNK):
                    out.write(chunk)
        except (OSError, ValueError) as error:
            raise CommandError(
                f"Evidence file {name} is named in the database but cannot be read from the evidence "
                f"storage ({storage.__class__.__name__}): {error}"
            ) from error
        parts.append(f"{EVIDENCE_DIR}/{name}")
    return parts


# --- Restore -----------------------------------------------------------------------------


def read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.is_file():
        raise CommandError(f"{directory} holds no {MANIFEST}: not a Suunta backup.")
    try:
        manifest = json.loads(path.read_text("utf-8"))
        parts = manifest["parts"]
        vendor = manifest["vendor"]
        version = manifest["format"]
        migrations = manifest["migrations"]
        assert isinstance(parts, list) and isinstance(migrations, dict)
    except (ValueError, KeyError, TypeError, AssertionError) as error:
        raise CommandError(f"{path} is not a valid backup manifest: {error!r}") from error
    if version != FORMAT_VERSION:
        raise CommandError(f"Backup format {version} is not known to this version (format {FORMAT_VERSION}).")
    if vendor not in ("postgresql", "sqlite"):
        raise CommandError(f"Unknown database vendor in the manifest: {vendor!r}.")
    return manifest


def check_parts(directory: Path, manifest: dict) -> None:
    """Every part present with the manifest's size and SHA-256; nothing unlisted."""
    listed = set()
    for part in manifest["parts"]:
        name = part.get("name", "")
        if not name or name.startswith("/") or ".." in Path(name).parts:
            raise CommandError(f"The manifest names an invalid part: {name!r}.")
        listed.add(name)
        path = directory / name
        if not path.is_file():
            raise CommandError(f"Part {name} is missing from {directory}.")
        if path.stat().st_size != part.get("size") or sha256_of(path) != part.get("sha256"):
            raise CommandError(
                f"Part {name} does not match its SHA-256 in the manifest: the backup was altered."
            )
    database = POSTGRES_DUMP if manifest["vendor"] == "postgresql" else SQLITE_COPY
    if database not in listed:
        raise CommandError(f"The manifest lists no database part ({database}).")
    present = {
        str(path.relative_to(directory))
        for path in directory.rglob("*")
        if path.is_file() and path.name != MANIFEST
    }
    unlisted = sorted(present - listed)
    if unlisted:
        raise CommandError(f"Files not in the manifest: {', '.join(unlisted)}.")
    for name in listed - {database}:
        stored = name.removeprefix(f"{EVIDENCE_DIR}/")
        if not name.startswith(f"{EVIDENCE_DIR}/") or not uploads.STORED_NAME.match(stored):
            raise CommandError(f"The manifest names an unexpected part: {name}.")


def check_migrations(manifest: dict) -> None:
    """This code must know every app's latest migration of the backup (else the backup
    comes from a newer version: restore with that version)."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    unknown = [
        f"{app}.{name}" for app, name in manifest["migrations"].items() if (app, name) not in graph.nodes
    ]
    if unknown:
        raise CommandError(
            "The backup has migrations this code does not know (it was made by a newer version): "
            + ", ".join(sorted(unknown))
        )


def tables_with_rows(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The target's tables holding rows, apart from those `migrate` alone fills."""
    connection = connections[alias]
    found = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in MIGRATE_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608  (introspected)
            if cursor.fetchone():
                found.append(table)
    return found


def _evidence_plan(directory: Path, manifest: dict) -> list[str]:
    """The stored names to write; refuses a name stored already with other bytes."""
    storage = uploads.storage()
    to_write = []
    for part in manifest["parts"]:
        if not part["name"].startswith(f"{EVIDENCE_DIR}/"):
            continue
        name = part["name"].removeprefix(f"{EVIDENCE_DIR}/")
        if storage.exists(name):
            digest = hashlib.sha256()
            with uploads.open_stored(name) as handle:
                for chunk in handle.chunks(CHUNK):
                    digest.update(chunk)
            if digest.hexdigest() != part["sha256"]:
                raise CommandError(
                    f"The evidence storage already holds {name} with other content: not overwritten."
                )
            continue
        to_write.append(name)
    return to_write


def restore(
    source: str | os.PathLike, alias: str = DEFAULT_DB_ALIAS, manifest_sha256: str | None = None
) -> Result:
    """Restore the backup in `source`. With `manifest_sha256` (printed by the backup and
    kept elsewhere) the manifest itself must have that hash: then a backup altered
    together with its manifest is refused too."""
    started = dt.datetime.now(dt.UTC)
    directory = Path(source)
    if not directory.is_dir():
        raise CommandError(f"{directory} is not a directory.")
    manifest = read_manifest(directory)
    actual = sha256_of(directory / MANIFEST)
    if manifest_sha256 and actual != manifest_sha256.strip().lower():
        raise CommandError(f"Part {MANIFEST} does not match the expected SHA-256: the backup was altered.")
    vendor = _vendor(alias)
    if manifest["vendor"] != vendor:
        raise CommandError(
            f"The backup is of a {manifest['vendor']} database; this installation's database is {vendor}."
        )
    check_parts(directory, manifest)
    check_migrations(manifest)
    occupied = tables_with_rows(alias)
    if occupied:
        raise CommandError(
            "The target database is not empty; restore only into an empty one. Tables with rows: "
            + ", ".join(occupied)
        )
    to_write = _evidence_plan(directory, manifest)

    # Everything checked: write the evidence files, then the database in one step.
    storage = uploads.storage()
    written = []
    try:
        for name in to_write:
            with open(directory / EVIDENCE_DIR / name, "rb") as handle:
                saved = storage.save(name, ContentFile(handle.read(), name=name))
            if saved != name:
                storage.delete(saved)
                raise CommandError(f"The evidence storage stored {name} as {saved}.")
            written.append(name)
        if vendor == "postgresql":
            _restore_postgres(directory, alias)
        else:
            _restore_sqlite(directory, alias)
    except BaseException:
        for name in written:
            storage.delete(name)
        raise
    total = sum(part["size"] for part in manifest["parts"])
    seconds = (dt.datetime.now(dt.UTC) - started).total_seconds()
    return Result(
        directory, vendor, len(manifest["parts"]), manifest.get("evidence_files", 0), total, seconds, actual
    )


def _restore_postgres(directory: Path, alias: str) -> None:
    connections[alias].close()
    _run(
        [
            _program("pg_restore"),
            "--single-transaction",
            "--exit-on-error",
            "--clean",  # tables `migrate` made in an otherwise empty target
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            f"--dbname={settings.DATABASES[alias]['NAME']}",
            str(directory / POSTGRES_DUMP),
        ],
        _pg_env(alias),
        "pg_restore",
    )


def _restore_sqlite(directory: Path, alias: str) -> None:
    connections[alias].close()
    name = settings.DATABASES[alias]["NAME"]
    source = sqlite3.connect(f"file:{directory / SQLITE_COPY}?mode=ro", uri=True)
    target = sqlite3.connect(name, timeout=30)
    try:
        source.backup(target)  # all pages in one step: the target is replaced whole or not at all
    except sqlite3.Error as error:
        raise CommandError(f"Restoring the SQLite database failed: {error}") from error
    finally:
        target.close()
        source.close()
