"""Audit events: append-only, one hash chain per organization plus a "global" chain.

Only `suunta.audit.services.record()` / `record_refusal()` write events. Through the
ORM an event can be created once and never changed or deleted: `save()` on a stored
event, `delete()`, and the query set's `update()`, `delete()`, `bulk_create()` and
`bulk_update()` all raise AppendOnlyError. Raw SQL is out of the ORM's reach; the hash
chain makes such edits visible to `manage.py verify_audit`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from suunta.organizations.models import Organization

from .chain import GENESIS, sha256_hex


class AppendOnlyError(Exception):
    """An attempt to change or delete audit events."""


def _refuse(what: str):
    raise AppendOnlyError(f"The audit log is append-only: {what} is not allowed.")


class Outcome(models.TextChoices):
    OK = "ok", _("Done")
    DENIED = "denied", _("Denied")
    FAILED = "failed", _("Failed")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        _refuse("updating events")

    def _update(self, values):
        _refuse("updating events")

    def delete(self):
        _refuse("deleting events")

    delete.alters_data = True
    delete.queryset_only = True

    def _raw_delete(self, using):
        _refuse("deleting events")

    def bulk_create(self, objs, *args, **kwargs):
        _refuse("bulk-creating events (use suunta.audit.services.record)")

    def bulk_update(self, objs, fields, batch_size=None):
        _refuse("updating events")

    def update_or_create(self, *args, **kwargs):
        _refuse("updating events")


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("time"), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # Users who acted are deactivated, never deleted: deleting one would have to
        # change stored events.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(
        _("actor's username"),
        max_length=150,
        blank=True,
        help_text=_("The username at the time of the event; kept when the user is renamed."),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("organization"),
    )
    chain = models.CharField(
        _("chain"), max_length=32, help_text=_('The organization\'s id, or "global" without one.')
    )
    sequence = models.PositiveBigIntegerField(_("sequence number"))
    action = models.CharField(_("action"), max_length=64, help_text=_("e.g. goal.update, auth.login"))
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.TextField(
        _("changes"),
        default="{}",
        help_text=_("Canonical JSON of {field: [before, after]}; restricted texts only as a hash."),
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.OK)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    payload = models.TextField(_("hashed payload"), help_text=_("The canonical JSON text that was hashed."))

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["chain", "sequence"]
        # Related managers and deletion collectors use the refusing query set too.
        base_manager_name = "objects"
        default_permissions = ("view",)
        constraints = [
            # The last line of defence against a forked chain.
            models.UniqueConstraint(fields=["chain", "sequence"], name="audit_event_unique_chain_sequence"),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="audit_event_sequence_positive"),
            models.CheckConstraint(
                condition=Q(outcome__in=[choice.value for choice in Outcome]),
                name="audit_event_outcome_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "created_at"], name="audit_event_org_time"),
            # The audit page: an organization's events newest first, 50 at a time. Without
            # it PostgreSQL sorted all of a large organization's events for every page
            # (docs/performance.md, EXPLAIN on the national data).
            models.Index(fields=["organization", "sequence"], name="audit_event_org_sequence"),
            models.Index(fields=["object_type", "object_id"], name="audit_event_object"),
            models.Index(fields=["actor", "created_at"], name="audit_event_actor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.sequence} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields") is not None:
            _refuse("changing a stored event")
        if not self.payload or self.hash != sha256_hex(self.payload):
            raise AppendOnlyError("Audit events are written by suunta.audit.services.record().")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        _refuse("deleting an event")

    delete.alters_data = True


class AuditChainHead(models.Model):
    """The last event of each chain: the row writers lock to append (on PostgreSQL,
    SELECT ... FOR UPDATE), and a second record of each chain's end for verification."""

    chain = models.CharField(_("chain"), max_length=32, primary_key=True)
    sequence = models.PositiveBigIntegerField(_("sequence number"), default=0)
    hash = models.CharField(_("hash"), max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.chain}#{self.sequence}"
