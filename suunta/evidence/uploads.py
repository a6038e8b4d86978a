"""Checking and storing uploaded evidence files.

The CONTENT decides, not the name: a file whose bytes are not what its extension
says (an HTML page or a program renamed .pdf, a PNG renamed .docx) is refused. Office
files are zip archives: their table of contents is read, nothing is extracted, so a
zip bomb costs nothing. Files are written under a random name with mode 0600 into
the evidence storage (storages["evidence"], storage.py): the file system under
settings.EVIDENCE_ROOT, written atomically, or an S3-compatible object store.
"""

import hashlib
import os
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import NAME_MAX
from .storage import evidence_storage

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"
MAX_ZIP_ENTRIES = 10_000  # a real document has dozens; more is a crafted archive
MAX_FILES_AT_ONCE = 10
HEAD_BYTES = 16
STORED_NAME = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class FileType:
    label: str  # what users call it: "PDF"
    content_type: str
    extensions: tuple[str, ...]


PDF_TYPE = FileType("PDF", "application/pdf", (".pdf",))
DOCX_TYPE = FileType("DOCX", DOCX, (".docx",))
XLSX_TYPE = FileType("XLSX", XLSX, (".xlsx",))
PNG_TYPE = FileType("PNG", "image/png", (".png",))
JPEG_TYPE = FileType("JPEG", "image/jpeg", (".jpg", ".jpeg"))
TYPES = (PDF_TYPE, DOCX_TYPE, XLSX_TYPE, PNG_TYPE, JPEG_TYPE)
BY_EXTENSION = {ext: t for t in TYPES for ext in t.extensions}
# For <input type="file" accept="...">: extensions and media types both.
ACCEPT = ",".join([*BY_EXTENSION, *dict.fromkeys(t.content_type for t in TYPES)])
ALLOWED_LABELS = gettext_lazy("PDF, DOCX, XLSX, PNG or JPEG")
# Characters Windows refuses in file names, and quotes that would confuse a header.
_UNSAFE = set('<>:"|?*\\/')


@dataclass(frozen=True)
class CheckedFile:
    name: str  # sanitized original name
    content_type: str
    size: int


def max_megabytes() -> str:
    """The size limit in megabytes, in the active language's number format."""
    megabytes = settings.EVIDENCE_MAX_BYTES / (1024 * 1024)
    return formats.number_format(megabytes, 0 if megabytes == int(megabytes) else 1)


def sanitize_name(name: str) -> str:
    """The file name to keep: the last path component only, NFC, without control,
    formatting (e.g. bidi overrides) or path characters, whitespace collapsed,
    length-capped with the extension kept. Finnish and Swedish letters stay."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if ch.isspace() or (unicodedata.category(ch)[0] not in "CZ" and ch not in _UNSAFE)
    )
    name = re.sub(r"\s+", " ", name).strip(" ")
    stem, dot, extension = name.rpartition(".")
    if not dot or not extension or len(extension) > 10 or " " in extension:
        stem, extension = name, ""
    else:
        extension = f".{extension}"
    # No leading dots (hidden files), none at the end (Windows drops them).
    stem = stem.strip(" .")[: NAME_MAX - len(extension)].rstrip(" .") or _("evidence")
    return unicodedata.normalize("NFC", stem + extension)


def _matches(kind: FileType, upload) -> bool:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if kind is PDF_TYPE:
        return head.startswith(b"%PDF-")
    if kind is PNG_TYPE:
        return head.startswith(PNG_SIGNATURE)
    if kind is JPEG_TYPE:
        return head.startswith(b"\xff\xd8\xff")
    required = "word/document.xml" if kind is DOCX_TYPE else "xl/workbook.xml"
    if not head.startswith(ZIP_SIGNATURE):
        return False
    try:
        # Only the central directory is read; no member is decompressed.
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                return False
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and required in names


def check(upload) -> CheckedFile:
    """The upload's sanitized name and real type, or a ValidationError naming the file."""
    name = sanitize_name(getattr(upload, "name", ""))
    extension = os.path.splitext(name)[1].lower()
    kind = BY_EXTENSION.get(extension)
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is not an allowed type of file. Allowed types: %(types)s.")
            % {"name": name, "types": ALLOWED_LABELS},
            code="file_type",
        )
    size = upload.size
    if not size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    if size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; a file may be at most %(limit)s MB.")
            % {"name": name, "size": filesizeformat(size), "limit": max_megabytes()},
            code="too_large",
        )
    if not _matches(kind, upload):
        raise ValidationError(
            _("“%(name)s” is not a real %(type)s file: its content does not match its name.")
            % {"name": name, "type": kind.label},
            code="content_mismatch",
        )
    return CheckedFile(name=name, content_type=kind.content_type, size=size)


def check_all(uploads) -> list[CheckedFile]:
    """Every upload checked; one message per refused file, raised together."""
    uploads = list(uploads)
    if len(uploads) > MAX_FILES_AT_ONCE:
        raise ValidationError(
            {"files": _("Attach at most %(count)s files at a time.") % {"count": MAX_FILES_AT_ONCE}}
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check(upload))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"files": errors})
    return checked


# --- Storage ---------------------------------------------------------------------------------
# Through storages["evidence"] only (storage.py): the file system under EVIDENCE_ROOT by
# default, an S3-compatible object store by configuration.


def storage():
    return evidence_storage()


def _checked(stored_name: str) -> str:
    """One of our own random names, or ValueError (never a path from outside)."""
    if not STORED_NAME.match(stored_name or ""):
        raise ValueError(f"Not a stored evidence name: {stored_name!r}")
    return stored_name


def open_stored(stored_name: str):
    """The stored file, opened for reading in binary; OSError when it is missing."""
    return storage().open(_checked(stored_name), "rb")


def store(upload) -> tuple[str, str, int]:
    """Store the upload under a new random name: (stored name, SHA-256, bytes stored).

    The bytes are hashed as read, then handed to the storage (the file system storage
    writes them atomically, see storage.py). The size is the stored object's; -1 when
    it differs from what was hashed (the upload changed while being read)."""
    stored_name = uuid.uuid4().hex
    digest = hashlib.sha256()
    hashed = 0
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
        hashed += len(chunk)
    upload.seek(0)
    target = storage()
    saved = target.save(stored_name, upload)
    if saved != stored_name:  # a storage that renamed it: never ours to guess
        target.delete(saved)
        raise OSError(f"The evidence storage stored {stored_name!r} as {saved!r}.")
    stored = target.size(stored_name)
    return stored_name, digest.hexdigest(), stored if stored == hashed else -1


def delete(stored_name: str) -> None:
    """Remove a stored file; nothing happens when it is not there."""
    storage().delete(_checked(stored_name))
