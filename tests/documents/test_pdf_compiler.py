"""pdf.render's compiler reads each document's data from a file of its process's own
(so that Typst's layout cache survives from one document to the next): every compile
reads the data of its own document, however quickly they follow each other, and no
text is left in the file after it."""

import io
import os
import shutil

import pypdf
import pytest

from suunta.documents import pdf

from .common import build_content

pytestmark = pytest.mark.django_db


def title_of(body: bytes) -> str:
    return pypdf.PdfReader(io.BytesIO(body)).metadata.title


def test_each_compile_reads_its_own_documents_data(demo):
    content = build_content(demo.plan.latest_version(), "annex", "fi")
    first = pdf.render(content)
    titles = [f"{content['title']} {n}" for n in range(8)]
    bodies = [pdf.render({**content, "title": title}) for title in titles]
    assert [title_of(body) for body in bodies] == titles
    assert pdf.render(content) == first


def test_no_text_is_left_in_the_data_file(demo):
    pdf.render(build_content(demo.plan.latest_version(), "annex", "fi"))
    _compiler, data_file = pdf._compiler()
    assert data_file.read_bytes() == b""


def test_a_forked_process_gets_a_directory_of_its_own(monkeypatch):
    _compiler, ours = pdf._compiler()
    monkeypatch.setattr(os, "getpid", lambda: -1)
    monkeypatch.setattr(pdf, "_COMPILERS", dict(pdf._COMPILERS))
    _compiler, theirs = pdf._compiler()
    assert theirs.parent != ours.parent


def test_a_directory_removed_under_a_running_server_is_made_again(demo):
    content = build_content(demo.plan.latest_version(), "annex", "fi")
    first = pdf.render(content)
    _compiler, data_file = pdf._compiler()
    shutil.rmtree(data_file.parent)
    assert pdf.render(content) == first
    assert pdf._compiler()[1].parent != data_file.parent


def test_only_the_process_that_made_the_directory_removes_it(tmp_path, monkeypatch):
    workdir = tmp_path / "typst"
    workdir.mkdir()
    pdf._remove(workdir, os.getpid() + 1)  # a forked child exiting
    assert workdir.exists()
    pdf._remove(workdir, os.getpid())
    assert not workdir.exists()
