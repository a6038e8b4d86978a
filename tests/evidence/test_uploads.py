"""uploads.py on its own: names are sanitized, the content decides the type, zips are
never extracted."""

import io
import unicodedata
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files import File

from suunta.evidence import uploads
from suunta.evidence.models import NAME_MAX

from ..helpers import fi
from . import files


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\win.ini.pdf", "win.ini.pdf"),
        ("C:\\Users\\kp\\Työpöytä\\Väliraportti.docx", "Väliraportti.docx"),
        ("raportti\x00\x07\x1b[31m.pdf", "raportti[31m.pdf"),
        ("rivi\nkaksi\tkolme.pdf", "rivi kaksi kolme.pdf"),
        ("kuva\u202egnp.exe.pdf", "kuvagnp.exe.pdf"),  # a bidi override hides the real name
        ('Åke "lainaus" <tagi>|?*:.xlsx', "Åke lainaus tagi.xlsx"),
        ("  ..piilotettu.pdf. ", "piilotettu.pdf"),
        ("Sää ja työ – yhteenveto.png", "Sää ja työ – yhteenveto.png"),
    ],
)
def test_names_are_sanitized(raw, clean):
    assert uploads.sanitize_name(raw) == clean


def test_names_are_nfc():
    decomposed = unicodedata.normalize("NFD", "Päätös.pdf")
    assert decomposed != "Päätös.pdf"
    assert uploads.sanitize_name(decomposed) == "Päätös.pdf"


def test_long_names_are_capped_and_keep_their_extension():
    name = uploads.sanitize_name("ä" * 400 + ".docx")
    assert len(name) == NAME_MAX
    assert name.endswith(".docx")


@pytest.mark.parametrize("raw", ["", "..", "/", "\x00\x01", "...pdf"])
def test_a_name_with_nothing_left_gets_a_neutral_one(raw):
    name = uploads.sanitize_name(raw)
    assert name and "/" not in name and ".." not in name
    assert name.startswith(fi("evidence"))


@pytest.mark.parametrize("name", sorted(files.ALLOWED))
def test_each_allowed_type_passes_by_its_content(name):
    content_type, build = files.ALLOWED[name]
    checked = uploads.check(files.upload(name, build()))
    assert (checked.name, checked.content_type) == (name, content_type)


def test_the_extension_is_case_insensitive():
    assert uploads.check(files.upload("SKANNAUS.PDF", files.pdf())).content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("sivu.pdf", files.html()),
        ("ohjelma.pdf", files.exe()),
        ("kuva.docx", files.png()),
        ("kuva.png", files.jpeg()),
        ("kuva.jpg", files.png()),
        ("taulukko.docx", files.xlsx()),
        ("asiakirja.xlsx", files.docx()),
        ("paketti.docx", files.zip_without_document()),
        ("rikki.docx", b"PK\x03\x04" + b"\x00" * 200),
        ("liite.pdf", b" %PDF-1.4 leading space"),
    ],
)
def test_a_lying_extension_is_refused(name, content):
    with pytest.raises(ValidationError) as error:
        uploads.check(files.upload(name, content))
    assert error.value.code == "content_mismatch"
    assert name in error.value.messages[0]


def test_zip_members_are_never_extracted(monkeypatch):
    """A "zip bomb" costs nothing: only the archive's table of contents is read."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * (50 * 1024 * 1024))  # 50 MB of zeros
    assert len(out.getvalue()) < 200_000

    def refuse(*args, **kwargs):
        raise AssertionError("a zip member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "read", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "extract", refuse)
    assert uploads.check(files.upload("iso.docx", out.getvalue())).content_type.endswith("document")


@pytest.mark.parametrize("name", ["asennus.exe", "sivu.html", "skripti.js", "ilman-päätettä", "arkisto.zip"])
def test_other_types_are_refused(name):
    with pytest.raises(ValidationError) as error:
        uploads.check(files.upload(name, files.pdf()))
    assert error.value.code == "file_type"
    assert name in error.value.messages[0]


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as error:
        uploads.check(files.upload("tyhjä.pdf", b""))
    assert error.value.messages == [fi("“%(name)s” is empty.", name="tyhjä.pdf")]


def test_the_limit_is_inclusive(settings):
    settings.EVIDENCE_MAX_BYTES = len(files.pdf())
    assert uploads.check(files.upload("raja.pdf", files.pdf())).size == settings.EVIDENCE_MAX_BYTES
    with pytest.raises(ValidationError) as error:
        uploads.check(files.upload("yli.pdf", files.pdf() + b"\n"))
    assert error.value.code == "too_large"


def test_check_reads_the_name_the_caller_gave_not_a_cleaned_one():
    """Service callers may pass any file object: the name is sanitized here too."""
    checked = uploads.check(File(io.BytesIO(files.pdf()), name="../../etc/passwd.pdf"))
    assert checked.name == "passwd.pdf"


def test_accept_lists_every_allowed_type():
    accept = uploads.ACCEPT.split(",")
    for extension in (".pdf", ".docx", ".xlsx", ".png", ".jpg", ".jpeg"):
        assert extension in accept
    for content_type, _build in files.ALLOWED.values():
        assert content_type in accept


def test_stored_names_are_random_and_refuse_anything_else(evidence_root):
    stored, _sha256, size = uploads.store(files.upload("a.pdf", files.pdf()))
    assert uploads.STORED_NAME.match(stored)
    assert (evidence_root / stored).read_bytes() == files.pdf()
    assert (evidence_root / stored).stat().st_mode & 0o777 == 0o600
    assert size == len(files.pdf())
    for bad in ("../x", "", "a.pdf", stored + "/.."):
        with pytest.raises(ValueError):
            uploads.open_stored(bad)
