from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerBeat(models.Model):
    """A running tasks worker (`manage.py run_worker`), as it last said it was alive.

    The worker writes its row every settings.WORKER_BEAT_SECONDS from a thread of its
    own, so the row shows the process is alive even while a long task runs. A row not
    renewed for settings.WORKER_DEAD_SECONDS is a worker that died (kill -9, a lost
    machine): its claimed tasks are handed back to the queue (suunta/site/worker.py)."""

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    started_at = models.DateTimeField(_("started at"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("tasks worker")
        verbose_name_plural = _("tasks workers")

    def __str__(self):
        return f"{self.worker_id} ({self.host}:{self.pid})"
