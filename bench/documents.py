"""Benchmark: rendering the demo's documents in-process, beside LibreOffice.

    DEBUG=1 .venv/bin/python bench/documents.py [--runs 50] [--soffice-runs 5]

Without DATABASE_URL it builds a throwaway SQLite database in a temporary directory
(migrate + load_demo); with DATABASE_URL it reads that database, which must hold the
demo (`manage.py load_demo`). Measured, as medians of in-process runs after one warm-up:

- the annex as PDF/A: content (database queries) + Typst compile, and each part alone,
  and with texts new each run (nothing of them in Typst's layout cache);
- the annex as PDF/A as a repeat download of the approved version gets it: content +
  the file from the shared cache (render.render);
- the annex as DOCX (content + python-docx);
- the follow-up report of checkpoint 1 with its charts as PDF/A;
- LibreOffice (`soffice --headless --convert-to pdf`) converting the annex DOCX: a new
  process per run, as a server would call it, with its profile made before timing.

The ratio compares LibreOffice with the annex PDF/A (content + compile) of the same
content, in the same run. Not part of the test suite. Figures: docs/performance.md.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLAN_TITLE = "Kansliapäällikön tavoitteet 2025"


def setup_django(workdir: Path) -> str:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suunta.settings")
    os.environ.setdefault("DEBUG", "1")
    throwaway = "DATABASE_URL" not in os.environ
    if throwaway:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    import django  # noqa: PLC0415

    django.setup()
    if throwaway:
        from django.core.management import call_command  # noqa: PLC0415

        from suunta.demo.loader import load_demo  # noqa: PLC0415

        call_command("migrate", verbosity=0)
        load_demo()
        return "throwaway SQLite (migrate + load_demo)"
    from django.db import connection  # noqa: PLC0415

    return f"DATABASE_URL ({connection.vendor})"


def median_ms(function, runs: int) -> tuple[float, float, float]:
    """(median, min, max) in milliseconds after one warm-up call. A function taking an
    argument gets the run's number (0 for the warm-up, then 1 to runs)."""
    takes_run = function.__code__.co_argcount == 1

    def call(number):
        return function(number) if takes_run else function()

    call(0)
    times = []
    for number in range(1, runs + 1):
        start = time.perf_counter()
        call(number)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def variants(content: dict, runs: int) -> list[dict]:
    """The content with every user text changed (" 1", " 2", …), one per run and one
    for the warm-up: Typst memoizes layout, so compiling the very same input again is
    far cheaper than compiling a document it has not seen (a plan just edited, another
    plan, another language)."""
    result = []
    for number in range(runs + 1):
        copy = json.loads(json.dumps(content))
        copy["title"] += f" {number}"
        for section in copy["sections"]:
            section["paragraphs"] = [f"{p} {number}" for p in section.get("paragraphs", [])]
            section["items"] = [f"{i} {number}" for i in section.get("items", [])]
        for row in copy["table"]["rows"]:
            row["goal"] += f" {number}"
            row["metrics"] = [f"{m} {number}" for m in row["metrics"]]
            row["followups"] = [f"{f} {number}" for f in row["followups"]]
        result.append(copy)
    return result


def soffice_ms(docx: Path, workdir: Path, runs: int) -> tuple[float, float, float]:
    exe = shutil.which("soffice")
    if exe is None:
        sys.exit("soffice is missing: apt-get install libreoffice-writer-nogui")
    profile = workdir / "lo-profile"
    env = {**os.environ, "HOME": str(workdir / "home")}
    command = [
        exe,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(workdir / "lo-out"),
        str(docx),
    ]

    def convert():
        result = subprocess.run(command, capture_output=True, env=env, timeout=300)
        if result.returncode != 0 or not (workdir / "lo-out" / f"{docx.stem}.pdf").exists():
            sys.exit(f"LibreOffice failed: {result.stderr.decode(errors='replace')}")

    return median_ms(convert, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--soffice-runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="suunta-bench-") as tmp:
        workdir = Path(tmp)
        database = setup_django(workdir)
        from django.conf import settings  # noqa: PLC0415

        # DEBUG=1 only spares the command a SECRET_KEY: with it Django would also log
        # every query (on SQLite running one more statement per query to quote its
        # parameters), which no server does. The timed runs go without; the query
        # counts below are captured on purpose.
        settings.DEBUG = False

        from django.db import connection  # noqa: PLC0415
        from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

        from suunta.agreements.models import GoalPlan  # noqa: PLC0415
        from suunta.documents import docx, pdf  # noqa: PLC0415
        from suunta.documents import render as documents  # noqa: PLC0415

        plan = GoalPlan.objects.filter(title=PLAN_TITLE).first()
        if plan is None:
            sys.exit(f"No plan {PLAN_TITLE!r} in the database: run `manage.py load_demo` first.")
        version = plan.latest_version()
        checkpoint = documents.checkpoint_of(version, 1, "followup-report")
        annex = documents.Request("annex", version, "fi")
        report = documents.Request("followup-report", version, "fi", checkpoint)

        content = documents.build(annex)
        report_content = documents.build(report)
        with CaptureQueriesContext(connection) as annex_queries:
            documents.build(annex)
        with CaptureQueriesContext(connection) as report_queries:
            documents.build(report)

        start = time.perf_counter()
        pdf.render(content)
        cold = (time.perf_counter() - start) * 1000  # the first compile loads the fonts

        annex_pdf = pdf.render(content)
        annex_docx = docx.render(content)
        report_pdf = pdf.render(report_content)
        docx_path = workdir / "annex.docx"
        docx_path.write_bytes(annex_docx)

        runs = args.runs
        fresh_annex = variants(content, runs)
        fresh_report = variants(report_content, runs)

        def annex_fresh(number):
            documents.build(annex)  # the queries, as for a request
            return pdf.render(fresh_annex[number])

        def report_fresh(number):
            documents.build(report)
            return pdf.render(fresh_report[number])

        charts = len(report_content.get("charts", []))
        rows = [
            (
                "annex PDF/A: content + Typst compile",
                median_ms(lambda: pdf.render(documents.build(annex)), runs),
            ),
            ("annex PDF/A: Typst compile alone", median_ms(lambda: pdf.render(content), runs)),
            (
                f"annex content alone ({len(annex_queries)} queries)",
                median_ms(lambda: documents.build(annex), runs),
            ),
            ("annex PDF/A, texts new each run: content + compile", median_ms(annex_fresh, runs)),
            (
                "annex PDF/A, texts new each run: compile alone",
                median_ms(lambda n: pdf.render(fresh_annex[n]), runs),
            ),
            (
                "annex DOCX: content + python-docx",
                median_ms(lambda: docx.render(documents.build(annex)), runs),
            ),
            ("annex DOCX: python-docx alone", median_ms(lambda: docx.render(content), runs)),
            (
                f"follow-up report 1 PDF/A ({charts} charts): content + compile",
                median_ms(lambda: pdf.render(documents.build(report)), runs),
            ),
            (
                "follow-up report 1 PDF/A: Typst compile alone",
                median_ms(lambda: pdf.render(report_content), runs),
            ),
            (
                f"follow-up report 1 content alone ({len(report_queries)} queries)",
                median_ms(lambda: documents.build(report), runs),
            ),
            ("follow-up report 1, texts new each run: content + compile", median_ms(report_fresh, runs)),
            (
                "annex PDF/A, repeat download: content + file from the cache",
                median_ms(lambda: documents.render(annex, "pdf"), runs),
            ),
            (
                "annex DOCX, repeat download: content + file from the cache",
                median_ms(lambda: documents.render(annex, "docx"), runs),
            ),
        ]
        soffice = soffice_ms(docx_path, workdir, args.soffice_runs)
        rows.append((f"LibreOffice DOCX → PDF ({args.soffice_runs} runs, new process each)", soffice))

        print(
            f"Suunta document benchmark — {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        )
        print(f"Database: {database}; {runs} in-process runs, medians after one warm-up.")
        print(
            f"Sizes: annex PDF/A {len(annex_pdf):,} B, DOCX {len(annex_docx):,} B, report PDF/A {len(report_pdf):,} B"
        )
        print(f"First (cold) Typst compile in this process: {cold:.1f} ms")
        print()
        width = max(len(name) for name, _ in rows)
        print(f"{'':{width}}  {'median':>9}  {'min':>9}  {'max':>9}")
        for name, (med, low, high) in rows:
            print(f"{name:{width}}  {med:7.1f} ms  {low:7.1f} ms  {high:7.1f} ms")
        annex_same = rows[0][1][0]
        annex_new = rows[3][1][0]
        report_same = rows[7][1][0]
        report_new = rows[10][1][0]
        print()
        print(f"LibreOffice / annex PDF/A, same input again:  {soffice[0] / annex_same:.0f}×")
        print(f"LibreOffice / annex PDF/A, texts new each run: {soffice[0] / annex_new:.0f}×")
        print(f"LibreOffice / annex PDF/A, repeat download (cache): {soffice[0] / rows[11][1][0]:.0f}×")

        def verdict(ok: bool) -> str:
            return "met" if ok else "MISSED"

        print("Targets:")
        print(
            f"  annex PDF/A ≤ 10 ms: same input {verdict(annex_same <= 10)} ({annex_same:.1f} ms), "
            f"new texts {verdict(annex_new <= 10)} ({annex_new:.1f} ms)"
        )
        print(
            f"  ≥ 100× faster than LibreOffice: same input {verdict(soffice[0] / annex_same >= 100)}, "
            f"new texts {verdict(soffice[0] / annex_new >= 100)}"
        )
        print(
            f"  follow-up report with charts ≤ 50 ms: same input {verdict(report_same <= 50)} "
            f"({report_same:.1f} ms), new texts {verdict(report_new <= 50)} ({report_new:.1f} ms)"
        )


if __name__ == "__main__":
    main()
