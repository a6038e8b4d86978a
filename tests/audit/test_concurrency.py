"""Concurrent writers never fork a chain.

The first test runs on whichever database the suite uses: threads, each on its own
connection, append to one chain at once. On PostgreSQL they queue on the chain head's
row lock. pytest-django's SQLite test database is in memory with a shared cache, where a
second writer gets "database table is locked" at once instead of waiting (busy_timeout
does not apply there); the threads retry such attempts, as busy_timeout does for a file
database. The second test therefore also runs the real thing on SQLite: writer processes
on a file database with the production settings (WAL, BEGIN IMMEDIATE, busy_timeout),
then manage.py verify_audit as an operator runs it, exit codes included.
"""

import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction

from suunta.audit import services as audit
from suunta.audit.chain import GENESIS
from suunta.audit.models import AuditEvent
from tests.factories import OrganizationFactory

from .tools import verify_audit

WRITERS = 8
EVENTS_EACH = 6


def locked(error: Exception) -> bool:
    return connection.vendor == "sqlite" and "locked" in str(error)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    org = OrganizationFactory(slug="rinnakkain")  # no events yet: the writers also race to start the chain
    start = threading.Barrier(WRITERS)
    errors: list[Exception] = []
    retries = Counter()

    def append(writer: int, n: int) -> None:
        while True:
            try:
                with transaction.atomic():
                    audit.record(
                        "goal.update", organization=org, changes={"writer": [None, writer], "n": [None, n]}
                    )
                    time.sleep(0.003)  # hold the transaction open while the others queue
                return
            except OperationalError as error:
                if not locked(error) or retries[writer] > 2000:
                    raise
                retries[writer] += 1
                time.sleep(random.uniform(0.0005, 0.003))

    def writer(number: int) -> None:
        try:
            start.wait()
            for n in range(EVENTS_EACH):
                append(number, n)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    if connection.vendor == "postgresql":
        assert sum(retries.values()) == 0  # writers waited for the lock; none failed

    total = WRITERS * EVENTS_EACH
    events = list(AuditEvent.objects.filter(chain=str(org.pk)).order_by("sequence"))
    assert [event.sequence for event in events] == list(range(1, total + 1))
    assert [event.previous_hash for event in events] == [GENESIS] + [event.hash for event in events[:-1]]
    written = sorted((c["writer"][1], c["n"][1]) for c in map(audit.changes_of, events))
    assert written == sorted((w, n) for w in range(WRITERS) for n in range(EVENTS_EACH))
    passed, output = verify_audit("--organization", "rinnakkain")
    assert passed, output
    assert f"rinnakkain length={total} head={events[-1].hash}" in output


def test_concurrent_processes_keep_one_chain_in_a_sqlite_file(tmp_path):
    database = tmp_path / "suunta.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "SUUNTA_VAR_DIR": str(tmp_path),
        "DEBUG": "1",
        "LOG_LEVEL": "WARNING",
    }

    def run(*args, check=True):
        result = subprocess.run(
            [sys.executable, *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    run("manage.py", "migrate", "--noinput", "-v0")
    run("-m", "tests.audit.sqlite_worker", "setup", "tiedosto")
    writers, each = 4, 10
    start_at = f"{time.time() + 1.5:.3f}"
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.audit.sqlite_worker",
                "append",
                "tiedosto",
                str(w),
                str(each),
                start_at,
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(writers)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err

    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT sequence, previous_hash, hash FROM audit_auditevent ORDER BY sequence"
        ).fetchall()
    total = writers * each
    assert [row[0] for row in rows] == list(range(1, total + 1))
    assert [row[1] for row in rows] == [GENESIS] + [row[2] for row in rows[:-1]]

    verified = run("manage.py", "verify_audit")
    assert verified.stdout.splitlines() == ["OK", f"tiedosto length={total} head={rows[-1][2]}"]

    # The operator's exit code when an event was altered.
    with sqlite3.connect(database) as db:
        db.execute("UPDATE audit_auditevent SET object_repr = 'muutettu' WHERE sequence = 7")
    tampered = run("manage.py", "verify_audit", check=False)
    assert tampered.returncode == 1
    assert "BROKEN tiedosto chain=1 sequence=7 id=" in tampered.stderr
    assert "object_repr" in tampered.stderr
