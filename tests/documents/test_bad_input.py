"""Bad input: markup characters in user texts stay characters (never Typst markup, never
HTML), characters outside the fonts become "?", an overlong word stays on the page,
and an unknown kind, format, language or plan is a clear error, never a crash."""

import datetime as dt
import io
import unicodedata
import xml.etree.ElementTree as ET

import pypdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils.translation import get_language

from suunta.agreements import services

from .common import (
    assert_in_order,
    docx_text,
    download_url,
    label,
    normalise,
    pdftotext,
    preview_url,
    render_with_command,
)
from .test_annex_pdf import assert_nothing_outside_the_margins

pytestmark = pytest.mark.django_db

PLAN_TITLE = 'Suunnitelma <script>alert(1)</script> & "x" ]]> #title $y$'
GOAL = "Tavoite #1 $x$ *a* _b_ <c> @d \\e ]f"
METRIC = "= Otsikko #set page(width: 1cm) [x] `raw` // kommentti /* c */ ~ -- \"lainaus\" 'heitto' #{1+1} <lbl> @ref"
FOREIGN_GOAL = "Tavoite 😀 ja 漢字"
FOREIGN_GOAL_SHOWN = "Tavoite ? ja ??"
FOREIGN_METRIC = "Mittari 👩\u200d💻 valmis ✓"  # woman + zero-width joiner + computer, check mark
FOREIGN_METRIC_SHOWN = "Mittari ??? valmis ?"


def make_plan(demo, title: str, goals: list[tuple[str, list[str]]]):
    preparer = demo.user("valmistelija")
    plan = services.create_plan(
        preparer,
        demo.plan.agreement,
        title=title,
        period_start=dt.date(2031, 1, 1),
        period_end=dt.date(2031, 12, 31),
    )
    version = plan.versions.get()
    for goal_title, metrics in goals:
        goal = services.add_goal_area(preparer, version, title=goal_title)
        for text in metrics:
            services.add_metric(preparer, goal, text=text)
    return plan


@pytest.fixture
def markup_plan(demo):
    return make_plan(demo, PLAN_TITLE, [(GOAL, [METRIC, "Toinen mittari"]), ("Toinen tavoite", [GOAL])])


def test_markup_characters_are_printed_literally_in_the_pdf(demo, markup_plan, tmp_path):
    body = render_with_command(tmp_path, "annex", markup_plan)
    text = normalise(pdftotext(body))
    assert_in_order(
        text, [PLAN_TITLE, GOAL, METRIC, "Toinen mittari", "Toinen tavoite", GOAL], "markup annex"
    )
    reader = pypdf.PdfReader(io.BytesIO(body))
    # One page, as designed: "#set page(width: 1cm)" was not obeyed.
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(595.276, abs=0.5)
    assert reader.metadata.title == PLAN_TITLE
    # The XMP packet stays well-formed XML with the title as typed.
    packet = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    titles = [
        li.text
        for li in ET.fromstring(packet).iterfind(
            ".//{http://purl.org/dc/elements/1.1/}title//{http://www.w3.org/1999/02/22-rdf-syntax-ns#}li"
        )
    ]
    assert titles == [PLAN_TITLE]


def test_markup_characters_are_kept_in_the_docx(demo, markup_plan, tmp_path):
    text = normalise(docx_text(render_with_command(tmp_path, "annex", markup_plan, fmt="docx")))
    assert_in_order(text, [PLAN_TITLE, GOAL, METRIC, "Toinen tavoite", GOAL], "markup annex DOCX")


def test_markup_characters_are_escaped_in_the_preview(demo, markup_plan):
    response = demo.client("valmistelija").get(preview_url(markup_plan, "annex"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<c>" not in html and "&lt;c&gt;" in html
    assert "<lbl>" not in html


def test_markup_in_every_document_kind_renders(demo, markup_plan):
    """The agenda item quotes the plan title too; every kind and format renders."""
    client = demo.client("valmistelija")
    for fmt in ("pdf", "docx"):
        for kind in ("annex", "agenda"):
            response = client.get(download_url(markup_plan, kind, fmt))
            assert response.status_code == 200, (kind, fmt)
            text = normalise(pdftotext(response.content) if fmt == "pdf" else docx_text(response.content))
            assert PLAN_TITLE in text, (kind, fmt)


def test_characters_outside_the_fonts_become_question_marks(demo, tmp_path):
    plan = make_plan(demo, "Suunnitelma 🚀 2031", [(FOREIGN_GOAL, [FOREIGN_METRIC])])
    for fmt, read in (("pdf", pdftotext), ("docx", docx_text)):
        text = normalise(read(render_with_command(tmp_path, "annex", plan, fmt=fmt)))
        assert_in_order(text, ["Suunnitelma ? 2031", FOREIGN_GOAL_SHOWN, FOREIGN_METRIC_SHOWN], fmt)
        for character in ("😀", "漢", "👩", "💻", "✓", "🚀"):
            assert character not in text
    response = demo.client("valmistelija").get(download_url(plan, "annex", "pdf"))
    assert response.status_code == 200
    assert pypdf.PdfReader(io.BytesIO(response.content)).metadata.title == "Suunnitelma ? 2031"
    # The preview is HTML: the browser has fonts for them, so they are shown as typed.
    preview = demo.client("valmistelija").get(preview_url(plan, "annex")).content.decode()
    assert FOREIGN_GOAL in preview


def test_scripts_the_fonts_cover_decomposed_letters_and_control_characters(demo, tmp_path):
    """Greek and Cyrillic are in Liberation Sans, Hebrew is not ("?"); an "ä" stored
    decomposed (a + combining diaeresis, as pasted from macOS) is shown as "ä"; a
    control character becomes "?" and never breaks the DOCX's XML."""
    decomposed = unicodedata.normalize("NFD", "Päätöksenteon laadukas valmistelu")
    assert decomposed != "Päätöksenteon laadukas valmistelu"
    goals = [("Ελληνικά Кириллица עברית", [decomposed, "Sarkain\tja pystysarkain\x0bloppu"])]
    plan = make_plan(demo, "Suunnitelma 2031", goals)
    expected = ["Ελληνικά Кириллица ?????", "Päätöksenteon laadukas valmistelu", "pystysarkain?loppu"]
    for fmt, read in (("pdf", pdftotext), ("docx", docx_text)):
        text = normalise(read(render_with_command(tmp_path, "annex", plan, fmt=fmt)))
        assert_in_order(text, expected, fmt)


def test_an_overlong_word_stays_on_the_page(demo, tmp_path):
    long_goal = "A" * 150
    long_metric = "W" * 80 + " " + "1234567890" * 6
    plan = make_plan(demo, "Suunnitelma 2031", [(long_goal, [long_metric]), ("Lyhyt", ["Lyhyt mittari"])])
    body = render_with_command(tmp_path, "annex", plan)
    assert_nothing_outside_the_margins(body)
    # The text is whole once the break points are taken out.
    assert_in_order(normalise(pdftotext(body)), [long_goal, long_metric, "Lyhyt", "Lyhyt mittari"])


def test_long_finnish_compounds_are_hyphenated_not_split(demo, tmp_path):
    """Words the hyphenation patterns know get a real hyphenation point (U+00AD in
    the text), never a zero-width space: only runs of 30+ letters and digits do."""
    goal = "Johtoryhmätyöskentelyn kehittämisohjelmasuunnitelma"  # 28 letters
    metric = "Henkilöstöjohtamisen työhyvinvointisuunnitelma"  # 25 letters
    plan = make_plan(demo, "Suunnitelma 2031", [(goal, [metric])])
    raw = pdftotext(render_with_command(tmp_path, "annex", plan))
    assert "\u200b" not in raw
    assert "\u00ad" in raw
    assert_in_order(normalise(raw), [goal, metric])


# --- Unknown kind, format, language, plan --------------------------------------------------


def test_an_unknown_kind_format_or_language_is_a_400_with_the_reason(demo):
    client = demo.client("valmistelija")
    plan = demo.plan
    cases = [
        (preview_url(plan, "salary"), {}, label("Unknown document “%(kind)s”.", "fi", kind="salary")),
        (download_url(plan, "salary", "pdf"), {}, label("Unknown document “%(kind)s”.", "fi", kind="salary")),
        (
            download_url(plan, "annex", "odt"),
            {},
            label("Unknown format “%(format)s”: use pdf or docx.", "fi", format="odt"),
        ),
        (
            download_url(plan, "annex", "PDF"),
            {},
            label("Unknown format “%(format)s”: use pdf or docx.", "fi", format="PDF"),
        ),
        (
            preview_url(plan, "annex"),
            {"lang": "de"},
            label("Unknown language “%(lang)s”: use fi, sv or en.", "fi", lang="de"),
        ),
        (
            download_url(plan, "annex", "pdf"),
            {"lang": "FI"},
            label("Unknown language “%(lang)s”: use fi, sv or en.", "fi", lang="FI"),
        ),
    ]
    for url, query, message in cases:
        response = client.get(url, query)
        assert response.status_code == 400, (url, query, response.status_code)
        assert message in response.content.decode(), (url, query)


def test_markup_in_the_language_parameter_is_escaped(demo):
    response = demo.client("valmistelija").get(
        preview_url(demo.plan, "annex"), {"lang": "<script>x</script>"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_an_unknown_plan_is_a_404(demo):
    client = demo.client("valmistelija")
    assert client.get(reverse("document_preview", args=[999999, "annex"])).status_code == 404
    assert client.get(reverse("document_download", args=[999999, "annex", "pdf"])).status_code == 404


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["salary", "PLAN"], "invalid choice: 'salary'"),
        (
            ["annex", "PLAN", "--format", "odt"],
            ("Unknown format “%(format)s”: use pdf or docx.", {"format": "odt"}),
        ),
        (
            ["annex", "PLAN", "--lang", "de"],
            ("Unknown language “%(lang)s”: use fi, sv or en.", {"lang": "de"}),
        ),
        (["annex", "999999"], "No plan 999999."),
        (["annex", "PLAN", "--checkpoint", "x"], "invalid int value: 'x'"),
    ],
)
def test_the_command_refuses_bad_arguments_with_a_command_error(demo, tmp_path, args, message):

    if isinstance(message, tuple):  # ours: in the language the command runs in
        message = label(message[0], get_language(), **message[1])
    args = [str(demo.plan.pk) if a == "PLAN" else a for a in args]
    output = tmp_path / "out"
    with pytest.raises(CommandError) as raised:
        call_command("render_document", *args, "--output", str(output), stdout=io.StringIO())
    assert message in str(raised.value)
    assert not output.exists()
