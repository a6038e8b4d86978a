"""Evidence attached to a self-assessment or an evaluator's view: a link or a file.

Files live under settings.EVIDENCE_ROOT (outside the web root) under a random name;
the name the user gave is kept, sanitized, only for display and the download's
Content-Disposition. They are read only through the authorized, audited download
view (views.py). Uploads are checked and written by uploads.py; services.py is the
only code that creates or removes evidence.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from suunta.followup.models import Assessment
from suunta.lib.models import TimestampedModel
from suunta.lib.publicity import PublicityMixin

URL_MAX = 2000
TITLE_MAX = 200
NAME_MAX = 150  # the sanitized original name, extension included


class EvidenceKind(models.TextChoices):
    LINK = "link", _("Link")
    FILE = "file", _("File")


class EvidenceQuerySet(models.QuerySet):
    def with_context(self):
        """With what the reading rule (policies.READ_EVIDENCE) needs, in one query."""
        return self.select_related("assessment__checkpoint__version__plan__agreement")


class Evidence(PublicityMixin, TimestampedModel):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("assessment")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=EvidenceKind.choices)
    # A link
    url = models.URLField(_("web address"), max_length=URL_MAX, blank=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX, blank=True)
    # A file
    stored_name = models.CharField(_("stored name"), max_length=64, blank=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=NAME_MAX, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="link", stored_name="", size__isnull=True) & ~Q(url="")
                    | Q(kind="file", url="", size__isnull=False) & ~Q(stored_name="") & ~Q(original_name="")
                ),
                name="evidence_link_or_file",
            ),
            models.UniqueConstraint(
                fields=["stored_name"], condition=~Q(stored_name=""), name="evidence_unique_stored_name"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_file(self) -> bool:
        return self.kind == EvidenceKind.FILE

    @property
    def host(self) -> str:
        """The site a link leads to, shown beside its title."""
        return urlsplit(self.url).hostname or ""

    @property
    def display_name(self) -> str:
        if self.is_file:
            return self.original_name
        return self.title or self.url
