"""The tasks worker's heartbeat, and what happens to a task whose worker died.

django-tasks' database backend marks a task RUNNING when a worker claims it and
SUCCESSFUL or FAILED when it ends. A worker killed in between (kill -9, the machine
lost, the out-of-memory killer) leaves the task RUNNING for ever: nobody runs it again,
and the mail it was to send never leaves. So each worker started with `manage.py
run_worker` renews a WorkerBeat row every settings.WORKER_BEAT_SECONDS from a thread of
its own, and on every beat any worker hands back to the queue the tasks claimed by a
worker not heard of for settings.WORKER_DEAD_SECONDS (`recover_interrupted`).

A task is therefore run *at least* once. Each task's own state makes running it again
harmless: a mail's row says whether it was sent (suunta/mail/services.py), and a mail
interrupted while being sent is set back to queued here, before its task runs again.
What cannot be known is whether the mail server had already accepted a message when the
worker died in the instant after: such a mail is sent again (docs/operations.md).

/readyz reads the beats to tell whether any worker is alive (suunta/site/health.py).
"""

import datetime as dt
import logging
import os
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import WorkerBeat

logger = logging.getLogger(__name__)

# What to set right before a dead worker's task runs again, by the task's path: a
# function of the task's arguments, in the transaction that hands the task back.
ON_INTERRUPTED = {
    "suunta.mail.tasks.deliver": "suunta.mail.services.interrupted",
}


def beat(worker_id: str, started_at: dt.datetime) -> None:
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen": timezone.now(),
        },
    )


def forget(worker_id: str) -> None:
    """A worker that stops in good order takes its row with it."""
    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def last_seen() -> dt.datetime | None:
    """When any worker last said it was alive."""
    return WorkerBeat.objects.order_by("-last_seen").values_list("last_seen", flat=True).first()


def recover_interrupted() -> list[int]:
    """Hand back to the queue every task claimed by a worker that is not alive; the ids.

    A worker is alive while its beat is younger than WORKER_DEAD_SECONDS. A task claimed
    by a worker that never beat (the plain `db_worker`) is handed back only once it has
    been running that long too. Safe to run in several workers at once: each task is
    handed back by a conditional update that only one of them wins, and not at all if a
    live worker has claimed it again in the meantime."""
    alive_since = timezone.now() - dt.timedelta(seconds=settings.WORKER_DEAD_SECONDS)
    alive = set(WorkerBeat.objects.filter(last_seen__gte=alive_since).values_list("worker_id", flat=True))
    recovered = []
    running = DBTaskResult.objects.running().only(
        "id", "started_at", "worker_ids", "task_path", "args_kwargs"
    )
    for task in running:
        claimed_by = task.worker_ids[-1] if task.worker_ids else None
        if claimed_by in alive or (
            task.started_at and task.started_at >= alive_since and not _known(claimed_by)
        ):
            continue
        with transaction.atomic():
            handed_back = DBTaskResult.objects.filter(
                pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
            ).update(status=TaskResultStatus.READY, started_at=None)
            if not handed_back:
                continue  # another worker handed it back, or it ended after all
            hook = ON_INTERRUPTED.get(task.task_path)
            if hook:
                import_string(hook)(*task.args_kwargs.get("args", []), **task.args_kwargs.get("kwargs", {}))
        logger.warning(
            "Task %s (%s) of worker %s, which died, is queued again.", task.pk, task.task_path, claimed_by
        )
        recovered.append(task.pk)
    WorkerBeat.objects.filter(last_seen__lt=alive_since).delete()
    return recovered


def _known(worker_id: str | None) -> bool:
    return worker_id is not None and WorkerBeat.objects.filter(worker_id=worker_id).exists()


class Heartbeat(threading.Thread):
    """Beats, and recovers dead workers' tasks, until stopped. A daemon thread: a worker
    that dies takes it along, which is the point."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"heartbeat {worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def beat_once(self) -> None:
        try:
            beat(self.worker_id, self.started_at)
            recover_interrupted()
        except Exception:
            # The database may be restarting: the next beat tries again.
            logger.warning("The heartbeat of worker %s failed.", self.worker_id, exc_info=True)
        try:
            # The day's reminders, when settings.REMINDER_HOUR asks the worker to run them
            # (suunta/reminders/periodic.py); a failure is tried again on the next beat.
            import_string("suunta.reminders.periodic.maybe_run")()
        except Exception:
            logger.warning("The reminders' run in worker %s failed.", self.worker_id, exc_info=True)
        finally:
            close_old_connections()

    def run(self) -> None:
        while not self.stopping.wait(settings.WORKER_BEAT_SECONDS):
            self.beat_once()
        connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=settings.WORKER_BEAT_SECONDS + 5)
        try:
            forget(self.worker_id)
        finally:
            connection.close()
