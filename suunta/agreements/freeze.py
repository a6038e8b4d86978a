"""The freeze guard: once approved, a version's goals, metrics and checkpoints never
change again, whatever writes them (a service, the admin, a queryset update, a bulk
write); an approved version never goes back or goes away, nor does a plan holding one.

The models use these query sets and the mixin; a refused write is a FrozenVersionError
(a PermissionDenied, 403 in a view) and is written to the audit log. The version model
is looked up by name: the guard is part of the schema's behaviour, not of its imports.
"""

from django.apps import apps
from django.db import models

from suunta.audit import services as audit

from .statuses import FROZEN_STATUSES


def _versions():
    return apps.get_model("agreements", "PlanVersion").objects


class FrozenVersionError(audit.Refused):
    """A write to the content of an approved (frozen) version: a PermissionDenied (403
    in a view) that the audit log records (see refuse_frozen)."""


def refuse_frozen(obj, version_id: int) -> None:
    """Refuse a write to frozen content, and audit the attempt.

    Outside a transaction the refusal is written at once. Inside one, the service's
    @recording_refusals boundary writes it after the rollback (an event written inside
    would be rolled back with the refused change).
    """
    version = _versions().select_related("plan__agreement").get(pk=version_id)
    refusal = FrozenVersionError(
        "plan.frozen_write",
        organization=version.plan.agreement.organization_id,
        obj=obj if obj is not None else version,
        changes={"version": [version.number, version.number], "status": [version.status, version.status]},
    )
    if not audit.in_transaction():
        refusal.event = audit.record_refusal(refusal.action, **refusal.audit)
    raise refusal


class FrozenGuardQuerySet(models.QuerySet):
    """Refuses update/delete/bulk writes that touch a frozen version's rows.

    `version_path` is the lookup from the model to its PlanVersion."""

    version_path = "version"

    def _frozen_version_ids(self, rows=None) -> list[int]:
        if rows is not None:
            ids = {row.version_of_row() for row in rows}
            frozen = _versions().filter(pk__in=ids, status__in=FROZEN_STATUSES)
        else:
            frozen = _versions().filter(pk__in=self.values(self.version_path), status__in=FROZEN_STATUSES)
        return list(frozen.values_list("pk", flat=True)[:1])

    def _guard(self, rows=None) -> None:
        frozen = self._frozen_version_ids(rows)
        if frozen:
            refuse_frozen(None, frozen[0])

    def update(self, **kwargs):
        self._guard()
        self._guard_target(kwargs)
        return super().update(**kwargs)

    def _guard_target(self, kwargs) -> None:
        """update(version=...) / update(goal_area=...) must not move rows into a frozen version."""
        field, *rest = self.version_path.split("__")
        for key in (field, f"{field}_id"):
            if key not in kwargs:
                continue
            target = getattr(kwargs[key], "pk", kwargs[key])
            if hasattr(target, "resolve_expression"):
                continue
            if rest:  # e.g. a metric's goal area: its version
                related = self.model._meta.get_field(field).related_model
                target = (
                    related._base_manager.filter(pk=target).values_list("__".join(rest), flat=True).first()
                )
            if _versions().filter(pk=target, status__in=FROZEN_STATUSES).exists():
                refuse_frozen(None, target)

    def delete(self):
        self._guard()
        return super().delete()

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        self._guard(objs)
        # The stored rows too: moving a row out of a frozen version changes that version.
        type(self)(self.model, using=self.db).filter(pk__in=[o.pk for o in objs if o.pk is not None])._guard()
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        self._guard(objs)
        return super().bulk_create(objs, *args, **kwargs)


class MetricQuerySet(FrozenGuardQuerySet):
    version_path = "goal_area__version"


class FrozenGuardMixin(models.Model):
    """save() and delete() of a frozen version's goal, metric or checkpoint are refused."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._guard_frozen()
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard_frozen()
        return super().delete(*args, **kwargs)

    def version_of_row(self) -> int:
        return self.version_id

    def _guard_frozen(self) -> None:
        version_id = self.version_of_row()
        if _versions().filter(pk=version_id, status__in=FROZEN_STATUSES).exists():
            refuse_frozen(self, version_id)
        if self.pk is None:
            return
        # Moving a row out of a frozen version is a change of that version too.
        original = type(self)._base_manager.filter(pk=self.pk).first()
        moved_from = original.version_of_row() if original is not None else version_id
        if (
            moved_from != version_id
            and _versions().filter(pk=moved_from, status__in=FROZEN_STATUSES).exists()
        ):
            refuse_frozen(self, moved_from)


def refuse_plan_delete(plans) -> None:
    """A plan with an approved version is part of the record: never deleted."""
    frozen = (
        _versions().filter(plan__in=plans, status__in=FROZEN_STATUSES).values_list("pk", flat=True).first()
    )
    if frozen is not None:
        refuse_frozen(None, frozen)


class PlanVersionQuerySet(models.QuerySet):
    """An approved version never goes back: its status only moves on among the frozen
    states (approved → closed or superseded), and it is never deleted (the database
    cascade would take its frozen goals, metrics and checkpoints with it)."""

    def update(self, **kwargs):
        if (
            ("status" in kwargs and kwargs["status"] not in FROZEN_STATUSES)
            or "plan" in kwargs
            or "plan_id" in kwargs
        ):
            frozen = self.filter(status__in=FROZEN_STATUSES).values_list("pk", flat=True).first()
            if frozen is not None:
                refuse_frozen(None, frozen)
        return super().update(**kwargs)

    def delete(self):
        frozen = self.filter(status__in=FROZEN_STATUSES).values_list("pk", flat=True).first()
        if frozen is not None:
            refuse_frozen(None, frozen)
        return super().delete()
