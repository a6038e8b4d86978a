"""Issue 7: the discussion page reads the same number of queries however many sections,
development items (raised or carried over), participants and survey answers it shows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from suunta.agreements.models import GoalArea
from suunta.discussions import services
from suunta.discussions.models import SecrecyBasis, Section, SectionKind, Survey, SurveyAnswer

from .common import (
    BOARD_MEMBER,
    CHAIR,
    DEPUTY,
    EXECUTIVE,
    MAYOR,
    PREPARER,
    create_discussion,
    detail_url,
    fragment_url,
    section_of,
    user,
)

pytestmark = pytest.mark.django_db


def fill(discussion, *, sections: int, items: int, answers: bool) -> None:
    mayor = user(MAYOR)
    basis = SecrecyBasis.objects.filter(organization=discussion.agreement.organization).first()
    for n in range(sections):
        Section.objects.create(
            discussion=discussion,
            kind=SectionKind.OTHER,
            title=f"Lisäkohta {n}",
            publicity="restricted" if n % 2 else "public",
            secrecy_basis=basis if n % 2 else None,
            order=100 + n,
            text=f"Muistiinpano {n}",
        )
    for section in Section.objects.filter(discussion=discussion):
        services.save_section(mayor, section, text=f"Teksti: {section.title}", revision=section.revision)
    for n in range(items):
        services.save_item(
            mayor,
            discussion,
            None,
            need=f"Tarve {n}",
            action=f"Toimi {n}",
            responsible="Pormestari",
            due_on=dt.date(2027, 1, 1) + dt.timedelta(days=n),
            status=("open", "in_progress", "done")[n % 3],
        )
    survey = Survey.objects.create(discussion=discussion, created_by=mayor, closes_on=discussion.held_on)
    survey.recipients.set([user(BOARD_MEMBER), user(CHAIR)])
    goals = GoalArea.objects.filter(version__plan__in=discussion.plans.all())
    respondents = [user(BOARD_MEMBER), user(CHAIR)] if answers else [user(BOARD_MEMBER)]
    for goal in goals if answers else goals[:1]:
        for respondent in respondents:
            SurveyAnswer.objects.create(survey=survey, goal_area=goal, respondent=respondent, text="Näkemys")


def count(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("username", [MAYOR, EXECUTIVE, PREPARER])
def test_the_page_does_not_grow_with_its_content(demo, username):
    small = create_discussion(demo, held_on=dt.date(2026, 12, 1), plans=[demo.current])
    fill(small, sections=0, items=1, answers=False)
    large = create_discussion(
        demo,
        held_on=dt.date(2027, 2, 1),
        plans=[demo.plan, demo.current],
        participants=(MAYOR, CHAIR, DEPUTY, EXECUTIVE),
    )
    # The large one shows the small one's open items as carried over, and many of its own.
    fill(large, sections=8, items=12, answers=True)
    client = demo.client(username)
    client.get(detail_url(small))  # warm up the session and the caches
    small_count = count(client, detail_url(small))
    large_count = count(client, detail_url(large))
    assert large_count == small_count, (small_count, large_count)
    assert small_count <= 30, small_count


def test_the_fragment_does_not_grow_either(demo):
    small = create_discussion(demo, held_on=dt.date(2026, 12, 1), plans=[demo.current])
    fill(small, sections=0, items=1, answers=False)
    large = create_discussion(demo, held_on=dt.date(2027, 2, 1), plans=[demo.plan, demo.current])
    fill(large, sections=8, items=12, answers=True)
    client = demo.client(MAYOR)
    client.get(detail_url(small))
    small_count = count(
        client, fragment_url(section_of(small, SectionKind.WELLBEING)), HTTP_HX_REQUEST="true"
    )
    large_count = count(
        client, fragment_url(section_of(large, SectionKind.WELLBEING)), HTTP_HX_REQUEST="true"
    )
    assert large_count == small_count, (small_count, large_count)
