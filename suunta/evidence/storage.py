"""Where evidence files (and signed agreements) are kept: `storages["evidence"]`.

settings.STORAGES["evidence"] names the backend: this file system storage by default,
or django-storages' S3Storage for an S3-compatible object store (docs/deployment.md).
Code reads, writes and deletes evidence only through that storage (uploads.py), so
every app server sees the same files whichever backend holds them.
"""

import contextlib
import os
import tempfile

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages


def evidence_storage():
    """The configured evidence storage (one instance per process)."""
    return storages["evidence"]


class EvidenceFileStorage(FileSystemStorage):
    """Evidence on the file system, under settings.EVIDENCE_ROOT (outside the web root;
    read at each use, so the test suite can give each test its own directory).

    Files are written atomically: into a temporary `.upload-*.part` file beside the
    final one (mode 0600, in a directory of mode 0700), flushed to disk, then renamed
    into place, so no reader or crash ever sees half a file under a stored name. What
    an interruption leaves behind is swept by `manage.py sweep_evidence`."""

    TEMPORARY_PREFIX = ".upload-"

    def __init__(self, location=None, **kwargs):
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(location=location, **kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.EVIDENCE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, mode=self.directory_permissions_mode, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=self.TEMPORARY_PREFIX, suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as out:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks():
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, self.file_permissions_mode)
            os.replace(temporary, full_path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        return name
