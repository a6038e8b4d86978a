"""Issue 22, part 4: `manage.py backup` and `manage.py restore` (suunta/site/backup.py).

On the suite's database (SQLite or PostgreSQL, the same test code): a copy of the served
demo database (tests/served.py) gets an evidence file and a signed agreement, is backed
up, and restored into an empty database with an empty evidence directory. Afterwards
`export_plan` of every plan, every evidence file's bytes and the audit chains (their
heads given to `verify_audit --expect-head`) are the same. A backup with one byte
changed is refused naming the part, before anything is written; a database that holds
rows is refused naming its tables. Every command runs as a separate process with
DATABASE_URL and EVIDENCE_ROOT of its database, as an operator would run it.
"""

import itertools
import json
import re
import shutil
import subprocess
import sys

import pytest
from django.conf import settings

from tests.served import COMMAND_TIMEOUT, _database_name, _environment, _is_postgres, _Postgres, _SQLite

_copies = itertools.count(1)

ATTACH = """
from django.core.files.base import ContentFile
from suunta.agreements.models import DirectorAgreement
from suunta.evidence import uploads
from suunta.evidence.models import Evidence
from suunta.followup.models import Assessment

assessment = Assessment.objects.order_by("pk").first()
upload = ContentFile(b"%PDF-1.4\\n% backup test \\xe4\\xf6\\n%%EOF\\n", name="liite.pdf")
stored, sha256, size = uploads.store(upload)
Evidence.objects.create(
    assessment=assessment, kind="file", stored_name=stored, original_name="liite.pdf",
    content_type="application/pdf", size=size, sha256=sha256, uploaded_by=assessment.author,
    publicity=assessment.publicity,
)
signed = ContentFile(b"%PDF-1.4\\n% signed agreement\\n%%EOF\\n", name="sopimus.pdf")
name, sha256, size = uploads.store(signed)
DirectorAgreement.objects.filter(pk=DirectorAgreement.objects.order_by("pk").first().pk).update(
    signed_file=name, signed_file_name="sopimus.pdf", signed_file_size=size, signed_file_sha256=sha256
)
"""


def manage(database, var_dir, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=_environment(database, var_dir),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"{result.args[2:]} exited {result.returncode}:\n{result.stderr[-4000:]}"
    return result.stdout


def empty_database(tmp_path, label: str):
    if _is_postgres():
        return _Postgres.create(_database_name(f"backup{next(_copies)}{label}"))
    return _SQLite(tmp_path / f"{label}.sqlite3")


def evidence_files(var_dir) -> dict[str, bytes]:
    root = var_dir / "evidence"
    return (
        {path.name: path.read_bytes() for path in root.iterdir() if path.is_file()} if root.exists() else {}
    )


@pytest.fixture
def databases_made(served_template, tmp_path):
    made = []
    yield made
    for database in made:
        database.drop()


def test_backup_restore_round_trip(served_template, databases_made, tmp_path):
    template, template_var = served_template
    source = template.copy_to(tmp_path, _database_name(f"backup{next(_copies)}src"))
    databases_made.append(source)
    source_var = tmp_path / "source-var"
    if (template_var / "evidence").exists():
        shutil.copytree(template_var / "evidence", source_var / "evidence")
    ok(manage(source, source_var, "shell", "-c", ATTACH))
    files = evidence_files(source_var)
    assert len(files) >= 2

    exported = json.loads(ok(manage(source, source_var, "export_plan")))
    assert exported, "the demo has plans"
    audit = ok(manage(source, source_var, "verify_audit"))
    heads = re.findall(r"head=([0-9a-f]{64})", audit)
    assert heads and audit.startswith("OK")

    backup_dir = tmp_path / "backup"
    out = ok(manage(source, source_var, "backup", "--output", str(backup_dir)))
    assert f"evidence_files={len(files)}" in out
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["vendor"] == ("postgresql" if _is_postgres() else "sqlite")
    assert manifest["migrations"]["agreements"]
    parts = {part["name"] for part in manifest["parts"]}
    assert {f"evidence/{name}" for name in files} <= parts
    # Not into a directory that holds something.
    refused = manage(source, source_var, "backup", "--output", str(backup_dir))
    assert refused.returncode == 1 and "not an empty directory" in refused.stderr

    target = empty_database(tmp_path, "target")
    databases_made.append(target)
    target_var = tmp_path / "target-var"

    # One byte changed in one part: refused, naming it, and nothing written.
    tampered = tmp_path / "tampered"
    shutil.copytree(backup_dir, tampered)
    victim = sorted(files)[0]
    data = bytearray((tampered / "evidence" / victim).read_bytes())
    data[-3] ^= 0x01
    (tampered / "evidence" / victim).write_bytes(bytes(data))
    refused = manage(target, target_var, "restore", str(tampered))
    assert refused.returncode == 1
    assert f"Part evidence/{victim} does not match its SHA-256" in refused.stderr
    assert evidence_files(target_var) == {}

    # A manifest altered together with its parts: refused when its hash was kept.
    manifest_sha256 = re.search(r"manifest_sha256=([0-9a-f]{64})", out).group(1)
    refused = manage(target, target_var, "restore", str(backup_dir), "--manifest-sha256", "0" * 64)
    assert refused.returncode == 1 and "Part manifest.json does not match" in refused.stderr

    out = ok(manage(target, target_var, "restore", str(backup_dir), "--manifest-sha256", manifest_sha256))
    assert f"evidence_files={len(files)}" in out

    assert evidence_files(target_var) == files
    assert json.loads(ok(manage(target, target_var, "export_plan"))) == exported
    expect = [argument for head in heads for argument in ("--expect-head", head)]
    restored_audit = ok(manage(target, target_var, "verify_audit", *expect))
    assert restored_audit.startswith("OK")
    assert re.findall(r"head=([0-9a-f]{64})", restored_audit) == heads

    # The target now holds the demo: a second restore is refused, naming tables.
    refused = manage(target, target_var, "restore", str(backup_dir))
    assert refused.returncode == 1
    assert "not empty" in refused.stderr and "agreements_goalplan" in refused.stderr


def test_restore_refuses_the_other_vendor(served_template, databases_made, tmp_path):
    """A SQLite copy goes only into SQLite and a PostgreSQL dump only into PostgreSQL."""
    template, _template_var = served_template
    backup_dir = tmp_path / "backup"
    ok(manage(template, tmp_path / "var", "backup", "--output", str(backup_dir)))
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    manifest["vendor"] = "sqlite" if _is_postgres() else "postgresql"
    (backup_dir / "manifest.json").write_text(json.dumps(manifest))
    target = empty_database(tmp_path, "other")
    databases_made.append(target)
    refused = manage(target, tmp_path / "target-var", "restore", str(backup_dir))
    assert refused.returncode == 1
    assert f"The backup is of a {manifest['vendor']} database" in refused.stderr


def test_restore_onto_a_migrated_empty_database(served_template, databases_made, tmp_path):
    """A database that `migrate` alone has filled counts as empty: the backup replaces it."""
    template, _template_var = served_template
    backup_dir = tmp_path / "backup"
    ok(manage(template, tmp_path / "var", "backup", "--output", str(backup_dir)))
    target = empty_database(tmp_path, "migrated")
    databases_made.append(target)
    target_var = tmp_path / "target-var"
    ok(manage(target, target_var, "migrate", "--noinput", "-v0"))
    ok(manage(target, target_var, "restore", str(backup_dir)))
    assert ok(manage(target, target_var, "verify_audit")) == ok(
        manage(template, tmp_path / "var", "verify_audit")
    )
    assert target.sql("SELECT count(*) FROM agreements_goalplan") == template.sql(
        "SELECT count(*) FROM agreements_goalplan"
    )
