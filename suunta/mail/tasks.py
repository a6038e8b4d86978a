"""The mail task. The database backend runs it in `manage.py db_worker`."""

from django_tasks import task


@task()
def deliver(mail_id: int) -> str:
    from . import services

    return services.deliver(mail_id)
