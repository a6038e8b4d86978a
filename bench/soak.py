"""Load and soak: simulated users doing Suunta's main tasks against gunicorn.

    .venv/bin/python bench/soak.py                          # 50 users, 5 minutes, PostgreSQL
    .venv/bin/python bench/soak.py --users 20 --duration 60
    .venv/bin/python bench/soak.py --database-url postgres://…/suunta   # a database with the demo
    .venv/bin/python bench/soak.py --url http://127.0.0.1:8000 --database-url … --master-pid 1234

By default the script makes its own database with the demo (migrate + load_demo) on
the PostgreSQL server of DATABASE_URL (or postgres://postgres@127.0.0.1:5432), collects
the static files into a temporary directory, starts gunicorn with deploy/gunicorn.conf.py
(two sync workers, DEBUG off) on a free port of 127.0.0.1, runs the load and drops the
database afterwards (--keep keeps it). With --database-url it serves that database,
which must hold the demo (the run's rows stay in it). With --url it loads a server that
is running already (tests/site/test_soak.py does so); --master-pid names its gunicorn
master for the workers' memory.

The load is locust in library mode (an Environment and its local runner, gevent): the
users of bench/soak_users.py, spawned during the first half of the warm-up. Measured:

- per request type: count, failures, requests per second, median and 99th percentile;
- server errors: answers 5xx and requests without an answer (connection refused or
  reset, timeouts), over the whole run;
- lost writes: every metric value answered 302 must be exactly one row afterwards (its
  comment names the run and the write), and no row may exist without a 302; every
  self-assessment save answered 302 must raise each goal's revision by one, and the
  stored text must be one of them;
- the resident memory (VmRSS) of each gunicorn worker after the warm-up, at the end,
  its peak, and the slope of a straight line fitted to the samples in between; a worker
  that was replaced during the run (its pid gone) is reported.

Exit code 1 when there was a server error, a request without an answer, a failed
request (an answer other than the one expected: a page not 200, a write not 302), a
lost or unaccounted write, a worker replaced, an error in the server's log or audit
chains that no longer verify (when the script started the server); 2 when the setup
failed. Not part of
`make test`; a 30-second version runs in the suite. Figures: docs/performance.md.
Linux only (/proc).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import gevent
import locust  # patches the standard library for gevent (nothing above imports ssl)
import psycopg
from locust.env import Environment

sys.path.insert(0, str(Path(__file__).resolve().parent))

import soak_users  # bench/ is no package: beside this file
from stack import DEFAULT_SERVER, Database, Gunicorn, SetupFailed, create_database, drop_database, load_demo

PLAN_PREFIX = "Kansliapäällikön tavoitteet %"
STOP_TIMEOUT = 60  # seconds the users get to finish the task they are in at the end


# --- What the users need -----------------------------------------------------------------


def find_targets(db: Database) -> soak_users.Targets:
    plan, organization = db.sql(
        "SELECT p.id, o.slug FROM agreements_goalplan p"
        " JOIN agreements_directoragreement a ON a.id = p.agreement_id"
        " JOIN organizations_organization o ON o.id = a.organization_id"
        " WHERE p.title = %s",
        ["Kansliapäällikön tavoitteet 2025"],
    )[0]
    checkpoint = db.sql(
        "SELECT c.id FROM agreements_checkpoint c JOIN agreements_planversion v ON v.id = c.version_id"
        " WHERE v.plan_id = %s AND v.status = 'approved' ORDER BY c.\"order\" LIMIT 1",
        [plan],
    )[0][0]
    metric = db.sql(
        "SELECT m.id FROM agreements_metric m JOIN agreements_goalarea g ON g.id = m.goal_area_id"
        " JOIN agreements_planversion v ON v.id = g.version_id"
        " WHERE v.plan_id = %s AND v.status = 'approved' AND m.unit = %s",
        [plan, "€"],
    )[0][0]
    today = datetime.date.today().isoformat()
    open_plan, open_checkpoint = db.sql(
        "SELECT p.id, c.id FROM agreements_checkpoint c"
        " JOIN agreements_planversion v ON v.id = c.version_id"
        " JOIN agreements_goalplan p ON p.id = v.plan_id"
        " WHERE p.title LIKE %s AND v.status = 'approved' AND c.window_start <= %s AND c.window_end >= %s"
        ' ORDER BY p.period_start DESC, c."order" LIMIT 1',
        [PLAN_PREFIX, today, today],
    )[0]
    return soak_users.Targets(
        plan, organization, (plan, checkpoint), (plan, metric), (open_plan, open_checkpoint)
    )


def free_slots(db: Database, run: str) -> list[tuple[int, int, str]]:
    """(plan, metric, day) for a value of a quantitative metric of the chief of staff's
    approved plans on a day that has none yet, from the period's start to yesterday
    (today may be tomorrow on the server's clock), shuffled."""
    metrics = db.sql(
        "SELECT p.id, m.id, m.lineage, p.period_start, p.period_end FROM agreements_metric m"
        " JOIN agreements_goalarea g ON g.id = m.goal_area_id"
        " JOIN agreements_planversion v ON v.id = g.version_id"
        " JOIN agreements_goalplan p ON p.id = v.plan_id"
        " WHERE p.title LIKE %s AND v.status = 'approved' AND m.target IS NOT NULL"
        " AND m.budget_indicator_id IS NULL",
        [PLAN_PREFIX],
    )
    taken = {
        (plan, str(lineage).replace("-", ""), str(day))
        for plan, lineage, day in db.sql(
            "SELECT plan_id, metric_lineage, measured_on FROM measures_metricvalue"
        )
    }
    last = datetime.date.today() - datetime.timedelta(days=1)
    slots = []
    for plan, metric, lineage, start, end in metrics:
        start, end = datetime.date.fromisoformat(str(start)), datetime.date.fromisoformat(str(end))
        day = start
        while day <= min(end, last):
            if (plan, str(lineage).replace("-", ""), day.isoformat()) not in taken:
                slots.append((plan, metric, day.isoformat()))
            day += datetime.timedelta(days=1)
    random.Random(run).shuffle(slots)
    return slots


def _assessments(db: Database, checkpoint: int) -> dict[int, tuple[int, str]]:
    """The chief of staff's own self-assessment of the checkpoint: {goal: (revision, text)}."""
    return {
        goal: (revision, text)
        for goal, revision, text in db.sql(
            "SELECT a.goal_area_id, a.revision, a.text FROM followup_assessment a"
            " JOIN accounts_user u ON u.id = a.author_id"
            " WHERE a.checkpoint_id = %s AND a.kind = 'self' AND u.username = %s",
            [checkpoint, soak_users.Executive.username],
        )
    }


# --- Memory ------------------------------------------------------------------------------


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        return sorted(int(pid) for pid in children.read_text().split())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            found.append(int(stat.parent.name))
    return sorted(found)


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class MemorySampler:
    """VmRSS of each worker of a gunicorn master, every `interval` seconds (a greenlet)."""

    def __init__(self, master: int | None, interval: float):
        self.master = master
        self.interval = interval
        self.samples: list[tuple[float, dict[int, float]]] = []
        self.started = time.monotonic()
        self.greenlet = gevent.spawn(self._loop) if master else None

    def sample(self) -> dict[int, float]:
        if not self.master:
            return {}
        now = {pid: rss for pid in workers_of(self.master) if (rss := rss_mb(pid)) is not None}
        self.samples.append((time.monotonic() - self.started, now))
        return now

    def _loop(self) -> None:
        while True:
            self.sample()
            gevent.sleep(self.interval)

    def stop(self) -> None:
        if self.greenlet:
            self.greenlet.kill()


def _slope_mb_per_min(points: list[tuple[float, float]]) -> float | None:
    if len(points) < 3:
        return None
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_m = sum(m for _, m in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if not var:
        return None
    return sum((t - mean_t) * (m - mean_m) for t, m in points) / var * 60


def memory_report(sampler: MemorySampler, cold: dict, start: dict, end: dict, start_at: float) -> dict:
    workers = {}
    for pid in sorted(set(start) | set(end)):
        after_warmup = [(t, s[pid]) for t, s in sampler.samples if t >= start_at and pid in s]
        workers[str(pid)] = {
            "cold_mb": round(cold[pid], 1) if pid in cold else None,
            "start_mb": round(start[pid], 1) if pid in start else None,
            "end_mb": round(end[pid], 1) if pid in end else None,
            "peak_mb": round(max(m for _, m in after_warmup), 1) if after_warmup else None,
            "growth_mb": round(end[pid] - start[pid], 1) if pid in start and pid in end else None,
            "slope_mb_per_min": (
                round(slope, 2) if (slope := _slope_mb_per_min(after_warmup)) is not None else None
            ),
        }
    return {"workers": workers, "replaced": sorted(set(start) ^ set(end)), "samples": len(sampler.samples)}


# --- Lost writes -------------------------------------------------------------------------


def check_values(db: Database, run: str, ledger: list[soak_users.Write]) -> dict:
    """Every value answered 302 is exactly one row; no row without a 302."""
    writes = [w for w in ledger if w.kind == "value"]
    rows: dict[str, int] = {}
    for (comment,) in db.sql(
        "SELECT comment FROM measures_metricvalue WHERE comment LIKE %s", [f"soak {run} %"]
    ):
        rows[comment] = rows.get(comment, 0) + 1
    answered = [w for w in writes if w.status == 302]
    lost = [w.marker for w in answered if rows.get(w.marker, 0) == 0]
    doubled = [w.marker for w in answered if rows.get(w.marker, 0) > 1]
    not_302 = [w for w in writes if w.status != 302]
    saved_anyway = [w.marker for w in not_302 if rows.get(w.marker, 0)]
    known = {w.marker for w in writes}
    unknown_rows = [comment for comment in rows if comment not in known]
    return {
        "sent": len(writes),
        "answered_302": len(answered),
        "other_answers": {str(w.status): sum(1 for x in not_302 if x.status == w.status) for w in not_302},
        "refused_samples": [f"{w.status} {w.detail.get('errors', '')}" for w in not_302[:5]],
        "rows": sum(rows.values()),
        "lost": lost,
        "doubled": doubled,
        "saved_without_302": saved_anyway,
        "rows_without_write": unknown_rows,
    }


def check_assessments(
    db: Database, checkpoint: int, before: dict[int, tuple[int, str]], ledger: list[soak_users.Write]
) -> dict:
    """Each save answered 302 raised every goal's revision by one (a goal without a row
    before starts at revision 1), and the stored text is the text of one of them."""
    writes = [w for w in ledger if w.kind == "assessment"]
    answered = [w for w in writes if w.status == 302]
    after = _assessments(db, checkpoint)
    problems = []
    goals = {int(goal) for w in writes for goal in w.detail["texts"]}
    for goal in sorted(goals):
        saves = [w for w in answered if goal in w.detail["texts"]]
        start = before.get(goal, (0, ""))[0]
        revision, text = after.get(goal, (0, ""))
        if revision != start + len(saves):
            problems.append(
                f"goal {goal}: revision {start} → {revision} after {len(saves)} saves answered 302"
            )
        texts = {w.detail["texts"][goal] for w in saves}
        if saves and text not in texts:
            problems.append(f"goal {goal}: the stored text {text[:60]!r} is none of the saves answered 302")
    return {
        "sent": len(writes),
        "answered_302": len(answered),
        "other_answers": {
            str(w.status): sum(1 for x in writes if x.status == w.status) for w in writes if w.status != 302
        },
        "refused_samples": [f"{w.status} {w.detail.get('errors', '')}" for w in writes if w.status != 302][
            :5
        ],
        "goals": len(goals),
        "problems": problems,
    }


# --- The run -----------------------------------------------------------------------------


class ErrorCounter:
    """Over the whole run: the answers by status, the 5xx answers and the requests
    without an answer by request type, and every failed request (any status other than
    the one expected) by its message."""

    def __init__(self):
        self.server_errors: dict[str, int] = {}
        self.no_answer: dict[str, int] = {}
        self.statuses: dict[str, int] = {}
        self.failures: dict[str, int] = {}
        self.samples: list[str] = []

    def __call__(self, request_type, name, response=None, exception=None, **_kwargs):
        status = getattr(response, "status_code", 0) or 0
        self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
        key = f"{request_type} {name}"
        if exception is not None:
            message = f"{key}: {exception}"[:300]
            self.failures[message] = self.failures.get(message, 0) + 1
        if status >= 500:
            self.server_errors[key] = self.server_errors.get(key, 0) + 1
        elif status == 0:
            self.no_answer[key] = self.no_answer.get(key, 0) + 1
        else:
            return
        if len(self.samples) < 10:
            request_id = (response.headers or {}).get("X-Request-ID", "") if response is not None else ""
            self.samples.append(f"{key}: {status} {exception!r} {request_id}")


def _table(env: Environment, elapsed: float) -> tuple[list[dict], dict]:
    def row(entry) -> dict:
        return {
            "name": entry.name,
            "method": entry.method,
            "count": entry.num_requests,
            "failures": entry.num_failures,
            "rps": round(entry.num_requests / elapsed, 2),
            "p50_ms": round(entry.get_response_time_percentile(0.5) or 0),
            "p99_ms": round(entry.get_response_time_percentile(0.99) or 0),
            "max_ms": round(entry.max_response_time or 0),
        }

    entries = sorted(env.stats.entries.values(), key=lambda e: (e.method, e.name))
    rows = [row(entry) for entry in entries if entry.num_requests]
    return rows, row(env.stats.total)


def run_load(host: str, users: int, duration: float, warmup: float, master: int | None) -> dict:
    env = Environment(user_classes=soak_users.USERS, host=host, stop_timeout=STOP_TIMEOUT)
    errors = ErrorCounter()
    env.events.request.add_listener(errors)
    sampler = MemorySampler(master, interval=2 if duration > 60 else 1)
    cold = sampler.sample()
    runner = env.create_local_runner()
    started = time.monotonic()
    runner.start(users, spawn_rate=users / max(warmup / 2, 1))
    gevent.sleep(warmup)
    start = sampler.sample()
    start_at = time.monotonic() - sampler.started
    # The table is of the time after the warm-up (the logins and the spawning are in
    # the warm-up's own line); errors and writes are counted over the whole run.
    _warm_rows, warm_total = _table(env, time.monotonic() - started)
    env.stats.reset_all()
    measured = time.monotonic()
    gevent.sleep(max(duration - warmup, 0))
    runner.stop()  # graceful: each user ends the task it is in (up to STOP_TIMEOUT)
    end = sampler.sample()
    sampler.stop()
    runner.quit()
    rows, total = _table(env, time.monotonic() - measured)
    return {
        "elapsed_s": round(time.monotonic() - started, 1),
        "measured_s": round(time.monotonic() - measured, 1),
        "warmup": warm_total,
        "requests": rows,
        "total": total,
        "statuses": errors.statuses,
        "server_errors": errors.server_errors,
        "no_answer": errors.no_answer,
        "failures": errors.failures,
        "error_samples": errors.samples,
        "memory": memory_report(sampler, cold, start, end, start_at) if master else None,
        "slots_ran_out": soak_users.Shared.slots_ran_out,
    }


# --- Output ------------------------------------------------------------------------------


def print_report(result: dict) -> None:
    config = result["config"]
    print(
        f"\n{config['users']} users, {result['elapsed_s']} s: warm-up {config['warmup']} s, then"
        f" {result['measured_s']} s measured,"
        f" {config['database']}, {config['workers']} gunicorn sync workers; think time"
        f" {soak_users.THINK_TIME[0]}–{soak_users.THINK_TIME[1]} s; load {config['load_before']}"
        f" before, {config.get('load_after', '?')} after\n"
    )
    header = (
        f"{'request':<32} {'count':>7} {'fail':>5} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in [*result["requests"], result["total"]]:
        name = "total" if row is result["total"] else f"{row['method']} {row['name']}"
        print(
            f"{name:<32} {row['count']:>7} {row['failures']:>5} {row['rps']:>7} {row['p50_ms']:>7}"
            f" {row['p99_ms']:>7} {row['max_ms']:>7}"
        )
    warm = result["warmup"]
    print(
        f"warm-up (logins, spawning): {warm['count']} requests, {warm['failures']} failures,"
        f" p50 {warm['p50_ms']} ms, p99 {warm['p99_ms']} ms, max {warm['max_ms']} ms"
    )
    print(f"\nanswers by status (whole run): {result['statuses']}")
    print(f"server errors (5xx): {sum(result['server_errors'].values())} {result['server_errors'] or ''}")
    print(f"requests without an answer: {sum(result['no_answer'].values())} {result['no_answer'] or ''}")
    for sample in result["error_samples"]:
        print(f"  {sample}")
    print(f"failed requests (whole run): {sum(result['failures'].values())}")
    for message, count in list(result["failures"].items())[:10]:
        print(f"  {count} × {message}")
    values, assessments = result["values"], result["assessments"]
    print(
        f"metric values: {values['sent']} sent, {values['answered_302']} answered 302, {values['rows']} rows;"
        f" lost {len(values['lost'])}, doubled {len(values['doubled'])}, saved without 302"
        f" {len(values['saved_without_302'])}, rows without a write {len(values['rows_without_write'])}"
        f"; other answers {values['other_answers'] or 'none'}"
    )
    print(
        f"self-assessment saves: {assessments['sent']} sent, {assessments['answered_302']} answered 302"
        f" ({assessments['goals']} goals each); problems: {assessments['problems'] or 'none'}"
        f"; other answers {assessments['other_answers'] or 'none'}"
    )
    if result["slots_ran_out"]:
        print(f"free days for values ran out: {result['slots_ran_out']} writes became reads")
    memory = result["memory"]
    if memory:
        print("\nworker   cold MB  after warm-up MB  end MB  peak MB  growth MB  slope MB/min")
        for pid, m in memory["workers"].items():
            print(
                f"{pid:<8} {m['cold_mb']!s:>7} {m['start_mb']!s:>17} {m['end_mb']!s:>7} {m['peak_mb']!s:>8}"
                f" {m['growth_mb']!s:>10} {m['slope_mb_per_min']!s:>13}"
            )
        if memory["replaced"]:
            print(f"workers replaced during the run: {memory['replaced']}")
    for line in result.get("server_log_errors", [])[:10]:
        print(f"server log: {line[:300]}")
    print(f"\n{'OK' if result['ok'] else 'FAILED: ' + '; '.join(result['failed'])}")


def verdict(result: dict) -> list[str]:
    failed = []
    if result["server_errors"]:
        failed.append(f"{sum(result['server_errors'].values())} server errors")
    if result["no_answer"]:
        failed.append(f"{sum(result['no_answer'].values())} requests without an answer")
    failures = sum(result["failures"].values())
    if failures:
        failed.append(f"{failures} failed requests")
    values = result["values"]
    for what in ("lost", "doubled", "saved_without_302", "rows_without_write"):
        if values[what]:
            failed.append(f"metric values {what.replace('_', ' ')}: {len(values[what])}")
    if result["assessments"]["problems"]:
        failed.append("self-assessment saves unaccounted for")
    if result["memory"] and result["memory"]["replaced"]:
        failed.append("a worker was replaced")
    if result.get("server_log_errors"):
        failed.append(f"{len(result['server_log_errors'])} errors in the server log")
    return failed


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=300, help="seconds of load, warm-up included")
    parser.add_argument(
        "--warmup", type=float, help="seconds before the memory baseline (default: duration/10, 5–30)"
    )
    parser.add_argument(
        "--database-url", help="a database holding the demo (default: a new one on PostgreSQL)"
    )
    parser.add_argument(
        "--url", help="a running server to load instead of starting gunicorn (needs --database-url)"
    )
    parser.add_argument(
        "--master-pid", type=int, help="with --url: the gunicorn master, for the workers' memory"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="keep the database made and the server's files")
    parser.add_argument("--json", type=Path, help="write the result as JSON here too")
    args = parser.parse_args()
    if args.url and not args.database_url:
        parser.error("--url needs --database-url (for the ids and the lost-write check)")
    warmup = args.warmup if args.warmup is not None else min(max(args.duration / 10, 5), 30)
    run = secrets.token_hex(4)

    made = None
    server = None
    workdir = Path(tempfile.mkdtemp(prefix="suunta-soak-"))
    try:
        try:
            database_url = args.database_url
            if not database_url:
                base = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
                if not base.startswith(("postgres://", "postgresql://")):
                    raise SetupFailed("DATABASE_URL is no PostgreSQL server: give --database-url")
                print("making a database with the demo …", flush=True)
                made = database_url = create_database(base, "soak")
                load_demo(database_url)
            db = Database(database_url)
            host, master = args.url, args.master_pid
            if not host:
                server = Gunicorn(database_url, workdir, args.workers)
                host, master = server.url, server.pid
            targets = find_targets(db)
            slots = free_slots(db, run)
            before = _assessments(db, targets.open_followup[1])
        except (SetupFailed, psycopg.Error, sqlite3.Error, subprocess.SubprocessError, IndexError) as error:
            stderr = getattr(error, "stderr", None) or ""
            print(
                f"setup failed: {error!r}\n{stderr if isinstance(stderr, str) else stderr.decode()}",
                file=sys.stderr,
            )
            return 2
        soak_users.configure(targets, run, slots)
        config = {
            "users": args.users,
            "duration": args.duration,
            "warmup": warmup,
            "workers": args.workers,
            "database": "PostgreSQL" if db.postgres else "SQLite",
            "run": run,
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "machine": f"{os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python {platform.python_version()}",
            "locust": locust.__version__,
            "load_before": _load(),
            "free_days": len(slots),
        }
        print(f"{args.users} users for {args.duration:.0f} s against {host} (run {run}) …", flush=True)
        result = {"config": config, **run_load(host, args.users, args.duration, warmup, master)}
        config["load_after"] = _load()
        result["values"] = check_values(db, run, soak_users.Shared.ledger)
        result["assessments"] = check_assessments(
            db, targets.open_followup[1], before, soak_users.Shared.ledger
        )
        if server:
            result["server_log_errors"] = server.errors()
            audit = server.run("verify_audit")
            result["verify_audit"] = audit.returncode
            if audit.returncode:
                result["server_log_errors"].append(
                    f"verify_audit: {audit.stdout[-500:]} {audit.stderr[-500:]}"
                )
        result["failed"] = verdict(result)
        result["ok"] = not result["failed"]
        print_report(result)
        if args.json:
            args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False))
        return 0 if result["ok"] else 1
    finally:
        if server:
            server.stop()
        if args.keep:
            print(f"kept: {made or 'no database made'}, {workdir} (the server's log and files)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
            if made:
                drop_database(made)


if __name__ == "__main__":
    sys.exit(main())
