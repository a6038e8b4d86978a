"""A document's queries do not grow with its goals, metrics and agreed follow-ups:
the same count for the demo's 2027 draft with 6 goals and with 14 (and the preview
and download views likewise)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suunta.agreements import services
from suunta.agreements.models import PlanVersion
from suunta.followup.models import Assessment, AssessmentKind, FollowUp, Rating

from .common import build_content, checkpoints_of, download_url, preview_url

pytestmark = pytest.mark.django_db


def agree_all(demo, checkpoint) -> None:
    """Agreed follow-ups for every goal of the checkpoint's version (stored directly)."""
    rating = Rating.objects.filter(organization=demo.org).first()
    FollowUp.objects.update_or_create(checkpoint=checkpoint, defaults={"status": "agreed"})
    preparer = demo.user("valmistelija")
    for goal in checkpoint.version.goal_areas.all():
        Assessment.objects.get_or_create(
            checkpoint=checkpoint,
            goal_area=goal,
            kind=AssessmentKind.AGREED,
            defaults={"author": preparer, "rating": rating, "text": f"Sovittu: {goal.title}"},
        )


def add_goals(demo, version, count: int) -> None:
    preparer = demo.user("valmistelija")
    for number in range(count):
        goal = services.add_goal_area(preparer, version, title=f"Lisätavoite {number}")
        for metric in range(3):
            services.add_metric(preparer, goal, text=f"Mittari {number}.{metric}")


def fresh(version):
    """The version as the views hold it: plan, agreement and organization loaded."""
    return PlanVersion.objects.select_related(
        "plan__agreement__organization", "plan__agreement__executive"
    ).get(pk=version.pk)


def queries(function) -> tuple[int, list[str]]:
    version = fresh(function.version) if hasattr(function, "version") else None
    with CaptureQueriesContext(connection) as context:
        function(version) if version is not None else function()
    return len(context.captured_queries), [q["sql"] for q in context.captured_queries]


def counts(demo, version) -> dict[str, int]:
    checkpoint = checkpoints_of(version)[0]
    agree_all(demo, checkpoint)
    client = demo.client("valmistelija")
    client.get(preview_url(demo.draft, "annex"))  # warm the session and caches
    result = {}
    builds = {
        "annex": lambda v: build_content(v, "annex", "fi"),
        "followup-report": lambda v: build_content(v, "followup-report", "fi", 1),
        "agenda": lambda v: build_content(v, "agenda", "fi"),
    }
    for function in builds.values():
        function.version = version
    for name, function in {
        **builds,
        "preview": lambda: client.get(preview_url(demo.draft, "annex")),
        "download": lambda: client.get(download_url(demo.draft, "annex", "pdf")),
        "report download": lambda: client.get(
            download_url(demo.draft, "followup-report", "docx"), {"checkpoint": 1}
        ),
    }.items():
        result[name] = queries(function)
    return result


def test_queries_do_not_grow_with_the_goals(demo):
    version = demo.draft.versions.get()
    assert version.goal_areas.count() == 6
    few = counts(demo, version)
    add_goals(demo, version, 8)
    assert version.goal_areas.count() == 14
    many = counts(demo, version)
    grown = {
        name: (few[name][0], many[name][0], many[name][1]) for name in few if many[name][0] != few[name][0]
    }
    assert not grown, "queries grew with the goals (name: (6 goals, 14 goals, the queries)): " + repr(grown)
    assert few["annex"][0] <= 10, few["annex"]
