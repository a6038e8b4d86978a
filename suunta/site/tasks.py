"""The tasks worker's heartbeat (suunta/site/health.py)."""

from django_tasks import task
from django_tasks_db.models import DBTaskResult


@task(takes_context=True)
def worker_heartbeat(context) -> str:
    """Does nothing but run: its row's start and finish times show /readyz that a tasks
    worker is taking tasks. /readyz enqueues one when the worker has been idle a while;
    the earlier heartbeats' rows are removed here, so they never pile up."""
    DBTaskResult.objects.finished().filter(task_path=worker_heartbeat.module_path).exclude(
        id=context.task_result.id
    ).delete()
    return "ok"
