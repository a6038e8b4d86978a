"""Shared helpers for the document tests (issue 8): rendering through the command and
the download view, reading the text back out of a PDF (poppler's pdftotext and pypdf)
and a DOCX (python-docx and Debian's LibreOffice), and the texts that must appear
verbatim and in order, or never."""

import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pypdf
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from suunta.agreements.models import Checkpoint, GoalArea, Metric
from suunta.documents import render as documents

from ..test_seed import parse_goals, read_seed, table_lines

SOFT_HYPHEN = "\u00ad"
# pdf.breakable() puts one into a very long run of letters and digits in a table cell
# (a user's own is replaced by "?", being outside the fonts).
ZERO_WIDTH_SPACE = "\u200b"
A4 = (595.276, 841.89)  # points


# --- Rendering ---------------------------------------------------------------------------


def render_with_command(
    tmp_path: Path, kind: str, plan, fmt: str = "pdf", lang: str = "fi", **extra
) -> bytes:
    output = tmp_path / f"{kind}-{plan.pk}-{lang}.{fmt}"
    args = [kind, str(plan.pk), "--format", fmt, "--lang", lang, "--output", str(output)]
    if "checkpoint" in extra:
        args += ["--checkpoint", str(extra["checkpoint"])]
    call_command("render_document", *args, stdout=io.StringIO())
    return output.read_bytes()


def download_url(plan, kind: str, fmt: str) -> str:
    return reverse("document_download", args=[plan.pk, kind, fmt])


def preview_url(plan, kind: str) -> str:
    return reverse("document_preview", args=[plan.pk, kind])


def render_direct(version, kind: str, fmt: str, lang: str, checkpoint_number: int | None = None) -> bytes:
    """Through render.render() as the view does, without a request."""
    checkpoint = documents.checkpoint_of(version, checkpoint_number, kind)
    body, _name, _type = documents.render(documents.Request(kind, version, lang, checkpoint), fmt)
    return body


def build_content(version, kind: str, lang: str, checkpoint_number: int | None = None) -> dict:
    checkpoint = documents.checkpoint_of(version, checkpoint_number, kind)
    return documents.build(documents.Request(kind, version, lang, checkpoint))


# --- Reading the text back --------------------------------------------------------------


def require_tool(name: str, package: str) -> str:
    """The tool's path; a missing tool fails the run (never a skip)."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"`{name}` is missing: the document tests need Debian's {package} (apt-get install {package}).",
            pytrace=False,
        )
    return path


def pdftotext(body: bytes, first: int | None = None, last: int | None = None) -> str:
    """Poppler's text in content order (-raw). Poppler reads Typst's /ActualText, so a
    hyphenation break comes out as a soft hyphen (U+00AD) and a line break."""
    exe = require_tool("pdftotext", "poppler-utils")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "document.pdf"
        path.write_bytes(body)
        args = [exe, "-raw", "-enc", "UTF-8"]
        if first is not None:
            args += ["-f", str(first), "-l", str(last or first)]
        result = subprocess.run([*args, str(path), "-"], capture_output=True, check=True, timeout=60)
    return result.stdout.decode("utf-8")


def pypdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages)


def normalise(text: str) -> str:
    """Whitespace collapsed; a soft hyphen or zero-width space (a break point, never a
    character of the text) is removed with the line break after it."""
    text = re.sub(f"[{SOFT_HYPHEN}{ZERO_WIDTH_SPACE}]" + r"\s*", "", text)
    return re.sub(r"\s+", " ", text).strip()


def normalise_pypdf(text: str) -> str:
    """pypdf ignores /ActualText: where the hyphen glyph also stands for a real "-" in
    the same font (the regular-weight table cells), a hyphenation break comes out as
    "-" and a line break. Only a "-" that ends a line between two letters is joined."""
    text = re.sub(r"(?<=[^\W\d_])-\n(?=[^\W\d_])", "", text)
    return normalise(text)


def squeeze(text: str) -> str:
    """No whitespace at all (for table headers, which break after "/" without a space)."""
    return re.sub(r"\s+", "", text.replace(SOFT_HYPHEN, "").replace(ZERO_WIDTH_SPACE, ""))


def docx_text(body: bytes) -> str:
    """python-docx: body paragraphs and table cells in document order, then header and
    footer."""

    document = Document(io.BytesIO(body))
    parts = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            parts.append(Paragraph(block, document).text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                for cell in row.cells:
                    parts.append(cell.text)
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
        parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def soffice_convert(body: bytes, workdir: Path, target: str) -> bytes:
    """The DOCX converted by Debian's LibreOffice (`target`: "pdf" or a text filter), with
    its own profile (no lock on the user's) and HOME in the work directory."""
    exe = require_tool("soffice", "libreoffice-writer-nogui")
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / "document.docx"
    source.write_bytes(body)
    profile = workdir / "lo-profile"
    env = {**os.environ, "HOME": str(workdir / "home")}
    result = subprocess.run(
        [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(workdir),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        env=env,
    )
    converted = workdir / f"document.{target.split(':')[0]}"
    assert result.returncode == 0 and converted.exists(), (
        f"LibreOffice did not convert the DOCX (exit {result.returncode}):\n"
        f"{result.stdout.decode(errors='replace')}\n{result.stderr.decode(errors='replace')}"
    )
    return converted.read_bytes()


def soffice_text(body: bytes, workdir: Path) -> str:
    """The DOCX as plain text, by LibreOffice."""
    return soffice_convert(body, workdir, "txt:Text (encoded):UTF8").decode("utf-8-sig")


def soffice_pdf(body: bytes, workdir: Path) -> bytes:
    """The DOCX laid out as a PDF by LibreOffice."""
    return soffice_convert(body, workdir, "pdf")


def assert_in_order(text: str, expected: list[str], what: str = "document") -> None:
    """Every expected text occurs in `text`, verbatim, each after the one before."""
    position = 0
    for item in expected:
        found = text.find(item, position)
        if found < 0:
            elsewhere = text.find(item)
            where = "not at all" if elsewhere < 0 else f"only before position {position} (at {elsewhere})"
            context = text[max(0, position - 80) : position + 300]
            pytest.fail(f"{what}: {item!r} occurs {where}.\nText after the previous match:\n{context!r}")
        position = found + len(item)


# --- Expected texts ---------------------------------------------------------------------


def seed_texts() -> list[str]:
    """The seed's goal titles and metrics, in the seed's order."""
    goals = parse_goals(table_lines(read_seed())[1])
    assert len(goals) == 6, goals
    return [text for goal in goals for text in (goal.title, *goal.metrics)]


def goals_of(version) -> list[GoalArea]:
    return list(GoalArea.objects.filter(version=version).order_by("order", "id").prefetch_related("metrics"))


def plan_texts(version, lang: str) -> list[str]:
    """The version's goal titles and metric texts as shown in `lang`, in order."""
    with translation.override(lang):
        texts = []
        for goal in goals_of(version):
            texts.append(goal.display_title)
            texts += [m.display_text for m in Metric.objects.filter(goal_area=goal).order_by("order", "id")]
        return texts


def checkpoints_of(version) -> list[Checkpoint]:
    return list(Checkpoint.objects.filter(version=version).order_by("order", "window_start", "id"))


def label(msgid: str, language: str, /, **params) -> str:
    """Our message in `language`, as the catalogue has it."""
    with translation.override(language):
        text = translation.gettext(msgid)
    return text % params if params else text
