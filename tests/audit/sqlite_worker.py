"""A writer process for test_concurrency: appends events to one organization's chain in
the file database that DATABASE_URL names, with the production SQLite settings (WAL,
BEGIN IMMEDIATE, busy_timeout).

    python -m tests.audit.sqlite_worker setup SLUG
    python -m tests.audit.sqlite_worker append SLUG WRITER COUNT START_AT
"""

import os
import sys
import time


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "suunta.settings")
    import django

    django.setup()
    from django.db import transaction

    from suunta.audit import services as audit
    from suunta.organizations.models import Organization

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
