# Live-server browser tests call the ORM from Playwright's event-loop thread.
import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
