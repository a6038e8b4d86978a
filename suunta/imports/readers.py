"""Reading an uploaded file or pasted text into a Source (source.py).

The format is found from the content, never from the file name (which only tells a
CSV file from plain text where the content could be either), and the limits are
checked before any library parses the file: its size, and for a zip package (DOCX,
XLSX, ODS) the number and declared unpacked size of its members. Every failure is
Unreadable with a message for the user; no library's exception gets out.

    read_upload(data, name) -> Source   # DOCX, PDF, XLSX, ODS, CSV or plain text
    read_text(text) -> Source           # text pasted into a form
"""

import io
import zipfile
from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .read_docx import read_docx
from .read_pdf import read_pdf
from .read_sheets import read_ods, read_xlsx
from .read_text import damaged, split_lines, text_file_source, text_source, too_long
from .source import Source, Unreadable

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_BYTES = 100 * 1024 * 1024  # unpacked, as the package's directory declares
MEGABYTE = 1024 * 1024

OLE2 = b"\xd0\xcf\x11\xe0"
ZIP = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# Formats that look like text but are not: RTF, HTML and XML (Word 2003 XML, flat ODF).
MARKUP_STARTS = (b"{\\rtf", b"<?xml", b"<html", b"<!doctype", b"<head", b"<body")
BINARY_STARTS = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"BZh")
UNICODE_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
# Bytes that hardly occur in text: C0 controls other than tab, line feed, vertical tab (a
# line break copied from Word), form feed, carriage return and escape.
CONTROL_BYTES = bytes([*range(0x01, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def read_upload(data: bytes, name: str = "") -> Source:
    """The uploaded file's text as a Source, its format found from its content."""
    _check_limits(data)
    if b"%PDF-" in data[:1024]:
        return read_pdf(data)
    if data.startswith(OLE2):
        raise Unreadable(
            _(
                "This is a password-protected Office file or an old .doc or .xls file, which cannot be read. "
                "Open it in Word or Excel and save it as .docx or .xlsx without a password, then import that file."
            )
        )
    if data.startswith(ZIP):
        return _read_package(data)
    if _looks_binary(data):
        raise unsupported()
    return text_file_source(data, name)


def read_text(text: str) -> Source:
    """Text pasted into a form, read as a plain text file is."""
    if not text.strip():
        raise Unreadable(_("There is no text to import. Paste the text of the goals."))
    if len(text) > max_bytes():
        raise too_long()
    return text_source(split_lines(text))


def unsupported() -> Unreadable:
    return Unreadable(
        _(
            "This kind of file cannot be imported. Import a Word document (.docx), a PDF, an Excel or "
            "LibreOffice sheet (.xlsx, .ods), a CSV file or plain text, or paste the text of the goals."
        )
    )


def _check_limits(data: bytes) -> None:
    """Not over the size limit, not empty."""
    limit = max_bytes()
    if len(data) > limit:
        megabytes = limit / MEGABYTE
        shown = f"{megabytes:.1f}".rstrip("0").rstrip(".") if megabytes >= 1 else f"{megabytes:.2g}"
        raise Unreadable(
            _(
                "The file is larger than %(limit)s MB, the largest that can be imported. "
                "Import only the pages with the goals, or paste their text instead."
            )
            % {"limit": number_format(Decimal(shown))}
        )
    if not data.strip():
        raise Unreadable(
            _(
                "The file is empty. Check that you chose the right file, or paste the text of the goals instead."
            )
        )


def _looks_binary(data: bytes) -> bool:
    if data.startswith(UNICODE_BOMS):
        return False
    if b"\x00" in data or data.startswith(BINARY_STARTS):
        return True
    start = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(MARKUP_STARTS):
        return True
    sample = data[:65536]
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    return controls * 100 > len(sample)


# --- Zip packages: DOCX, XLSX, ODS ------------------------------------------------------


def _read_package(data: bytes) -> Source:
    kind = _package_kind(data)
    if kind == "docx":
        return read_docx(data)
    if kind == "xlsx":
        return read_xlsx(data)
    return read_ods(data)


def _package_kind(data: bytes) -> str:
    """The package's format, "docx", "xlsx" or "ods", from its directory (nothing is
    unpacked but ODF's tiny mimetype and manifest); anything else is Unreadable."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            if len(members) > MAX_ZIP_ENTRIES or sum(member.file_size for member in members) > MAX_ZIP_BYTES:
                raise _crafted()
            names = {member.filename.lower(): member for member in members}
            mimetype = _small_member(package, names.get("mimetype"))
            manifest = _small_member(package, names.get("meta-inf/manifest.xml"))
    except Unreadable:
        raise
    except Exception as error:  # zipfile: a damaged or truncated package
        raise damaged() from error
    if any(name.endswith("vbaproject.bin") for name in names):
        raise Unreadable(
            _(
                "The file contains macros, which are not imported. Save it as a plain Word document (.docx) "
                "or Excel workbook (.xlsx) without macros and import that file."
            )
        )
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if mimetype.strip() == ODS_MIMETYPE:
        if b"encryption-data" in manifest:
            raise Unreadable(
                _(
                    "The file is password-protected. Save it without a password, or paste the text of the goals instead."
                )
            )
        return "ods"
    raise unsupported()


def _small_member(package: zipfile.ZipFile, member: zipfile.ZipInfo | None, limit: int = MEGABYTE) -> bytes:
    if member is None or member.file_size > limit:
        return b""
    return package.read(member)


def _crafted() -> Unreadable:
    return Unreadable(
        _(
            "The file could not be read: it unpacks into far more parts or data than a goals document holds. "
            "Save it again in Word, Excel or LibreOffice, or paste the text of the goals instead."
        )
    )
