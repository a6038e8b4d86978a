"""Pages under load: Suunta's main pages against a bare Django view, with wrk.

    .venv/bin/python bench/pages.py                         # the demo, 10 s a page
    .venv/bin/python bench/pages.py --duration 30 --json pages.json
    .venv/bin/python bench/pages.py --data scale --database-url postgres://…/scale   # manage.py generate_scale

The production stack (bench/stack.py): a database with the demo made on the PostgreSQL
server of DATABASE_URL (or postgres://postgres@127.0.0.1:5432; dropped at the end,
--keep keeps it) or the database of --database-url (--data scale: one made by
`manage.py generate_scale`; it must hold the demo's personas and Esimerkkikunta's plans,
and it keeps what the run adds: the next period's draft plan when it had no draft),
static files collected into a temporary directory, gunicorn with deploy/gunicorn.conf.py
(--workers sync workers, DEBUG off, JSON access log) on a free port of 127.0.0.1 with
SUUNTA_BENCH_FLOOR_PAGE on. Beside it, in the same run, the bare Django project of
bench/bare/ (startproject's default middleware, no database, one template view with a
14-row table) under gunicorn with the same configuration and worker count.

The script logs in through the login form as the demo personas and loads, one page
after another, each with `wrk -t2 -c20 --latency` (20 connections) for --warmup seconds
(not counted) and then --duration seconds:

| page | persona |
|---|---|
| the bare view (first and again last: the reference is their mean) | none |
| the floor: /bench/floor/, an empty page through Suunta's middleware, logged in | kansliapaallikko |
| the front page | kansliapaallikko |
| the approved plan "Kansliapäällikön tavoitteet 2025" | kansliapaallikko |
| a draft plan (the next period's, made through the page if there is none) | valmistelija |
| the dashboard | valmistelija |
| the 2025 plan's first follow-up (agreed) | kansliapaallikko |
| the spring 2025 goal and development discussion (a use-log event on the first showing; the repeats are the same use) | kansliapaallikko |
| the same discussion, for a reader shown no restricted text (no use-log event) | valmistelija |
| the audit log (first page) | tarkastaja |

For each: requests per second, p50 and p99 latency, and both ratios to the bare view
(× its throughput, × its p99). The targets, reported and not enforced: every page at
least 50 % of the bare view's throughput and a p99 at most twice its p99. Beside them,
"others": the share of the machine's CPU time that went to processes outside the bench
(not its servers, their database backends or wrk) while the page was measured; on a
shared machine it shows which figures another job disturbed.

Every answer's status is counted (a wrk Lua script), and each page is fetched once
before its load: anything but 200 (a redirect to the login page means the session
cookie was wrong) fails that page. Exit code 1 when a page answered anything but 200,
a request got no answer (socket errors) or wrk failed, or the server logged an error;
2 when the setup failed. Not part of `make test`.

Each page is loaded again and again by one session while nothing changes, so with the
page cache on (the default, as in production) all but the first showings come from it
(suunta/lib/pagecache.py); `--page-cache off` renders every showing, what a first
showing after a change costs. `--use-log-repeat 0` makes every showing of the
discussion page a use-log event (an append to the organization's hash chain), what the
page costs each time it is a new use (suunta/discussions/uselog.py).
Figures: docs/performance.md. Linux.
"""

from __future__ import annotations

import argparse
import datetime
import http.cookiejar
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stack import (  # bench/ is no package: beside this file
    DEFAULT_SERVER,
    ROOT,
    Database,
    Gunicorn,
    SetupFailed,
    create_database,
    drop_database,
    load_demo,
)

PASSWORD = os.environ.get("DEMO_PASSWORD") or "suunta-demo"
ORGANIZATION = "esimerkkikunta"
APPROVED_PLAN = "Kansliapäällikön tavoitteet 2025"
PLAN_PREFIX = "Kansliapäällikön tavoitteet %"
EXECUTIVE, PREPARER, AUDITOR = "kansliapaallikko", "valmistelija", "tarkastaja"
THROUGHPUT_TARGET = 0.5  # at least this share of the bare view's requests per second
P99_TARGET = 2.0  # a p99 at most this many times the bare view's
# The main tables, counted so that the figures say what data they ran on.
TABLES = (
    "organizations_organization",
    "accounts_user",
    "agreements_directoragreement",
    "agreements_goalplan",
    "agreements_goalarea",
    "agreements_metric",
    "agreements_checkpoint",
    "followup_assessment",
    "measures_metricvalue",
    "discussions_discussion",
    "audit_auditevent",
)

# Counts the answers by status in each wrk thread; `done` prints their sum.
WRK_SCRIPT = """\
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(total) do
    table.insert(parts, status .. "=" .. count)
  end
  io.write("statuses: " .. table.concat(parts, " ") .. "\\n")
end
"""


# --- Logging in, finding the pages -------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is the answer, as it is to wrk


class Browser:
    """One persona's cookies on the Suunta server; requests never follow redirects."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        headers = {}
        body = None
        if data is not None:
            headers["X-CSRFToken"] = self.cookie("csrftoken") or ""
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as answer:
                return answer.status, dict(answer.headers), answer.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, dict(error.headers), error.read().decode(errors="replace")

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def cookie_header(self) -> str:
        """The session and CSRF cookies as one Cookie header (never a pending message)."""
        return "; ".join(f"{c.name}={c.value}" for c in self.jar if c.name != "messages")


def login(base: str, username: str) -> Browser:
    browser = Browser(base)
    status, _headers, _text = browser.request("/accounts/login/")
    if status != 200:
        raise SetupFailed(f"the login page answered {status}")
    status, headers, text = browser.request(
        "/accounts/login/", {"username": username, "password": PASSWORD, "next": ""}
    )
    if status != 302 or "/accounts/login/" in headers.get("Location", ""):
        raise SetupFailed(f"login as {username} failed ({status}):\n{text[:2000]}")
    return browser


class _HiddenFields(HTMLParser):
    """The hidden inputs of the form posting to `action`."""

    def __init__(self, action: str):
        super().__init__()
        self.action = action
        self.inside = False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.inside = attributes.get("action") == self.action
        elif tag == "input" and self.inside and attributes.get("type") == "hidden":
            self.fields[attributes.get("name") or ""] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def _esimerkki_plans(db: Database, where: str, params=()) -> list[int]:
    return [
        row[0]
        for row in db.sql(
            "SELECT p.id FROM agreements_goalplan p"
            " JOIN agreements_directoragreement a ON a.id = p.agreement_id"
            " JOIN organizations_organization o ON o.id = a.organization_id"
            f" WHERE o.slug = %s AND {where} ORDER BY p.period_start DESC, p.id DESC",
            [ORGANIZATION, *params],
        )
    ]


def draft_plan(db: Database, preparer: Browser) -> tuple[int, bool]:
    """A draft plan of the chief of staff: (its id, whether this run made it). When there
    is none, the preparer makes the next period's plan from the latest one through the
    page's form, as a browser does."""
    drafts = _esimerkki_plans(
        db,
        "p.title LIKE %s AND EXISTS (SELECT 1 FROM agreements_planversion v"
        " WHERE v.plan_id = p.id AND v.status = 'draft')",
        [PLAN_PREFIX],
    )
    if drafts:
        return drafts[0], False
    latest = _esimerkki_plans(db, "p.title LIKE %s", [PLAN_PREFIX])[0]
    action = f"/plans/{latest}/next-period/"
    status, _headers, page = preparer.request(f"/plans/{latest}/")
    parser = _HiddenFields(action)
    parser.feed(page)
    if status != 200 or not parser.fields:
        raise SetupFailed(f"plan {latest} ({status}) has no form for the next period's plan")
    status, headers, text = preparer.request(action, parser.fields)
    made = re.fullmatch(r"/plans/(\d+)/", urllib.parse.urlsplit(headers.get("Location", "")).path)
    if status != 302 or not made or int(made[1]) == latest:
        raise SetupFailed(f"the next period's plan was not made ({status}):\n{text[:2000]}")
    preparer.request(made[0])  # shows (and so clears) the "created" message
    return int(made[1]), True


def find_paths(db: Database, preparer: Browser) -> dict[str, str | int | bool]:
    """The ids and paths of the pages to load."""
    approved = _esimerkki_plans(db, "p.title = %s", [APPROVED_PLAN])[0]
    checkpoint = db.sql(
        "SELECT c.id FROM agreements_checkpoint c JOIN agreements_planversion v ON v.id = c.version_id"
        " WHERE v.plan_id = %s AND v.status = 'approved' ORDER BY c.\"order\" LIMIT 1",
        [approved],
    )[0][0]
    discussion = db.sql(
        "SELECT d.id FROM discussions_discussion d JOIN agreements_goalplan p ON p.agreement_id = d.agreement_id"
        " WHERE p.id = %s ORDER BY d.held_on, d.id LIMIT 1",
        [approved],
    )[0][0]
    draft, made = draft_plan(db, preparer)
    return {
        "approved_plan": approved,
        "draft_plan": draft,
        "draft_made_by_this_run": made,
        "checkpoint": checkpoint,
        "discussion": discussion,
    }


def row_counts(db: Database) -> dict[str, int]:
    counts = {}
    for table in TABLES:
        try:
            counts[table] = db.sql(f"SELECT count(*) FROM {table}")[0][0]  # the names of TABLES
        except psycopg.Error:
            counts[table] = -1  # no such table in this database
    return counts


# --- Whose CPU ---------------------------------------------------------------------------


def _machine_ticks() -> tuple[int, int]:
    """(busy, all) clock ticks of every CPU since boot (/proc/stat; iowait is idle)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(fields) - fields[3] - fields[4], sum(fields)


def _process_ticks(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime + stime


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class CpuMeter:
    """While a page is measured: the share of the machine's CPU time that went to other
    processes than the bench's own (both gunicorns and their workers, the PostgreSQL
    backends of the served database, wrk). Other engineers' jobs on a shared machine
    show here; so do the kernel's loopback interrupts, which belong to no process."""

    def __init__(self, masters: list[int], db: Database | None):
        self.masters = masters
        self.db = db
        self.before: tuple = ()

    def _ours(self) -> dict[int, int]:
        pids = [*self.masters, *(child for master in self.masters for child in _children(master))]
        if self.db is not None and self.db.postgres:
            pids += [
                row[0]
                for row in self.db.sql(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid()"
                )
            ]
        return {pid: ticks for pid in pids if (ticks := _process_ticks(pid)) is not None}

    @staticmethod
    def _waited_ticks() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has ended
        return (usage.ru_utime + usage.ru_stime) * os.sysconf("SC_CLK_TCK")

    def start(self) -> None:
        self.before = (_machine_ticks(), self._ours(), self._waited_ticks())

    def others_pct(self) -> float | None:
        (busy0, all0), ours0, waited0 = self.before
        (busy1, all1), ours1, waited1 = _machine_ticks(), self._ours(), self._waited_ticks()
        ours = sum(ticks - ours0.get(pid, 0) for pid, ticks in ours1.items()) + waited1 - waited0
        if all1 <= all0:
            return None
        return round(max(busy1 - busy0 - ours, 0) / (all1 - all0) * 100, 1)


# --- wrk ---------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    persona: str  # "" for no login
    url: str
    cookie: str = field(default="", repr=False)


@dataclass
class Result:
    name: str
    persona: str
    path: str
    ok: bool = False
    problem: str = ""
    first_status: int = 0
    size_bytes: int = 0
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    non_2xx_3xx: int = 0
    socket_errors: dict[str, int] = field(default_factory=dict)
    x_bare_rps: float | None = None
    x_bare_p99: float | None = None
    x_floor_rps: float | None = None
    others_cpu_pct: float | None = None  # CpuMeter
    meets_targets: bool | None = None


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_PERCENTILE = re.compile(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.M)
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def parse_wrk(output: str) -> dict:
    """Requests/sec, the 50 % and 99 % latencies (ms), the request count, the non-2xx/3xx
    count, the socket errors and the statuses counted by WRK_SCRIPT."""
    percentiles = {p: float(value) * _UNITS_MS[unit] for p, value, unit in _PERCENTILE.findall(output)}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    count = re.search(r"(\d+) requests in", output)
    if not rps or not count or "50" not in percentiles or "99" not in percentiles:
        raise ValueError(f"no figures in wrk's output:\n{output[-2000:]}")
    sockets = _SOCKET.search(output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    statuses = re.search(r"^statuses: (.*)$", output, re.M)
    return {
        "rps": float(rps[1]),
        "requests": int(count[1]),
        "p50_ms": round(percentiles["50"], 2),
        "p99_ms": round(percentiles["99"], 2),
        "non_2xx_3xx": int(non_2xx[1]) if non_2xx else 0,
        "socket_errors": dict(
            zip(("connect", "read", "write", "timeout"), map(int, sockets.groups()), strict=True)
        )
        if sockets
        else {},
        "statuses": {
            status: int(count) for status, count in (part.split("=", 1) for part in statuses[1].split())
        }
        if statuses
        else {},
    }


class Wrk:
    def __init__(self, script: Path, threads: int, connections: int):
        self.script = script
        self.threads = threads
        self.connections = connections

    def run(self, page: Page, seconds: float) -> dict:
        command = [
            "wrk",
            f"-t{self.threads}",
            f"-c{self.connections}",
            f"-d{max(round(seconds), 1)}s",
            "--timeout",
            "30s",
            "--latency",
            "-s",
            str(self.script),
        ]
        if page.cookie:
            command += ["-H", f"Cookie: {page.cookie}"]
        done = subprocess.run(
            [*command, page.url], capture_output=True, text=True, timeout=seconds + 120, check=False
        )
        if done.returncode:
            raise ValueError(f"wrk exited with {done.returncode}: {done.stderr[-2000:]}")
        return {**parse_wrk(done.stdout), "output": done.stdout}


def first_answer(page: Page) -> tuple[int, int, str]:
    """The page fetched once as wrk will fetch it: (status, size, where a 3xx points)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    request = urllib.request.Request(page.url, headers={"Cookie": page.cookie} if page.cookie else {})
    try:
        with opener.open(request, timeout=60) as answer:
            return answer.status, len(answer.read()), ""
    except urllib.error.HTTPError as error:
        with error:
            return error.code, len(error.read()), error.headers.get("Location", "")
    except (urllib.error.URLError, OSError) as error:  # refused, reset, timed out
        return 0, 0, f"(no answer: {error})"


def measure(wrk: Wrk, meter: CpuMeter, page: Page, warmup: float, duration: float) -> Result:
    result = Result(page.name, page.persona or "—", urllib.parse.urlsplit(page.url).path)
    result.first_status, result.size_bytes, location = first_answer(page)
    if result.first_status != 200:
        result.problem = f"answered {result.first_status} {location}".strip()
        return result
    try:
        if warmup > 0:
            wrk.run(page, warmup)
        meter.start()
        figures = wrk.run(page, duration)
        result.others_cpu_pct = meter.others_pct()
    except (ValueError, subprocess.SubprocessError) as error:
        result.problem = str(error)[:2000]
        return result
    for name in ("rps", "requests", "p50_ms", "p99_ms", "non_2xx_3xx", "socket_errors", "statuses"):
        setattr(result, name, figures[name])
    others = {status: n for status, n in result.statuses.items() if status != "200"}
    lost = sum(result.socket_errors.values())
    if others or result.non_2xx_3xx or not result.statuses:
        result.problem = f"answers other than 200: {others or result.non_2xx_3xx or 'none counted'}"
    elif lost:
        result.problem = f"requests without an answer: {result.socket_errors}"
    result.ok = not result.problem
    return result


# --- The run -----------------------------------------------------------------------------


def pages_to_load(suunta: str, paths: dict, cookies: dict[str, str]) -> list[Page]:
    plans = f"{suunta}/plans"
    executive, preparer, auditor = cookies[EXECUTIVE], cookies[PREPARER], cookies[AUDITOR]
    return [
        Page("floor (empty page, Suunta's middleware)", EXECUTIVE, f"{suunta}/bench/floor/", executive),
        Page("front page", EXECUTIVE, f"{suunta}/", executive),
        Page("plan page, approved (2025)", EXECUTIVE, f"{plans}/{paths['approved_plan']}/", executive),
        Page("plan page, draft", PREPARER, f"{plans}/{paths['draft_plan']}/", preparer),
        Page("dashboard", PREPARER, f"{suunta}/organizations/{ORGANIZATION}/dashboard/", preparer),
        Page(
            "follow-up page (2025, agreed)",
            EXECUTIVE,
            f"{plans}/{paths['approved_plan']}/followup/{paths['checkpoint']}/",
            executive,
        ),
        Page(
            "discussion page (spring 2025)",
            EXECUTIVE,
            f"{suunta}/discussions/{paths['discussion']}/",
            executive,
        ),
        Page(
            "discussion page, no restricted texts",
            PREPARER,
            f"{suunta}/discussions/{paths['discussion']}/",
            preparer,
        ),
        Page("audit log", AUDITOR, f"{suunta}/organizations/{ORGANIZATION}/audit/", auditor),
    ]


def add_ratios(results: list[Result], bare: list[Result]) -> dict:
    """Each result against the bare view (the mean of its runs) and the floor."""
    measured = [r for r in bare if r.ok]
    if not measured:
        return {}
    reference = {
        "rps": round(sum(r.rps for r in measured) / len(measured), 2),
        "p99_ms": round(sum(r.p99_ms for r in measured) / len(measured), 2),
        "p50_ms": round(sum(r.p50_ms for r in measured) / len(measured), 2),
        "runs": [{"rps": r.rps, "p50_ms": r.p50_ms, "p99_ms": r.p99_ms} for r in measured],
    }
    floor = next((r for r in results if r.path == "/bench/floor/" and r.ok), None)
    for result in results:
        if not result.ok:
            continue
        result.x_bare_rps = round(result.rps / reference["rps"], 3)
        result.x_bare_p99 = round(result.p99_ms / reference["p99_ms"], 2)
        result.x_floor_rps = round(result.rps / floor.rps, 3) if floor else None
        result.meets_targets = result.x_bare_rps >= THROUGHPUT_TARGET and result.x_bare_p99 <= P99_TARGET
    return reference


def run_pages(wrk: Wrk, meter: CpuMeter, pages: list[Page], bare: Page, args) -> tuple[list[Result], dict]:
    def one(page: Page) -> Result:
        print(f"  {page.name} ({page.persona or 'no login'}) …", end=" ", flush=True)
        result = measure(wrk, meter, page, args.warmup, args.duration)
        print(
            f"{result.rps:.1f} req/s, p99 {result.p99_ms:.1f} ms, others {result.others_cpu_pct} % of the CPU"
            if result.ok
            else result.problem
        )
        return result

    first = one(bare)
    results = [one(page) for page in pages]
    last = one(bare)
    first.name, last.name = "bare Django view (first)", "bare Django view (again, last)"
    results = [first, *results, last]
    return results, add_ratios(results, [first, last])


# --- Output ------------------------------------------------------------------------------


def _ratio(value: float | None, suffix: str = "×") -> str:
    if value is None:
        return "—"
    return f"{value:.0f}{suffix}" if suffix == " %" else f"{value:.2f}{suffix}"


def print_table(result: dict) -> None:
    config, reference = result["config"], result["reference"]
    print(
        f"\n{config['date']}: {config['data']} data, page cache {config.get('page_cache', 'off')},"
        f" use-log repeats {config.get('use_log_repeat', 0)} s,"
        f" {config['workers']} gunicorn sync workers,"
        f" wrk -t{config['threads']} -c{config['connections']}, {config['warmup']} s warm-up +"
        f" {config['duration']} s a page; {config['machine']}; load {config['load_before']} before,"
        f" {config['load_after']} after"
    )
    print("rows: " + ", ".join(f"{table} {n}" for table, n in result["rows"].items()))
    if reference:
        print(
            f"bare view reference (mean of {len(reference['runs'])} runs): {reference['rps']} req/s,"
            f" p50 {reference['p50_ms']} ms, p99 {reference['p99_ms']} ms"
        )
    header = (
        f"{'page':<42} {'persona':<16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'× bare':>7}"
        f" {'p99×bare':>8} {'non-200':>7} {'target':>6} {'others':>6}"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for row in result["pages"]:
        non_200 = sum(n for status, n in row["statuses"].items() if status != "200")
        target = "—" if row["meets_targets"] is None else ("met" if row["meets_targets"] else "MISS")
        print(
            f"{row['name']:<42} {row['persona']:<16} {row['rps']:>8.1f} {row['p50_ms']:>8.1f}"
            f" {row['p99_ms']:>8.1f} {_ratio(row['x_bare_rps']):>7} {_ratio(row['x_bare_p99']):>8}"
            f" {non_200:>7} {target:>6} {_ratio(row['others_cpu_pct'], ' %'):>6}"
        )
        if row["problem"]:
            print(f"    FAILED: {row['problem']}")
    print(
        f"\ntargets (reported, not enforced): ≥ {THROUGHPUT_TARGET:.0%} of the bare view's req/s,"
        f" p99 ≤ {P99_TARGET:g}× its p99. others: the share of the machine's CPU that went to"
        " processes outside the bench while the page was measured (other jobs on the machine)"
    )
    for line in result["server_log_errors"][:10]:
        print(f"server log: {line[:300]}")
    print(f"\n{'OK' if result['ok'] else 'FAILED: ' + '; '.join(result['failed'])}")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _machine(db: Database) -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    postgres = db.sql("SHOW server_version")[0][0] if db.postgres else "SQLite"
    return (
        f"{os.cpu_count()} cores ({model[1].strip() if model else platform.machine()}),"
        f" Python {platform.python_version()}, PostgreSQL {postgres}"
    )


def _wrk_version() -> str:
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    return (
        (done.stdout or done.stderr).splitlines()[0].split(" Copyright")[0]
        if done.stdout or done.stderr
        else "?"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", choices=("demo", "scale"), default="demo")
    parser.add_argument(
        "--database-url",
        help="a database holding the demo (with --data scale: generate_scale's); the run adds a draft plan if there is none",
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds of measured load a page")
    parser.add_argument(
        "--warmup", type=float, default=3, help="seconds of load before each page's measurement"
    )
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (both servers)")
    parser.add_argument(
        "--page-cache",
        choices=("on", "off"),
        default="on",
        help="Suunta's page cache (SUUNTA_PAGE_CACHE); off: every showing is rendered",
    )
    parser.add_argument(
        "--use-log-repeat",
        type=int,
        default=300,
        metavar="SECONDS",
        help="SUUNTA_USE_LOG_REPEAT_SECONDS (300, as in production); 0: every showing of"
        " restricted texts is a use-log event",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database made and the servers' files")
    parser.add_argument("--json", type=Path, help="write the result as JSON here too")
    return parser


def setup(
    args, workdir: Path, made: list[str], servers: list[Gunicorn]
) -> tuple[Database, dict, list[Page], Page]:
    """The database, both servers (into `servers`, to be stopped), the logins, the pages."""
    database_url = args.database_url
    if not database_url:
        base = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
        if not base.startswith(("postgres://", "postgresql://")):
            raise SetupFailed("DATABASE_URL is no PostgreSQL server: give --database-url")
        print("making a database with the demo …", flush=True)
        database_url = create_database(base, "pages")
        made.append(database_url)
        load_demo(database_url)
    db = Database(database_url)
    servers.append(
        Gunicorn(
            database_url,
            workdir / "suunta",
            args.workers,
            extra_env={
                "SUUNTA_BENCH_FLOOR_PAGE": "1",
                "SUUNTA_PAGE_CACHE": "1" if args.page_cache == "on" else "0",
                "SUUNTA_USE_LOG_REPEAT_SECONDS": str(args.use_log_repeat),
            },
        )
    )
    servers.append(
        Gunicorn(
            "",
            workdir / "bare",
            args.workers,
            app="bare.wsgi:application",
            extra_env={"DJANGO_SETTINGS_MODULE": "bare.settings"},
            arguments=("--pythonpath", str(ROOT / "bench")),
            health="/",
            collect=False,
        )
    )
    suunta, bare = servers[0].url, servers[1].url
    browsers = {persona: login(suunta, persona) for persona in (EXECUTIVE, PREPARER, AUDITOR)}
    paths = find_paths(db, browsers[PREPARER])
    cookies = {persona: browser.cookie_header() for persona, browser in browsers.items()}
    bare_page = Page("bare Django view", "", f"{bare}/")
    return db, paths, pages_to_load(suunta, paths, cookies), bare_page


def verdict(results: list[Result], log_errors: list[str]) -> list[str]:
    failed = [f"{r.name}: {r.problem}" for r in results if not r.ok]
    if log_errors:
        failed.append(f"{len(log_errors)} errors in the server's log")
    return failed


def main() -> int:
    args = _parser().parse_args()
    if args.data == "scale" and not args.database_url:
        _parser().error("--data scale needs --database-url (a database made by manage.py generate_scale)")
    if not shutil.which("wrk"):
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="suunta-pages-"))
    (workdir / "status.lua").write_text(WRK_SCRIPT)
    made: list[str] = []
    servers: list[Gunicorn] = []
    try:
        try:
            db, paths, pages, bare = setup(args, workdir, made, servers)
            config = {
                "data": args.data,
                "date": datetime.datetime.now().isoformat(timespec="seconds"),
                "machine": _machine(db),
                "wrk": _wrk_version(),
                "workers": args.workers,
                "page_cache": args.page_cache,
                "use_log_repeat": args.use_log_repeat,
                "threads": args.threads,
                "connections": args.connections,
                "duration": args.duration,
                "warmup": args.warmup,
                "paths": paths,
            }
            rows = row_counts(db)
        except (SetupFailed, psycopg.Error, subprocess.SubprocessError, IndexError, OSError) as error:
            stderr = getattr(error, "stderr", None) or ""
            print(
                f"setup failed: {error!r}\n{stderr if isinstance(stderr, str) else stderr.decode()}",
                file=sys.stderr,
            )
            return 2
        config["load_before"] = _load()
        print(f"{len(pages) + 2} loads of {args.warmup:g} + {args.duration:g} s each …", flush=True)
        wrk = Wrk(workdir / "status.lua", args.threads, args.connections)
        meter = CpuMeter([server.pid for server in servers], db)
        results, reference = run_pages(wrk, meter, pages, bare, args)
        config["load_after"] = _load()
        log_errors = servers[0].errors() + servers[1].errors()
        failed = verdict(results, log_errors)
        result = {
            "config": config,
            "rows": rows,
            "reference": reference,
            "pages": [asdict(r) for r in results],
            "server_log_errors": log_errors,
            "failed": failed,
            "ok": not failed,
        }
        print_table(result)
        if args.json:
            args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False))
        return 0 if result["ok"] else 1
    finally:
        for server in servers:
            server.stop()
        if args.keep:
            print(f"kept: {made or 'no database made'}, {workdir} (the servers' logs and files)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
            for url in made:
                drop_database(url)


if __name__ == "__main__":
    sys.exit(main())
