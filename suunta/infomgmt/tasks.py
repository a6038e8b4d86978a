"""The periodic disposal task. Enqueue it daily (docs/information-management.md): the
database backend runs it in `manage.py run_worker`; running it twice is harmless, as
the second run finds nothing due."""

from django_tasks import task


@task()
def dispose_all() -> dict:
    from suunta.organizations.models import Organization  # noqa: PLC0415

    from . import disposal  # noqa: PLC0415

    return {
        org.slug: sum(item.count for item in disposal.dispose(org))
        for org in Organization.objects.order_by("slug")
    }
