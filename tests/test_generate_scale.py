"""Issue 23, part 2: `manage.py generate_scale` (suunta/scale/).

Every command runs as a separate process with DATABASE_URL of its own database, as an
operator runs it. On PostgreSQL: two copies of the served demo database (tests/served.py)
get three organizations with two years each from the same seed; the rows the command
reports are in the database; the structure holds (one chain per organization, one plan
per agreement and year, every frozen version's snapshot hashing to its approval's
SHA-256, every metric value audited once, every reported follow-up with its report);
`verify_audit` and `export_plan` (which checks each approved version against its
snapshot) pass; both copies hold the same data (digest, audit hashes, every plan's
export). A database holding anything besides the demo is refused with nothing
written. The refusal of SQLite, and of DEBUG off, runs on either database.

PostgreSQL only for the generation: collected only when the suite runs on PostgreSQL
(DATABASE_URL=postgres://…); on SQLite it does not exist, rather than being skipped.
"""

import itertools
import os
import re
import subprocess
import sys

import dj_database_url
import pytest
from django.conf import settings

from suunta.scale import texts
from tests.served import COMMAND_TIMEOUT, _database_name, _environment

POSTGRES = dj_database_url.parse(os.environ.get("DATABASE_URL") or "sqlite://:memory:")["ENGINE"].endswith(
    "postgresql"
)
SIZES = ("--organizations", "3", "--years", "2", "--seed", "7")
DEMO_ORGANIZATIONS = 3  # suunta/demo/data.py

_copies = itertools.count(1)


def manage(env: dict, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"{result.args[2:]} exited {result.returncode}:\n{result.stderr[-4000:]}"
    return result.stdout


class _File:
    """Enough of a database for tests.served._environment: its URL."""

    def __init__(self, path):
        self.url = f"sqlite:///{path}"


def test_it_refuses_sqlite(tmp_path):
    path = tmp_path / "scale.sqlite3"
    refused = manage(_environment(_File(path), tmp_path / "var"), "generate_scale", *SIZES)
    assert refused.returncode == 1
    assert "generate_scale runs on PostgreSQL only; this database is sqlite" in refused.stderr
    assert not path.exists() or path.stat().st_size == 0  # nothing made, not even the tables


def test_it_refuses_with_debug_off(tmp_path):
    env = _environment(
        _File(tmp_path / "scale.sqlite3"), tmp_path / "var", {"DEBUG": "0", "SECRET_KEY": "x" * 50}
    )
    refused = manage(env, "generate_scale", *SIZES)
    assert refused.returncode == 1
    assert "Refusing to generate data with DEBUG off" in refused.stderr


if POSTGRES:

    @pytest.fixture
    def copies(served_template, tmp_path):
        """Copies of the served demo database, dropped at the end."""
        template, _template_var = served_template
        made = []

        def copy():
            database = template.copy_to(tmp_path, _database_name(f"scale{next(_copies)}"))
            made.append(database)
            return database, _environment(database, tmp_path / f"var{len(made)}")

        yield copy
        for database in made:
            database.drop()

    def count(database, table: str, where: str = "") -> int:
        return database.sql(f"SELECT count(*) FROM {table} {where}")[0][0]

    def reported_rows(output: str) -> dict[str, int]:
        return {
            table: int(number.replace(",", ""))
            for table, number in re.findall(r"^  (\w+) +([\d,]+)$", output, flags=re.MULTILINE)
        }

    GENERATED = f"organization_id > {DEMO_ORGANIZATIONS}"

    def test_generate_scale_makes_the_same_verified_data_from_a_seed(copies):
        first, first_env = copies()
        before = {table: count(first, table) for table in ("audit_auditevent", "measures_metricvalue")}
        output = ok(manage(first_env, "generate_scale", *SIZES))
        second, second_env = copies()
        assert ok(manage(second_env, "generate_scale", *SIZES)).splitlines()[-1] == output.splitlines()[-1]

        # What the command reports is in the database.
        rows = reported_rows(output)
        assert rows["organizations_organization"] == 3
        assert count(first, "organizations_organization") == DEMO_ORGANIZATIONS + 3
        for table in before:
            assert count(first, table) == before[table] + rows[table]
        assert rows["audit_auditchainhead"] in (3, 4)  # each organization's chain (and "global", if new)

        # The structure: one chain per organization, each as long as its head says.
        chains = first.sql(
            f"SELECT chain, count(*), max(sequence) FROM audit_auditevent WHERE {GENERATED} GROUP BY chain"
        )
        assert len(chains) == 3
        heads = dict(first.sql("SELECT chain, sequence FROM audit_auditchainhead"))
        assert all(length == last == heads[chain] for chain, length, last in chains)
        # At most one plan per agreement and year; the chief executives' for both years.
        assert (
            first.sql(
                "SELECT agreement_id, period_start FROM agreements_goalplan GROUP BY 1, 2 HAVING count(*) > 1"
            )
            == []
        )
        # (A director's agreement is evaluated by the chief in the chief's position.)
        chief_plans = first.sql(
            "SELECT a.id, count(p.id) FROM agreements_directoragreement a "
            "LEFT JOIN agreements_goalplan p ON p.agreement_id = a.id "
            "AND extract(year FROM p.period_start) <= extract(year FROM now()) "
            f"WHERE a.{GENERATED} AND NOT EXISTS (SELECT 1 FROM organizations_membership m "
            "WHERE m.agreement_id = a.id AND m.title = 'chief_executive') GROUP BY a.id"
        )
        assert chief_plans and all(plans == 2 for _agreement, plans in chief_plans)
        # Every frozen version has one approval whose snapshot hashes to its SHA-256.
        frozen = first.sql(
            "SELECT v.id, count(h.id), bool_and(encode(sha256(convert_to(h.snapshot, 'UTF8')), 'hex')"
            " = h.snapshot_sha256) FROM agreements_planversion v "
            "LEFT JOIN governance_handling h ON h.version_id = v.id AND h.snapshot_sha256 <> '' "
            "WHERE v.status IN ('approved', 'closed', 'superseded') GROUP BY v.id"
        )
        assert frozen and all(approvals == 1 and intact for _v, approvals, intact in frozen)
        # Every metric value audited once: typed in one by one, or a month's CSV import.
        events = first.sql(
            "SELECT count(*) FILTER (WHERE action = 'metric_value.create'), "
            "coalesce(sum((changes::json -> 'created' ->> 1)::int) FILTER (WHERE action = 'metric_value.import'), 0) "
            f"FROM audit_auditevent WHERE {GENERATED}"
        )[0]
        assert sum(events) == rows["measures_metricvalue"] > 0
        # Each reported follow-up has its report to the board, one per checkpoint.
        of_generated = (
            "JOIN agreements_planversion v ON v.id = c.version_id JOIN agreements_goalplan p ON p.id = v.plan_id "
            f"JOIN agreements_directoragreement a ON a.id = p.agreement_id WHERE a.{GENERATED}"
        )
        reported = first.sql(
            "SELECT count(*) FILTER (WHERE f.status = 'reported'), count(h.id) FROM agreements_checkpoint c "
            f"LEFT JOIN followup_followup f ON f.checkpoint_id = c.id "
            f"LEFT JOIN governance_handling h ON h.checkpoint_id = c.id {of_generated}"
        )[0]
        assert reported[0] == reported[1] > 0
        # Restricted sections in every discussion, their texts never in the log.
        assert (
            count(first, "discussions_section", "WHERE publicity = 'restricted'")
            >= 3 * rows["discussions_discussion"]
        )
        for kind in ("development", "wellbeing", "other"):
            for text in texts.SECTION_TEXTS[kind]:
                assert first.sql(
                    "SELECT count(*) FROM audit_auditevent WHERE payload LIKE %s", [f"%{text}%"]
                ) == [(0,)]

        verified = ok(manage(first_env, "verify_audit"))
        assert verified.startswith("OK\n") and len(verified.splitlines()) == 1 + DEMO_ORGANIZATIONS + 3 + 1

        # The same seed, the same data: every event's hash and every plan's export.
        hashes = f"SELECT md5(string_agg(hash, ',' ORDER BY id)) FROM audit_auditevent WHERE {GENERATED}"
        assert first.sql(hashes) == second.sql(hashes)
        exported = ok(manage(first_env, "export_plan"))
        assert exported == ok(manage(second_env, "export_plan"))
        assert '"status": "closed"' in exported and '"serves": "' in exported

        # A database that holds more than the demo is refused, with nothing written.
        events_before = count(first, "audit_auditevent")
        refused = manage(first_env, "generate_scale", *SIZES)
        assert refused.returncode == 1
        assert "The database holds more than the demo (organizations " in refused.stderr
        assert count(first, "audit_auditevent") == events_before

    def test_it_refuses_a_database_with_anyone_besides_the_demo(copies):
        database, env = copies()
        database.sql(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, "
            "is_staff, is_active, date_joined, preferred_language) "
            "VALUES ('!', true, 'operaattori', '', '', '', true, true, now(), '')"
        )
        refused = manage(env, "generate_scale", *SIZES)
        assert refused.returncode == 1
        assert "The database holds more than the demo (users operaattori)" in refused.stderr
        assert count(database, "organizations_organization") == DEMO_ORGANIZATIONS
