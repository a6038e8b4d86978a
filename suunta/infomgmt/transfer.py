"""An organization leaves: export everything of it, import it elsewhere, delete it.

    manage.py export_organization SLUG --output DIR
    manage.py import_organization DIR
    manage.py delete_organization SLUG --confirm SLUG

The format is documented in docs/information-management.md. In short, DIR holds:

- `data/<app>.<model>.json`: every row of the organization, one JSON object per row
  (every column by its attribute name, primary keys kept), sorted by primary key;
  `data/accounts.user.json` the user accounts the organization's rows refer to;
- `data/audit.auditevent.json` + `audit/head.json`: the organization's audit chain
  and its head;
- `files/<stored name>`: the evidence files and signed agreements;
- `documents/*.pdf`: the goals annex (PDF/A-2a) of every approved plan version and the
  follow-up reports reported to the board;
- `sip/<name>/`: for documents of a permanent record type, the PDF/A and its JHS 191
  metadata (`metadata.xml`), for an archive's intake;
- `manifest.json`: the format version, the organization, and the SHA-256 and size of
  every other file.

Which rows belong to an organization is found from the models: a row belongs to it
when a chain of foreign keys (not null ones first) leads from its model to
Organization. Rows are read and written as Django sees the columns; importing inserts
them with their primary keys inside one transaction and checks every foreign key before
it commits, so an import refuses an installation where any of the ids is taken.
"""

import base64
import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from suunta.audit import services as audit
from suunta.audit.chain import chain_key
from suunta.audit.models import AuditChainHead
from suunta.evidence import uploads
from suunta.organizations.models import Organization

from . import jhs191
from .retention import rule_for

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
USER_LABEL = "accounts.user"


class TransferError(Exception):
    """The export cannot be read, or the installation cannot take it."""


# --- Which rows are the organization's ---------------------------------------------------


def _relations(model):
    return [
        f
        for f in model._meta.concrete_fields
        if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is not None
    ]


def _path_to_organization(model, seen=frozenset()) -> str | None:
    if model is Organization:
        return "pk"
    for nullable in (False, True):
        for f in _relations(model):
            if f.null != nullable:
                continue
            related = f.related_model
            if related is Organization:
                return f.name
            if related in seen or related is model:
                continue
            rest = _path_to_organization(related, seen | {model})
            if rest is not None:
                return f"{f.name}__{rest}"
    return None


def owned_models() -> list[tuple[type[models.Model], str]]:
    """(model, lookup to the organization's pk) of every model whose rows belong to one."""
    result = []
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        path = _path_to_organization(model)
        if path is None:
            continue
        result.append((model, path))
    return sorted(result, key=lambda item: item[0]._meta.label_lower)


def owned(model, lookup: str, organization_id: int):
    return model._base_manager.filter(**{lookup: organization_id}).order_by("pk")


def _label(model) -> str:
    return model._meta.label_lower


def _columns(model):
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


# --- Rows as JSON and back -----------------------------------------------------------------


def _json_value(f, obj):
    value = f.value_from_object(obj)
    if value is None:
        return None
    if isinstance(f, models.JSONField):
        return value
    if isinstance(value, bool) or (isinstance(value, int) and not isinstance(f, models.DecimalField)):
        return value
    if isinstance(f, models.BinaryField):
        return base64.b64encode(bytes(value)).decode()
    if f.is_relation:
        return value
    return f.value_to_string(obj)


def row_of(obj) -> dict:
    return {f.attname: _json_value(f, obj) for f in _columns(obj._meta.model)}


def _db_value(f, value):
    if value is None:
        return None
    if isinstance(f, models.BinaryField):
        value = base64.b64decode(value)
    elif not isinstance(f, models.JSONField):
        value = f.to_python(value)
    return f.get_db_prep_save(value, connection)


def dumps(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- Export ------------------------------------------------------------------------------------


@dataclass
class Exported:
    directory: Path
    rows: int = 0
    files: int = 0
    documents: int = 0
    counts: dict = field(default_factory=dict)


def _user_ids(rows_by_model) -> set[int]:
    User = get_user_model()
    ids = set()
    for model, rows in rows_by_model:
        for f in _relations(model):
            if f.related_model is User:
                ids |= {row[f.attname] for row in rows if row[f.attname] is not None}
    return ids


def _stored_names(organization_id: int) -> list[str]:
    from suunta.agreements.models import DirectorAgreement  # noqa: PLC0415
    from suunta.evidence.models import Evidence  # noqa: PLC0415

    names = set(
        Evidence.objects.filter(
            assessment__checkpoint__version__plan__agreement__organization_id=organization_id
        ).values_list("stored_name", flat=True)
    )
    names |= set(
        DirectorAgreement.objects.filter(organization_id=organization_id).values_list(
            "signed_file", flat=True
        )
    )
    return sorted(name for name in names if name)


def _sha(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _package(directory: Path, name: str, body: bytes, metadata) -> None:
    """sip/<name>/: the PDF/A and its JHS 191 metadata, for an archive's intake."""
    package = directory / "sip" / name.removesuffix(".pdf")
    package.mkdir(parents=True)
    (package / name).write_bytes(body)
    (package / "metadata.xml").write_bytes(jhs191.to_xml(metadata))


def _documents(organization, directory: Path) -> int:
    """The annex of every approved plan version and the follow-up reports the board was
    given, as PDF/A; those of a permanent record type also in sip/ with their metadata."""
    from suunta.agreements.models import Checkpoint, PlanVersion  # noqa: PLC0415
    from suunta.agreements.statuses import FROZEN_STATUSES  # noqa: PLC0415
    from suunta.documents import render  # noqa: PLC0415
    from suunta.followup.models import FollowUpStatus  # noqa: PLC0415

    versions = (
        PlanVersion.objects.filter(plan__agreement__organization=organization, status__in=FROZEN_STATUSES)
        .filter(handlings__outcome="approved")
        .distinct()
        .select_related("plan__agreement__organization")
        .order_by("plan_id", "number")
    )
    plans_permanent = rule_for(organization.pk, "plans").permanent
    followups_permanent = rule_for(organization.pk, "followups").permanent
    (directory / "documents").mkdir(exist_ok=True)
    count = 0
    for version in versions:
        name = f"plan-{version.plan_id}-v{version.number}-annex.pdf"
        body, _name, _type = render.render(render.Request("annex", version, "fi"), "pdf")
        (directory / "documents" / name).write_bytes(body)
        count += 1
        if plans_permanent:
            _package(directory, name, body, jhs191.annex_metadata(version, file_name=name, sha256=_sha(body)))
        checkpoints = Checkpoint.objects.filter(version=version).order_by("order", "window_start", "id")
        for number, checkpoint in enumerate(checkpoints, start=1):
            if render.followup_status(checkpoint) != FollowUpStatus.REPORTED:  # only what the board was given
                continue
            report = f"plan-{version.plan_id}-v{version.number}-followup-{number}.pdf"
            body, _name, _type = render.render(
                render.Request("followup-report", version, "fi", checkpoint), "pdf"
            )
            (directory / "documents" / report).write_bytes(body)
            count += 1
            if followups_permanent:
                metadata = jhs191.followup_metadata(version, checkpoint, file_name=report, sha256=_sha(body))
                _package(directory, report, body, metadata)
    return count


def export_organization(organization, directory: Path, actor=None) -> Exported:
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise TransferError(f"{directory} is not empty.")
    (directory / "data").mkdir(parents=True, exist_ok=True)
    result = Exported(directory)
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        # One consistent read: a snapshot on PostgreSQL (REPEATABLE READ, possible only as
        # the transaction's first statement); on SQLite every transaction already starts
        # with BEGIN IMMEDIATE (settings), so no writer changes the rows meanwhile.
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        rows_by_model = []
        for model, lookup in owned_models():
            rows = [row_of(obj) for obj in owned(model, lookup, organization.pk)]
            if rows:
                rows_by_model.append((model, rows))
        User = get_user_model()
        users = [
            row_of(user) for user in User._base_manager.filter(pk__in=_user_ids(rows_by_model)).order_by("pk")
        ]
        rows_by_model.append((User, users))
        for model, rows in rows_by_model:
            (directory / "data" / f"{_label(model)}.json").write_bytes(dumps(rows))
            result.counts[_label(model)] = len(rows)
            result.rows += len(rows)
        head = AuditChainHead.objects.filter(chain=chain_key(organization.pk)).first()
        (directory / "audit").mkdir()
        (directory / "audit" / "head.json").write_bytes(
            dumps(
                {
                    "chain": chain_key(organization.pk),
                    "sequence": head.sequence if head else 0,
                    "hash": head.hash if head else None,
                }
            )
        )
        files = _stored_names(organization.pk)
        if files:
            (directory / "files").mkdir()
        for name in files:
            with uploads.open_stored(name) as source, open(directory / "files" / name, "wb") as out:
                shutil.copyfileobj(source, out)
        result.files = len(files)
        result.documents = _documents(organization, directory)
    manifest = {
        "format": "suunta-organization",
        "version": FORMAT_VERSION,
        "organization": {"id": organization.pk, "slug": organization.slug},
        "audit_head": json.loads((directory / "audit" / "head.json").read_text()),
        "counts": result.counts,
        "files": {
            str(path.relative_to(directory)): {"sha256": sha256_file(path), "size": path.stat().st_size}
            for path in sorted(directory.rglob("*"))
            if path.is_file()
        },
    }
    (directory / MANIFEST).write_bytes(dumps(manifest))
    audit.record(
        "organization.export",
        actor=actor,
        organization=None,
        changes={
            "export": [None, {"organization": organization.slug, "id": organization.pk, "rows": result.rows}]
        },
    )
    return result


# --- Reading an export back --------------------------------------------------------------


def read_manifest(directory: Path) -> dict:
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TransferError(f"No readable {MANIFEST} in {directory}: {error}") from None
    if manifest.get("format") != "suunta-organization" or manifest.get("version") != FORMAT_VERSION:
        raise TransferError("Not an organization export of a format this version reads.")
    listed = set(manifest["files"])
    present = {str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file()} - {MANIFEST}
    if listed != present:
        raise TransferError(f"Files differ from the manifest: {sorted(listed ^ present)[:5]}")
    for name, item in manifest["files"].items():
        if sha256_file(directory / name) != item["sha256"]:
            raise TransferError(f"{name} does not match its SHA-256 in the manifest.")
    return manifest


def _insert(model, rows) -> None:
    cols = _columns(model)
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in cols)
    marks = ", ".join(["%s"] * len(cols))
    values = [[_db_value(f, row.get(f.attname)) for f in cols] for row in rows]
    with connection.cursor() as cursor:
        # Table and column names from the models' metadata, never from the export.
        sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
        cursor.executemany(sql, values)


def _users_to_insert(rows) -> list[dict]:
    """Users not in this installation; a user whose id is taken must be the same account."""
    User = get_user_model()
    existing = dict(User._base_manager.filter(pk__in=[r["id"] for r in rows]).values_list("pk", "username"))
    missing = []
    for row in rows:
        if row["id"] in existing:
            if existing[row["id"]] != row["username"]:
                raise TransferError(f"User id {row['id']} is another account here ({existing[row['id']]}).")
            continue
        if User._base_manager.filter(username=row["username"]).exists():
            raise TransferError(f"The username {row['username']} is taken by another account here.")
        missing.append(row)
    return missing


def import_organization(directory: Path, actor=None) -> dict:
    directory = Path(directory)
    manifest = read_manifest(directory)
    org = manifest["organization"]
    if (
        Organization.objects.filter(pk=org["id"]).exists()
        or Organization.objects.filter(slug=org["slug"]).exists()
    ):
        raise TransferError(f"The organization {org['slug']} (id {org['id']}) is already here.")
    known = {_label(model): model for model, _lookup in owned_models()}
    User = get_user_model()
    counts = {}
    with transaction.atomic():
        written = []
        for path in sorted((directory / "data").glob("*.json")):
            label = path.name.removesuffix(".json")
            rows = json.loads(path.read_text(encoding="utf-8"))
            if label == USER_LABEL:
                model, rows = User, _users_to_insert(rows)
            elif label in known:
                model = known[label]
                if model._base_manager.filter(pk__in=[r[model._meta.pk.attname] for r in rows]).exists():
                    raise TransferError(f"Ids of {label} are taken in this installation.")
            else:
                raise TransferError(f"Unknown table {label}: this version cannot import it.")
            if rows:
                _insert(model, rows)
                written.append(model)
            counts[label] = len(rows)
        head = json.loads((directory / "audit" / "head.json").read_text())
        if head["sequence"]:
            if AuditChainHead.objects.filter(chain=head["chain"]).exists():
                raise TransferError(f"The audit chain {head['chain']} is already here.")
            AuditChainHead.objects.create(chain=head["chain"], sequence=head["sequence"], hash=head["hash"])
        connection.check_constraints(table_names=[m._meta.db_table for m in written])
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), written):
                cursor.execute(statement)
        storage = uploads.storage()
        for path in sorted((directory / "files").glob("*")) if (directory / "files").exists() else []:
            if not uploads.STORED_NAME.match(path.name):
                raise TransferError(f"files/{path.name} is not a stored evidence name.")
            if storage.exists(path.name):
                with uploads.open_stored(path.name) as handle:
                    if hashlib.sha256(handle.read()).hexdigest() != sha256_file(path):
                        raise TransferError(f"A different file is stored as {path.name}.")
                continue
            saved = storage.save(path.name, ContentFile(path.read_bytes(), name=path.name))
            if saved != path.name:
                storage.delete(saved)
                raise TransferError(f"The evidence storage renamed {path.name}.")
        audit.record(
            "organization.import",
            actor=actor,
            organization=None,
            changes={
                "import": [None, {"organization": org["slug"], "id": org["id"], "rows": sum(counts.values())}]
            },
        )
    return counts


# --- Delete --------------------------------------------------------------------------------


def delete_organization(organization, actor=None) -> dict:
    """Remove every row of the organization, its audit chain, its files and the user
    accounts nothing else refers to; record it in the operators' (global) audit chain."""
    counts = {}
    slug, pk = organization.slug, organization.pk
    with transaction.atomic():
        rows_by_model = []
        for model, lookup in owned_models():
            pks = list(owned(model, lookup, pk).values_list("pk", flat=True))
            if pks:
                rows_by_model.append((model, pks))
        user_ids = set()
        User = get_user_model()
        for model, pks in rows_by_model:
            for f in _relations(model):
                if f.related_model is User:
                    user_ids |= set(
                        model._base_manager.filter(pk__in=pks)
                        .exclude(**{f.attname: None})
                        .values_list(f.attname, flat=True)
                    )
        files = _stored_names(pk)
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model, pks in rows_by_model:
                table, column = quote(model._meta.db_table), quote(model._meta.pk.column)
                for start in range(0, len(pks), 500):
                    chunk = pks[start : start + 500]
                    cursor.execute(
                        f"DELETE FROM {table} WHERE {column} IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608
                        chunk,
                    )
                counts[_label(model)] = len(pks)
        AuditChainHead.objects.filter(chain=chain_key(pk)).delete()
        connection.check_constraints()  # nothing left refers to what went
        removed_users = 0
        # Operators' accounts are the installation's, whatever they touched.
        user_ids -= set(
            User._base_manager.filter(pk__in=user_ids, is_staff=True).values_list("pk", flat=True)
        )
        user_ids -= set(
            User._base_manager.filter(pk__in=user_ids, is_superuser=True).values_list("pk", flat=True)
        )
        for user_id in sorted(user_ids):
            try:
                with transaction.atomic():
                    User._base_manager.filter(pk=user_id).delete()
                    connection.check_constraints()
                removed_users += 1
            except (ProtectedError, RestrictedError, IntegrityError):
                pass  # still someone else's: a member elsewhere, or in the operators' log
        counts[USER_LABEL] = removed_users
        for name in files:
            transaction.on_commit(lambda name=name: uploads.delete(name), robust=True)
        audit.record(
            "organization.delete",
            actor=actor,
            organization=None,
            changes={"organization": [{"slug": slug, "id": pk, "rows": counts}, None]},
        )
    return counts


def organization_rows_digest(organization_id: int) -> str:
    """SHA-256 over every row of the organization (tests compare one before and after)."""
    digest = hashlib.sha256()
    for model, lookup in owned_models():
        for obj in owned(model, lookup, organization_id):
            digest.update(dumps({"t": _label(model), "r": row_of(obj)}))
    return digest.hexdigest()


__all__ = [
    "TransferError",
    "delete_organization",
    "export_organization",
    "import_organization",
    "organization_rows_digest",
    "owned_models",
]
