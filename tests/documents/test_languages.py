"""Swedish and English documents: every label in the document's language (compared with
the catalogue, never hard-coded), Swedish user texts where they exist, the Finnish
ones otherwise. The catalogues are filled independently, so the labels are looked up."""

import pytest
from django.utils import translation

from suunta.documents import texts
from suunta.followup.models import Assessment, AssessmentKind

from .common import (
    assert_in_order,
    build_content,
    checkpoints_of,
    docx_text,
    label,
    normalise,
    pdftotext,
    plan_texts,
    preview_url,
    render_with_command,
    squeeze,
)

pytestmark = pytest.mark.django_db

ANNEX_LABELS = [
    "Director agreement",
    "Purpose of the goal discussion",
    "Goals, metrics and follow-ups",
    "Goal",
    "Metric",
    "Evaluation of the goals",
    "Page",
]


def annex_labels(version, lang: str) -> list[str]:
    with translation.override(lang):
        followups = [
            label("Follow-up %(label)s", lang, label=c.display_label) for c in checkpoints_of(version)
        ]
    return (
        [label(msgid, lang) for msgid in ANNEX_LABELS]
        + followups
        + [label("Presenting official: %(name)s", lang, name="Aino Virtanen")]
    )


def assert_labels(text: str, labels: list[str], what: str) -> None:
    squeezed = squeeze(text)
    missing = [item for item in labels if squeeze(item) not in squeezed]
    assert not missing, f"{what} lacks the labels {missing}"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_annex_labels_are_in_the_documents_language(demo, tmp_path, lang):
    version = demo.plan.latest_version()
    labels = annex_labels(version, lang)
    pdf_text = pdftotext(render_with_command(tmp_path, "annex", demo.plan, lang=lang))
    assert_labels(pdf_text, labels, f"the {lang} annex PDF")
    docx = docx_text(render_with_command(tmp_path, "annex", demo.plan, fmt="docx", lang=lang))
    assert_labels(docx, [item for item in labels if item != label("Page", lang)], f"the {lang} annex DOCX")


def test_the_swedish_catalogue_translates_the_annex_labels():
    """Guard against a label that is not in the catalogue: Swedish differs from Finnish."""
    same = [msgid for msgid in ANNEX_LABELS if label(msgid, "sv") == label(msgid, "fi")]
    assert not same, f"labels not translated between Finnish and Swedish: {same}"
    untranslated = [msgid for msgid in ANNEX_LABELS if label(msgid, "fi") == msgid]
    assert not untranslated, f"labels the Finnish catalogue lacks: {untranslated}"


def test_the_swedish_annex_uses_the_swedish_texts(demo, tmp_path):
    version = demo.plan.latest_version()
    sv_texts = plan_texts(version, "sv")
    fi_texts = plan_texts(version, "fi")
    translated = [(s, f) for s, f in zip(sv_texts, fi_texts, strict=True) if s != f]
    assert len(translated) == len(fi_texts), "the demo has a Swedish version of every goal and metric"
    agreement = demo.plan.agreement
    for fmt, read in (("pdf", pdftotext), ("docx", docx_text)):
        text = normalise(read(render_with_command(tmp_path, "annex", demo.plan, fmt=fmt, lang="sv")))
        assert_in_order(
            text,
            [
                "Kanslichefens mål 2025",
                texts.agreement_text(agreement, "sv", texts.texts_of(version)),
                *texts.purpose_items(agreement, "sv", texts.texts_of(version)),
            ],
            f"Swedish annex {fmt}",
        )
        assert_in_order(text, sv_texts, f"Swedish annex {fmt}")
        # The Finnish goal titles are gone (the agreed follow-up texts, which have no
        # Swedish version, stay Finnish and may quote a metric).
        for goal in version.goal_areas.all():
            assert goal.title not in text, f"the Finnish {goal.title!r} in the Swedish annex {fmt}"
        assert "Kommunstyrelsen" in text or "KS" in text
        assert "augusti 2025" in text


def test_the_english_annex_has_english_labels_and_the_finnish_texts(demo, tmp_path):
    version = demo.plan.latest_version()
    text = normalise(pdftotext(render_with_command(tmp_path, "annex", demo.plan, lang="en")))
    assert_in_order(text, plan_texts(version, "fi"), "English annex")
    # Rating labels have their own English names.
    with translation.override("en"):
        ratings = [
            a.rating.display_label
            for a in Assessment.objects.filter(checkpoint__version=version, kind=AssessmentKind.AGREED)
            .select_related("rating")
            .order_by("checkpoint__order", "goal_area__order")
        ]
    for rating in set(ratings):
        assert rating in text


def test_the_swedish_followup_report(demo, tmp_path):
    version = demo.plan.latest_version()
    checkpoint = checkpoints_of(version)[0]
    body = render_with_command(tmp_path, "followup-report", demo.plan, lang="sv", checkpoint=1)
    text = normalise(pdftotext(body))
    with translation.override("sv"):
        expected = []
        agreed = {
            a.goal_area_id: a
            for a in Assessment.objects.filter(
                checkpoint=checkpoint, kind=AssessmentKind.AGREED
            ).select_related("rating")
        }
        for goal in version.goal_areas.order_by("order"):
            expected += [goal.display_title, agreed[goal.pk].rating.display_label, agreed[goal.pk].text]
        title = label(
            "Follow-up %(label)s: %(title)s", "sv", label="augusti 2025", title="Kanslichefens mål 2025"
        )
    assert_in_order(text, [title, *expected], "Swedish follow-up report")
    assert_labels(
        pdftotext(body),
        [
            label(m, "sv")
            for m in ("Summary", "Agreed follow-up per goal", "Rating", "Agreed follow-up", "Decision")
        ],
        "Swedish follow-up report",
    )


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_preview_follows_the_lang_parameter(demo, lang):
    response = demo.client("valmistelija").get(preview_url(demo.plan, "annex"), {"lang": lang})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{lang}"' in html
    content = build_content(demo.plan.latest_version(), "annex", lang)
    for header in content["table"]["headers"]:
        assert f">{header}</th>" in html
