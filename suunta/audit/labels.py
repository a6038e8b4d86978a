"""Audit events in words a reader understands: what was done to what, field names and
values as the pages show them (statuses by their labels, dates in the user's format).
The codes stay beside them, for the filter and for the technically minded."""

import datetime
import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

# The last part of an action code: what happened.
VERBS = {
    "create": _("created"),
    "create_next": _("next period's plan created"),
    "update": _("changed"),
    "delete": _("removed"),
    "remove": _("removed"),
    "handle": _("handling recorded"),
    "propose": _("proposed"),
    "approve": _("approval recorded"),
    "return": _("returned for re-preparation"),
    "returned": _("returned for re-preparation"),
    "table": _("tabled"),
    "close": _("closed"),
    "supersede": _("replaced by a later version"),
    "amend": _("amendment started"),
    "submit": _("submitted"),
    "save": _("saved"),
    "freeze": _("frozen"),
    "confirm": _("confirmed"),
    "agreed": _("marked agreed"),
    "reported": _("reported to the board"),
    "self_assessed": _("self-assessment closed"),
    "views_in": _("views closed"),
    "step_closed": _("step closed"),
    "weight": _("weight changed"),
    "correct": _("record corrected"),
    "download": _("downloaded"),
    "denied": _("refused"),
    "login": _("signed in"),
    "logout": _("signed out"),
    "preset": _("model changed"),
    "import": _("imported from a document"),
    "link": _("strategy and budget links changed"),
    # Single sign-on (suunta/sso)
    "sso_login": _("signed in with the organization's account"),
    "sso_link": _("linked to the organization's account"),
    "sso_failed": _("sign-in with the organization's account refused"),
    "password_refused": _("password refused: single sign-on required"),
}
# Keys of events' changes that are no model field.
EXTRA_FIELDS = {
    "handling": _("decision"),
    "snapshot_sha256": _("checksum (SHA-256)"),
    "reason": _("reason"),
    "number": _("version"),
    "step": _("step"),
    "workflow_steps": _("workflow steps"),
    "format": _("file format"),
    "goals": _("goals"),
    "metrics": _("metrics"),
    "checkpoints": _("checkpoints"),
    "objectives": _("strategy objectives"),
    "budget_targets": _("budget targets"),
    "provider": _("sign-in service"),
    "issuer": _("issuer"),
    "subject": _("subject at the sign-in service"),
    "detail": _("detail"),
    "invitation": _("invitation"),
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T")


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def action_label(event) -> str:
    """ "Suunnitelman versio: hyväksyminen kirjattu"; the code where no word is known."""
    verb = VERBS.get(event.action.rsplit(".", 1)[-1])
    model = _model(event.object_type)
    if verb is None:
        return event.action
    if model is None:
        return capfirst(str(verb))
    return f"{capfirst(str(model._meta.verbose_name))}: {verb}"


def _value(field, value) -> str:
    if value is None or value == "":
        return "–"
    if field is not None and getattr(field, "flatchoices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, str) and ISO_DATE.match(value):
        return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    if isinstance(value, str) and ISO_DATETIME.match(value):
        try:
            return formats.date_format(datetime.datetime.fromisoformat(value), "SHORT_DATETIME_FORMAT")
        except ValueError:
            return value
    return str(value)


def readable_changes(event, changes: dict) -> list[tuple[str, str, str, str]]:
    """[(field label, field code, before, after)] in the field's words and formats."""
    model = _model(event.object_type)
    rows = []
    for name, (before, after) in sorted(changes.items()):
        field = None
        if model is not None:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
        if field is not None and hasattr(field, "verbose_name"):
            label = capfirst(str(field.verbose_name))
        else:
            label = capfirst(str(EXTRA_FIELDS[name])) if name in EXTRA_FIELDS else name
        rows.append((label, name, _value(field, before), _value(field, after)))
    return rows
