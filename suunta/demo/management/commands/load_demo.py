from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from suunta.demo.loader import demo_password, load_demo


class Command(BaseCommand):
    help = "Load the demo organizations, people and plans (idempotent). Refuses with DEBUG off."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Load even when DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: it creates logins with a known password. "
                "Use --force if you really mean it."
            )
        usernames = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo loaded. Log in at /accounts/login/ as:"))
        for username in usernames:
            self.stdout.write(f"  {username}")
        self.stdout.write(f"Password: {demo_password()}")
