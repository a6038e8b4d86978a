"""The periodic disposal task: runs in `manage.py run_worker` (the database backend) and
enqueues its next run a day later, so one `manage.py dispose --schedule` starts the
daily round. Running it twice is harmless: the second run finds nothing due."""

import datetime as dt

from django_tasks import task

PATH = "suunta.infomgmt.tasks.dispose_all"
INTERVAL = dt.timedelta(days=1)


@task()
def dispose_all() -> dict:
    from suunta.organizations.models import Organization  # noqa: PLC0415

    from . import disposal  # noqa: PLC0415

    try:
        return {
            org.slug: sum(item.count for item in disposal.dispose(org))
            for org in Organization.objects.order_by("slug")
        }
    finally:
        # Tomorrow's run also after a failure today (it shows as this task's error):
        # one bad day must not end disposal for good.
        schedule(after=INTERVAL)


def schedule(after: dt.timedelta = dt.timedelta(0)) -> bool:
    """Enqueue the next run unless one is already waiting; True when enqueued."""
    from django_tasks_db.compat import TaskResultStatus  # noqa: PLC0415
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415

    from suunta.lib import clock  # noqa: PLC0415

    if DBTaskResult.objects.filter(task_path=PATH, status=TaskResultStatus.READY).exists():
        return False
    dispose_all.using(run_after=clock.now() + after).enqueue()
    return True
