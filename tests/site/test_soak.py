"""Issue 22, part 6: load and soak, the short version of bench/soak.py.

30 simulated users (locust, bench/soak_users.py) read the front page, the 2025 plan,
the strategy map, a follow-up and a metric's page, write metric values and save the
self-assessment for 30 seconds against gunicorn as in production (deploy/gunicorn.conf.py,
two sync workers, DEBUG off) on a copy of the demo database, on either database. No
answer may be a server error, every write answered 302 must be found exactly once (and
nothing saved without one), the audit chains must still verify, the server's log must
hold no error and each worker's resident memory may grow by at most RSS_GROWTH_MB after
the warm-up.

The load runs as `bench/soak.py --url … --database-url … --master-pid …` in a process of
its own: importing locust patches the standard library for gevent (sockets, threads),
which must not happen inside the suite's process. The test checks the written rows
again itself, from the database, besides reading the bench's report.

Why RSS_GROWTH_MB = 30: a worker's resident memory after the warm-up is about 115–120 MB
and grew by 3 MB in the 5-minute run with 50 users (docs/performance.md, "Load and
soak"). In 25 seconds a worker still fills caches (templates, translations, querysets
of pages it has not yet served, the allocator's arenas), so a few MB are expected;
30 MB in 25 seconds would be a leak of about a megabyte a second, clearly no warm-up.
"""

import json
import subprocess
import sys

from django.conf import settings

from tests.test_two_servers import production_env, production_site, start_gunicorn  # noqa: F401 (production_site: a fixture)

USERS = 30
DURATION = 30  # seconds of load, the warm-up included
WARMUP = 5  # seconds: logins, spawning; then the memory baseline
RSS_GROWTH_MB = 30
REQUEST_TYPES = {
    "front page",
    "plan page",
    "strategy map",
    "follow-up page",
    "metric page",
    "metric value POST",
    "open follow-up page",
    "self-assessment POST",
}


def test_thirty_users_for_thirty_seconds(production_site, tmp_path):  # noqa: F811 (the fixture)
    served = production_site
    env = production_env()
    served.collect_static(env=env)
    (url,) = start_gunicorn(served, env, "gunicorn A")
    master = served.processes[-1].popen.pid
    report_file = tmp_path / "soak.json"

    bench = subprocess.run(
        [
            sys.executable,
            "bench/soak.py",
            *("--url", url, "--database-url", served.database.url, "--master-pid", str(master)),
            *("--users", str(USERS), "--duration", str(DURATION), "--warmup", str(WARMUP)),
            *("--json", str(report_file)),
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=DURATION + 120,
    )
    print(bench.stdout)  # the table: shown with -s, or with a failure
    assert bench.returncode in (0, 1), (
        f"the bench failed to run ({bench.returncode}):\n{bench.stderr[-4000:]}"
    )
    report = json.loads(report_file.read_text())

    # No server errors, no request without an answer, nothing refused.
    assert report["server_errors"] == {} and report["no_answer"] == {}, report["error_samples"]
    assert set(report["statuses"]) <= {"200", "302"}, report["statuses"]
    assert {row["name"] for row in report["requests"]} >= REQUEST_TYPES, report["requests"]
    assert report["failures"] == {}, report["failures"]
    assert report["total"]["count"] >= 100, report["total"]

    # Every metric value answered 302 is one row, and there is no other row of the run.
    values = report["values"]
    assert values["answered_302"] == values["sent"] >= 10, values
    assert values["lost"] == values["doubled"] == values["saved_without_302"] == [], values
    assert values["rows_without_write"] == [], values
    rows = served.sql(
        "SELECT comment, count(*) FROM measures_metricvalue WHERE comment LIKE %s GROUP BY comment",
        [f"soak {report['config']['run']} %"],
    )
    assert len(rows) == values["answered_302"] and {count for _comment, count in rows} == {1}, rows
    # Every self-assessment save answered 302 is counted in each goal's revision.
    assessments = report["assessments"]
    assert assessments["answered_302"] == assessments["sent"] >= 1, assessments
    assert assessments["problems"] == [], assessments["problems"]

    # Each worker's memory is flat after the warm-up; no worker was replaced.
    memory = report["memory"]
    assert memory["replaced"] == [] and len(memory["workers"]) == 2, memory
    for pid, worker in memory["workers"].items():
        assert worker["growth_mb"] < RSS_GROWTH_MB, (pid, worker)

    # The writes of both workers kept the audit chains whole; the server logged no error.
    served.run("manage.py", "verify_audit", env=env)
    log = served.output("gunicorn A")
    assert '"level": "ERROR"' not in log and '"level": "CRITICAL"' not in log, log[-4000:]
    assert bench.returncode == 0, report["failed"]
