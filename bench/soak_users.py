"""The simulated users of the soak test (bench/soak.py): locust users over plain HTTP.

Each user logs in through the login form as a demo persona and then, with a think time
of THINK_TIME seconds between tasks, does what that persona does most:

- everyone reads the front page, the approved 2025 plan, the strategy map, the 2025
  plan's first (agreed) follow-up and a metric's page with its values;
- the chief of staff (`kansliapaallikko`) and the preparer (`valmistelija`) also write
  metric values: the metric's page, its form posted with the page's one-time key, and
  the page the answer redirects to, as a browser does. Every value has a day of its own
  (SLOTS, one value per metric and day is the rule) and a comment that names the run
  and the write, so that bench/soak.py can count each answer against the rows;
- the chief of staff also saves the self-assessment of the follow-up open today, every
  goal's text made unique, as a draft.

Every write is entered in the ledger (Shared.ledger) with its answer's status and
request id. No retries: a POST is sent once (FastHttpUser's max_retries is 0).

Importing locust patches the standard library for gevent (sockets, threads, time), so
this module is imported by bench/soak.py only, never by the test suite's processes.
"""

from __future__ import annotations

import html
import itertools
import re
import urllib.parse
from collections import deque
from dataclasses import dataclass, field

from locust import FastHttpUser, between, task

PASSWORD = "suunta-demo"
THINK_TIME = (1, 3)  # seconds between two tasks of one user

_ONCE_KEY = re.compile(r'name="once_key" value="([^"]+)"')
_OWN_TEXT = re.compile(r'name="(own-(\d+)-text)"')
_ERRORS = re.compile(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S)


@dataclass
class Targets:
    """The demo's ids the users need (found by SQL in bench/soak.py)."""

    plan: int  # the approved 2025 plan of the chief of staff
    organization: str  # its organization's slug (the strategy map)
    followup: tuple[int, int]  # (plan, checkpoint): the 2025 plan's first, agreed follow-up
    metric: tuple[int, int]  # (plan, metric): a metric with values, read
    open_followup: tuple[int, int]  # (plan, checkpoint) of the follow-up open today


@dataclass
class Write:
    kind: str  # "value" or "assessment"
    marker: str  # the comment (value) or the text prefix (assessment), unique in the run
    status: int  # the answer's status; 0 when there was none (connection error)
    request_id: str
    detail: dict = field(default_factory=dict)


class Shared:
    """What every simulated user of one run shares; set by bench/soak.py (configure)."""

    targets: Targets
    run: str = ""
    slots: deque = deque()  # (plan, metric, "YYYY-MM-DD") still free for a value
    ledger: list[Write] = []
    slots_ran_out = 0
    numbers = itertools.count(1)


def configure(targets: Targets, run: str, slots: list[tuple[int, int, str]]) -> None:
    Shared.targets = targets
    Shared.run = run
    Shared.slots = deque(slots)
    Shared.ledger = []
    Shared.slots_ran_out = 0
    Shared.numbers = itertools.count(1)


def _errors(text: str) -> str:
    """The form's error messages, for a write that was not accepted."""
    found = [re.sub(r"<[^>]+>", " ", m) for m in _ERRORS.findall(text or "")]
    return html.unescape(" | ".join(" ".join(f.split()) for f in found))[:300]


class _DemoUser(FastHttpUser):
    abstract = True
    username = ""
    wait_time = between(*THINK_TIME)
    network_timeout = 60.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        self._read("/accounts/login/", "login page")
        with self.client.post(
            "/accounts/login/",
            data=self._form({"username": self.username, "password": PASSWORD}),
            headers=self._headers(),
            allow_redirects=False,
            name="login POST",
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"login as {self.username}: {answer.status_code}")

    # --- helpers -------------------------------------------------------------------

    def _cookie(self, name: str) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == name), "")

    def _headers(self) -> dict:
        return {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": self._cookie("csrftoken"),
        }

    def _form(self, data: dict) -> str:
        return urllib.parse.urlencode({"csrfmiddlewaretoken": self._cookie("csrftoken"), **data})

    def _read(self, path: str, name: str):
        """A page that must answer 200 itself: a redirect (to the login page, say) fails."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code != 200:
                location = (answer.headers or {}).get("Location", "")
                answer.failure(f"expected 200, got {answer.status_code} {location}")
        return answer

    def _follow(self, answer, name: str) -> None:
        location = (answer.headers or {}).get("Location") or ""
        if answer.status_code == 302 and location:
            self._read(urllib.parse.urlsplit(location).path or "/", name)

    # --- reading -------------------------------------------------------------------

    @task(4)
    def front_page(self) -> None:
        self._read("/", "front page")

    @task(3)
    def plan_page(self) -> None:
        self._read(f"/plans/{Shared.targets.plan}/", "plan page")

    @task(2)
    def strategy_map(self) -> None:
        self._read(f"/organizations/{Shared.targets.organization}/strategy/map/", "strategy map")

    @task(2)
    def followup_page(self) -> None:
        plan, checkpoint = Shared.targets.followup
        self._read(f"/plans/{plan}/followup/{checkpoint}/", "follow-up page")

    @task(2)
    def metric_page(self) -> None:
        plan, metric = Shared.targets.metric
        self._read(f"/plans/{plan}/metrics/{metric}/", "metric page")


class _Writer(_DemoUser):
    abstract = True

    @task(3)
    def write_metric_value(self) -> None:
        if not Shared.slots:
            Shared.slots_ran_out += 1
            self.metric_page()
            return
        plan, metric, day = Shared.slots.popleft()
        page = self._read(f"/plans/{plan}/metrics/{metric}/", "metric page")
        key = _ONCE_KEY.search(page.text or "")
        number = next(Shared.numbers)
        comment = f"soak {Shared.run} {number}"
        data = {"measured_on": day, "value": f"{1000 + number},5", "comment": comment}
        if key:
            data["once_key"] = key.group(1)
        with self.client.post(
            f"/plans/{plan}/metrics/{metric}/values/",
            data=self._form(data),
            headers=self._headers(),
            allow_redirects=False,
            name="metric value POST",
            catch_response=True,
        ) as answer:
            status = answer.status_code or 0
            Shared.ledger.append(
                Write(
                    "value",
                    comment,
                    status,
                    answer.headers.get("X-Request-ID", "") if answer.headers else "",
                    {"plan": plan, "metric": metric, "day": day, "errors": _errors(answer.text)},
                )
            )
            if status != 302:
                answer.failure(f"expected 302, got {status}: {_errors(answer.text)}")
        self._follow(answer, "metric page")


class Executive(_Writer):
    """The chief of staff: reads, writes metric values and the self-assessment."""

    weight = 2
    username = "kansliapaallikko"

    @task(1)
    def save_self_assessment(self) -> None:
        plan, checkpoint = Shared.targets.open_followup
        path = f"/plans/{plan}/followup/{checkpoint}/"
        with self.client.get(
            path, name="open follow-up page", allow_redirects=False, catch_response=True
        ) as page:
            fields = _OWN_TEXT.findall(page.text or "") if page.status_code == 200 else []
            if not fields:
                page.failure(f"no self-assessment form: {page.status_code}")
                return
        number = next(Shared.numbers)
        marker = f"soak {Shared.run} {number}"
        texts = {goal: f"{marker} goal {goal}" for _name, goal in fields}
        data = {name: texts[goal] for name, goal in fields}
        with self.client.post(
            f"/plans/{plan}/followup/{checkpoint}/own/",
            data=self._form(data),
            headers=self._headers(),
            allow_redirects=False,
            name="self-assessment POST",
            catch_response=True,
        ) as answer:
            status = answer.status_code or 0
            Shared.ledger.append(
                Write(
                    "assessment",
                    marker,
                    status,
                    answer.headers.get("X-Request-ID", "") if answer.headers else "",
                    {
                        "texts": {int(goal): text for goal, text in texts.items()},
                        "errors": _errors(answer.text),
                    },
                )
            )
            if status != 302:
                answer.failure(f"expected 302, got {status}: {_errors(answer.text)}")
        self._follow(answer, "open follow-up page")


class Preparer(_Writer):
    """The preparer: reads and keeps the metric values up to date."""

    weight = 2
    username = "valmistelija"


class Mayor(_DemoUser):
    """An evaluator: reads."""

    weight = 1
    username = "pormestari"


class BoardMember(_DemoUser):
    """A board member: reads."""

    weight = 1
    username = "hallitus"


USERS = [Executive, Preparer, Mayor, BoardMember]
