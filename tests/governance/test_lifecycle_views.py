"""Issue 4 through the pages, as users do it: follow the action the plan page offers,
fill in the decision record, and read the result on the plan and history pages."""

from django.urls import reverse

from suunta.agreements.models import GoalPlan, Metric, PlanVersion
from suunta.governance.models import Handling

from ..dom import parse
from ..helpers import fi
from .common import (
    events,
    fi_date,
    latest,
    meeting,
    offered_actions,
    set_checkpoints,
    squash,
    step_for,
    visible_text,
)

# The actions' labels as a Finnish user reads them.
POLJORY = fi("Record the handling: %(body)s", body="Poliittinen johtoryhmä")
PROPOSE = fi("Propose to the board")
APPROVE = fi("Record the approval")
RETURN = fi("Record a return for re-preparation")
TABLE = fi("Record tabling")
CLOSE = fi("Close the plan")
AMEND = fi("Amend: start a new version")
NEXT = fi("Create next period's plan from this one")


def plan_page(client, plan):
    response = client.get(reverse("plan_detail", args=[plan.pk]))
    assert response.status_code == 200, response.status_code
    return response


def action_link(client, plan, text: str) -> str:
    """The href of the plan page's action with this text (fails when it is not offered)."""
    doc = parse(plan_page(client, plan).content)
    links = [
        e.attrs["href"]
        for e in doc.find_all(lambda e: e.tag == "a" and "button" in e.classes)
        if squash(e.text()) == text
    ]
    assert len(links) == 1, f"{text!r} not offered once: {offered_actions(plan_page(client, plan).content)}"
    return links[0]


def messages_on(response) -> list[str]:
    return [squash(m.text()) for m in parse(response.content).find_all(lambda e: "message" in e.classes)]


def take_via_page(client, plan, action: str, **data):
    """Open the step form from the plan page, submit it as the form was given; return
    the plan page the user is sent back to."""
    url = action_link(client, plan, action)
    form = client.get(url)
    assert form.status_code == 200
    doc = parse(form.content)
    assert squash(doc.find_all(lambda e: e.tag == "h1")[0].text()) == action
    posted = {"expected_status": doc.by_id("id_expected_status").value()}
    posted.update({k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()})
    response = client.post(url, posted)
    assert response.status_code == 302, (response.status_code, response.content.decode()[-3000:])
    assert response["Location"] == reverse("plan_detail", args=[plan.pk])
    page = client.get(response["Location"])
    status = latest(plan).get_status_display()
    assert messages_on(page) == [fi("Saved. The plan is now “%(status)s”.", status=status)]
    return page


def status_of(plan) -> str:
    return latest(plan).status


def test_the_plan_page_offers_each_user_only_what_he_or_she_may_do_now(demo):
    preparer, mayor, executive = (demo.client(n) for n in ("valmistelija", "pormestari", "kansliapaallikko"))
    plan = demo.draft

    assert offered_actions(plan_page(preparer, plan).content) == [POLJORY, PROPOSE]
    assert offered_actions(plan_page(mayor, plan).content) == [POLJORY, PROPOSE]
    assert offered_actions(plan_page(executive, plan).content) == []

    take_via_page(preparer, plan, POLJORY, meeting_date=meeting(0))
    assert offered_actions(plan_page(preparer, plan).content) == [POLJORY, PROPOSE]
    take_via_page(mayor, plan, PROPOSE)
    assert status_of(plan) == "proposed"

    # Decisions of the board are recorded by the preparer (the secretary), not by evaluators.
    assert offered_actions(plan_page(preparer, plan).content) == [APPROVE, RETURN, TABLE]
    assert offered_actions(plan_page(mayor, plan).content) == []
    assert offered_actions(plan_page(executive, plan).content) == []
    # A board member reads the proposal, and may do nothing with it.
    board = demo.client("hallitus")
    assert offered_actions(plan_page(board, plan).content) == []

    take_via_page(
        preparer,
        plan,
        APPROVE,
        meeting_date=meeting(5),
        section="45",
        case_number="TUUDno-2026-9",
        presenter=demo.user("pormestari").pk,
        text="Kunnanhallitus hyväksyy kansliapäällikön vuositavoitteet liitteen mukaisesti.",
    )
    assert offered_actions(plan_page(preparer, plan).content) == [CLOSE, AMEND, NEXT]
    assert offered_actions(plan_page(mayor, plan).content) == [CLOSE, AMEND, NEXT]
    assert offered_actions(plan_page(executive, plan).content) == []
    assert offered_actions(plan_page(board, plan).content) == []
    assert offered_actions(plan_page(demo.client("tarkastaja"), plan).content) == []


def test_the_board_tables_returns_and_approves_through_the_pages(demo):
    preparer = demo.client("valmistelija")
    plan = demo.draft

    page = take_via_page(preparer, plan, POLJORY, meeting_date=meeting(0), text="Käyty läpi.")
    assert messages_on(page) == [
        fi(
            "Saved. The plan is now “%(status)s”.",
            status=fi("In preparatory handling"),
        )
    ]
    take_via_page(preparer, plan, POLJORY, meeting_date=meeting(1))
    assert status_of(plan) == "preparatory"
    take_via_page(preparer, plan, PROPOSE)
    take_via_page(preparer, plan, TABLE, meeting_date=meeting(2), section="12")
    assert status_of(plan) == "proposed"
    take_via_page(preparer, plan, RETURN, meeting_date=meeting(3), section="20")
    assert status_of(plan) == "draft"

    # Returned for re-preparation: the editor is open again.
    version = latest(plan)
    metric = Metric.objects.filter(goal_area__version=version).order_by("goal_area__order", "order").first()
    edit = preparer.post(
        reverse("metric_edit", args=[plan.pk, metric.pk]),
        {
            f"metric-{metric.pk}-text": "Uuden strategiakauden valmistelu valmis 30.9.2026",
            f"metric-{metric.pk}-text_sv": "",
        },
    )
    assert edit.status_code == 302
    assert Metric.objects.get(pk=metric.pk).text == "Uuden strategiakauden valmistelu valmis 30.9.2026"

    take_via_page(preparer, plan, PROPOSE)
    take_via_page(
        preparer,
        plan,
        APPROVE,
        meeting_date=meeting(4),
        section="45",
        case_number="154/02.02.00/2026",
        presenter=demo.user("pormestari").pk,
        text="Hyväksytään.",
        meeting_changes="Mittarin sanamuotoa tarkennettiin kokouksessa.",
    )
    assert status_of(plan) == "approved"
    approval = Handling.objects.get(version=version, outcome="approved")
    assert (approval.section, approval.case_number, approval.presenter.username) == (
        "45",
        "154/02.02.00/2026",
        "pormestari",
    )
    assert approval.meeting_changes == "Mittarin sanamuotoa tarkennettiin kokouksessa."

    doc = parse(plan_page(preparer, plan).content)
    line = doc.find_all(lambda e: "handling-line" in e.classes)
    assert len(line) == 1
    assert visible_text(line[0]) == " → ".join(
        [
            f"Poliittinen johtoryhmä {fi_date(meeting(0))}",
            f"Poliittinen johtoryhmä {fi_date(meeting(1))}",
            f"Kunnanhallitus {fi_date(meeting(2))} § 12, {fi('tabled')}",
            f"Kunnanhallitus {fi_date(meeting(3))} § 20, {fi('returned for re-preparation')}",
            f"Kunnanhallitus {fi_date(meeting(4))} § 45, {fi('approved')}",
        ]
    )
    approval_line = visible_text(doc.find_all(lambda e: "approval-line" in e.classes)[0])
    assert approval_line.startswith(fi("Approved %(reference)s", reference=f"KH {fi_date(meeting(4))} § 45"))
    assert f"{fi('Case number')} 154/02.02.00/2026" in approval_line
    assert approval.snapshot_sha256[:16] in approval_line  # the snapshot's hash, shortened
    side = squash(doc.find_all(lambda e: "handling-list" in e.classes)[0].text())
    assert f"{fi('Changes made in the meeting')}: Mittarin sanamuotoa tarkennettiin kokouksessa." in side
    assert "Juha Niemi" in side  # the executive, recorded as disqualified

    actions = [
        e.action for e in events(demo.org, object_type="agreements.planversion", object_id=str(version.pk))
    ]
    assert actions[-7:] == [
        "plan.handle",
        "plan.handle",
        "plan.propose",
        "plan.table",
        "plan.return",
        "plan.propose",
        "plan.approve",
    ]


def test_the_seed_plans_handling_history_reads_as_in_the_seed(demo):
    doc = parse(plan_page(demo.client("hallitus"), demo.plan).content)
    line = doc.find_all(lambda e: "handling-line" in e.classes)[0]
    # Later lines (e.g. follow-up reports to the board) may follow the decision.
    assert visible_text(line).startswith(
        f"Poliittinen johtoryhmä 26.3.2025 → Kunnanhallitus 31.3.2025 § 45, {fi('approved')}"
    )
    approval_line = visible_text(doc.find_all(lambda e: "approval-line" in e.classes)[0])
    assert approval_line.startswith(
        f"{fi('Approved %(reference)s', reference='KH 31.3.2025 § 45')} · {fi('Case number')} TUUDno-2025-123"
    )


def approve_draft(client, demo, plan, poljory, board, section="45"):
    take_via_page(client, plan, POLJORY, meeting_date=poljory)
    take_via_page(client, plan, PROPOSE)
    take_via_page(
        client, plan, APPROVE, meeting_date=board, section=section, presenter=demo.user("pormestari").pk
    )


def test_amend_reapprove_and_the_version_history_with_a_readable_diff(demo):
    preparer = demo.client("valmistelija")
    plan = demo.draft
    approve_draft(preparer, demo, plan, meeting(0), meeting(5))
    v1 = latest(plan)

    response = preparer.post(reverse("plan_amend", args=[plan.pk]))
    assert response.status_code == 302
    page = plan_page(preparer, plan)
    assert messages_on(page) == [
        fi(
            "Version %(number)s was started as a draft. It is handled and approved like the earlier versions.",
            number=2,
        )
    ]
    v2 = latest(plan)
    assert (v2.number, v2.status) == (2, "draft")
    assert offered_actions(page.content) == [POLJORY, PROPOSE]

    metric = Metric.objects.filter(goal_area__version=v2).order_by("goal_area__order", "order").first()
    before = metric.text
    after = "Valtuustokauden tavoitteista 80 % toteutuu"
    edit = preparer.post(
        reverse("metric_edit", args=[plan.pk, metric.pk]),
        {f"metric-{metric.pk}-text": after, f"metric-{metric.pk}-text_sv": metric.text_sv},
    )
    assert edit.status_code == 302

    approve_draft(preparer, demo, plan, meeting(6), meeting(7), section="71")
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == ("superseded", "approved")

    history = preparer.get(reverse("plan_history", args=[plan.pk]))
    assert history.status_code == 200
    doc = parse(history.content)
    cards = doc.find_all(lambda e: e.tag == "section" and "card" in e.classes)
    headings = [squash(c.find_all(lambda e: e.tag == "h2")[0].text()) for c in cards]
    assert headings == [
        f"{fi('Version %(number)s', number=2)} – {fi('Approved')}",
        f"{fi('Version %(number)s', number=1)} – {fi('Replaced by a later version')}",
    ]
    newest, oldest = cards
    assert f"Kunnanhallitus {fi_date(meeting(7))} § 71, {fi('approved')}" in squash(newest.text())
    assert f"Kunnanhallitus {fi_date(meeting(5))}" not in squash(newest.text())
    assert f"Kunnanhallitus {fi_date(meeting(5))} § 45, {fi('approved')}" in squash(oldest.text())
    hashes = [e.text() for e in newest.find_all(lambda e: e.tag == "code")]
    assert hashes == [Handling.objects.get(version=v2, outcome="approved").snapshot_sha256]

    changes = newest.find_all(
        lambda e: e.tag == "li" and e.parent is not None and "change-list" in e.parent.classes
    )
    assert len(changes) == 1, [squash(c.text()) for c in changes]
    change = changes[0]
    goal = v2.goal_areas.order_by("order").first().title
    assert squash(change.text()) == f"{fi('Metric changed')} ({goal}): {before} → {after}"
    assert [e.text() for e in change.find_all(lambda e: e.tag == "del")] == [before]
    assert [e.text() for e in change.find_all(lambda e: e.tag == "ins")] == [after]
    # The first version has nothing to compare with.
    assert not oldest.find_all(lambda e: "change-list" in e.classes)

    # The earlier version is still shown as it was approved.
    old = preparer.get(reverse("plan_detail", args=[plan.pk]) + "?version=1")
    assert before in old.content.decode()
    assert after not in old.content.decode()


def test_next_period_plan_from_the_page(demo):
    preparer = demo.client("valmistelija")
    year = demo.draft.period_start.year
    set_checkpoints(demo.user("valmistelija"), latest(demo.draft), year)
    approve_draft(preparer, demo, demo.draft, meeting(0), meeting(5))
    response = preparer.post(reverse("plan_next_period", args=[demo.draft.pk]))
    assert response.status_code == 302
    new_plan = GoalPlan.objects.get(title=f"Kansliapäällikön tavoitteet {year + 1}")
    assert response["Location"] == reverse("plan_detail", args=[new_plan.pk])
    page = preparer.get(response["Location"])
    content = page.content.decode()
    assert messages_on(page) == [
        fi("The next period's plan was created from this one. Check its goals and checkpoints.")
    ]
    doc = parse(content)
    labels = [squash(e.text()) for e in doc.find_all(lambda e: "checkpoint-label" in e.classes)]
    assert labels == [f"elokuu {year + 1}", f"tammikuu/helmikuu {year + 2}"]
    assert PlanVersion.objects.get(plan=new_plan).status == "draft"
    assert offered_actions(content) == [POLJORY, PROPOSE]


def test_the_step_form_shows_the_decision_fields_and_the_disqualification(demo):
    preparer = demo.client("valmistelija")
    plan = demo.draft
    version = latest(plan)
    step = step_for(version, "handle")
    response = preparer.get(reverse("plan_step", args=[plan.pk, step.pk]))
    doc = parse(response.content)
    for field in ("id_meeting_date", "id_section", "id_case_number", "id_presenter", "id_text"):
        assert doc.has_id(field), field
    assert not doc.has_id("id_meeting_changes")  # only an approval records meeting changes
    # The executive is never offered as the presenter.
    presenter = doc.by_id("id_presenter")
    names = [squash(o.text()) for o in presenter.find_all(lambda e: e.tag == "option")]
    assert "Juha Niemi" not in names
    assert "Aino Virtanen" in names
    selected = [o for o in presenter.find_all(lambda e: e.tag == "option") if "selected" in o.attrs]
    assert [o.attrs.get("value") for o in selected] == [""]  # a preparatory handling has no presenter

    take_via_page(preparer, plan, POLJORY, meeting_date=meeting(0))
    take_via_page(preparer, plan, PROPOSE)
    approve = step_for(latest(plan), "approve")
    doc = parse(preparer.get(reverse("plan_step", args=[plan.pk, approve.pk])).content)
    assert doc.has_id("id_meeting_changes")
    options = doc.by_id("id_presenter").find_all(lambda e: e.tag == "option")
    selected = [squash(o.text()) for o in options if "selected" in o.attrs]
    assert selected == ["Aino Virtanen"]  # the mayor presents the board's decision by default
    assert doc.by_id("id_section").attrs.get("required") is not None
    year = plan.period_start.year
    expected = f"Kunnanhallitus hyväksyy kansliapäällikön vuositavoitteet {year} liitteen mukaisesti."
    assert doc.by_id("id_text").value() == expected
