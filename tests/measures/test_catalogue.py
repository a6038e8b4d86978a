"""Every message of the measured-goals pages reads in Finnish and Swedish: the other
tests compare with the catalogue's text, so an untranslated message (shown in English
to a Finnish user) fails here, with the whole list."""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# The measures app, and the files issue 6 added messages to (metric form and checks,
# weights on the plan page, the overall result on the follow-up page, rating points).
PYTHON_SOURCES = [
    *sorted((ROOT / "suunta" / "measures").glob("*.py")),
    ROOT / "suunta" / "lib" / "numbers.py",
    ROOT / "suunta" / "agreements" / "models.py",
    ROOT / "suunta" / "agreements" / "forms.py",
    ROOT / "suunta" / "followup" / "models.py",
    ROOT / "suunta" / "organizations" / "models.py",
]
TEMPLATES = [
    *sorted((ROOT / "templates" / "measures").glob("*.html")),
    ROOT / "templates" / "agreements" / "plan_detail.html",
    ROOT / "templates" / "followup" / "followup.html",
]
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "ngettext", "ngettext_lazy"}
TRANSLATE_TAG = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")
BLOCK = re.compile(
    r"{%\s*blocktranslate\b(?P<args>[^%]*)%}(?P<body>.*?)(?:{%\s*plural\s*%}(?P<plural>.*?))?{%\s*endblocktranslate\s*%}",
    re.S,
)
VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")


def python_messages(path: Path) -> set[tuple[str, str | None]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT):
            continue
        strings = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if node.func.id.startswith("ngettext") and len(strings) >= 2:
            found.add((strings[0], strings[1]))
        elif strings:
            found.add((strings[0], None))
    return found


def template_messages(path: Path) -> set[tuple[str, str | None]]:
    text = path.read_text()
    found = {(m.group(2), None) for m in TRANSLATE_TAG.finditer(text)}
    for m in BLOCK.finditer(text):
        # As Django builds the msgid: a literal % doubled, {{ name }} as %(name)s.
        singular = VARIABLE.sub(r"%(\1)s", m.group("body").replace("%", "%%"))
        plural = m.group("plural")
        if plural is not None:
            plural = VARIABLE.sub(r"%(\1)s", plural.replace("%", "%%"))
        found.add((singular, plural))
    return found


def messages() -> list[tuple[str, str | None]]:
    found = set()
    for path in PYTHON_SOURCES:
        found |= python_messages(path)
    for path in TEMPLATES:
        found |= template_messages(path)
    return sorted(found)


def test_the_extraction_finds_the_messages():
    found = messages()
    assert ("Enter a number, e.g. 1 234,5.", None) in found
    assert ("The file is empty.", None) in found
    assert (
        "%(count)s value from %(first)s to %(last)s.",
        "%(count)s values from %(first)s to %(last)s.",
    ) in found
    assert ("Import values", None) in found
    assert ("Weight %(weight)s %%", None) in found
    assert len(found) > 40


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_message_is_translated(language):
    """Each message has a checked (not fuzzy) translation in the catalogue. Compared
    with the catalogue's entries, not with the English: Swedish "plan" and "status" are
    the same words."""

    catalogue = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
    entries = {entry.msgid: entry for entry in catalogue if not entry.obsolete}
    missing = []
    for singular, plural in messages():
        entry = entries.get(singular)
        done = (
            entry is not None
            and "fuzzy" not in entry.flags
            and (all(entry.msgstr_plural.values()) if plural is not None else bool(entry.msgstr))
        )
        if not done:
            missing.append(singular)
    assert not missing, f"{len(missing)} messages not translated to {language}:\n" + "\n".join(missing)
