"""The files of an approved version in the shared cache (render.render): a repeat
download skips the compile, and an entry never reaches a reader it was not made for.
The annex shows an agreed follow-up only to a reader who may read it in the app
(insiders at once, board members and auditors once it is reported to the board), so
one approved version has different annexes for different readers, and a change of the
follow-up's state or text shows in the very next download."""

import pytest

from suunta.documents import docx, pdf
from suunta.documents import render as documents
from suunta.followup.models import Assessment, FollowUp

from .common import checkpoints_of, download_url, normalise, pdftotext, preview_url

pytestmark = pytest.mark.django_db

INSIDER = "valmistelija"
READERS = ("hallitus", "tarkastaja")  # a board member, an auditor
# Short words: a table cell's hyphenation never splits them.
AGREED = "Ok 4711"
CHANGED = "Ok 4712"


def agreed_not_reported(demo, text: str = AGREED):
    """The approved plan's second follow-up agreed but not yet reported, its agreed
    texts set to `text`."""
    checkpoint = checkpoints_of(demo.plan.latest_version())[1]
    FollowUp.objects.filter(checkpoint=checkpoint).update(status="agreed")
    assert Assessment.objects.filter(checkpoint=checkpoint, kind="agreed").update(text=text) > 0
    return checkpoint


def annex(demo, username: str, fmt: str = "pdf") -> tuple[bytes, str]:
    response = demo.client(username).get(download_url(demo.plan, "annex", fmt))
    assert response.status_code == 200
    text = normalise(pdftotext(response.content)) if fmt == "pdf" else ""
    return response.content, text


def test_a_reader_never_gets_the_annex_made_for_an_insider(demo):
    agreed_not_reported(demo)
    insiders, insider_text = annex(demo, INSIDER)
    assert AGREED in insider_text  # made, and cached, with the agreed follow-up
    for username in READERS:
        body, text = annex(demo, username)
        assert AGREED not in text, username
        assert body != insiders, username
    # And the other way round: the insider's own entry still shows it.
    assert AGREED in annex(demo, INSIDER)[1]


def test_the_preview_shows_a_reader_no_unreported_agreed_followup(demo):
    agreed_not_reported(demo)
    assert AGREED in demo.client(INSIDER).get(preview_url(demo.plan, "annex")).content.decode()
    for username in READERS:
        page = demo.client(username).get(preview_url(demo.plan, "annex"))
        assert page.status_code == 200
        assert AGREED not in page.content.decode(), username


def test_reporting_the_followup_shows_it_to_readers_at_once(demo):
    checkpoint = agreed_not_reported(demo)
    assert AGREED not in annex(demo, "hallitus")[1]  # cached without it
    FollowUp.objects.filter(checkpoint=checkpoint).update(status="reported")
    assert AGREED in annex(demo, "hallitus")[1]


def test_a_changed_agreed_text_or_state_shows_at_once(demo):
    checkpoint = agreed_not_reported(demo)
    assert AGREED in annex(demo, INSIDER)[1]
    Assessment.objects.filter(checkpoint=checkpoint, kind="agreed").update(text=CHANGED)
    text = annex(demo, INSIDER)[1]
    assert CHANGED in text
    assert AGREED not in text
    FollowUp.objects.filter(checkpoint=checkpoint).update(status="open")
    assert CHANGED not in annex(demo, INSIDER)[1]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_repeat_download_of_an_approved_annex_comes_from_the_cache(demo, monkeypatch, fmt):
    first, _text = annex(demo, INSIDER, fmt)

    def fail(content):
        raise AssertionError("made again")

    monkeypatch.setattr(pdf if fmt == "pdf" else docx, "render", fail)
    assert annex(demo, INSIDER, fmt)[0] == first
    # The cache serves the same content to another reader allowed the same (here every
    # follow-up is reported: a board member's annex is the insider's).
    assert annex(demo, "hallitus", fmt)[0] == first


def test_a_drafts_files_are_made_each_time(demo, monkeypatch):
    made = []
    real = pdf.render

    def counted(content):
        made.append(content["title"])
        return real(content)

    monkeypatch.setattr(pdf, "render", counted)
    client = demo.client(INSIDER)
    for _ in range(2):
        assert client.get(download_url(demo.draft, "annex", "pdf")).status_code == 200
    assert len(made) == 2


def test_the_key_covers_the_content_the_format_and_the_maker(demo, monkeypatch):
    version = demo.plan.latest_version()
    content = documents.build(documents.Request("annex", version, "fi"))
    key = documents.cache_key(content, "pdf")
    assert documents.cache_key(content, "pdf") == key
    assert documents.cache_key(content, "docx") != key
    assert documents.cache_key({**content, "footer": content["footer"] + " "}, "pdf") != key
    monkeypatch.setattr(documents, "_maker_fingerprint", lambda: "another template")
    assert documents.cache_key(content, "pdf") != key
