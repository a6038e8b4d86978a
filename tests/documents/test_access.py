"""Who reads which document: the preview and the download for every persona. Board
members and auditors read the annex of a plan they see and a reported follow-up
report, never an agenda item draft or an unreported report; the executive reads the
annex and the reports but no agenda item (disqualified); another organization's
people get 404, audited. Every download is audited as "document.download"."""

import json

import pytest
from django.test import Client

from suunta.agreements.models import PlanVersion
from suunta.audit.models import AuditEvent
from suunta.followup.models import FollowUp
from suunta.governance import workflow
from suunta.governance.services import take_step

from ..conftest import DEMO_PERSONAS
from .common import checkpoints_of, download_url, preview_url

pytestmark = pytest.mark.django_db

EDITORS = ("pormestari", "apulaispormestari", "valtuuston-pj", "valmistelija")
EXECUTIVE = "kansliapaallikko"
BOARD_MEMBER = "hallitus"
AUDITOR = "tarkastaja"
ADMIN = "paakayttaja"
TOINEN = ("toinen-paakayttaja", "toinen-johtaja", "toinen-kh-pj", "toinen-valmistelija")
ESIMERKKI = (*EDITORS, EXECUTIVE, BOARD_MEMBER, AUDITOR, ADMIN)
# The sector directors (suunta/demo/cascade.py): the chief's plans are another
# agreement's to them, out of their scope (404) as another organization's.
DIRECTORS = ("sivistysjohtaja", "tekninen-johtaja")
assert set(ESIMERKKI + DIRECTORS + TOINEN) == set(DEMO_PERSONAS)


def expected(default: int, **by_persona) -> dict[str, int]:
    result = dict.fromkeys(ESIMERKKI, default) | dict.fromkeys(DIRECTORS + TOINEN, 404)
    for persona, status in by_persona.items():
        result[persona.replace("_", "-")] = status
    return result


def insiders_only(status_for_readers: int) -> dict[str, int]:
    return expected(200, hallitus=status_for_readers, tarkastaja=status_for_readers)


AGENDA = expected(200, kansliapaallikko=403, hallitus=403, tarkastaja=403, paakayttaja=403)


def outcomes(demo, plan, kind: str, query: dict | None = None) -> dict[str, tuple[int, int]]:
    """{persona: (preview status, PDF download status)}."""
    result = {}
    for persona in DEMO_PERSONAS:
        client = demo.client(persona)
        result[persona] = (
            client.get(preview_url(plan, kind), query or {}).status_code,
            client.get(download_url(plan, kind, "pdf"), query or {}).status_code,
        )
    return result


def assert_outcomes(demo, plan, kind, expectation, query=None):
    got = outcomes(demo, plan, kind, query)
    wrong = {
        persona: (got[persona], expectation[persona])
        for persona in DEMO_PERSONAS
        if got[persona] != (expectation[persona], expectation[persona])
    }
    assert not wrong, f"{kind} {query or ''}: persona → ((preview, download), expected): {wrong}"


def test_the_annex_of_an_approved_plan(demo):
    assert_outcomes(demo, demo.plan, "annex", expected(200))


def test_the_annex_of_a_draft_is_for_insiders(demo):
    assert_outcomes(demo, demo.draft, "annex", insiders_only(404))


def test_the_annex_of_a_proposed_plan_reaches_board_members_not_auditors(demo):
    version = demo.draft.versions.get()
    step = next(s for s in workflow.steps_from(version) if s.action == "propose")
    take_step(demo.user("valmistelija"), version, step)
    assert PlanVersion.objects.get(pk=version.pk).status == "proposed"
    assert_outcomes(demo, demo.draft, "annex", expected(200, tarkastaja=404))


@pytest.mark.parametrize("number", [1, 2])
def test_a_reported_followup_report(demo, number):
    assert_outcomes(demo, demo.plan, "followup-report", expected(200), {"checkpoint": number})


def test_an_agreed_unreported_followup_report_is_for_insiders(demo):
    checkpoint = checkpoints_of(demo.plan.latest_version())[1]
    FollowUp.objects.filter(checkpoint=checkpoint).update(status="agreed")
    assert_outcomes(demo, demo.plan, "followup-report", insiders_only(403), {"checkpoint": 2})


def test_agenda_items_are_for_the_plan_editors_only(demo):
    assert_outcomes(demo, demo.plan, "agenda", AGENDA)
    assert_outcomes(demo, demo.plan, "agenda", AGENDA, {"checkpoint": 1})


def test_anonymous_users_are_sent_to_log_in(demo):
    client = Client()
    for url in (preview_url(demo.plan, "annex"), download_url(demo.plan, "annex", "pdf")):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]


# --- Audit ---------------------------------------------------------------------------------


def downloads(username: str):
    return AuditEvent.objects.filter(action="document.download", actor_label=username).order_by("sequence")


@pytest.mark.parametrize("username", ESIMERKKI)
def test_each_download_is_audited(demo, username):
    client = demo.client(username)
    version = demo.plan.latest_version()
    before = downloads(username).count()
    for fmt, lang in (("pdf", "fi"), ("docx", "sv")):
        response = client.get(download_url(demo.plan, "annex", fmt), {"lang": lang})
        assert response.status_code == 200
        event = downloads(username).last()
        assert event.outcome == "ok"
        assert event.organization_id == demo.org.pk
        assert event.object_type == "agreements.planversion"
        assert event.object_id == str(version.pk)
        changes = json.loads(event.changes)
        assert changes["kind"][1] == "annex"
        assert changes["format"][1] == fmt
        assert changes["lang"][1] == lang
    assert downloads(username).count() == before + 2
    # The preview is a page view, not a download.
    assert client.get(preview_url(demo.plan, "annex")).status_code == 200
    assert downloads(username).count() == before + 2


def test_a_refused_download_is_audited_as_refused_and_not_as_a_download(demo):
    client = demo.client(EXECUTIVE)
    assert client.get(download_url(demo.plan, "agenda", "pdf")).status_code == 403
    assert not downloads(EXECUTIVE).exists()
    refusal = AuditEvent.objects.filter(actor_label=EXECUTIVE, outcome="denied").order_by("sequence").last()
    assert refusal is not None and refusal.action == "read_document.denied"
    # A bad request is not a download either.
    assert client.get(download_url(demo.plan, "annex", "odt")).status_code == 400
    assert not downloads(EXECUTIVE).exists()


@pytest.mark.parametrize("username", TOINEN)
def test_another_organizations_people_get_404_and_the_attempt_is_audited(demo, username):
    client = demo.client(username)
    for url in (preview_url(demo.plan, "annex"), download_url(demo.plan, "annex", "pdf")):
        before = AuditEvent.objects.filter(action="access.out_of_scope", actor_label=username).count()
        assert client.get(url).status_code == 404
        event = (
            AuditEvent.objects.filter(action="access.out_of_scope", actor_label=username)
            .order_by("sequence")
            .last()
        )
        assert (
            AuditEvent.objects.filter(action="access.out_of_scope", actor_label=username).count()
            == before + 1
        )
        assert event.outcome == "denied"
        assert event.organization_id == demo.org.pk
        assert event.object_type == "agreements.goalplan"
        assert event.object_id == str(demo.plan.pk)
    assert not downloads(username).exists()
