"""Nothing but what the board has published reaches the public page or its JSON.

On top of the demo (whose reported follow-ups have self-assessments and evaluators'
views beside the agreed texts, and whose discussion has restricted notes), each kind of
text that must stay inside gets a unique marker: a self-assessment and a view on a
reported follow-up, a draft plan's goal, a proposed amendment's goal, a restricted goal
and a restricted metric in an approved version, a restricted agreed text of a reported
follow-up, and a follow-up agreed but not reported. Then every such text in the
database is gathered, and none may appear in the HTML or the JSON, while the approved
goals and the reported follow-ups' agreed texts do.
"""

import html

import pytest
from django.urls import reverse

from suunta.agreements import services as plan_services
from suunta.agreements.models import FROZEN_STATUSES, GoalArea, Metric, PlanVersion, VersionStatus
from suunta.discussions.models import DevelopmentItem, Discussion, Section, SurveyAnswer
from suunta.followup.models import (
    Assessment,
    AssessmentKind,
    FollowUp,
    FollowUpStatus,
    MetricNote,
    SkippedStep,
)
from suunta.lib.publicity import Publicity

pytestmark = pytest.mark.django_db

MARKERS = {
    "self": "MERKKI-itsearvio-7f3a",
    "view": "MERKKI-nakemys-91c2",
    "draft_goal": "MERKKI-luonnostavoite-4b8d",
    "proposed_goal": "MERKKI-esitetty-tavoite-c0de",
    "restricted_goal": "MERKKI-salainen-tavoite-5e6f",
    "restricted_metric": "MERKKI-salainen-mittari-2a9b",
    "restricted_agreed": "MERKKI-salainen-sovittu-8d1e",
    "agreed_not_reported": "MERKKI-sovittu-raportoimaton-3c4d",
}
PUBLIC_MARKERS = {
    "amended_goal": "MERKKI-muutettu-julkinen-tavoite-6b7a",
    "amended_metric": "MERKKI-julkinen-mittari-1f2e",
}


def _reported_checkpoint(demo):
    return (
        FollowUp.objects.filter(checkpoint__version__plan=demo.plan, status=FollowUpStatus.REPORTED)
        .order_by("checkpoint__order")
        .first()
        .checkpoint
    )


def _mark_assessments(demo) -> None:
    """A self-assessment, a view and a restricted agreed text on a reported follow-up."""
    checkpoint = _reported_checkpoint(demo)
    for kind, marker in ((AssessmentKind.SELF, "self"), (AssessmentKind.VIEW, "view")):
        row = Assessment.objects.filter(checkpoint=checkpoint, kind=kind).order_by("id").first()
        Assessment.objects.filter(pk=row.pk).update(text=MARKERS[marker])
    agreed = (
        Assessment.objects.filter(checkpoint=checkpoint, kind=AssessmentKind.AGREED).order_by("id").last()
    )
    Assessment.objects.filter(pk=agreed.pk).update(
        text=MARKERS["restricted_agreed"], publicity=Publicity.RESTRICTED
    )


def _mark_plans(demo) -> None:
    preparer = demo.user("valmistelija")
    # A goal in the 2027 draft.
    plan_services.add_goal_area(preparer, demo.draft.versions.get(), title=MARKERS["draft_goal"])
    # An amendment of the 2025 plan with a goal of its own, proposed to the board.
    proposed = plan_services.amend(preparer, demo.plan)
    plan_services.add_goal_area(preparer, proposed, title=MARKERS["proposed_goal"])
    PlanVersion.objects.filter(pk=proposed.pk).update(status=VersionStatus.PROPOSED)
    # An amendment of the 2026 plan with a restricted goal and a restricted metric,
    # approved: the version in force.
    amendment = plan_services.amend(preparer, demo.current)
    plan_services.add_goal_area(
        preparer, amendment, title=MARKERS["restricted_goal"], publicity=Publicity.RESTRICTED
    )
    goal = plan_services.add_goal_area(preparer, amendment, title=PUBLIC_MARKERS["amended_goal"])
    plan_services.add_metric(preparer, goal, text=PUBLIC_MARKERS["amended_metric"])
    plan_services.add_metric(
        preparer, goal, text=MARKERS["restricted_metric"], publicity=Publicity.RESTRICTED
    )
    PlanVersion.objects.filter(plan=demo.current, status=VersionStatus.APPROVED).update(
        status=VersionStatus.SUPERSEDED
    )
    PlanVersion.objects.filter(pk=amendment.pk).update(status=VersionStatus.APPROVED)


def _mark_unreported_followup(demo) -> None:
    """The 2026 plan's open follow-up, agreed but not reported to the board."""
    version = demo.current.versions.get(number=1)
    checkpoint = version.checkpoints.order_by("order").first()
    goal = version.goal_areas.order_by("order").first()
    FollowUp.objects.update_or_create(checkpoint=checkpoint, defaults={"status": FollowUpStatus.AGREED})
    Assessment.objects.create(
        checkpoint=checkpoint,
        goal_area=goal,
        kind=AssessmentKind.AGREED,
        author=demo.user("valmistelija"),
        text=MARKERS["agreed_not_reported"],
    )


def _published_texts() -> set[str]:
    """What may be shown: texts of public goals and metrics of approved versions and
    public agreed texts of reported follow-ups (a secret that equals one of them, e.g. a
    draft's goal copied from an approved one, is no leak)."""
    frozen = {"version__status__in": FROZEN_STATUSES, "publicity": Publicity.PUBLIC}
    texts = set(GoalArea.objects.filter(**frozen).values_list("title", flat=True))
    texts |= set(GoalArea.objects.filter(**frozen).values_list("description", flat=True))
    texts |= set(
        Metric.objects.filter(
            goal_area__version__status__in=FROZEN_STATUSES,
            goal_area__publicity=Publicity.PUBLIC,
            publicity=Publicity.PUBLIC,
        ).values_list("text", flat=True)
    )
    reported = FollowUp.objects.filter(status=FollowUpStatus.REPORTED).values_list("checkpoint_id", flat=True)
    texts |= set(
        Assessment.objects.filter(
            checkpoint_id__in=list(reported), kind=AssessmentKind.AGREED, publicity=Publicity.PUBLIC
        ).values_list("text", flat=True)
    )
    return texts


def _secret_texts() -> set[str]:
    """Every text in the database that must stay inside."""
    texts = set(Assessment.objects.exclude(kind=AssessmentKind.AGREED).values_list("text", flat=True))
    texts |= set(Assessment.objects.filter(publicity=Publicity.RESTRICTED).values_list("text", flat=True))
    reported = FollowUp.objects.filter(status=FollowUpStatus.REPORTED).values_list("checkpoint_id", flat=True)
    texts |= set(
        Assessment.objects.filter(kind=AssessmentKind.AGREED)
        .exclude(checkpoint_id__in=list(reported))
        .values_list("text", flat=True)
    )
    texts |= set(MetricNote.objects.values_list("text", flat=True))
    texts |= set(SkippedStep.objects.values_list("reason", flat=True))
    texts |= set(Section.objects.values_list("text", flat=True))
    texts |= set(Discussion.objects.values_list("closed_reason", flat=True))
    for need, action in DevelopmentItem.objects.values_list("need", "action"):
        texts |= {need, action}
    texts |= set(SurveyAnswer.objects.values_list("text", flat=True))
    unapproved = {"version__status__in": FROZEN_STATUSES}
    texts |= set(GoalArea.objects.exclude(**unapproved).values_list("title", flat=True))
    texts |= set(GoalArea.objects.filter(publicity=Publicity.RESTRICTED).values_list("title", flat=True))
    texts |= set(
        Metric.objects.exclude(goal_area__version__status__in=FROZEN_STATUSES).values_list("text", flat=True)
    )
    texts |= set(Metric.objects.filter(publicity=Publicity.RESTRICTED).values_list("text", flat=True))
    # Long enough to be a text of its own, not a word that any page may hold.
    return {text.strip() for text in texts if len(text.strip()) >= 12} - _published_texts()


def _json_strings(data) -> str:
    if isinstance(data, dict):
        return "\n".join(_json_strings(value) for value in data.values())
    if isinstance(data, list):
        return "\n".join(_json_strings(value) for value in data)
    return data if isinstance(data, str) else ""


def _found(text: str, page: str, data: str) -> list[str]:
    where = []
    if text in page or html.escape(text) in page or html.escape(text).replace("\n", "<br>") in page:
        where.append("HTML")
    if text in data:
        where.append("JSON")
    return where


def test_nothing_unpublished_reaches_the_public_page_or_its_json(demo, client):
    _mark_assessments(demo)
    _mark_plans(demo)
    _mark_unreported_followup(demo)
    slug = demo.org.slug
    response = client.get(reverse("public_goals", args=[slug]))
    assert response.status_code == 200
    page = response.content.decode()
    data = _json_strings(client.get(reverse("public_goals_json", args=[slug])).json())

    for name, marker in MARKERS.items():
        assert not _found(marker, page, data), f"{name} ({marker}) is public: {_found(marker, page, data)}"
    secrets = _secret_texts()
    assert set(MARKERS.values()) <= secrets
    assert len(secrets) > len(MARKERS) + 20  # the demo's own self-assessments, views and notes
    leaks = {text: where for text in secrets if (where := _found(text, page, data))}
    assert not leaks, leaks

    # What the board has published is there, in both.
    for text in (
        *PUBLIC_MARKERS.values(),
        "Strategian toimeenpanon johtaminen",  # an approved goal
        "Strategiatyö käynnistetty valtuuston seminaarissa.",  # a reported follow-up's agreed text
        "Valmennusohjelma käynnissä; kehityskeskustelut käyty kaikkien suorien esihenkilöiden kanssa.",
    ):
        assert _found(text, page, data) == ["HTML", "JSON"], text
