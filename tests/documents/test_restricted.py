"""Nothing restricted and nothing unagreed reaches a document: every kind of the demo's
documents, in Finnish, Swedish and English, as PDF and DOCX, lacks the discussion's
notes, development items and survey answers, the self-assessments and evaluators'
views, the reasons for closed steps and the values' comments. A goal, metric, agreed
text or measured value marked restricted is left out too."""

import json

import pytest
from django.db.models import QuerySet

from suunta.agreements.models import GoalArea, Metric
from suunta.discussions.models import DevelopmentItem, Section, SurveyAnswer
from suunta.followup.models import Assessment, AssessmentKind, MetricNote, SkippedStep
from suunta.lib.publicity import Publicity
from suunta.measures.models import MetricValue

from ..discussions.common import DEMO_SECRETS
from .common import build_content, checkpoints_of, docx_text, normalise, pdftotext, render_direct

pytestmark = pytest.mark.django_db

DOCUMENTS = [
    ("annex", None),
    ("followup-report", 1),
    ("followup-report", 2),
    ("agenda", None),
    ("agenda", 1),
    ("agenda", 2),
]


def forbidden_texts() -> list[str]:
    texts = list(DEMO_SECRETS)
    texts += [t for t in Section.objects.values_list("text", flat=True) if t]
    for need, action, responsible in DevelopmentItem.objects.values_list("need", "action", "responsible"):
        texts += [need, action, responsible]
    texts += list(SurveyAnswer.objects.values_list("text", flat=True))
    texts += [
        t
        for t in Assessment.objects.filter(kind__in=[AssessmentKind.SELF, AssessmentKind.VIEW]).values_list(
            "text", flat=True
        )
        if t
    ]
    texts += list(SkippedStep.objects.values_list("reason", flat=True))
    texts += list(MetricNote.objects.values_list("text", flat=True))
    # Values' comments are never printed; one that is also a word of an agreed text
    # ("Tilinpäätösennuste") cannot be told apart and is left out of the search.
    agreed = " ".join(Assessment.objects.filter(kind=AssessmentKind.AGREED).values_list("text", flat=True))
    texts += [c for c in MetricValue.objects.values_list("comment", flat=True) if c and c not in agreed]
    return sorted({normalise(t) for t in texts})


def test_the_demo_has_the_texts_this_test_looks_for(demo):
    texts = forbidden_texts()
    assert len(texts) >= 20, texts
    agreed = {a.text for a in Assessment.objects.filter(kind=AssessmentKind.AGREED)}
    assert not agreed & set(texts), (
        "an agreed text equals a restricted one: the test could not tell them apart"
    )


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_no_restricted_or_unagreed_text_in_any_document(demo, lang):
    forbidden = forbidden_texts()
    version = demo.plan.latest_version()
    for kind, number in DOCUMENTS:
        content = json.dumps(build_content(version, kind, lang, number), ensure_ascii=False)
        readings = {
            "content": normalise(content),
            "pdf": normalise(pdftotext(render_direct(version, kind, "pdf", lang, number))),
            "docx": normalise(docx_text(render_direct(version, kind, "docx", lang, number))),
        }
        for where, text in readings.items():
            leaked = [secret for secret in forbidden if secret in text]
            assert not leaked, f"{kind} {number or ''} {lang} {where}: {leaked}"


def test_the_current_and_draft_plans_documents_hold_nothing_restricted(demo):
    forbidden = forbidden_texts()
    for plan in (demo.current, demo.draft):
        version = plan.latest_version()
        for kind in ("annex", "agenda"):
            text = normalise(pdftotext(render_direct(version, kind, "pdf", "fi")))
            leaked = [secret for secret in forbidden if secret in text]
            assert not leaked, f"{plan} {kind}: {leaked}"


def test_restricted_goals_metrics_agreed_texts_and_values_are_left_out(demo):
    version = demo.plan.latest_version()
    goals = list(GoalArea.objects.filter(version=version).order_by("order"))
    hidden_goal = goals[0]  # "Strategian toimeenpanon johtaminen"
    hidden_metric = Metric.objects.filter(goal_area=goals[1]).order_by("order").first()
    savings_goal = GoalArea.objects.get(version=version, title="Talouden johtaminen")
    measured = list(Metric.objects.filter(goal_area__version=version, target__isnull=False))
    assert measured, "the demo has quantitative metrics with values"
    # As if marked restricted while drafting: a plain QuerySet passes by the guard that
    # keeps an approved version's rows frozen.
    QuerySet(GoalArea).filter(pk=hidden_goal.pk).update(publicity=Publicity.RESTRICTED)
    QuerySet(Metric).filter(pk=hidden_metric.pk).update(publicity=Publicity.RESTRICTED)
    first = checkpoints_of(version)[0]
    hidden_agreed = Assessment.objects.get(checkpoint=first, goal_area=goals[2], kind=AssessmentKind.AGREED)
    Assessment.objects.filter(pk=hidden_agreed.pk).update(publicity=Publicity.RESTRICTED)
    MetricValue.objects.filter(plan=demo.plan, metric_lineage__in=[m.lineage for m in measured]).update(
        publicity=Publicity.RESTRICTED
    )
    hidden_goal_metrics = list(Metric.objects.filter(goal_area=hidden_goal).values_list("text", flat=True))
    secrets = [hidden_goal.title, hidden_metric.text, hidden_agreed.text, *hidden_goal_metrics]

    for kind, number in DOCUMENTS:
        for fmt in ("pdf", "docx"):
            body = render_direct(version, kind, fmt, "fi", number)
            text = normalise(pdftotext(body) if fmt == "pdf" else docx_text(body))
            leaked = [s for s in secrets if s in text]
            assert not leaked, f"{kind} {number or ''} {fmt}: {leaked}"
    annex = build_content(version, "annex", "fi")
    assert savings_goal.title in [row["goal"] for row in annex["table"]["rows"]]
    report = build_content(version, "followup-report", "fi", 1)
    assert report.get("charts", []) == [], "a chart of restricted values"


def test_a_restricted_goals_measured_metric_gets_no_chart(demo):
    version = demo.plan.latest_version()
    measured = Metric.objects.filter(goal_area__version=version, target__isnull=False).first()
    before = [
        chart["title"] for chart in build_content(version, "followup-report", "fi", 1).get("charts", [])
    ]
    assert measured.text in before
    QuerySet(GoalArea).filter(pk=measured.goal_area_id).update(publicity=Publicity.RESTRICTED)
    after = build_content(version, "followup-report", "fi", 1)
    assert measured.text not in [chart["title"] for chart in after.get("charts", [])]
    assert measured.text not in json.dumps(after, ensure_ascii=False)
