"""Fail when a Finnish, Swedish or English message is untranslated or fuzzy.

CI runs `makemessages` first, so a new message in the code that nobody translated
shows up here as untranslated.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# English msgids are English, but the catalogue is kept complete too: a message
# missing from it is one nobody looked at in all three languages.
REQUIRED_LANGUAGES = ("fi", "sv", "en")


class Command(BaseCommand):
    help = "Exit non-zero when the fi, sv or en catalogue has untranslated or fuzzy messages."

    def handle(self, *args, **options):
        problems = []
        for language in REQUIRED_LANGUAGES:
            paths = [Path(d) / language / "LC_MESSAGES" / "django.po" for d in settings.LOCALE_PATHS]
            existing = [p for p in paths if p.exists()]
            if not existing:
                problems.append(f"{language}: no catalogue at {paths[0]}")
                continue
            for path in existing:
                po = polib.pofile(str(path))
                for entry in po.untranslated_entries():
                    problems.append(f"{language}: untranslated: {entry.msgid!r}")
                for entry in po.fuzzy_entries():
                    problems.append(f"{language}: fuzzy: {entry.msgid!r}")
                # msgstr_plural entries count as untranslated when any form is empty.
                for entry in po:
                    if entry.msgid_plural and not all(entry.msgstr_plural.values()):
                        problems.append(f"{language}: plural form missing: {entry.msgid!r}")
        if problems:
            raise CommandError("Catalogues are incomplete:\n" + "\n".join(problems))
        self.stdout.write("fi, sv and en catalogues are complete.")
