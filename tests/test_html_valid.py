"""HTML validity: every page of the product, in Finnish and in Swedish, passes the Nu Html
Checker (npm's vnu-jar, pinned in package-lock.json, run with the system's Java) with
zero errors.

The pages come from tests/pages.py. Besides each page as it opens, the checker sees:
- the error state of its forms: an empty POST (rolled back), when it answers 200 HTML;
- its htmx variants: the same GET and POST with HX-Request, when the answer is a
  fragment (wrapped in a minimal valid document) or a different whole document.

All documents of a language go to one run of vnu.jar, and every error is reported at
once with the page, its URL, the line and vnu's message. Warnings do not fail the test.
"""

import json
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client

from tests.pages import every_page

JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# C1 only (TieredStopAtLevel=1) checks these documents about three times as fast as the
# default JIT; it needs a deeper thread stack than the default for vnu's HTML schema.
JAVA = ("java", "-Xss4m", "-XX:TieredStopAtLevel=1")
FIX = "run `make test` (or `npm ci --ignore-scripts` at the repository root; Java: apt-get install default-jre-headless)"

# A fragment is checked inside this shell; its body starts on the shell's second line.
SHELL_HEAD = (
    '<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>fragment</title></head><body>\n'
)
SHELL_TAIL = "\n</body></html>\n"

# Genuine false positives of the checker, matched narrowly on the message. Empty: none
# has been needed; add one only with a comment saying why the checker is wrong.
IGNORED_ERRORS: tuple[re.Pattern, ...] = ()
# A fragment is a part of a page whose h1 stays outside it: the shell's missing h1 is ours.
FRAGMENT_WARNING = "none of them has a computed heading level of 1"

# Pages whose main state is the answer to a POST: that state is checked too.
POSTED_STATES = {
    # The import preview: a goal, a metric with a target, a follow-up and a line not placed.
    "plan_import": {
        "action": "read",
        "text": "Tavoitteet\n1. Talous (painoarvo 40 %)\n• Vuosikate vähintään 1,5 M€\nSeuranta: kesäkuu 2026\nMuuta",
    },
}

# A masked CSRF token (64 letters and digits) differs in every response.
CSRF_TOKEN = re.compile(rb"\b[A-Za-z0-9]{64}\b")


@dataclass
class Document:
    label: str  # the page and persona
    state: str  # "GET", "POST {}", "htmx GET (fragment)" …
    url: str
    fragment: bool = False

    def where(self, line: int | None) -> str:
        if line is None:
            return ""
        if self.fragment:
            return f", fragment line {line - 1}"
        return f", line {line}"


def is_html(response) -> bool:
    return response.status_code == 200 and response["Content-Type"].startswith("text/html")


def is_fragment(content: bytes) -> bool:
    return not content.lstrip()[:15].lower().startswith(b"<!doctype")


def client_for(demo, persona: str | None, language: str) -> Client:
    client = Client() if persona is None else demo.client(persona)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def collect(demo, language: str) -> tuple[list[tuple[Document, bytes]], list[str]]:
    """Every document to check, and the required pages that did not open."""
    documents, broken = [], []
    clients = {}
    for page in every_page(demo):
        if page.persona not in clients:
            clients[page.persona] = client_for(demo, page.persona, language)
        client = clients[page.persona]

        full = client.get(page.url)
        if page.required and not is_html(full):
            broken.append(
                f"{page.label} {page.url}: GET answered {full.status_code} {full.get('Content-Type')},"
                " expected 200 text/html"
            )
        add(documents, page, "GET", full)
        add(documents, page, "htmx GET", client.get(page.url, HTTP_HX_REQUEST="true"), same_as=full)
        # The forms' error states; whatever an empty POST changes is rolled back.
        post = post_empty(client, page.url, {})
        add(documents, page, "POST {}", post)
        add(
            documents,
            page,
            "htmx POST {}",
            post_empty(client, page.url, {"HTTP_HX_REQUEST": "true"}),
            same_as=post,
        )
        if page.label in POSTED_STATES:
            add(
                documents,
                page,
                "POST (its main state)",
                post_empty(client, page.url, {}, POSTED_STATES[page.label]),
            )
    return documents, broken


def post_empty(client, url, headers, data=None):
    """An empty POST, rolled back. A view that records a refusal (a failed login:
    suunta.audit's record_refusal) refuses to run inside transaction.atomic(); such a
    request writes nothing but its audit event, so it is sent again outside the block."""
    try:
        with transaction.atomic():
            response = client.post(url, data or {}, **headers)
            transaction.set_rollback(True)
    except RuntimeError as error:
        if "must run outside transaction.atomic()" not in str(error):
            raise
    else:
        return response
    return client.post(url, data or {}, **headers)


def add(documents, page, state, response, same_as=None) -> None:
    """Check a 200 HTML answer; an htmx variant only when it differs from `same_as`."""
    if not is_html(response):
        return
    if same_as is not None and is_html(same_as) and normalized(response) == normalized(same_as):
        return
    fragment = is_fragment(response.content)
    if fragment:
        state += " (fragment)"
    documents.append((Document(page.label, state, page.url, fragment), response.content))


def normalized(response) -> bytes:
    """The answer without its CSRF tokens, which differ in every response."""
    return CSRF_TOKEN.sub(b"", response.content)


def require_vnu() -> None:
    """Fail (never skip) at once when the checker cannot run."""
    if shutil.which("java") is None:
        pytest.fail(f"`java` is not on PATH: the Nu Html Checker needs Java 11+. Fix: {FIX}.")
    if not JAR.is_file():
        pytest.fail(f"{JAR} is missing (npm's vnu-jar is not installed). Fix: {FIX}.")


def run_vnu(directory: Path, names: list[str]) -> list[dict]:
    result = subprocess.run(
        [*JAVA, "-jar", str(JAR), "--format", "json", "--stdout", "--exit-zero-always", *names],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        return json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(
            f"vnu.jar failed (exit {result.returncode}): {result.stderr[-2000:] or result.stdout[-2000:]}"
        )


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_page_is_valid_html(demo, language, tmp_path):
    require_vnu()
    started = time.monotonic()
    documents, broken = collect(demo, language)
    collected = time.monotonic()
    names = []
    for number, (document, content) in enumerate(documents):
        name = f"{number:04d}.html"
        if document.fragment:
            content = (
                SHELL_HEAD.format(lang=language).encode() + content + SHELL_TAIL.encode()
            )  # charset: Django answers UTF-8
        (tmp_path / name).write_bytes(content)
        names.append(name)

    messages = run_vnu(tmp_path, names)
    print(
        f"{len(documents)} documents ({language}): requests {collected - started:.1f} s,"
        f" vnu {time.monotonic() - collected:.1f} s"
    )
    errors, warnings = [], []
    for message in messages:
        match = re.search(r"(\d{4})\.html$", message.get("url", ""))
        document = documents[int(match.group(1))][0] if match else None
        text = message.get("message", "")
        place = (
            f"{document.label} [{document.state}] {document.url}{document.where(message.get('lastLine'))}"
            if document
            else message.get("url", "?")
        )
        extract = message.get("extract", "").replace("\n", "⏎")
        line = f"{place}: {text}" + (f"\n      near: {extract}" if extract else "")
        if message.get("type") in ("error", "non-document-error"):
            if not any(pattern.search(text) for pattern in IGNORED_ERRORS):
                errors.append(line)
        elif message.get("subType") == "warning" and not (
            document and document.fragment and FRAGMENT_WARNING in text
        ):
            warnings.append(line)

    if warnings:
        print(f"vnu warnings ({language}, not failing the test):", *warnings, sep="\n  ")
    problems = broken + errors
    assert not problems, (
        f"{len(errors)} HTML error(s) in {len(documents)} documents ({language})"
        + (f" and {len(broken)} page(s) that did not open" if broken else "")
        + ":\n  "
        + "\n  ".join(problems)
    )
