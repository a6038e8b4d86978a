"""A writer process for test_concurrency: appends events to one organization's chain in
the file database that DATABASE_URL names, with the production SQLite settings (WAL,
BEGIN IMMEDIATE, busy_timeout).

    python -m tests.audit.sqlite_worker setup SLUG
    python -m tests.audit.sqlite_worker append SLUG WRITER COUNT START_AT
"""

# A script: Django is set up (settings from the environment) before its modules are
# imported, so the imports below sit inside the functions (noqa: PLC0415).
import os
import sys
import time


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suunta.settings")
    import django  # noqa: PLC0415

    django.setup()
    from django.db import transaction  # noqa: PLC0415

    from suunta.audit import services as audit  # noqa: PLC0415
    from suunta.organizations.models import Organization  # noqa: PLC0415

    command, slug = argv[1], argv[2]
    if command == "setup":
        Organization.objects.create(name="Rinnakkaiskunta", slug=slug, business_id="1234567-1")
        return
    writer, count, start_at = int(argv[3]), int(argv[4]), float(argv[5])
    org = Organization.objects.get(slug=slug)
    time.sleep(max(0.0, start_at - time.time()))  # all writers start together
    for n in range(count):
        with transaction.atomic():
            audit.record("goal.update", organization=org, changes={"writer": [None, writer], "n": [None, n]})
            time.sleep(0.002)  # hold the transaction open while the others queue
    print(f"writer {writer} done")


if __name__ == "__main__":
    main(sys.argv)
