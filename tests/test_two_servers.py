"""Issue 22, part 3: app servers keep no state of their own.

Two gunicorn servers (deploy/gunicorn.conf.py, DEBUG off, two sync workers each) run on
one PostgreSQL database and one evidence directory, as two app servers behind a load
balancer would. A login through one is a login on the other; writes sent through both
at the same moment are each found exactly once, in the database, on both servers' pages
and in the audit log (one event per write, carrying that request's X-Request-ID); a file
uploaded through one is downloaded through the other; the audit chains still verify.

PostgreSQL only: SQLite is a single-server database (docs/deployment.md). The test is
collected only when the suite runs on PostgreSQL (DATABASE_URL=postgres://…); on SQLite
it does not exist, rather than being skipped or failing. `production_env` and
`start_gunicorn` are used by tests/site/test_health.py too, on either database.
"""

import itertools
import os
import secrets
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid

import dj_database_url
import pytest

from tests.served import START_TIMEOUT, Browser, Served, _database_name, _free_port

POSTGRES = dj_database_url.parse(os.environ.get("DATABASE_URL") or "sqlite://:memory:")["ENGINE"].endswith(
    "postgresql"
)
SECRET = secrets.token_urlsafe(50)  # one key for both servers, as an installation has


def production_env() -> dict:
    """The environment of a production server on the served database, over plain HTTP."""
    return {
        "DEBUG": "0",
        "SECRET_KEY": SECRET,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SUUNTA_LOG_FORMAT": "json",
        "SUUNTA_WORKERS": "2",
        "SUUNTA_PAGE_CACHE": "1",
    }


_copies = itertools.count(1)


@pytest.fixture
def production_site(served_template, tmp_path):
    """A copy of the served demo database (tests/served.py) with no server started yet:
    the test starts gunicorn on it. Every process is stopped and the copy dropped at
    the end, as with `served`."""
    template, _template_var = served_template
    database = template.copy_to(tmp_path, _database_name(f"production{next(_copies)}"))
    site = Served(database, tmp_path / "served")
    try:
        yield site
    finally:
        died = _stop_together(site)
        try:
            print(
                f"--- server output ---\n{site.output('gunicorn A')[-3000:]}{site.output('gunicorn B')[-3000:]}"
            )
        finally:
            database.drop()
    if died:
        pytest.fail("\n\n".join(died), pytrace=False)


def _stop_together(site: Served) -> list[str]:
    """Served.close(), with every process told to stop first and then waited for (each
    gunicorn takes a second to stop gracefully): the reports of those that had died."""
    died = [
        f"{p.name} exited with {p.popen.returncode} while the test ran:\n{p.output()[-6000:]}"
        for p in site.processes
        if p.died()
    ]
    for process in site.processes:
        process.stopped = True
        if process.popen.poll() is None:
            process.popen.terminate()
    for process in site.processes:
        try:
            process.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.popen.kill()
            process.popen.wait(timeout=10)
    return died


def start_gunicorn(served, env: dict, *names: str) -> list[str]:
    """One gunicorn per name, each on a free port of 127.0.0.1, started together; their
    base URLs once each answers /healthz."""
    started = {}
    for name in names:
        port = _free_port()
        process = served.start(
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            env={**env, "SUUNTA_BIND": f"127.0.0.1:{port}"},
            name=name,
        )
        started[name] = (f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + START_TIMEOUT
    for name, (url, process) in started.items():
        while not _answers(url):
            if process.popen.poll() is not None:
                pytest.fail(f"{name} exited with {process.popen.returncode}:\n{process.output()[-4000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"{name} did not answer in {START_TIMEOUT} s:\n{process.output()[-4000:]}")
            time.sleep(0.05)
    return [url for url, _process in started.values()]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=5) as answer:
            return answer.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


class Door:
    """One server's address for tests.served.Browser (which asks its site for `url`)."""

    def __init__(self, served, url: str):
        self.url = url
        self.check = served.check


def through(browser: Browser, served, url: str) -> Browser:
    """The same login (the same cookies) on another server."""
    return Browser(Door(served, url), browser.language, browser.jar)


def post_file(browser: Browser, path: str, field: str, name: str, content: bytes, content_type: str):
    """A multipart upload, as a browser's file form sends it: (status, Location)."""
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        browser.served.url + path,
        data=body,
        method="POST",
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-CSRFToken": browser.cookie("csrftoken") or "",
        },
    )
    try:
        with browser._opener.open(request, timeout=60) as answer:
            return answer.status, answer.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers.get("Location", "")


def _the_2025_savings_metric(served) -> tuple[int, int, str]:
    """(plan id, metric id, lineage) of the approved 2025 plan's savings metric (in €)."""
    return served.sql(
        "SELECT p.id, m.id, m.lineage FROM agreements_metric m"
        " JOIN agreements_goalarea g ON g.id = m.goal_area_id"
        " JOIN agreements_planversion v ON v.id = g.version_id"
        " JOIN agreements_goalplan p ON p.id = v.plan_id"
        " WHERE p.title = %s AND v.status = 'approved' AND g.title = %s AND m.unit = %s",
        ["Kansliapäällikön tavoitteet 2025", "Talouden johtaminen", "€"],
    )[0]


def _open_followup(served) -> tuple[int, int, int]:
    """(plan, checkpoint, goal) of the current year's plan's follow-up open today."""
    return served.sql(
        "SELECT p.id, c.id, g.id FROM agreements_checkpoint c"
        " JOIN agreements_planversion v ON v.id = c.version_id"
        " JOIN agreements_goalplan p ON p.id = v.plan_id"
        " JOIN agreements_goalarea g ON g.version_id = v.id"
        " WHERE p.title LIKE %s AND v.status = 'approved'"
        " AND c.window_start <= CURRENT_DATE AND c.window_end >= CURRENT_DATE"
        ' ORDER BY p.period_start DESC, c."order", g."order" LIMIT 1',
        ["Kansliapäällikön tavoitteet %"],
    )[0]


WRITERS_PER_SERVER = 2
WRITES_EACH = 4


def _two_servers_share_everything(served):
    started = time.monotonic()
    env = production_env()
    served.collect_static(env=env)
    first_url, second_url = start_gunicorn(served, env, "gunicorn A", "gunicorn B")

    # Logged in through A, the session works on B.
    executive = through(served.browser(), served, first_url)
    form = executive.get("/accounts/login/")
    assert form.status == 200, form.status
    login = executive.post("/accounts/login/", {"username": "kansliapaallikko", "password": "suunta-demo"})
    assert login.status == 302, login.text[:2000]
    on_b = through(executive, served, second_url)
    home = on_b.get("/")
    assert home.status == 200 and home.history == [], home.statuses
    assert 'class="logout-form"' in home.text, "the home page of a logged-in user"

    # Writes through both servers at once: metric values, each with its own date and
    # comment, from two tabs per server.
    plan_id, metric_id, lineage = _the_2025_savings_metric(served)
    taken = {
        row[0]
        for row in served.sql("SELECT measured_on FROM measures_metricvalue WHERE plan_id = %s", [plan_id])
    }
    free_days = [
        day
        for day in (f"2025-{m:02d}-{d:02d}" for m in range(1, 13) for d in (3, 7, 11, 17, 23))
        if day not in {str(t) for t in taken}
    ]
    doors = [first_url] * WRITERS_PER_SERVER + [second_url] * WRITERS_PER_SERVER
    tabs = [through(executive.clone(), served, url) for url in doors]
    path = f"/plans/{plan_id}/metrics/{metric_id}/values/"
    planned = {
        (tab, n): (
            free_days[tab * WRITES_EACH + n],
            f"{1000 + tab * WRITES_EACH + n},5",
            f"kirjoitus {tab}-{n}",
        )
        for tab in range(len(tabs))
        for n in range(WRITES_EACH)
    }
    barrier = threading.Barrier(len(tabs))
    answers: dict = {}
    errors: list = []

    def write(tab: int) -> None:
        try:
            barrier.wait(timeout=30)
            for n in range(WRITES_EACH):
                day, value, comment = planned[(tab, n)]
                response = tabs[tab].post(path, {"measured_on": day, "value": value, "comment": comment})
                answers[(tab, n)] = response
        except BaseException as error:  # reported below, with the servers' output
            errors.append(error)

    threads = [threading.Thread(target=write, args=(tab,)) for tab in range(len(tabs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert {key: response.status for key, response in answers.items()} == dict.fromkeys(planned, 302), {
        key: response.text[:500] for key, response in answers.items() if response.status != 302
    }

    # Every write exactly once: in the table, in the audit log under its request's id,
    # and on the metric's page of both servers.
    comments = [comment for _day, _value, comment in planned.values()]
    stored = served.sql(
        "SELECT comment, measured_on::text, recorded_by_id FROM measures_metricvalue"
        " WHERE plan_id = %s AND metric_lineage = %s AND comment LIKE 'kirjoitus %%'",
        [plan_id, lineage],
    )
    assert sorted(row[0] for row in stored) == sorted(comments)
    assert {row[0]: row[1] for row in stored} == {comment: day for day, _value, comment in planned.values()}
    request_ids = [response.headers["X-Request-ID"] for response in answers.values()]
    assert len(set(request_ids)) == len(request_ids)
    audited = served.sql(
        "SELECT payload::json ->> 'request_id', changes FROM audit_auditevent"
        " WHERE payload::json ->> 'request_id' = ANY(%s)",
        [request_ids],
    )
    assert sorted(row[0] for row in audited) == sorted(request_ids), (
        "one audit event per write, by request id"
    )
    for url in (first_url, second_url):
        page = through(executive, served, url).get(f"/plans/{plan_id}/metrics/{metric_id}/").page_text
        assert all(page.count(comment) == 1 for comment in comments), url

    # A file uploaded through B is downloaded through A: the same evidence directory.
    # Before it, A serves the follow-up page from its page cache; right after, A shows
    # the file: B's write changed the data generation both servers read.
    followup_plan, checkpoint, goal = _open_followup(served)
    followup_page = f"/plans/{followup_plan}/followup/{checkpoint}/"
    on_a = through(executive, served, first_url)
    before = [on_a.get(followup_page) for _ in range(8)]
    assert [r.status for r in before] == [200] * 8
    assert "hit" in [r.headers.get("X-Page-Cache") for r in before], "A's workers serve the page again"
    assert "kahden-palvelimen-liite.pdf" not in before[-1].text
    pdf = b"%PDF-1.4\n% Suunta two servers\n%%EOF\n"
    status, _ = post_file(
        through(executive, served, second_url),
        f"/plans/{followup_plan}/followup/{checkpoint}/evidence/{goal}/",
        f"evidence-{goal}-files",
        "kahden-palvelimen-liite.pdf",
        pdf,
        "application/pdf",
    )
    assert status == 302, status
    evidence_id = served.scalar(
        "SELECT id FROM evidence_evidence WHERE original_name = %s", ["kahden-palvelimen-liite.pdf"]
    )
    download = executive.get(f"/evidence/{evidence_id}/")
    after = [on_a.get(followup_page) for _ in range(4)]  # both of A's workers
    assert all("kahden-palvelimen-liite.pdf" in r.text for r in after), [
        (r.headers.get("X-Page-Cache"), r.status, r.text.count("kahden")) for r in after
    ]
    assert download.status == 200 and download.text.encode() == pdf

    # A sign-out through B ends the session on A at once, though both of A's workers
    # have just had the session and the user in memory (suunta/security/signin_cache.py):
    # the session cookie kept from before the sign-out opens nothing on A.
    kept = through(executive.clone(), served, first_url)
    assert [kept.get(followup_page).status for _ in range(4)] == [200] * 4
    signed_out = through(executive, served, second_url).post("/accounts/logout/", {})
    assert signed_out.status == 302, signed_out.text[:2000]
    after_sign_out = [kept.get("/") for _ in range(4)]
    assert all(r.history and r.url.startswith(f"{first_url}/accounts/login/") for r in after_sign_out), [
        (r.statuses, r.url) for r in after_sign_out
    ]

    # Both servers appended to the same chains: they still verify.
    served.run("manage.py", "verify_audit", env=env)
    served.check()
    return time.monotonic() - started


if POSTGRES:

    def test_two_servers_share_sessions_writes_and_files(production_site):
        elapsed = _two_servers_share_everything(production_site)
        print(f"two servers: {elapsed:.1f} s after the database copy")
