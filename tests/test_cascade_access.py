"""Issue 21, "Done when": who of the demo's goal tree sees which plan, follow-up and
discussion. The tree (suunta/demo/cascade.py): the chief of staff's 2025 plan at the
top, the education director's and the technical director's 2025 plans below it, each
director's agreement evaluated by the chief. The mayor evaluates the chief; the
preparer, a board member and an auditor read as their roles do.

The expected answers are literal tables: a change in who sees what is a change of
these tables, decided here, never an outcome copied from a run. The rules they encode
(docs/access.md, issue 21 part 3): a director never sees a sibling's plan, follow-ups
or discussions, nor the chief's; the chief sees both directors' plans as their
evaluator; the mayor, evaluator of the chief's agreement alone, sees nothing of the
directors'; board members and auditors read the approved plans and reported
follow-ups of every agreement, never a discussion; restricted discussion content stays
inside each agreement's circle, whoever sits higher in the tree."""

import datetime as dt
import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from suunta.agreements.models import GoalPlan
from suunta.demo import cascade
from suunta.demo import discussions as demo_discussion
from suunta.demo.followups import SEED_FOLLOWUPS
from suunta.discussions import services as discussion_services
from suunta.discussions.models import Discussion, Section, SurveyAnswer
from suunta.lib.publicity import Publicity
from suunta.organizations import people

from .test_access_matrix import ANON, MATRIX

pytestmark = pytest.mark.django_db

CHIEF, EDUCATION, TECHNICAL = "kansliapaallikko", "sivistysjohtaja", "tekninen-johtaja"
MAYOR, PREPARER, BOARD, AUDITOR = "pormestari", "valmistelija", "hallitus", "tarkastaja"
PERSONAS = (CHIEF, EDUCATION, TECHNICAL, MAYOR, PREPARER, BOARD, AUDITOR)
DIRECTORS = (EDUCATION, TECHNICAL)

PLAN_TITLES = {
    "chief": "Kansliapäällikön tavoitteet 2025",
    "education": "Sivistysjohtajan tavoitteet 2025",
    "technical": "Teknisen johtajan tavoitteet 2025",
}

# Per plan of the tree, per persona: the status of (the plan page, its first follow-up
# page, the agreement page).
OPEN = (200, 200, 200)
CLOSED = (404, 404, 404)
PLAN_ACCESS = {
    "chief": {
        CHIEF: OPEN,  # own
        EDUCATION: CLOSED,  # the agreement above: not the director's
        TECHNICAL: CLOSED,
        MAYOR: OPEN,  # its evaluator
        PREPARER: OPEN,
        BOARD: OPEN,  # approved; the follow-up reported
        AUDITOR: OPEN,
    },
    "education": {
        CHIEF: OPEN,  # its evaluator
        EDUCATION: OPEN,  # own
        TECHNICAL: CLOSED,  # a sibling's
        MAYOR: CLOSED,  # evaluates the chief's agreement, not this one
        PREPARER: OPEN,
        BOARD: OPEN,
        AUDITOR: OPEN,
    },
    "technical": {
        CHIEF: OPEN,
        EDUCATION: CLOSED,
        TECHNICAL: OPEN,
        MAYOR: CLOSED,
        PREPARER: OPEN,
        BOARD: OPEN,
        AUDITOR: OPEN,
    },
}

# The first follow-up page of each director's plan, its first goal: whether the
# director's self-assessment, the chief's view and the agreed text are shown (None: the
# page is not found). Insiders read all three; board members and auditors the agreed
# text, as the follow-up has been reported to the board.
ALL_TEXTS = (True, True, True)
AGREED_ONLY = (False, False, True)
FOLLOWUP_TEXTS = {
    "education": {
        CHIEF: ALL_TEXTS,
        EDUCATION: ALL_TEXTS,
        TECHNICAL: None,
        MAYOR: None,
        PREPARER: ALL_TEXTS,
        BOARD: AGREED_ONLY,
        AUDITOR: AGREED_ONLY,
    },
    "technical": {
        CHIEF: ALL_TEXTS,
        EDUCATION: None,
        TECHNICAL: ALL_TEXTS,
        MAYOR: None,
        PREPARER: ALL_TEXTS,
        BOARD: AGREED_ONLY,
        AUDITOR: AGREED_ONLY,
    },
}

# Per discussion, per persona: the discussion page's status and whether its restricted
# sections' texts are on it. "chief": the demo's spring 2025 discussion of the chief's
# agreement (the mayor, the deputy mayor, the council chair and the chief in the room).
# The directors' discussions are made here (the demo has none): the chief and the
# director in the room. Preparers see every discussion of the organization, never a
# restricted text of a room they are not in; board members and auditors no discussion.
DISCUSSION_ACCESS = {
    "chief": {
        CHIEF: (200, True),
        EDUCATION: (404, False),
        TECHNICAL: (404, False),
        MAYOR: (200, True),
        PREPARER: (200, False),
        BOARD: (404, False),
        AUDITOR: (404, False),
    },
    "education": {
        CHIEF: (200, True),  # the evaluator, in the room
        EDUCATION: (200, True),
        TECHNICAL: (404, False),
        MAYOR: (404, False),  # higher in the tree, outside this agreement's circle
        PREPARER: (200, False),
        BOARD: (404, False),
        AUDITOR: (404, False),
    },
    "technical": {
        CHIEF: (200, True),
        EDUCATION: (404, False),
        TECHNICAL: (200, True),
        MAYOR: (404, False),
        PREPARER: (200, False),
        BOARD: (404, False),
        AUDITOR: (404, False),
    },
}

# The restricted notes written here in the directors' discussions.
DIRECTOR_NOTES = {
    "education": "Sivistysjohtajan jaksaminen: sovittiin lomasijaisuudesta ja työnohjauksesta syksyllä.",
    "technical": "Teknisen johtajan työkuorma: investointien valvontaan palkataan määräaikainen rakennuttaja.",
}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def plans(demo) -> dict[str, GoalPlan]:
    return {key: GoalPlan.objects.get(title=title) for key, title in PLAN_TITLES.items()}


def first_checkpoint(plan):
    return plan.versions.get(status="approved").checkpoints.order_by("order").first()


def plan_urls(plan) -> tuple[str, str, str]:
    return (
        reverse("plan_detail", args=[plan.pk]),
        reverse("followup", args=[plan.pk, first_checkpoint(plan).pk]),
        reverse("agreement_detail", args=[plan.agreement_id]),
    )


def directors_discussions(demo, tree: dict[str, GoalPlan]) -> dict[str, Discussion]:
    """The spring 2025 discussion of the chief's agreement, and one discussion per
    director (the chief and the director in the room) with a restricted note."""
    chief = demo.user(CHIEF)
    result = {
        "chief": Discussion.objects.get(agreement=tree["chief"].agreement, held_on=dt.date(2025, 3, 12))
    }
    for key, username in (("education", EDUCATION), ("technical", TECHNICAL)):
        plan = tree[key]
        discussion = discussion_services.create_discussion(
            chief,
            plan.agreement,
            participants=[chief, demo.user(username)],
            plans=[plan],
            held_on=dt.date(2026, 12, 10),
            place="Kunnantalo, kansliapäällikön työhuone",
        )
        section = Section.objects.get(discussion=discussion, kind="wellbeing")
        assert section.publicity == Publicity.RESTRICTED
        discussion_services.save_section(chief, section, text=DIRECTOR_NOTES[key], revision=section.revision)
        result[key] = discussion
    return result


def restricted_texts(discussion) -> list[str]:
    """What only the people in the room read: restricted sections, the development
    plan, the survey's answers."""
    texts = [
        s.text
        for s in Section.objects.filter(discussion=discussion, publicity=Publicity.RESTRICTED)
        if s.text
    ]
    texts += [
        value
        for item in discussion.raised_items.all()
        for value in (item.need, item.action, item.responsible)
    ]
    texts += list(SurveyAnswer.objects.filter(survey__discussion=discussion).values_list("text", flat=True))
    return texts


def test_the_demo_tree_is_as_the_tables_assume(demo):
    tree = plans(demo)
    chief_agreement = tree["chief"].agreement
    assert chief_agreement.executive.username == CHIEF
    for key, director in (("education", EDUCATION), ("technical", TECHNICAL)):
        agreement = tree[key].agreement
        assert agreement.executive.username == director
        evaluators = set(
            agreement.evaluator_memberships.values_list(
                "user__username", "title", "position__may_mark_agreed"
            )
        )
        assert evaluators == {(CHIEF, "chief_of_staff", True)}
        version = tree[key].versions.get()
        assert version.status == "approved"
        served = {g.serves for g in version.goal_areas.all()}
        chief_goals = set(tree["chief"].versions.get().goal_areas.values_list("lineage", flat=True))
        assert served and served <= chief_goals, "every goal serves a goal of the chief's 2025 plan"
        assert first_checkpoint(tree[key]).followup.status == "reported"
    # The chief's own discussion has restricted content for the sweep below to look for.
    assert len(restricted_texts(Discussion.objects.get(agreement=chief_agreement))) >= 5


def test_who_opens_which_plan_follow_up_and_agreement(demo):
    tree = plans(demo)
    got = {}
    for persona in PERSONAS:
        client = demo.client(persona)
        for key, plan in tree.items():
            got.setdefault(key, {})[persona] = tuple(client.get(url).status_code for url in plan_urls(plan))
    assert got == PLAN_ACCESS


def test_who_reads_which_follow_up_text(demo):
    tree = plans(demo)
    by_username = {spec["username"]: spec for spec in cascade.DIRECTORS}
    got = {}
    for key, director in (("education", EDUCATION), ("technical", TECHNICAL)):
        _own, own_text, view, _agreed, agreed_text = by_username[director]["followup"]["goals"][0]
        url = plan_urls(tree[key])[1]
        for persona in PERSONAS:
            response = demo.client(persona).get(url)
            if response.status_code == 404:
                got.setdefault(key, {})[persona] = None
                continue
            assert response.status_code == 200, (persona, key, response.status_code)
            text = squash(response.content.decode())
            got.setdefault(key, {})[persona] = tuple(squash(t) in text for t in (own_text, view, agreed_text))
    assert got == FOLLOWUP_TEXTS


def test_who_opens_which_discussion_and_reads_its_restricted_notes(demo):
    tree = plans(demo)
    discussions = directors_discussions(demo, tree)
    got = {}
    for key, discussion in discussions.items():
        secrets = [squash(t) for t in restricted_texts(discussion)]
        assert secrets
        url = reverse("discussion_detail", args=[discussion.pk])
        for persona in PERSONAS:
            response = demo.client(persona).get(url)
            text = squash(response.content.decode()) if response.status_code == 200 else ""
            shown = [s in text for s in secrets]
            # All or nothing: a room's restricted texts are read together.
            assert all(shown) or not any(shown), (key, persona, shown)
            got.setdefault(key, {})[persona] = (response.status_code, all(shown))
    assert got == DISCUSSION_ACCESS


# Pages that are not HTML or text to search.
# Files, not text (the documents' texts are searched through their previews, above).
BINARY = {
    "strategy_map_xlsx",
    "document_download",
    "evidence_download",
    "agreement_signed_file",
    "handling_package",  # a ZIP of the agenda item and its annex (PDF/A)
    "api_v1:get_document",  # the same PDF/A and DOCX through the API
    "api_v1:get_package",
}


def matrix_pages(demo, persona: str) -> list[str]:
    """Every page of the access matrix the persona opens (GET, 200) that an anonymous
    visitor does not: for the directors the organization's own pages (front page,
    organization, strategy, strategy map, budget, dashboard …), as the matrix's entries
    are the chief's. (What anyone opens without a login, the public goals page, is
    public: it is searched for the restricted notes alone, below.)"""
    urls = []
    for name, entry in sorted(MATRIX.items()):
        if entry.method != "get" or entry.expected[persona] != 200 or name in BINARY:
            continue
        if entry.expected[ANON] == 200:
            continue
        urls.append(reverse(name, args=entry.args(demo) if entry.args else None))
    return urls


def tree_pages(persona: str, tree: dict[str, GoalPlan], discussions: dict[str, Discussion]) -> list[str]:
    """The pages of the tree the tables let the persona open: each visible plan's page,
    history, annex and follow-up report, every follow-up, its agreement; the discussions."""
    urls = []
    for key, plan in tree.items():
        if PLAN_ACCESS[key][persona] != OPEN:
            continue
        urls += list(plan_urls(plan))
        urls.append(reverse("plan_history", args=[plan.pk]))
        urls.append(reverse("document_preview", args=[plan.pk, "annex"]))
        urls.append(reverse("document_preview", args=[plan.pk, "followup-report"]) + "?checkpoint=1")
        for checkpoint in plan.versions.get(status="approved").checkpoints.all():
            urls.append(reverse("followup", args=[plan.pk, checkpoint.pk]))
    for key, discussion in discussions.items():
        if DISCUSSION_ACCESS[key][persona][0] == 200:
            urls.append(reverse("discussion_detail", args=[discussion.pk]))
    return urls


def hidden_from(persona: str, tree: dict[str, GoalPlan], discussions: dict[str, Discussion]) -> list[str]:
    """What the tables say the persona may not read: the restricted texts of every
    discussion whose restricted notes the persona does not read (the whole memo of one
    the persona cannot open); of every plan the persona cannot open its title, goals
    and follow-up texts (of the chief's plan only the follow-ups: a director's plan
    names the goal it serves above it)."""
    texts = []
    for key, discussion in discussions.items():
        status, reads_restricted = DISCUSSION_ACCESS[key][persona]
        if not reads_restricted:
            texts += restricted_texts(discussion)
        if status == 404:
            texts += [s.text for s in Section.objects.filter(discussion=discussion) if s.text]
    for key, plan in tree.items():
        if PLAN_ACCESS[key][persona] == OPEN:
            continue
        if key == "chief":
            texts += [text for rows in SEED_FOLLOWUPS for row in rows for text in (row[1], row[3])]
            continue
        spec = next(s for s in cascade.DIRECTORS if s["plan"]["title"] == plan.title)
        texts.append(plan.title)
        texts += [goal[0] for goal in spec["plan"]["goals"]]
        texts += [text for row in spec["followup"]["goals"] for text in (row[1], row[2], row[4])]
    return texts


@pytest.mark.parametrize("persona", [EDUCATION, TECHNICAL, MAYOR])
def test_nothing_hidden_shows_on_any_page_the_persona_opens(demo, persona):
    """The directors and the mayor: every page of theirs, searched for what the tables
    hide from them (the chief's restricted notes above all)."""
    tree = plans(demo)
    discussions = directors_discussions(demo, tree)
    hidden = [squash(t) for t in hidden_from(persona, tree, discussions)]
    if persona in DIRECTORS:
        chief_secrets = restricted_texts(discussions["chief"])
        assert set(map(squash, chief_secrets)) <= set(hidden)
        assert squash(demo_discussion.NOTES["wellbeing"]) in hidden
    client = demo.client(persona)
    urls = matrix_pages(demo, persona) + tree_pages(persona, tree, discussions)
    assert reverse("strategy_map", args=[demo.org.slug]) in urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        text = squash(response.content.decode())
        leaked = [t for t in hidden if t in text]
        assert not leaked, f"{persona} reads on {url}: {leaked}"


def test_no_restricted_note_is_on_a_page_anyone_opens_without_a_login(demo):
    """The public goals page shows what the board has made public of every plan of the
    tree (approved goals, reported follow-ups): never a discussion's restricted notes."""
    tree = plans(demo)
    discussions = directors_discussions(demo, tree)
    secrets = [squash(t) for discussion in discussions.values() for t in restricted_texts(discussion)]
    public = [
        reverse(name, args=entry.args(demo) if entry.args else None)
        for name, entry in sorted(MATRIX.items())
        if entry.method == "get" and entry.expected[ANON] == 200 and name not in BINARY
    ]
    assert reverse("public_goals", args=[demo.org.slug]) in public
    client = Client()
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        text = squash(response.content.decode())
        # Not an empty search: the public page shows the directors' goals.
        if url == reverse("public_goals", args=[demo.org.slug]):
            assert squash(PLAN_TITLES["technical"]) in text or "Investointiohjelman toteuttaminen" in text
        leaked = [t for t in secrets if t in text]
        assert not leaked, f"{url} shows: {leaked}"


def test_the_directors_are_not_offered_as_participants_in_the_chiefs_discussion(demo):
    agreement = plans(demo)["chief"].agreement
    offered = set(
        people.discussion_candidates(agreement, dt.date(2026, 12, 10)).values_list("username", flat=True)
    )
    assert CHIEF in offered
    assert not offered & set(DIRECTORS)
