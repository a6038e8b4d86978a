"""Where an organization weighs its goals, the documents show it: the annex gives each
goal's weight, the follow-up report the weighted result with its formula written out
(the figures computed here by hand) and the goals left out of it."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from suunta.agreements import services as plan_services
from suunta.documents import render as documents
from suunta.followup import services as followup_services
from suunta.followup.models import AssessmentKind, Rating
from suunta.measures import services as measure_services
from suunta.organizations.models import Role
from suunta.organizations.setup import create_organization

from ..factories import AgreementFactory
from ..helpers import fi
from ..organizations.test_setup import _freeze, _person
from .common import docx_text, normalise, pdftotext

pytestmark = pytest.mark.django_db


def test_weights_and_the_weighted_result_reach_the_annex_and_the_report(time_machine):
    time_machine.move_to(dt.datetime(2026, 1, 10, 12, 0))
    organization, _invitation, _link = create_organization(
        name="Painokunta", business_id="0135202-4", admin_email="admin@example.fi", preset="manager"
    )
    organization.use_weights = True
    organization.save(update_fields=["use_weights"])
    executive = _person(organization, "johtaja", Role.EXECUTIVE)
    preparer = _person(organization, "valmistelija", Role.PREPARER)
    agreement = AgreementFactory(organization=organization, executive=executive)
    chair = _person(organization, "kh-pj", Role.EVALUATOR, "board_chair", agreement)
    _person(organization, "kv-pj", Role.EVALUATOR, "council_chair", agreement)
    plan = plan_services.create_plan(
        preparer,
        agreement,
        title="Tavoitteet 2026",
        title_sv="",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    version = plan.versions.get()
    titles = ("Talous tasapainoon", "Elinvoima kasvuun", "Henkilöstö hyvinvoivaksi")
    goals = []
    for title in titles:
        goal = plan_services.add_goal_area(preparer, version, title=title, title_sv="")
        plan_services.add_metric(preparer, goal, text=f"Mittari: {title}", text_sv="")
        goals.append(goal)
    measure_services.set_weights(preparer, version, {goals[0].pk: 50, goals[1].pk: 30, goals[2].pk: 20})
    checkpoint = plan_services.add_checkpoint(
        preparer,
        version,
        label="Elokuu",
        label_sv="",
        window_start=dt.date(2026, 8, 1),
        window_end=dt.date(2026, 8, 31),
    )
    _freeze(preparer, version, chair)
    version.refresh_from_db()

    time_machine.move_to(dt.datetime(2026, 8, 10, 12, 0))
    scale = {r.code: r for r in Rating.objects.filter(organization=organization)}
    ratings = {goals[0]: "achieved", goals[1]: "partly", goals[2]: "not_assessable"}
    for goal, code in ratings.items():
        followup_services.save_assessment(
            executive, checkpoint, goal, AssessmentKind.SELF, rating=scale[code], text="Itse", submit=True
        )
    for holder in agreement.organization.memberships.filter(role=Role.EVALUATOR):
        for goal, code in ratings.items():
            followup_services.save_assessment(
                holder.user,
                checkpoint,
                goal,
                AssessmentKind.VIEW,
                rating=scale[code],
                text="Näkemys",
                submit=True,
            )
    for goal, code in ratings.items():
        followup_services.save_assessment(
            preparer, checkpoint, goal, AssessmentKind.AGREED, rating=scale[code], text="Sovittu"
        )
    followup_services.mark_agreed(chair, checkpoint, dt.date(2026, 8, 10))

    # By hand: (50 × 100 + 30 × 50) / (50 + 30) = 6500 / 80 = 81.25 → 81,3 (half up);
    # the goal that cannot be assessed is left out of both sums.
    with_weight = fi("%(title)s (weight %(weight)s %%)", title="Talous tasapainoon", weight=50)
    result = fi(
        "Weighted result: %(result)s points, %(formula)s",
        result="81,3",
        formula="(50 × 100 + 30 × 50) / (50 + 30) = 81,3",
    )
    left_out = fi("Left out of the result (no points): %(goals)s", goals="Henkilöstö hyvinvoivaksi")
    for fmt in ("pdf", "docx"):
        read = pdftotext if fmt == "pdf" else docx_text
        annex = normalise(read(documents.render(documents.Request("annex", version, "fi"), fmt)[0]))
        assert with_weight in annex, fmt
        report = normalise(
            read(documents.render(documents.Request("followup-report", version, "fi", checkpoint), fmt)[0])
        )
        assert result in report, fmt
        assert left_out in report, fmt
    # The export carries the same result and formula.
    out = io.StringIO()
    call_command("export_plan", str(plan.pk), stdout=out)
    (exported,) = json.loads(out.getvalue())["checkpoints"]
    assert (exported["weighted_result"], exported["formula"]) == (
        "81.3",
        "(50 × 100 + 30 × 50) / (50 + 30) = 81,3",
    )
