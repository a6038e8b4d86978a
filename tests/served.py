"""A real Suunta server for tests that need real concurrency: `served`.

pytest-django's own database cannot show races: on SQLite it is in memory with a shared
cache (a second writer fails at once instead of waiting), and a test's transaction is
never committed. Here the server is a separate process (`manage.py runserver --noreload`,
DEBUG=1, threaded) on a database of its own that holds the demo, with the production
database settings:

- SQLite (the suite's default): a file in the test's temporary directory, opened with
  the settings' WAL, BEGIN IMMEDIATE and busy_timeout.
- PostgreSQL (when the suite's DATABASE_URL is postgres): a database created for the
  test and dropped afterwards.

The migrated database with the demo is built once per test process (per xdist worker)
as a template; each test gets a copy (SQLite: the file copied with the backup API;
PostgreSQL: CREATE DATABASE ... TEMPLATE ...), so a test costs a copy and a server
start (under a second). The demo builds "the current year's plan" from the real clock.

Use::

    def test_something(served):
        browser = served.login("valmistelija")          # over HTTP, password suunta-demo
        page = browser.get("/plans/1/")
        response = browser.post("/plans/1/next-period/", {"once_key": "..."})
        assert served.sql("SELECT count(*) FROM agreements_goalplan")[0][0] == 5

    def test_with_a_worker(served, smtp_server):
        served.start("manage.py", "run_worker", env={"EMAIL_HOST": "127.0.0.1", ...})

Every process started through `served` is stopped at the end of the test and its
database dropped, also when the test fails. A process that exits on its own while the
test runs fails the test with its stderr (`served.check()` does so at once; the
teardown always does). Each process writes its output to files in the test's
temporary directory (pipes would fill up and stall the server); `served.output(name)`
reads them.
"""

from __future__ import annotations

import atexit
import copy
import html
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

DEMO_PASSWORD = "suunta-demo"
START_TIMEOUT = 60  # seconds for the server to answer its first request
COMMAND_TIMEOUT = 180  # seconds for migrate, load_demo and other one-off commands
REQUEST_TIMEOUT = 60


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


# --- Databases ---------------------------------------------------------------------------


class _SQLite:
    """A file database; the template is copied with SQLite's backup API (consistent
    even if a WAL file were left behind)."""

    kind = "sqlite"

    def __init__(self, path: Path):
        self.path = path

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def copy_to(self, directory: Path, name: str) -> _SQLite:
        target = directory / f"{name}.sqlite3"
        with sqlite3.connect(self.path) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        source.close()
        copy.close()
        return _SQLite(target)

    def sql(self, query: str, params=()) -> list[tuple]:
        connection = sqlite3.connect(self.path, timeout=30)
        try:
            with connection:
                return connection.execute(query.replace("%s", "?"), tuple(params)).fetchall()
        finally:
            connection.close()

    def drop(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


class _Postgres:
    """A database on the suite's PostgreSQL server, created and dropped through the
    server's `postgres` maintenance database."""

    kind = "postgresql"

    def __init__(self, name: str):
        self.name = name

    @staticmethod
    def _params(dbname: str) -> dict:
        db = settings.DATABASES["default"]
        params = {"dbname": dbname, "host": db.get("HOST") or None, "user": db.get("USER") or None}
        if db.get("PORT"):
            params["port"] = str(db["PORT"])
        if db.get("PASSWORD"):
            params["password"] = db["PASSWORD"]
        return {key: value for key, value in params.items() if value is not None}

    @property
    def url(self) -> str:
        db = settings.DATABASES["default"]
        user = urllib.parse.quote(db.get("USER") or "", safe="")
        password = urllib.parse.quote(db.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{credentials}{db.get('HOST') or 'localhost'}{port}/{self.name}"

    @classmethod
    def _admin(cls, statement: str) -> None:

        with psycopg.connect(**cls._params("postgres"), autocommit=True) as connection:
            connection.execute(statement)

    @classmethod
    def create(cls, name: str, template: str | None = None) -> _Postgres:

        cls._drop(name)
        statement = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
        # The template may still show the session of a process that has just exited.
        for attempt in range(50):
            try:
                cls._admin(statement)
                break
            except psycopg.errors.ObjectInUse:
                if attempt == 49:
                    raise
                time.sleep(0.1)
        return cls(name)

    def copy_to(self, directory: Path, name: str) -> _Postgres:
        return self.create(name, template=self.name)

    def sql(self, query: str, params=()) -> list[tuple]:

        with psycopg.connect(**self._params(self.name), autocommit=True) as connection:
            cursor = connection.execute(query, tuple(params))
            return cursor.fetchall() if cursor.description else []

    @classmethod
    def _drop(cls, name: str) -> None:
        cls._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop(self) -> None:
        self._drop(self.name)


def _database_name(suffix: str) -> str:
    """Named after the suite's database (DATABASE_URL) and the xdist worker, as
    pytest-django names its own: a run that was killed leaves nothing behind that the
    next run does not drop first."""
    base = urllib.parse.urlparse(os.environ.get("DATABASE_URL", "")).path.strip("/") or "suunta"
    return f"{base}_served_{_worker()}_{suffix}"[:63]


# --- Processes ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(database, var_dir: Path, extra: dict | None = None) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"))
    }
    env.update(
        {
            "DATABASE_URL": database.url,
            "DEBUG": "1",
            "SUUNTA_VAR_DIR": str(var_dir),
            "EVIDENCE_ROOT": str(var_dir / "evidence"),
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "LOG_LEVEL": "WARNING",
            # As in the suite's own process (suunta/settings.py): the demo's admins sign
            # in with the password only.
            "SUUNTA_TWO_FACTOR_FOR_ADMINS": "0",
        }
    )
    env.update(extra or {})
    return env


def _run(args, env: dict, what: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    if result.returncode != 0:
        pytest.fail(
            f"{what} ({' '.join(args)}) exited with {result.returncode}:\n{result.stderr[-4000:]}",
            pytrace=False,
        )
    return result


@dataclass
class ServedProcess:
    name: str
    popen: subprocess.Popen
    stdout: Path
    stderr: Path
    stopped: bool = False

    def output(self) -> str:
        return self.stdout.read_text(errors="replace") + self.stderr.read_text(errors="replace")

    def wait(self, timeout: float = 60) -> int:
        """Wait for a process that is meant to end by itself; its exit code."""
        code = self.popen.wait(timeout=timeout)
        self.stopped = True
        return code

    def died(self) -> bool:
        return not self.stopped and self.popen.poll() is not None

    def stop(self) -> None:
        self.stopped = True
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)


class ServedProcessDied(AssertionError):
    pass


# --- HTTP --------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    url: str
    headers: dict
    text: str
    history: list[tuple[int, str]] = field(default_factory=list)  # (status, url) of redirects followed

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    @property
    def statuses(self) -> list[int]:
        return [status for status, _ in self.history] + [self.status]

    @property
    def page_text(self) -> str:
        """The body with HTML entities decoded, for looking for a message in it."""
        return html.unescape(self.text)

    def hidden_fields(self, action: str | None = None) -> dict[str, str]:
        """The hidden inputs of the first form posting to `action` ("": a form without
        an action, which posts to its page; None: the first form)."""
        return hidden_fields(self.text, action)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A minimal browser over urllib: a cookie jar, Django's CSRF token from the cookie,
    redirects followed only when asked. One per thread: `clone()` copies the cookies
    (the same login) into a browser of its own, so messages do not mix."""

    def __init__(self, served: Served, language: str | None = None, jar: CookieJar | None = None):
        self.served = served
        self.language = language
        self.jar = jar if jar is not None else CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def clone(self) -> Browser:
        jar = CookieJar()
        for cookie in self.jar:
            jar.set_cookie(copy.copy(cookie))
        return Browser(self.served, self.language, jar)

    def cookie(self, name: str) -> str | None:
        return next((cookie.value for cookie in self.jar if cookie.name == name), None)

    def get(self, path: str, follow: bool = True, headers: dict | None = None) -> Response:
        return self.request("GET", path, follow=follow, headers=headers)

    def post(self, path: str, data=None, follow: bool = False, headers: dict | None = None) -> Response:
        return self.request("POST", path, data=data, follow=follow, headers=headers)

    def request(self, method, path, data=None, follow=False, headers=None) -> Response:
        history = []
        url = urllib.parse.urljoin(self.served.url + "/", path)
        while True:
            response = self._once(method, url, data, headers)
            if not (follow and 300 <= response.status < 400 and response.location):
                response.history = history
                return response
            history.append((response.status, response.url))
            method, data = "GET", None
            url = urllib.parse.urljoin(response.url, response.location)

    def _once(self, method: str, url: str, data, headers: dict | None) -> Response:
        headers = dict(headers or {})
        if self.language:
            headers.setdefault("Accept-Language", self.language)
        body = None
        if method == "POST":
            token = self.cookie("csrftoken")
            if token:
                headers.setdefault("X-CSRFToken", token)
            pairs = list(data.items()) if isinstance(data, dict) else list(data or [])
            body = urllib.parse.urlencode(pairs, doseq=True).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with self._opener.open(request, timeout=REQUEST_TIMEOUT) as answer:
                return Response(
                    answer.status, url, dict(answer.headers), answer.read().decode(errors="replace")
                )
        except urllib.error.HTTPError as error:
            with error:
                text = error.read().decode(errors="replace")
            return Response(error.code, url, dict(error.headers), text)
        except (urllib.error.URLError, ConnectionError) as error:
            self.served.check()  # a dead server fails with its stderr rather than this
            raise AssertionError(f"{method} {url} failed: {error}") from error


class _HiddenFields(HTMLParser):
    def __init__(self, action: str | None):
        super().__init__()
        self.action = action
        self.inside = False
        self.done = False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.done:
            return
        if tag == "form" and (self.action is None or (attrs.get("action") or "") == self.action):
            self.inside = True
        elif tag == "input" and self.inside and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True


def hidden_fields(text: str, action: str | None = None) -> dict[str, str]:
    parser = _HiddenFields(action)
    parser.feed(text)
    return parser.fields


# --- The served site ---------------------------------------------------------------------


# The static files collected by the first site of this test process (Served.collect_static).
_collected_static: dict[str, Path | None] = {"dir": None}


class Served:
    """One test's server and database. `url` is the base URL (no trailing slash)."""

    def __init__(self, database, directory: Path):
        self.database = database
        self.directory = directory
        self.var_dir = directory / "var"
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.processes: list[ServedProcess] = []
        self.url = ""

    @property
    def env(self) -> dict:
        """The environment every process on this database runs with."""
        return _environment(self.database, self.var_dir)

    def start(self, *args: str, env: dict | None = None, name: str | None = None) -> ServedProcess:
        """Start `python <args>` (e.g. "manage.py", "run_worker") on this database with
        the extra environment variables `env`; it is stopped at the end of the test."""
        name = name or " ".join(args[:2])
        number = len(self.processes)
        stdout = self.directory / f"process-{number}.out"
        stderr = self.directory / f"process-{number}.err"
        with open(stdout, "wb") as out, open(stderr, "wb") as err:
            popen = subprocess.Popen(
                [sys.executable, *args],
                cwd=settings.BASE_DIR,
                env=_environment(self.database, self.var_dir, env),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )
        process = ServedProcess(name, popen, stdout, stderr)
        self.processes.append(process)
        return process

    def run(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        """Run `python <args>` to the end on this database; fails the test unless it exits 0."""
        return _run(args, _environment(self.database, self.var_dir, env), " ".join(args[:2]))

    def collect_static(self, env: dict | None = None) -> None:
        """`manage.py collectstatic` into this site's var directory, as production does
        before starting gunicorn. The collected tree depends only on the code, so it is
        made once per test process and copied for the next site (a collect takes some
        6 s, a copy a fraction of one)."""
        target = self.var_dir / "static"
        if _collected_static.get("dir") is None:
            self.run("manage.py", "collectstatic", "--noinput", "-v0", env=env)
            keep = Path(tempfile.mkdtemp(prefix="suunta-static-"))
            atexit.register(shutil.rmtree, keep, True)
            shutil.copytree(target, keep / "static")
            _collected_static["dir"] = keep / "static"
        else:
            shutil.copytree(_collected_static["dir"], target, dirs_exist_ok=True)

    def output(self, name: str = "server") -> str:
        return "".join(p.output() for p in self.processes if p.name == name)

    def check(self) -> None:
        """Fail loudly, with its output, if a process has exited on its own."""
        for process in self.processes:
            if process.died():
                raise ServedProcessDied(
                    f"{process.name} exited with {process.popen.returncode} while the test ran:\n"
                    f"{process.output()[-6000:]}"
                )

    def serve(self) -> None:
        for _ in range(3):  # another program may take the port between probe and bind
            port = _free_port()
            process = self.start("manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", name="server")
            self.url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline:
                if process.popen.poll() is not None:
                    break
                try:
                    with urllib.request.urlopen(self.url + "/accounts/login/", timeout=5) as answer:
                        if answer.status == 200:
                            return
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    time.sleep(0.05)
            if process.popen.poll() is None:
                process.stop()
                pytest.fail(f"the server did not answer in {START_TIMEOUT} s:\n{process.output()[-4000:]}")
            if "already in use" not in process.output():
                raise ServedProcessDied(
                    f"the server exited with {process.popen.returncode}:\n{process.output()[-6000:]}"
                )
            self.processes.remove(process)
        pytest.fail("no free port for the server")

    def browser(self, language: str | None = None) -> Browser:
        return Browser(self, language)

    def login(self, username: str, password: str = DEMO_PASSWORD, language: str | None = None) -> Browser:
        """A browser logged in as the demo persona, through the login form."""
        browser = self.browser(language)
        form = browser.get("/accounts/login/")
        assert form.status == 200, form.status
        response = browser.post("/accounts/login/", {"username": username, "password": password})
        assert response.status == 302, (
            f"login as {username} failed ({response.status}):\n{response.text[:3000]}"
        )
        return browser

    def sql(self, query: str, params=()) -> list[tuple]:
        """Run SQL on this database (placeholders %s on both databases); the rows."""
        return self.database.sql(query, params)

    def scalar(self, query: str, params=()):
        rows = self.sql(query, params)
        return rows[0][0] if rows else None

    def close(self) -> list[str]:
        """Stop every process; the reports of those that had exited on their own."""
        died = [
            f"{p.name} exited with {p.popen.returncode} while the test ran:\n{p.output()[-6000:]}"
            for p in self.processes
            if p.died()
        ]
        for process in self.processes:
            process.stop()
        return died


@pytest.fixture(scope="session")
def served_template(tmp_path_factory):
    """The migrated database with the demo, built once per test process."""
    directory = tmp_path_factory.mktemp("served-template")
    if _is_postgres():
        database = _Postgres.create(_database_name("template"))
    else:
        database = _SQLite(directory / "template.sqlite3")
    try:
        env = _environment(database, directory / "var")
        _run(["manage.py", "migrate", "--noinput", "-v0"], env, "migrate")
        _run(["manage.py", "load_demo"], env, "load_demo")
        yield database, directory / "var"
    finally:
        database.drop()


_copies = 0


@pytest.fixture
def served(served_template, tmp_path):
    """A server on a fresh copy of the demo database; see the module docstring."""
    global _copies
    template, template_var = served_template
    _copies += 1
    database = template.copy_to(tmp_path, _database_name(str(_copies)))
    site = Served(database, tmp_path / "served")
    if (template_var / "evidence").exists():
        shutil.copytree(template_var / "evidence", site.var_dir / "evidence")
    try:
        site.serve()
        yield site
    finally:
        died = site.close()
        try:
            # Shown with a failing test's captured output: the requests and any traceback.
            print(f"--- server output ---\n{site.output()[-6000:]}")
        finally:
            database.drop()
    if died:
        pytest.fail("\n\n".join(died), pytrace=False)
