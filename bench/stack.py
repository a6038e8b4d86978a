"""The production stack for the benchmarks (bench/soak.py, bench/pages.py).

A database with the demo on PostgreSQL (created, `migrate` + `load_demo`, dropped),
SQL on it, and gunicorn with deploy/gunicorn.conf.py as in production: DEBUG off, sync
workers, JSON logs into a file, static files collected into a temporary directory, on a
free port of 127.0.0.1.

Only the standard library and psycopg: importing this module patches nothing (unlike
locust), so any bench can use it.
"""

from __future__ import annotations

import datetime
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


class SetupFailed(Exception):
    pass


# --- Databases ---------------------------------------------------------------------------


class Database:
    """SQL on the served database (placeholders %s on both databases)."""

    def __init__(self, url: str):
        self.url = url
        self.postgres = urllib.parse.urlsplit(url).scheme in ("postgres", "postgresql", "pgsql")

    def sql(self, query: str, params=()) -> list[tuple]:
        if self.postgres:
            with psycopg.connect(self.url, autocommit=True) as connection:
                cursor = connection.execute(query, tuple(params))
                return cursor.fetchall() if cursor.description else []
        path = urllib.parse.urlsplit(self.url).path
        connection = sqlite3.connect(path[1:], timeout=30)  # sqlite:////absolute or sqlite:///relative
        try:
            with connection:
                return connection.execute(query.replace("%s", "?"), tuple(params)).fetchall()
        finally:
            connection.close()


def _with_database(url: str, name: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


def create_database(server_url: str, purpose: str) -> str:
    """A new, empty database on the PostgreSQL server of `server_url`: its URL. The name
    says which bench made it and when (suunta_<purpose>_<time>_<pid>)."""
    name = f"suunta_{purpose}_{datetime.datetime.now():%Y%m%d%H%M%S}_{os.getpid()}"
    with psycopg.connect(_with_database(server_url, "postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return _with_database(server_url, name)


def load_demo(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "LOG_LEVEL": "WARNING"}
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=600,
        )


def drop_database(url: str) -> None:
    name = urllib.parse.urlsplit(url).path.strip("/")
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- The server --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Loopback only: no proxy from the environment (http_proxy) in between.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _answers(url: str) -> bool:
    try:
        with DIRECT.open(url, timeout=5) as answer:
            return answer.status == 200
    except (OSError, urllib.error.URLError):  # refused, reset, an HTTP error status
        return False


class Gunicorn:
    """gunicorn with deploy/gunicorn.conf.py on the database, as in production: DEBUG
    off, `workers` sync workers, JSON logs into files of `directory`.

    `app` (a WSGI application's "module:name") serves another application with the same
    configuration (bench/pages.py's bare Django project); `extra_env` is added to the
    server's environment, `arguments` to gunicorn's command line; `health` is the path
    that must answer 200 before the server counts as started; `collect` runs
    collectstatic first (Suunta's own pages need the collected static files)."""

    def __init__(
        self,
        database_url: str,
        directory: Path,
        workers: int,
        *,
        app: str | None = None,
        extra_env: dict[str, str] | None = None,
        arguments: tuple[str, ...] = (),
        health: str = "/healthz",
        collect: bool = True,
    ):
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        var = directory / "var"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_"))},
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SUUNTA_LOG_FORMAT": "json",
            "SUUNTA_WORKERS": str(workers),
            "SUUNTA_BIND": f"127.0.0.1:{port}",
            "SUUNTA_VAR_DIR": str(var),
            "EVIDENCE_ROOT": str(var / "evidence"),
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        if collect:
            collected = self.run("collectstatic", "--noinput", "-v0")
            if collected.returncode:
                raise SetupFailed(f"collectstatic failed:\n{collected.stderr[-4000:]}")
        self.log = directory / "gunicorn.log"
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "deploy/gunicorn.conf.py",
                    *arguments,
                    *([app] if app else []),
                ],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while not _answers(self.url + health):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SetupFailed(f"gunicorn did not start:\n{self.log.read_text()[-4000:]}")
            time.sleep(0.1)

    @property
    def pid(self) -> int:
        return self.process.pid

    def run(self, *command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def errors(self) -> list[str]:
        """The server log's lines at level ERROR or above (tracebacks, worker timeouts)."""
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return [line for line in lines if '"level": "ERROR"' in line or '"level": "CRITICAL"' in line]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
