"""An organization that leaves takes its reminders along (suunta/infomgmt/transfer.py)."""

import datetime as dt

from django.core.management import call_command

from suunta.infomgmt.transfer import MANIFEST
from suunta.reminders import services
from suunta.reminders.models import Reminder


def test_export_delete_import_keeps_the_reminders(demo, tmp_path, django_capture_on_commit_callbacks):
    services.save_preferences(demo.user("pormestari"), kinds_off=["survey"], digest=False)
    services.renew_feed(demo.user("valmistelija"))
    written = services.run(dt.date(2027, 1, 1))
    mine = sorted(
        (r.user.username, r.kind, r.object_key) for r in written if r.organization_id == demo.org.pk
    )
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_organization", "esimerkkikunta", output=str(first))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("delete_organization", "esimerkkikunta", confirm="esimerkkikunta")
    assert not Reminder.objects.filter(organization_id=demo.org.pk).exists()
    call_command("import_organization", str(first))
    assert (
        sorted(
            (r.user.username, r.kind, r.object_key)
            for r in Reminder.objects.filter(organization_id=demo.org.pk)
        )
        == mine
    )
    call_command("export_organization", "esimerkkikunta", output=str(second))
    assert (second / MANIFEST).read_bytes() == (first / MANIFEST).read_bytes()
