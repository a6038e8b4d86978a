"""Evidence on the follow-up page: listed under each assessment the user may read, the
own assessment's add and remove forms (working without JavaScript, labelled, errors
tied to their fields), and a query count that does not grow with the evidence."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suunta.evidence import services, uploads

from ..dom import parse
from ..followup.common import goal_section, ratings, self_assess, submit_all, success_messages
from ..followup.common import goals as goals_of
from ..helpers import assert_field_error, fi
from . import files
from .common import (
    DEPUTY,
    EXECUTIVE,
    MAYOR,
    download_url,
    field_id,
    first_goal,
    followup_url,
    in_finnish,
    open_checkpoint,
    post_files,
    post_link,
    remove_url,
    size_fi,
    upload_as,
)

pytestmark = pytest.mark.django_db


def evidence_links(response, goal) -> dict[str, dict]:
    """{link text: attributes} of the evidence lists in the goal's assessments."""
    section = goal_section(response, goal)
    dl = section.find_all(lambda e: e.tag == "dl" and "assessments" in e.classes)[0]
    lists = dl.find_all(lambda e: "evidence-list" in e.classes)
    return {a.text(): a.attrs for ul in lists for a in ul.find_all(lambda e: e.tag == "a")}


def with_evidence(demo):
    """The executive's submitted self-assessment with a file and a link, and the mayor's
    draft view with a file of its own."""
    file = upload_as(demo, EXECUTIVE, "Väliraportti.pdf")
    link = services.attach_link(
        demo.user(EXECUTIVE),
        open_checkpoint(demo),
        first_goal(demo),
        "https://example.fi/pk?id=1&x=2",
        "Pöytäkirja",
    )
    self_assess(demo, open_checkpoint(demo), ratings(demo.org)["progressed"])
    draft = upload_as(demo, MAYOR, "pormestarin luonnos.pdf")
    return file, link, draft


@pytest.mark.parametrize("username", [MAYOR, DEPUTY, "valmistelija", "paakayttaja"])
def test_insiders_see_the_evidence_of_a_submitted_self_assessment(demo, username):
    file, _link, _draft = with_evidence(demo)
    response = demo.client(username).get(followup_url(demo))
    links = evidence_links(response, first_goal(demo))
    assert links["Väliraportti.pdf"]["href"] == download_url(file)
    assert links["Pöytäkirja"]["href"] == "https://example.fi/pk?id=1&x=2"
    assert links["Pöytäkirja"]["rel"] == "noopener noreferrer"
    # The mayor's draft view (and its evidence) only to the mayor.
    assert ("pormestarin luonnos.pdf" in links) == (username == MAYOR)
    section = goal_section(response, first_goal(demo)).text()
    assert size_fi(file.size).replace("\xa0", " ") in section.replace("\xa0", " ")


def test_the_authors_draft_evidence_is_hidden_from_others(demo):
    upload_as(demo, EXECUTIVE, "luonnoksen liite.pdf")
    for username in (MAYOR, "valmistelija"):
        body = demo.client(username).get(followup_url(demo)).content.decode()
        assert "luonnoksen liite.pdf" not in body


@pytest.mark.parametrize("username", ["hallitus", "tarkastaja"])
def test_board_members_and_auditors_see_no_evidence(demo, username):
    with_evidence(demo)
    body = demo.client(username).get(followup_url(demo)).content.decode()
    for text in ("Väliraportti.pdf", "Pöytäkirja", "example.fi", "/evidence/"):
        assert text not in body
    assert "evidence-add-" not in body


def test_the_own_form_works_without_javascript(demo):
    """Forms do not nest: each goal's evidence form is an empty <form> outside the big
    assessment form, and the controls in the goal's section join it by form="..."."""
    file = upload_as(demo, EXECUTIVE, "liite.pdf")
    response = demo.client(EXECUTIVE).get(followup_url(demo))
    doc = parse(response.content)
    goal = first_goal(demo)
    form = doc.by_id(f"evidence-add-{goal.pk}")
    assert form.tag == "form"
    assert form.attrs["method"] == "post"
    assert form.attrs["enctype"] == "multipart/form-data"
    assert (
        form.attrs["action"]
        == f"/plans/{demo.current.pk}/followup/{open_checkpoint(demo).pk}/evidence/{goal.pk}/"
    )
    assert form.closest(lambda e: e.tag == "form") is None, "a form inside a form is dropped by browsers"
    assert form.find_all(lambda e: e.attrs.get("name") == "csrfmiddlewaretoken")
    for name in ("files", "url", "title"):
        control = doc.by_id(field_id(goal, name))
        assert control.attrs["form"] == f"evidence-add-{goal.pk}"
        labels = doc.find_all(lambda e, c=control: e.tag == "label" and e.attrs.get("for") == c.attrs["id"])
        assert len(labels) == 1
    file_input = doc.by_id(field_id(goal, "files"))
    assert file_input.attrs["type"] == "file"
    assert file_input.attrs["accept"] == uploads.ACCEPT
    assert "multiple" in file_input.attrs
    hint = doc.by_id(file_input.attrs["aria-describedby"])
    expected_hint = fi(
        "%(types)s; at most %(size)s MB per file.", types=in_finnish(str, uploads.ALLOWED_LABELS), size="10"
    )
    assert hint.text().strip() == expected_hint
    submit = [
        b
        for b in doc.find_all(lambda e: e.tag == "button")
        if b.attrs.get("form") == f"evidence-add-{goal.pk}"
    ]
    assert len(submit) == 1 and submit[0].attrs["type"] == "submit"
    # Inside a fieldset with a legend naming the goal.
    fieldset = file_input.closest(lambda e: e.tag == "fieldset")
    legend = fieldset.find_all(lambda e: e.tag == "legend")[0]
    assert goal.display_title in legend.text()
    # The remove button of the own item, and its form outside the big one.
    remove_form = doc.find_all(lambda e: e.tag == "form" and e.attrs.get("action") == remove_url(file))
    assert len(remove_form) == 1 and remove_form[0].closest(lambda e: e.tag == "form") is None
    buttons = [
        b
        for b in doc.find_all(lambda e: e.tag == "button")
        if b.attrs.get("form") == remove_form[0].attrs["id"]
    ]
    assert len(buttons) == 1 and "liite.pdf" in buttons[0].text()


def test_evaluators_get_the_form_for_their_view(demo):
    doc = parse(demo.client(MAYOR).get(followup_url(demo)).content)
    assert doc.has_id(f"evidence-add-{first_goal(demo).pk}")


@pytest.mark.parametrize("username", ["valmistelija", "hallitus", "tarkastaja", "paakayttaja"])
def test_no_form_for_those_who_may_not_attach(demo, username):
    body = demo.client(username).get(followup_url(demo)).content.decode()
    assert "evidence-add-" not in body and 'type="file"' not in body


def test_no_inline_styles_or_scripts(demo):
    with_evidence(demo)
    body = demo.client(EXECUTIVE).get(followup_url(demo)).content.decode()
    doc = parse(body)
    assert not doc.find_all(lambda e: "style" in e.attrs or any(a.startswith("on") for a in e.attrs))
    assert not doc.find_all(lambda e: e.tag == "script" and "src" not in e.attrs)


def test_an_error_comes_back_beside_its_field_with_the_typed_text(demo):
    goal = first_goal(demo)
    response = post_link(demo.client(EXECUTIVE), demo, "javascript:alert(1)", "Hyökkäys")
    assert_field_error(
        response,
        field_id(goal, "url"),
        fi("Enter a web address that starts with http:// or https://."),
        typed="javascript:alert(1)",
    )
    assert parse(response.content).by_id(field_id(goal, "title")).value() == "Hyökkäys"
    # The rest of the page is there too: the other goals' forms and the own assessment.
    doc = parse(response.content)
    assert doc.has_id(f"evidence-add-{goals_of(demo.current)[1].pk}")
    assert doc.has_id(f"id_own-{goal.pk}-text")


def test_a_file_error_is_tied_to_the_file_input(demo):
    goal = first_goal(demo)
    response = post_files(demo.client(EXECUTIVE), demo, files.upload("sivu.pdf", files.html()))
    assert_field_error(
        response,
        field_id(goal, "files"),
        fi(
            "“%(name)s” is not a real %(type)s file: its content does not match its name.",
            name="sivu.pdf",
            type="PDF",
        ),
    )


def test_success_is_announced_and_the_page_returns_to_the_goal(demo):
    client = demo.client(EXECUTIVE)
    response = post_files(
        client, demo, files.upload("a.pdf", files.pdf()), files.upload("b.png", files.png())
    )
    page = client.get(response["Location"])

    assert success_messages(page) == [
        fi(
            "Evidence added to “%(goal)s”: %(names)s.",
            goal=first_goal(demo).display_title,
            names="“a.pdf”, “b.png”",
        )
    ]


# --- Query counts -----------------------------------------------------------------------------------


def add_items(demo, username: str, count: int, start: int = 0) -> None:
    """`count` items (files and links in turn) on each goal of the user's assessment."""
    checkpoint, goal_list = open_checkpoint(demo), goals_of(demo.current)
    user = demo.user(username)
    for goal in goal_list:
        for index in range(start, start + count):
            if index % 2:
                services.attach_link(user, checkpoint, goal, f"https://example.fi/{index}", f"Linkki {index}")
            else:
                services.attach_file(user, checkpoint, goal, files.upload(f"liite-{index}.pdf", files.pdf()))


def page_queries(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), [q["sql"] for q in context.captured_queries]


@pytest.mark.parametrize("reader", [EXECUTIVE, MAYOR, DEPUTY])
def test_the_page_query_count_does_not_grow_with_evidence(demo, reader):
    """1 item on each assessment, then 5 on each, and more assessments carrying them
    (another evaluator's submitted view): the same number of queries."""
    checkpoint = open_checkpoint(demo)
    scale = ratings(demo.org)
    add_items(demo, EXECUTIVE, 1)
    add_items(demo, MAYOR, 1)
    self_assess(demo, checkpoint, scale["progressed"])
    submit_all(demo.user(MAYOR), checkpoint, goals_of(demo.current), "view", scale["achieved"])
    client = demo.client(reader)
    client.get(followup_url(demo))  # warm up (the follow-up row, the scale)
    few = page_queries(client, followup_url(demo))
    add_items(demo, EXECUTIVE, 4, start=1)
    add_items(demo, MAYOR, 4, start=1)
    add_items(demo, "valtuuston-pj", 5)
    submit_all(demo.user("valtuuston-pj"), checkpoint, goals_of(demo.current), "view", scale["achieved"])
    many = page_queries(client, followup_url(demo))
    body = client.get(followup_url(demo)).content.decode()
    assert body.count("liite-4.pdf") >= 2 * len(goals_of(demo.current))
    assert few[0] == many[0], f"{few[0]} queries with 1 item each, {many[0]} with 5:\n" + "\n".join(many[1])
