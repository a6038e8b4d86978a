import datetime as dt

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from suunta.followup import services
from suunta.followup.models import AssessmentKind, FollowUp, Rating
from tests.dom import parse

from .common import goals, open_checkpoint


def agree_everything(demo, checkpoint):
    preparer = demo.user("valmistelija")
    rating = Rating.objects.get(organization=demo.org, code="progressed")
    for goal in goals(demo.current):
        services.save_assessment(
            preparer, checkpoint, goal, AssessmentKind.AGREED, rating=rating, text="Edennyt."
        )
    services.close_step(preparer, checkpoint, "Itsearviointi käsitellään kokouksessa.")
    services.close_step(preparer, checkpoint, "Näkemykset käsitellään kokouksessa.")
    return preparer


def test_the_meeting_cannot_agree_before_the_follow_up_opened(demo):
    checkpoint = open_checkpoint(demo)
    preparer = agree_everything(demo, checkpoint)
    with pytest.raises(ValidationError) as error:
        services.mark_agreed(preparer, checkpoint, checkpoint.window_start - dt.timedelta(days=1))
    assert "meeting_date" in error.value.error_dict
    assert FollowUp.objects.get(checkpoint=checkpoint).status == "views_in"


def test_the_board_report_cannot_be_dated_in_the_future(demo):
    checkpoint = open_checkpoint(demo)
    preparer = agree_everything(demo, checkpoint)
    services.mark_agreed(preparer, checkpoint, dt.date(2026, 11, 25))
    with pytest.raises(ValidationError) as error:
        services.report_to_board(preparer, checkpoint, meeting_date=dt.date(2026, 12, 31), section="5")
    assert "meeting_date" in error.value.error_dict
    assert FollowUp.objects.get(checkpoint=checkpoint).status == "agreed"


@pytest.mark.parametrize("username", ["hallitus", "tarkastaja"])
def test_readers_see_agreed_follow_ups_but_no_self_assessment_or_view_rows(demo, username):
    seed_checkpoint = demo.plan.versions.get().checkpoints.order_by("order").first()
    page = demo.client(username).get(reverse("followup", args=[demo.plan.pk, seed_checkpoint.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Edennyt suunnitellusti" in body  # the reported, agreed follow-up
    assert "Vuositavoitteiden seuranta on käynnissä" not in body  # the executive's self-assessment
    assert "Samaa mieltä itsearvion kanssa." not in body  # an evaluator's view
    insider = demo.client("pormestari").get(reverse("followup", args=[demo.plan.pk, seed_checkpoint.pk]))
    assert "Vuositavoitteiden seuranta on käynnissä" in insider.content.decode()


@pytest.mark.parametrize(("language", "board"), [("fi", "Kunnanhallitus"), ("sv", "Kommunstyrelsen")])
def test_the_report_form_starts_from_the_draft_decision(demo, language, board):
    """The preparer's report form offers the board's draft decision (the report
    document's closing line) in the user's language, with the board's own name."""

    checkpoint = open_checkpoint(demo)
    preparer = agree_everything(demo, checkpoint)
    services.mark_agreed(preparer, checkpoint, dt.date(2026, 11, 25))
    client = demo.client("valmistelija")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = parse(client.get(reverse("followup", args=[demo.current.pk, checkpoint.pk])).content)
    text = page.find_all(lambda el: el.tag == "textarea" and el.attrs.get("name") == "report-text")[0].text()
    assert text.strip().startswith(board)
    assert checkpoint.display_label in text
