"""Sending reminders once, and the choices about them.

`run(day)` writes a Reminder for each Due of the day that its recipient has not turned
off; the row and its mail are written in one transaction, and the row's unique key
(recipient, kind, object, due date) makes a second run (or one on another server at the
same moment) write nothing: the insert meets the first one's row and rolls back. A
person who wants the weekly digest gets the rows marked waiting; on Mondays each one's
waiting rows go out in one mail (the digest is itself a row, unique per week).
"""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction

from suunta.audit import services as audit
from suunta.lib.clock import today
from suunta.mail import services as mail_services
from suunta.mail.models import MailKind

from . import schedule
from .models import (
    CHOOSABLE,
    OrganizationReminderSettings,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderState,
)

STOP_SALT = "suunta.reminders.stop"


@dataclass
class Choices:
    kinds_off: set
    digest: bool


def resolve(preference: ReminderPreference | None, defaults: OrganizationReminderSettings | None) -> Choices:
    kinds_off = set(defaults.kinds_off if defaults else [])
    digest = defaults.digest if defaults else False
    if preference is not None:
        if preference.kinds_off is not None:
            kinds_off = set(preference.kinds_off)
        if preference.digest is not None:
            digest = preference.digest
    return Choices(kinds_off, digest)


def language_of(user) -> str:
    return user.preferred_language or settings.LANGUAGE_CODE


def run(day: datetime.date | None = None, *, sync: bool = False) -> list[Reminder]:
    """Send what is due on `day` (the clock's today); returns the reminders written by
    this run (none that an earlier or a parallel run wrote)."""
    day = day or today()
    dues = schedule.due(day)
    users = get_user_model().objects.in_bulk({d.user_id for d in dues})
    preferences = {p.user_id: p for p in ReminderPreference.objects.filter(user_id__in=users)}
    defaults = {
        s.organization_id: s
        for s in OrganizationReminderSettings.objects.filter(
            organization_id__in={d.organization_id for d in dues}
        )
    }
    written = []
    for item in dues:
        user = users[item.user_id]
        if not user.is_active:  # a deactivated account gets nothing
            continue
        chosen = resolve(preferences.get(user.pk), defaults.get(item.organization_id))
        if item.kind in chosen.kinds_off:
            continue
        reminder = _write_once(item, user, digest=chosen.digest)
        if reminder is not None:
            written.append(reminder)
    if day.weekday() == 0:  # Monday: the weekly digests
        written += _digests(day)
    if sync:
        for reminder in written:
            if reminder.mail_id:
                mail_services.deliver(reminder.mail_id)
    return written


def _write_once(item: schedule.Due, user, *, digest: bool) -> Reminder | None:
    if not user.email:
        state = ReminderState.NO_ADDRESS
    else:
        state = ReminderState.WAITING if digest else ReminderState.MAILED
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                organization_id=item.organization_id,
                user=user,
                kind=item.kind,
                object_key=item.object_key,
                due_on=item.due_on,
                state=state,
                plan_id=item.plan_id,
                checkpoint_id=item.checkpoint_id,
                discussion_id=item.discussion_id,
            )
            if state == ReminderState.MAILED:
                _queue_mail(reminder, MailKind.REMINDER)
    except IntegrityError:
        return None  # written already, by an earlier run or by one running beside this
    reminder.user = user
    return reminder


def _queue_mail(reminder: Reminder, kind: str) -> None:
    user = reminder.user
    reminder.mail = mail_services.queue(
        kind,
        to=user.email,
        base_url=settings.SITE_URL,
        language=language_of(user),
        user=user,
        organization_id=reminder.organization_id,
    )
    reminder.save(update_fields=["mail"])


class _NothingToSend(Exception):
    pass


def _digests(day: datetime.date) -> list[Reminder]:
    waiting = {}
    # As in run: a deactivated account gets nothing, not even what waited for Monday.
    waiting_rows = Reminder.objects.filter(state=ReminderState.WAITING, user__is_active=True)
    for item in waiting_rows.select_related("user").order_by("id"):
        waiting.setdefault(item.user_id, []).append(item)
    written = []
    for items in waiting.values():
        user = items[0].user
        try:
            with transaction.atomic():
                digest = Reminder.objects.create(
                    organization_id=items[0].organization_id,
                    user=user,
                    kind=ReminderKind.DIGEST,
                    object_key=f"week:{day.isoformat()}",
                    due_on=day,
                    state=ReminderState.MAILED if user.email else ReminderState.NO_ADDRESS,
                )
                # Only the rows still waiting: a parallel run may have taken them.
                taken = Reminder.objects.filter(
                    pk__in=[i.pk for i in items], state=ReminderState.WAITING
                ).update(state=ReminderState.IN_DIGEST, digest=digest)
                if not taken:
                    raise _NothingToSend
                if user.email:
                    _queue_mail(digest, MailKind.REMINDER_DIGEST)
        except (IntegrityError, _NothingToSend):
            continue
        written.append(digest)
    return written


@transaction.atomic
@transaction.atomic
def resend(actor, reminder: Reminder) -> bool:
    """A failed reminder's mail once more (the preparer's "send again"), to the address
    the person has now. False when it is no longer failed (a second click, or another
    preparer's at the same moment): nothing is written then."""
    mail = reminder.mail
    if reminder.user.email and mail.to != reminder.user.email:
        mail.to = reminder.user.email
        mail.save(update_fields=["to", "updated_at"])
    try:
        mail_services.retry(mail)  # locks the row and checks it again
    except ValueError:
        transaction.set_rollback(True)
        return False
    audit.record(
        "reminders.resend", actor=actor, organization=reminder.organization_id, obj=reminder, changes={}
    )
    return True


# --- Preferences -------------------------------------------------------------------------


@transaction.atomic
def save_preferences(user, *, kinds_off: list[str], digest: bool) -> ReminderPreference:
    preference, _ = ReminderPreference.objects.select_for_update().get_or_create(user=user)
    before = {"kinds_off": preference.kinds_off, "digest": preference.digest}
    preference.kinds_off = sorted(k for k in kinds_off if k in CHOOSABLE)
    preference.digest = digest
    preference.save(update_fields=["kinds_off", "digest", "updated_at"])
    audit.record(
        "reminders.preferences",
        actor=user,
        obj=preference,
        changes={
            "kinds_off": [before["kinds_off"], preference.kinds_off],
            "digest": [before["digest"], preference.digest],
        },
    )
    return preference


@transaction.atomic
def stop_kind(user, kind: str) -> None:
    """One click from a mail: this kind no more (the rest as they were)."""
    preference, _ = ReminderPreference.objects.select_for_update().get_or_create(user=user)
    if preference.kinds_off is None:
        memberships = user.memberships.order_by("pk").values_list("organization_id", flat=True)
        defaults = OrganizationReminderSettings.objects.filter(organization_id__in=memberships[:1]).first()
        preference.kinds_off = sorted(resolve(None, defaults).kinds_off)
    if kind not in preference.kinds_off:
        preference.kinds_off = sorted({*preference.kinds_off, kind})
        preference.save(update_fields=["kinds_off", "updated_at"])
        audit.record("reminders.stop", actor=user, obj=preference, changes={"stopped": [None, kind]})


def stop_token(user_id: int, kind: str) -> str:
    return signing.dumps([user_id, kind], salt=STOP_SALT, compress=True)


def read_stop_token(token: str) -> tuple[int, str] | None:
    try:
        user_id, kind = signing.loads(token, salt=STOP_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in CHOOSABLE:
        return None
    return user_id, kind


@transaction.atomic
def save_organization_defaults(actor, organization, *, days_before, kinds_off, digest):
    defaults, _ = OrganizationReminderSettings.objects.select_for_update().get_or_create(
        organization=organization
    )
    before = [defaults.days_before, defaults.kinds_off, defaults.digest]
    defaults.days_before = sorted(set(days_before), reverse=True)
    defaults.kinds_off = sorted(k for k in kinds_off if k in CHOOSABLE)
    defaults.digest = digest
    defaults.save()
    audit.record(
        "reminders.defaults",
        actor=actor,
        organization=organization.pk,
        obj=defaults,
        changes={"settings": [before, [defaults.days_before, defaults.kinds_off, defaults.digest]]},
    )
    return defaults


# --- Calendar feed ---------------------------------------------------------------------------


@transaction.atomic
def renew_feed(user) -> str:
    """A new secret address for the user's calendar feed; the old one stops working."""
    preference, _ = ReminderPreference.objects.select_for_update().get_or_create(user=user)
    renewed = bool(preference.feed_token)
    preference.feed_token = secrets.token_urlsafe(32)
    preference.save(update_fields=["feed_token", "updated_at"])
    audit.record("reminders.feed_renew" if renewed else "reminders.feed_create", actor=user, obj=preference)
    return preference.feed_token
