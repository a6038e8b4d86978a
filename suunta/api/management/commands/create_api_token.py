"""manage.py create_api_token USERNAME --scope read [--scope write:values] [--expires DAYS]
manage.py create_api_token --service NAME --organization SLUG --scope read …

Prints only the token (it is stored hashed and shown this once)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from suunta.api import services
from suunta.api.models import Scope
from suunta.organizations.models import Organization


class Command(BaseCommand):
    help = "Create an API token (personal, or an organization's service token) and print it."

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?")
        parser.add_argument("--scope", action="append", choices=Scope.values, required=True)
        parser.add_argument("--expires", type=int, metavar="DAYS")
        parser.add_argument("--service", metavar="NAME")
        parser.add_argument("--organization", metavar="SLUG")
        parser.add_argument(
            "--name", default="", help="the token's name (default: created on the command line)"
        )

    def handle(self, *args, **options):
        scopes, days = options["scope"], options["expires"]
        try:
            if options["service"]:
                if options["username"] or not options["organization"]:
                    raise CommandError(
                        "A service token takes --service NAME and --organization SLUG, no username."
                    )
                organization = Organization.objects.filter(slug=options["organization"]).first()
                if organization is None:
                    raise CommandError(f"No organization {options['organization']!r}.")
                _row, token = services.create_service_token(
                    None, organization, options["service"], scopes, days
                )
            else:
                user = get_user_model().objects.filter(username=options["username"] or "").first()
                if user is None or not user.is_active:
                    raise CommandError(f"No active user {options['username']!r}.")
                name = options["name"] or "manage.py create_api_token"
                _row, token = services.create_personal_token(user, name, scopes, days)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(token)
