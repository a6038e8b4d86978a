"""The mail task. The database backend runs it in `manage.py run_worker`."""

from django_tasks import task


@task()
def deliver(mail_id: int) -> str:
    # services enqueues this task: imported here, when the task runs, to break the cycle.
    from . import services  # noqa: PLC0415

    return services.deliver(mail_id)
