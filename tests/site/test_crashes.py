"""Issue 22, part 5: crashes and faults, with real processes.

- An app server (gunicorn: master and workers) killed with SIGKILL in the middle of a
  burst of writes from several tabs at once (metric values, self-assessment saves,
  evidence uploads, goals added to a draft plan, a workflow step): afterwards no write
  is half there, each answered write is there once, a file the kill orphaned is removed
  by the sweep and no stored file is missing, the audit chains verify, and a new server
  on the same database carries on with the same login. On either database.
- The tasks worker killed with SIGKILL while it talks to the mail server: the mail it
  was sending is sent once by the next worker, the others once each. On either database.
- The database restarted under load (PostgreSQL only: a private cluster the test makes
  with initdb in a temporary directory, never the shared server): requests while it is
  down get the 503 page, and the same server answers again by itself when it is back.

tests/site/test_worker.py and tests/site/test_errors.py test the same rules in process.
"""

import contextlib
import http.client
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller

from tests.served import _free_port
from tests.test_two_servers import (
    POSTGRES,
    _open_followup,
    _the_2025_savings_metric,
    post_file,
    production_env,
    production_site,  # noqa: F401 (a fixture)
    start_gunicorn,
    through,
)

# --- Killing processes -----------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def kill_hard(process) -> None:
    """SIGKILL a served process and its children at once, as a crash would: no handler
    runs, nothing is flushed, no transaction is finished."""
    process.stopped = True  # expected to die: tests.served must not report it
    for pid in [*_children(process.popen.pid), process.popen.pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.popen.wait(timeout=10)


# --- An app server killed in a burst of writes -------------------------------------------------


def _free_days(served, plan_id: int):
    """Days of 2025 with no value of the plan yet (one value per metric and day)."""
    taken = {
        str(row[0])
        for row in served.sql("SELECT measured_on FROM measures_metricvalue WHERE plan_id = %s", [plan_id])
    }
    days = (f"2025-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 29))
    return (day for day in days if day not in taken)


def _new_draft_plan(served, preparer, title: str = "Kansliapäällikön tavoitteet %") -> int:
    """The next period's plan made from the latest plan by that title, through the page: its id."""
    current = served.scalar(
        "SELECT id FROM agreements_goalplan WHERE title LIKE %s ORDER BY period_start DESC LIMIT 1", [title]
    )
    response = preparer.post(f"/plans/{current}/next-period/", follow=True)
    assert response.statuses == [302, 200], response.statuses
    return int(response.url.rstrip("/").rsplit("/", 1)[1])


def _cut_off(error: BaseException) -> bool:
    """A request the dead server never answered (tests.served wraps the socket's error)."""
    cause = error.__cause__ if isinstance(error, AssertionError) else error
    return isinstance(cause, OSError | http.client.HTTPException)


class Burst:
    """Writer threads, each repeating one kind of write until stopped. Every attempt is
    recorded as (kind, marker, status); status None: the connection died unanswered."""

    def __init__(self):
        self.stop = threading.Event()
        self.attempts: list[tuple[str, str, int | None]] = []
        self.errors: list[BaseException] = []
        self.lock = threading.Lock()
        self.threads: list[threading.Thread] = []

    def answered(self, kind: str | None = None) -> int:
        return sum(1 for k, _m, status in self.attempts if status is not None and kind in (None, k))

    def writer(self, kind: str, write) -> None:
        def run() -> None:
            number = 0
            while not self.stop.is_set():
                number += 1
                marker = f"kaatuminen {kind} {number}"
                try:
                    status = write(marker)
                except BaseException as error:
                    if not _cut_off(error):
                        self.errors.append(error)
                        return
                    status = None
                with self.lock:
                    self.attempts.append((kind, marker, status))
                if status is None:
                    return  # the server is gone

        thread = threading.Thread(target=run, name=kind)
        self.threads.append(thread)

    def markers(self, kind: str, *, answered: bool) -> set[str]:
        return {
            marker for k, marker, status in self.attempts if k == kind and (status is not None) == answered
        }


def _step_path(served, plan_id: int, action: str, from_status: str) -> str:
    step = served.scalar(
        "SELECT s.id FROM governance_workflowstep s"
        " JOIN agreements_directoragreement a ON a.organization_id = s.organization_id"
        " JOIN agreements_goalplan p ON p.agreement_id = a.id"
        " WHERE p.id = %s AND s.action = %s AND s.from_status = %s",
        [plan_id, action, from_status],
    )
    return f"/plans/{plan_id}/steps/{step}/"


def _proposed_plan(served, preparer) -> int:
    """A sector director's next plan, proposed to the board through the pages: its id."""
    plan_id = _new_draft_plan(served, preparer, "Sivistysjohtajan tavoitteet %")
    path = _step_path(served, plan_id, "propose", "draft")
    assert preparer.post(path, preparer.get(path).hidden_fields("")).status == 302
    return plan_id


def _burst_writers(served, burst: Burst, executive, preparer) -> dict:
    plan_id, metric_id, _lineage = _the_2025_savings_metric(served)
    followup_plan, checkpoint, goal = _open_followup(served)
    draft = _new_draft_plan(served, preparer)
    proposed = _proposed_plan(served, preparer)
    table = _step_path(served, proposed, "table", "proposed")
    free_days = _free_days(served, plan_id)
    day_lock = threading.Lock()
    values = executive.clone()
    assessments = executive.clone()
    uploads = executive.clone()
    goals = preparer.clone()
    steps = preparer.clone()

    def metric_value(marker: str):
        with day_lock:
            day = next(free_days)
        response = values.post(
            f"/plans/{plan_id}/metrics/{metric_id}/values/",
            {"measured_on": day, "value": "1,5", "comment": marker},
        )
        return response.status

    def self_assessment(marker: str):
        page = assessments.get(f"/plans/{followup_plan}/followup/{checkpoint}/")
        fields = re.findall(r'name="(own-\d+-text)"', page.text)
        assert fields, page.status
        response = assessments.post(
            f"/plans/{followup_plan}/followup/{checkpoint}/own/",
            {**dict.fromkeys(fields, marker), "csrfmiddlewaretoken": assessments.cookie("csrftoken")},
        )
        return response.status

    def evidence(marker: str):
        name = marker.replace(" ", "-") + ".pdf"
        status, _location = post_file(
            uploads,
            f"/plans/{followup_plan}/followup/{checkpoint}/evidence/{goal}/",
            f"evidence-{goal}-files",
            name,
            b"%PDF-1.4\n% " + marker.encode() + b"\n" + os.urandom(20_000).hex().encode() + b"\n%%EOF\n",
            "application/pdf",
        )
        return status

    def goal_area(marker: str):
        action = f"/plans/{draft}/goals/new/"
        form = goals.get(action).hidden_fields(action)
        response = goals.post(
            action, {**form, "new-goal-title": marker, "new-goal-description": "Kesken kaatunut?"}
        )
        return response.status

    def workflow_step(marker: str):
        fields = steps.get(table).hidden_fields("")
        response = steps.post(
            table, {**fields, "meeting_date": "2026-11-02", "case_number": "12/2026", "text": marker}
        )
        return response.status

    for kind, write in (
        ("step", workflow_step),
        ("value", metric_value),
        ("assessment", self_assessment),
        ("evidence", evidence),
        ("goal", goal_area),
    ):
        burst.writer(kind, write)
    return {
        "plan": plan_id,
        "followup_plan": followup_plan,
        "checkpoint": checkpoint,
        "draft": draft,
        "proposed": proposed,
    }


def _audited(served, object_type: str, ids: list) -> dict[str, int]:
    """Audit events per object id, of those objects."""
    if not ids:
        return {}
    rows = served.sql(
        "SELECT object_id, count(*) FROM audit_auditevent WHERE object_type = %s AND object_id IN ("
        + ", ".join(["%s"] * len(ids))
        + ") GROUP BY object_id",
        [object_type, *[str(i) for i in ids]],
    )
    return dict(rows)


def test_an_app_server_killed_in_a_burst_of_writes_leaves_nothing_half_written(production_site):  # noqa: F811
    served = production_site
    env = production_env()
    served.collect_static(env=env)
    (first_url,) = start_gunicorn(served, env, "gunicorn A")
    server = served.processes[-1]
    served.url = first_url  # served.login goes through server A
    executive = served.login("kansliapaallikko")
    preparer = served.login("valmistelija")
    assert executive.get("/").status == preparer.get("/").status == 200

    burst = Burst()
    ids = _burst_writers(served, burst, executive, preparer)
    for thread in burst.threads:
        thread.start()
    # Let each kind answer a few times, then crash.
    deadline = time.monotonic() + 60
    while not all(burst.answered(kind) >= 2 for kind in ("step", "value", "assessment", "evidence", "goal")):
        assert time.monotonic() < deadline and not burst.errors, (burst.attempts, burst.errors)
        time.sleep(0.02)
    kill_hard(server)
    burst.stop.set()
    for thread in burst.threads:
        thread.join(timeout=60)
    assert not burst.errors, burst.errors
    assert burst.answered() >= 8 and len(burst.attempts) > burst.answered(), "killed in the middle"
    assert all(status in (302, None) for _k, _m, status in burst.attempts), burst.attempts

    print(
        f"{burst.answered()} writes answered, {len(burst.attempts) - burst.answered()} cut off"
        f" ({sorted(m for k, m, st in burst.attempts if st is None)})"
    )

    # Metric values: each answered write once, with its audit event; one cut off by the
    # kill is there (committed before the answer) or not, never twice, never unaudited.
    stored = served.sql(
        "SELECT id, comment FROM measures_metricvalue WHERE comment LIKE 'kaatuminen value %%'"
    )
    comments = [comment for _id, comment in stored]
    assert len(comments) == len(set(comments)), "no value twice"
    assert burst.markers("value", answered=True) <= set(comments)
    assert set(comments) <= burst.markers("value", answered=True) | burst.markers("value", answered=False)
    assert set(_audited(served, "measures.metricvalue", [i for i, _c in stored]).values()) == {1}, stored

    # Goals added to the draft: the same, and the draft's order numbers stay distinct.
    goals = served.sql(
        "SELECT g.id, g.title FROM agreements_goalarea g JOIN agreements_planversion v ON v.id = g.version_id"
        " WHERE v.plan_id = %s AND g.title LIKE 'kaatuminen goal %%'",
        [ids["draft"]],
    )
    titles = [title for _id, title in goals]
    assert len(titles) == len(set(titles))
    assert burst.markers("goal", answered=True) <= set(titles)
    assert len(_audited(served, "agreements.goalarea", [i for i, _t in goals])) == len(goals)
    orders = served.sql(
        'SELECT g."order" FROM agreements_goalarea g JOIN agreements_planversion v ON v.id = g.version_id'
        " WHERE v.plan_id = %s",
        [ids["draft"]],
    )
    assert len({row[0] for row in orders}) == len(orders)

    # The self-assessment is saved for every goal at once or not at all: all the goals
    # hold the text of one save, an answered one or the last one cut off.
    texts = {
        row[0]
        for row in served.sql(
            "SELECT a.text FROM followup_assessment a WHERE a.checkpoint_id = %s AND a.kind = 'self'",
            [ids["checkpoint"]],
        )
    }
    assert len(texts) == 1, texts
    (last_saved,) = texts
    assert last_saved in burst.markers("assessment", answered=True) | burst.markers(
        "assessment", answered=False
    )

    # Workflow steps (tabling the proposed plan): each answered one is one handling, each
    # handling has its audit event on the version.
    handlings = [
        row[0]
        for row in served.sql(
            "SELECT h.text FROM governance_handling h JOIN agreements_planversion v ON v.id = h.version_id"
            " WHERE v.plan_id = %s",
            [ids["proposed"]],
        )
    ]
    assert len(handlings) == len(set(handlings))
    assert burst.markers("step", answered=True) <= set(handlings)
    assert set(handlings) <= burst.markers("step", answered=True) | burst.markers("step", answered=False)
    tablings = served.scalar(
        "SELECT count(*) FROM audit_auditevent e JOIN agreements_planversion v ON e.object_id = CAST(v.id AS TEXT)"
        " WHERE e.action = 'plan.table' AND e.object_type = 'agreements.planversion' AND v.plan_id = %s",
        [ids["proposed"]],
    )
    assert tablings == len(handlings)

    # Evidence: every row's file is there; what the kill orphaned, the sweep removes.
    evidence_dir = served.var_dir / "evidence"
    served.run("manage.py", "sweep_evidence", "--min-age-hours", "0", env=env)
    rows = served.sql(
        "SELECT stored_name, original_name FROM evidence_evidence WHERE original_name LIKE 'kaatuminen-%%'"
    )
    names = {row[1].removesuffix(".pdf").replace("-", " ") for row in rows}
    assert set(burst.markers("evidence", answered=True)) <= names
    on_disk = {path.name for path in evidence_dir.iterdir() if path.is_file()}
    known = {
        row[0] for row in served.sql("SELECT stored_name FROM evidence_evidence WHERE stored_name <> ''")
    }
    known |= {
        row[0]
        for row in served.sql("SELECT signed_file FROM agreements_directoragreement WHERE signed_file <> ''")
    }
    assert on_disk == known, (on_disk - known, known - on_disk)

    # The chains verify; every plan exports (its approved versions match their hashes).
    served.run("manage.py", "verify_audit", env=env)
    served.run("manage.py", "export_plan", "--output", str(served.directory / "plans.json"), env=env)

    # A new server on the same database: the same logins work, the pages are whole.
    (second_url,) = start_gunicorn(served, env, "gunicorn B")
    again = through(executive, served, second_url)
    page = again.get(f"/plans/{ids['followup_plan']}/followup/{ids['checkpoint']}/")
    assert page.status == 200 and page.history == [], page.statuses
    assert last_saved in page.page_text
    draft_page = through(preparer, served, second_url).get(f"/plans/{ids['draft']}/")
    assert draft_page.status == 200
    assert all(title in draft_page.page_text for title in titles)


# --- The tasks worker killed while sending ------------------------------------------------------


INVITE = "/organizations/esimerkkikunta/members/invite/"
MAILS = 5


class _KillingInbox:
    """An SMTP server's handler: takes every message, except that while the message
    numbered `kill_at` is being sent it kills the worker (SIGKILL) and answers 451, so
    the worker dies in the middle of the SMTP conversation, its mail marked as being
    sent."""

    def __init__(self, kill_at: int):
        self.kill_at = kill_at
        self.seen = 0
        self.victim = None
        self.killed = threading.Event()
        self.delivered: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.seen += 1
        if self.seen == self.kill_at and self.victim is not None:
            kill_hard(self.victim)
            self.killed.set()
            return "451 Requested action aborted"
        self.delivered.extend(envelope.rcpt_tos)
        return "250 OK"


def _invite(admin, email: str) -> int:
    form = admin.get(INVITE)
    response = admin.post(
        INVITE,
        {
            "csrfmiddlewaretoken": admin.cookie("csrftoken"),
            **form.hidden_fields(""),
            "first_name": "Kutsuttu",
            "last_name": email.split("@")[0],
            "email": email,
            "language": "fi",
            "role": "board_member",
            "valid_from": "2026-12-01",
        },
    )
    return response.status


def _wait(served, condition, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        served.check()
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} did not happen in {timeout} s:\n{served.output('manage.py run_worker')[-4000:]}")


def test_a_worker_killed_while_sending_loses_no_mail_and_sends_none_twice(served):
    inbox = _KillingInbox(kill_at=2)
    port = _free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        admin = served.login("paakayttaja")
        recipients = [f"kaatuva{n}@esimerkkikunta.example" for n in range(MAILS)]
        assert [_invite(admin, email) for email in recipients] == [302] * MAILS
        worker_env = {
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "SUUNTA_WORKER_BEAT_SECONDS": "0.2",
            "SUUNTA_WORKER_DEAD_SECONDS": "2",
        }
        options = ("--no-reload", "--no-startup-delay", "--interval", "0.1")
        inbox.victim = served.start("manage.py", "run_worker", *options, env=worker_env)
        assert inbox.killed.wait(timeout=60), served.output("manage.py run_worker")[-4000:]

        # Dead with one mail half-sent: its task still "running", nobody to run it.
        assert served.sql(
            "SELECT status, count(*) FROM mail_outgoingmail GROUP BY status ORDER BY status"
        ) == [
            ("queued", MAILS - 2),
            ("sending", 1),
            ("sent", 1),
        ]
        assert (
            served.scalar("SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'")
            == 1
        )

        # The next worker finds the dead one's beat stale and runs the task again.
        served.start("manage.py", "run_worker", *options, env=worker_env)
        _wait(
            served,
            lambda: served.scalar("SELECT count(*) FROM mail_outgoingmail WHERE status = 'sent'") == MAILS,
            "every mail sent",
        )
        assert sorted(inbox.delivered) == sorted(recipients), "each mail once"
        assert served.sql(
            "SELECT attempts, count(*) FROM mail_outgoingmail GROUP BY attempts ORDER BY attempts"
        ) == [
            (1, MAILS - 1),
            (2, 1),
        ]
        assert (
            served.scalar("SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'")
            == 0
        )
        assert "queued again" in served.output("manage.py run_worker")
    finally:
        smtp.stop()


# --- The database restarted under load (PostgreSQL) ---------------------------------------------


PG_BIN = Path("/usr/lib/postgresql")


def _pg_tool(name: str) -> str:
    found = sorted(PG_BIN.glob(f"*/bin/{name}"))
    assert found, f"{name} not found under {PG_BIN}: install postgresql"
    return str(found[-1])


class PrivateCluster:
    """A PostgreSQL cluster of the test's own in a temporary directory, on a free port,
    run as an unprivileged user (initdb refuses root): stopping it touches nobody else."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="suunta-pg-"))
        self.data = self.directory / "data"
        self.port = _free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.directory, "postgres")
        self._run(_pg_tool("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")

    def _run(self, *args: str) -> None:
        result = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            _pg_tool("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run(_pg_tool("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def remove(self) -> None:
        subprocess.run(
            [*self.as_user, _pg_tool("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(self.directory, ignore_errors=True)


if POSTGRES:

    def test_the_database_restarting_under_load_is_a_503_and_then_service_again(production_site, tmp_path):
        served = production_site
        cluster = PrivateCluster()
        try:
            cluster.start()
            # The demo copy moves into the private cluster: dumped, restored.
            dump = tmp_path / "demo.dump"
            subprocess.run(
                [_pg_tool("pg_dump"), "-Fc", "-f", str(dump), served.database.url], check=True, timeout=120
            )
            subprocess.run(
                [_pg_tool("createdb"), "--maintenance-db", cluster.url("postgres"), "suunta"],
                check=True,
            )
            subprocess.run(
                [_pg_tool("pg_restore"), "--no-owner", "-d", cluster.url("suunta"), str(dump)],
                check=True,
                timeout=300,
            )
            env = {**production_env(), "DATABASE_URL": cluster.url("suunta")}
            served.collect_static(env=env)
            (url,) = start_gunicorn(served, env, "gunicorn A")
            served.url = url
            executive = served.login("kansliapaallikko")
            assert executive.get("/").status == 200

            # Readers and a writer keep asking while the database stops and starts.
            stop = threading.Event()
            answers: list[tuple[str, int, float]] = []
            problems: list[BaseException] = []
            plan_id, metric_id, _lineage = _the_2025_savings_metric(served)

            free_days = _free_days(served, plan_id)
            day_lock = threading.Lock()
            writes: dict[str, int] = {}

            def keep_asking(kind: str) -> None:
                tab = executive.clone()
                number = 0
                while not stop.is_set():
                    number += 1
                    try:
                        if kind == "write":
                            with day_lock:
                                day = next(free_days)
                            marker = f"uudelleen {number}"
                            response = tab.post(
                                f"/plans/{plan_id}/metrics/{metric_id}/values/",
                                {"measured_on": day, "value": "2", "comment": marker},
                            )
                            writes[marker] = response.status
                        else:
                            response = tab.get("/", follow=False)
                        answers.append((kind, response.status, time.monotonic()))
                        if response.status == 503:
                            assert response.headers["Retry-After"] == "30"
                            assert "Palvelu on tilapäisesti poissa käytöstä" in response.page_text
                    except BaseException as error:
                        problems.append(error)
                        return
                    time.sleep(0.05)

            threads = [
                threading.Thread(target=keep_asking, args=(kind,)) for kind in ("read", "read", "write")
            ]
            for thread in threads:
                thread.start()
            time.sleep(1)
            cluster.stop()
            stopped_at = time.monotonic()
            time.sleep(2)
            health = through(served.browser(), served, url)
            assert health.get("/healthz").status == 200, "the process is up"
            ready = health.get("/readyz")
            assert ready.status == 503 and '"database": {"status": "fail"' in ready.text
            starting_at = time.monotonic()
            cluster.start()
            started_at = time.monotonic()
            time.sleep(2)
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
            assert not problems, problems

            down = [(kind, status) for kind, status, at in answers if stopped_at + 0.5 < at < starting_at]
            assert down and {status for _kind, status in down} == {503}, (down, writes)
            back = [status for _kind, status, at in answers if at > started_at + 1]
            assert back and set(back) <= {200, 302}, answers
            assert {status for _k, status, _at in answers} <= {200, 302, 503}, answers
            # Everything answered 302 was saved, once; nothing answered 503 was.
            with psycopg.connect(cluster.url("suunta").replace("postgres://", "postgresql://")) as db:
                saved = [
                    row[0]
                    for row in db.execute(
                        "SELECT comment FROM measures_metricvalue WHERE comment LIKE 'uudelleen %'"
                    )
                ]
            assert sorted(saved) == sorted(m for m, status in writes.items() if status == 302), writes
            assert 503 in writes.values(), writes
            assert health.get("/readyz").status == 200
            assert executive.get("/").status == 200, "the same login, without restarting the server"
        finally:
            cluster.remove()
