"""Create an organization from a preset and invite its first admin.

An operator's command (shell access to the server). The admin's invitation goes by
mail through the tasks worker; its link is also printed on the last line, for the
operator to hand over if the mail does not arrive.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from suunta.organizations import setup
from suunta.organizations.presets import PRESETS

OPTION_OF_FIELD = {
    "name": "NAME",
    "business_id": "--business-id",
    "admin_email": "--admin-email",
    "preset": "--preset",
    "slug": "--slug",
    "name_sv": "--name-sv",
    "language": "--language",
}


class Command(BaseCommand):
    help = "Create an organization from a preset and invite its first admin by e-mail."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The organization's name in Finnish.")
        parser.add_argument("--business-id", required=True, help="Y-tunnus, e.g. 1234567-1.")
        parser.add_argument("--admin-email", required=True, help="The first admin's e-mail address.")
        parser.add_argument("--preset", required=True, help=f"One of: {', '.join(PRESETS)}.")
        parser.add_argument("--slug", default="", help="Short name in addresses (default: from the name).")
        parser.add_argument("--name-sv", default="", help="The name in Swedish.")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            help="Language of the invitation mail: fi, sv or en.",
        )
        parser.add_argument(
            "--site-url", default=settings.SITE_URL, help="The service's address in the link."
        )

    def handle(self, *args, **options):
        try:
            organization, invitation, link = setup.create_organization(
                name=options["name"],
                business_id=options["business_id"],
                admin_email=options["admin_email"],
                preset=options["preset"],
                slug=options["slug"],
                name_sv=options["name_sv"],
                language=options["language"],
                base_url=options["site_url"],
            )
        except ValidationError as error:
            lines = [
                f"{OPTION_OF_FIELD.get(field, field)}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            ]
            raise CommandError("\n".join([_("Nothing was created."), *lines])) from None
        self.stdout.write(
            _(
                "Created %(name)s (%(slug)s) from the preset %(preset)s: %(bodies)s bodies, %(positions)s positions."
            )
            % {
                "name": organization.name,
                "slug": organization.slug,
                "preset": organization.preset,
                "bodies": organization.bodies.count(),
                "positions": organization.positions.count(),
            }
        )
        self.stdout.write(
            _("The invitation to %(email)s as the organization's admin is queued for mail. Its link:")
            % {"email": invitation.email}
        )
        self.stdout.write(link)
