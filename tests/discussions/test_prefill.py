"""Issue 7: the page pre-fills the agenda: "last year's goals" lists each goal of the plan
that ended before the discussion with its latest agreed follow-up, "the coming goals"
the goals of the plan in force or ahead."""

import datetime as dt

import pytest

from suunta.demo.followups import SEED_FOLLOWUPS
from suunta.discussions.models import SectionKind
from suunta.followup import services as followup
from suunta.followup.models import AssessmentKind, Rating

from ..followup.common import agree_all, goals, open_checkpoint, self_assess, views_in
from .common import (
    EXECUTIVE,
    MAYOR,
    PREPARER,
    create_discussion,
    detail_url,
    fi,
    section_element,
    section_of,
    squash,
)

pytestmark = pytest.mark.django_db


def goal_lines(response, section) -> dict[str, str]:
    """{goal title: its line} in the section's pre-filled list."""
    element = section_element(response, section)
    prefill = element.find_all(lambda e: "prefill" in e.classes)
    assert len(prefill) == 1, "no pre-filled list"
    result = {}
    for item in prefill[0].find_all(lambda e: e.tag == "li"):
        title = squash(item.find_all(lambda e: e.tag == "strong")[0].text())
        result[title] = squash(item.text())
    return result


@pytest.mark.parametrize("username", [MAYOR, EXECUTIVE, PREPARER])
def test_last_years_goals_come_with_their_latest_agreed_follow_up(demo, username):
    # Held after the 2025 plan ended and after both of its follow-ups were agreed.
    discussion = create_discussion(
        demo, plans=[demo.plan, demo.current], held_on=dt.date(2026, 3, 10), confirmed=True
    )
    response = demo.client(username).get(detail_url(discussion))
    assert response.status_code == 200
    lines = goal_lines(response, section_of(discussion, SectionKind.LAST_YEAR))
    seed_goals = goals(demo.plan)
    assert list(lines) == [g.title for g in seed_goals]
    for goal, per_checkpoint in zip(seed_goals, SEED_FOLLOWUPS, strict=True):
        first_agreed, later_agreed = per_checkpoint[0][3], per_checkpoint[1][3]
        assert later_agreed in lines[goal.title], goal.title
        assert first_agreed not in lines[goal.title], goal.title
        label = Rating.objects.get(organization=demo.org, code=per_checkpoint[1][2]).display_label
        assert label in lines[goal.title]
    heading = section_element(response, section_of(discussion, SectionKind.LAST_YEAR)).find_all(
        lambda e: e.tag == "h4"
    )
    assert demo.plan.title in heading[0].text()

    # The coming goals: the 2026 plan's, with their metrics.
    coming = goal_lines(response, section_of(discussion, SectionKind.COMING_GOALS))
    assert list(coming) == [g.title for g in goals(demo.current)]
    first = goals(demo.current)[0]
    assert first.metrics.order_by("order").first().text in coming[first.title]


def test_a_discussion_within_the_plan_year_has_no_last_years_list(demo):
    """The demo's spring 2025 discussion: the 2025 plan is the coming one."""
    discussion = create_discussion(demo, plans=[demo.current])  # 10.12.2026, the 2026 plan in force
    response = demo.client(MAYOR).get(detail_url(discussion))
    element = section_element(response, section_of(discussion, SectionKind.LAST_YEAR))
    assert not element.find_all(lambda e: "prefill" in e.classes)
    assert list(goal_lines(response, section_of(discussion, SectionKind.COMING_GOALS))) == [
        g.title for g in goals(demo.current)
    ]


def test_an_agreed_text_still_being_written_is_not_shown_as_agreed(demo):
    """Only a follow-up that was agreed (or reported) counts; a text the preparer is still
    drafting at the open checkpoint does not."""
    checkpoint = open_checkpoint(demo)
    scale = {r.code: r for r in Rating.objects.filter(organization=demo.org)}
    draft_goals = goals(demo.current)
    draft_text = "Luonnos sovitusta seurannasta, ei vielä käsitelty."
    followup.save_assessment(
        demo.user(PREPARER),
        checkpoint,
        draft_goals[0],
        AssessmentKind.AGREED,
        rating=scale["progressed"],
        text=draft_text,
    )
    discussion = create_discussion(demo, plans=[demo.current, demo.draft], held_on=dt.date(2027, 1, 20))
    section = section_of(discussion, SectionKind.LAST_YEAR)
    lines = goal_lines(demo.client(MAYOR).get(detail_url(discussion)), section)
    assert draft_text not in lines[draft_goals[0].title]
    assert fi("no agreed follow-up yet") in lines[draft_goals[0].title]

    # Once agreed, it is the latest agreed follow-up.
    self_assess(demo, checkpoint, scale["progressed"])
    views_in(demo, checkpoint, scale["progressed"])
    agree_all(demo, checkpoint, scale["achieved"])
    followup.mark_agreed(demo.user(PREPARER), checkpoint, dt.date(2026, 11, 26))
    lines = goal_lines(demo.client(MAYOR).get(detail_url(discussion)), section)
    for goal in draft_goals:
        assert f"Sovittu ({goal.title})" in lines[goal.title]
