"""The follow-up report (per goal the agreed rating and text, only once agreed) and the
agenda item draft (the stored genitive, the board's own name, the mayor presenting,
the record metadata)."""

import pytest
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.text import capfirst

from suunta.agreements.models import Metric
from suunta.documents.models import RecordSettings
from suunta.followup.models import Assessment, AssessmentKind, FollowUp

from .common import (
    assert_in_order,
    checkpoints_of,
    docx_text,
    download_url,
    label,
    normalise,
    pdftotext,
    preview_url,
    render_with_command,
)

pytestmark = pytest.mark.django_db


def agreed_texts(checkpoint, lang: str = "fi") -> list[str]:
    """Per goal in order: its title, the agreed rating's label and the agreed text."""
    with translation.override(lang):
        agreed = {
            a.goal_area_id: a
            for a in Assessment.objects.filter(
                checkpoint=checkpoint, kind=AssessmentKind.AGREED
            ).select_related("rating")
        }
        texts = []
        for goal in checkpoint.version.goal_areas.order_by("order"):
            texts += [goal.display_title, agreed[goal.pk].rating.display_label, agreed[goal.pk].text]
        return texts


# --- Follow-up report ----------------------------------------------------------------------


@pytest.mark.parametrize("number", [1, 2])
def test_the_followup_report_holds_each_goals_agreed_rating_and_text(demo, tmp_path, number):
    version = demo.plan.latest_version()
    checkpoint = checkpoints_of(version)[number - 1]
    assert FollowUp.objects.get(checkpoint=checkpoint).status == "reported"
    expected = agreed_texts(checkpoint)
    title = label(
        "Follow-up %(label)s: %(title)s",
        "fi",
        label=checkpoint.label,
        title="Kansliapäällikön tavoitteet 2025",
    )
    # The board's decision as recorded (its outcome and text), not the draft's default.
    report = checkpoint.reports.get(outcome="noted")
    with translation.override("fi"):
        decision = report.history_text
    assert decision.endswith(label("taken for information", "fi"))
    draft = label(
        "%(board)s takes note of the follow-up %(label)s of the %(position)s goals.",
        "fi",
        board="Kunnanhallitus",
        label=checkpoint.label,
        position="kansliapäällikön",
    )
    pdf_text = normalise(
        pdftotext(render_with_command(tmp_path, "followup-report", demo.plan, checkpoint=number))
    )
    assert_in_order(
        pdf_text,
        [title, *expected, label("Decision", "fi"), decision, report.text],
        f"follow-up report {number} (PDF)",
    )
    assert draft not in pdf_text
    assert report.reference in pdf_text  # "KH 8.9.2025 § 112"
    docx = normalise(
        docx_text(render_with_command(tmp_path, "followup-report", demo.plan, fmt="docx", checkpoint=number))
    )
    assert_in_order(docx, [title, *expected, decision, report.text], f"follow-up report {number} (DOCX)")
    # The summary counts the ratings.
    ratings = expected[1::3]
    for rating in set(ratings):
        assert f"{rating}: {ratings.count(rating)}" in pdf_text


def test_the_followup_report_shows_the_measured_metrics_as_charts(demo, tmp_path):
    """The quantitative metrics with values appear as figures titled by the metric."""

    version = demo.plan.latest_version()
    measured = list(
        Metric.objects.filter(goal_area__version=version, target__isnull=False).order_by(
            "goal_area__order", "order"
        )
    )
    assert measured, "the demo has quantitative metrics"
    text = normalise(pdftotext(render_with_command(tmp_path, "followup-report", demo.plan, checkpoint=1)))
    for metric in measured:
        assert metric.text in text


def test_an_agreed_but_unreported_followup_report_is_rendered(demo, tmp_path):
    checkpoint = checkpoints_of(demo.plan.latest_version())[1]
    FollowUp.objects.filter(checkpoint=checkpoint).update(status="agreed")
    text = normalise(pdftotext(render_with_command(tmp_path, "followup-report", demo.plan, checkpoint=2)))
    assert_in_order(text, agreed_texts(checkpoint))


def open_checkpoint_message(demo) -> str:
    version = demo.current.versions.get(status="approved")
    checkpoint = checkpoints_of(version)[0]
    assert FollowUp.objects.filter(checkpoint=checkpoint, status__in=["agreed", "reported"]).count() == 0
    return label("The follow-up %(label)s has not been agreed yet.", "fi", label=checkpoint.label)


@pytest.mark.parametrize("kind", ["followup-report", "agenda"])
def test_an_open_followup_is_refused_with_a_clear_message(demo, tmp_path, kind):
    message = open_checkpoint_message(demo)
    client = demo.client("valmistelija")
    for url in (preview_url(demo.current, kind), download_url(demo.current, kind, "pdf")):
        response = client.get(url, {"checkpoint": "1"})
        assert response.status_code == 400, url
        assert message in response.content.decode()
    with pytest.raises(CommandError, match=message):
        render_with_command(tmp_path, kind, demo.current, checkpoint=1)


@pytest.mark.parametrize("number", [0, 3, 99, -1])
@pytest.mark.parametrize("kind", ["followup-report", "agenda", "annex"])
def test_a_checkpoint_that_does_not_exist_is_a_clear_error(demo, tmp_path, kind, number):
    message = label(
        "There is no checkpoint %(number)s; this plan has %(count)s.", "fi", number=number, count=2
    )
    client = demo.client("valmistelija")
    for url in (preview_url(demo.plan, kind), download_url(demo.plan, kind, "docx")):
        response = client.get(url, {"checkpoint": str(number)})
        assert response.status_code == 400, (url, response.status_code)
        assert message in response.content.decode()
    with pytest.raises(CommandError, match=message):
        render_with_command(tmp_path, kind, demo.plan, checkpoint=number)


def test_a_followup_report_needs_a_checkpoint(demo, tmp_path):
    message = label("Choose the checkpoint of the follow-up report.", "fi")
    response = demo.client("valmistelija").get(download_url(demo.plan, "followup-report", "pdf"))
    assert response.status_code == 400
    assert message in response.content.decode()
    with pytest.raises(CommandError, match=message):
        render_with_command(tmp_path, "followup-report", demo.plan)


@pytest.mark.parametrize("value", ["abc", "1.5", "1e3", "1;2"])
def test_a_checkpoint_that_is_not_a_number_is_not_found(demo, value):
    """Only a tampered address has a non-number there: 404, as for any unknown page."""
    client = demo.client("valmistelija")
    for url in (preview_url(demo.plan, "followup-report"), download_url(demo.plan, "followup-report", "pdf")):
        assert client.get(url, {"checkpoint": value}).status_code == 404


# --- Agenda item ---------------------------------------------------------------------------


def record_metadata(document_type: str) -> list[str]:
    defaults = RecordSettings()
    return [
        label("Document type", "fi"),
        document_type,
        label("Publicity", "fi"),
        label("Public", "fi"),
        label("Secrecy basis and period", "fi"),
        "–",
        label("Contains personal data", "fi"),
        label("Yes", "fi"),
        label("Task class", "fi"),
        defaults.task_class,
        label("Retention", "fi"),
        defaults.retention,
    ]


def approval_text(handling) -> str:
    with translation.override("fi"):
        return handling.history_text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_approval_agenda_item(demo, tmp_path, fmt):
    approval = demo.plan.latest_version().handlings.get(outcome="approved")
    body = render_with_command(tmp_path, "agenda", demo.plan, fmt=fmt)
    text = normalise(pdftotext(body) if fmt == "pdf" else docx_text(body))
    proposal = label(
        "%(board)s approves the %(position)s annual goals %(year)s as in the annex.",
        "fi",
        board="Kunnanhallitus",
        position="kansliapäällikön",
        year=2025,
    )
    assert "kansliapäällikön" in proposal and "Kunnanhallitus" in proposal
    mayor = label("Presenting official: %(name)s", "fi", name="Aino Virtanen")
    executive = label("Presenting official: %(name)s", "fi", name="Juha Niemi")
    assert_in_order(
        text,
        [
            # The subject starts a heading: capitalised, the genitive otherwise as stored.
            capfirst(
                label(
                    "Approval of the %(position)s goals for %(period)s",
                    "fi",
                    position="kansliapäällikön",
                    period=2025,
                )
            ),
            label("Preparation", "fi"),
            label("Prepared by: %(names)s", "fi", names="Sari Heikkinen"),
            mayor,
            label(
                "The %(position)s is disqualified and does not take part in the handling.",
                "fi",
                position="kansliapäällikkö",
            ),
            label("Background", "fi"),
            label("Proposal", "fi"),
            proposal,
            label("Annexes", "fi"),
            "Kansliapäällikön tavoitteet 2025",
            label("Record metadata", "fi"),
            *record_metadata(label("Agenda item: approval of goals", "fi")),
            # The decided matter shows the decision as recorded, and says so in the footer.
            label("Decision", "fi"),
            approval_text(approval),
            approval.text,
            label("Decided: %(reference)s", "fi", reference=approval.reference),
        ],
        f"agenda item ({fmt})",
    )
    assert executive not in text
    assert label("Draft", "fi") + " ·" not in text


def test_a_draft_plans_agenda_item_is_presented_by_the_mayor(demo, tmp_path):
    """No handling names a presenter yet: the mayor presents, never the executive."""
    text = normalise(pdftotext(render_with_command(tmp_path, "agenda", demo.draft)))
    assert label("Presenting official: %(name)s", "fi", name="Aino Virtanen") in text
    assert label("Presenting official: %(name)s", "fi", name="Juha Niemi") not in text


def test_the_followup_agenda_item(demo, tmp_path):
    checkpoint = checkpoints_of(demo.plan.latest_version())[0]
    text = normalise(pdftotext(render_with_command(tmp_path, "agenda", demo.plan, checkpoint=1)))
    proposal = label(
        "%(board)s takes note of the follow-up %(label)s of the %(position)s goals.",
        "fi",
        board="Kunnanhallitus",
        label=checkpoint.label,
        position="kansliapäällikön",
    )
    assert_in_order(
        text,
        [
            capfirst(
                label(
                    "Follow-up %(label)s of the %(position)s goals",
                    "fi",
                    label=checkpoint.label,
                    position="kansliapäällikön",
                )
            ),
            label("Presenting official: %(name)s", "fi", name="Aino Virtanen"),
            label("The goals were approved: %(reference)s.", "fi", reference="KH 31.3.2025 § 45"),
            proposal,
            label(
                "Follow-up %(label)s: %(title)s",
                "fi",
                label=checkpoint.label,
                title="Kansliapäällikön tavoitteet 2025",
            ),
            *record_metadata(label("Agenda item: follow-up report", "fi")),
        ],
        "follow-up agenda item",
    )


def test_the_organizations_record_settings_fill_the_metadata(demo, tmp_path):
    RecordSettings.objects.create(
        organization=demo.org,
        publicity="partly",
        secrecy_basis="JulkL 24 § 1 mom. 32 k",
        secrecy_period="50 v",
        personal_data=False,
        task_class="01.02.03",
        retention="10 v",
    )
    text = normalise(pdftotext(render_with_command(tmp_path, "agenda", demo.plan)))
    assert_in_order(
        text,
        [
            label("Partly secret", "fi"),
            "JulkL 24 § 1 mom. 32 k, 50 v",
            label("No", "fi"),
            "01.02.03",
            "10 v",
        ],
    )
