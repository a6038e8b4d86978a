"""The seed's whole yearly cycle in a browser, in an organization of its own (not the
demo's plans): the preparer creates "Kansliapäällikön tavoitteet 2025" and enters the
seed's goals, metrics and two checkpoints; the plan is handled in the political
leadership group (26.3.2025) and approved by the board (31.3.2025 § 45); at the first
checkpoint the executive assesses, two evaluators give their views, the agreed
follow-up is recorded and reported to the board; the next winter's goal and
development discussion is written and confirmed by everyone; the annex is downloaded
as PDF/A and read back. Each step is done by the right persona on the right day (time
travel: the live server shares the test's clock). A second test reads the main pages
of the same cycle on a phone.

The organization, its bodies, people, agreement, workflow and rating scale come from
the demo loader (`load_organization`); the second test's plan from `load_plan`. The
seed is read with tests/test_seed.py's parser. Elements are found by role, id, name,
href and structure, never by visible UI text; only data (goal texts, dates, §) is
compared as text.
"""

import datetime as dt
import io
import time
import xml.etree.ElementTree as ET
from decimal import Decimal

import pypdf
import pytest
from playwright.sync_api import expect

from suunta.agreements.models import Checkpoint, GoalArea, GoalPlan, Metric, VersionStatus
from suunta.audit.models import AuditEvent
from suunta.demo import data as demo_data
from suunta.demo import followups as demo_followups
from suunta.demo.loader import DEFAULT_PASSWORD, load_organization, load_plan
from suunta.discussions import services as discussion_services
from suunta.discussions.models import Discussion, Participant, Section, SectionKind
from suunta.followup import services as followup_services
from suunta.followup.models import Assessment, AssessmentKind, FollowUp, MetricNote, Rating
from suunta.governance.models import Handling, WorkflowStep

from ..documents.common import assert_in_order, normalise_pypdf
from ..test_seed import parse_checkpoint_labels, parse_goals, read_seed, table_lines
from .browser import assert_accessible, assert_fits_viewport, assert_no_csp_violations, login

# --- The organization (fictional people; the seed's bodies and agreement texts) -----------

MAYOR, CHAIR, EXECUTIVE, PREPARER = (
    "kr-pormestari",
    "kr-valtuuston-pj",
    "kr-kansliapaallikko",
    "kr-valmistelija",
)
ORGANIZATION = {
    "slug": "kotiranta",
    "name": "Kotirannan kunta",
    "name_sv": "Kotiranta kommun",
    "business_id": "2345678-0",
    "kind": "municipality",
    "preset": "mayor",
    "bodies": demo_data.ORGANIZATIONS[0]["bodies"],  # poljory, KH, KV
    # Two evaluators: the follow-up's views are in once both have submitted.
    "people": [
        (MAYOR, "Ilona", "Mäkelä", "evaluator", "mayor"),
        (CHAIR, "Harri", "Lindqvist", "evaluator", "council_chair"),
        (EXECUTIVE, "Tuomas", "Aalto", "executive", ""),
        (PREPARER, "Maija", "Rinne", "preparer", ""),
    ],
    "agreement": {
        **demo_data.ORGANIZATIONS[0]["agreement"],
        "executive": EXECUTIVE,
        "legal_basis": "Kotirannan kunnan hallintosääntö 35 § (kansliapäällikön johtajasopimus)",
        # Both seed checkpoints fall in the agreement's first 12 months.
        "starts_on": dt.date(2025, 2, 1),
        "signed_on": dt.date(2025, 1, 20),
    },
}

# --- The seed -----------------------------------------------------------------------------

SEED = read_seed()
SEED_GOALS = parse_goals(table_lines(SEED)[1])
CHECKPOINT_LABELS = parse_checkpoint_labels(table_lines(SEED)[0])  # elokuu 2025, tammikuu/helmikuu 2026
CHECKPOINTS = [
    (CHECKPOINT_LABELS[0], "augusti 2025", dt.date(2025, 8, 1), dt.date(2025, 8, 31)),
    (CHECKPOINT_LABELS[1], "januari/februari 2026", dt.date(2026, 1, 1), dt.date(2026, 2, 28)),
]
YEAR = 2025
PLAN_TITLE = f"{SEED.strip().splitlines()[0].strip()} {YEAR}"  # Kansliapäällikön tavoitteet 2025
POLJORY_DAY, BOARD_DAY = dt.date(2025, 3, 26), dt.date(2025, 3, 31)  # "26.3.2025 Poljory, 31.3.2025 KH"
SECTION, CASE_NUMBER = "45", "KOTI/123/00.01.02/2025"
DECISION = "Kunnanhallitus hyväksyy kansliapäällikön vuositavoitteet 2025 liitteen mukaisesti."
AGREED_DAY, REPORT_DAY, REPORT_SECTION = dt.date(2025, 8, 27), dt.date(2025, 9, 8), "112"
DISCUSSION_DAY = dt.date(2026, 2, 10)
# The seed's two numeric metrics in disguise: one is followed as a number (the demo's figures).
MEASURED = "Talousarvion mukaiset tavoitteet toteutuvat"

# Per goal at the first checkpoint: (self rating, self text, agreed rating, agreed text).
FOLLOWUPS = [rows[0] for rows in demo_followups.SEED_FOLLOWUPS]
VIEWS = {MAYOR: demo_followups.VIEW_TEXTS["pormestari"], CHAIR: demo_followups.VIEW_TEXTS["valtuuston-pj"]}
MEMO = {
    SectionKind.LAST_YEAR: "Vuoden 2025 tavoitteet etenivät; säästötavoitteesta toteutui suurin osa.",
    SectionKind.COMING_GOALS: "Vuoden 2026 tavoitteiksi sovittiin strategiakauden käynnistys ja talouden tasapaino.",
    SectionKind.DEVELOPMENT: "Muutosjohtamisen koulutus keväällä 2026.",
    SectionKind.WELLBEING: "Työkuorma on kohtuullinen; lomat pidetään yhtäjaksoisesti.",
    SectionKind.COOPERATION: "Poliittisen johtoryhmän kanssa iltakoulu kerran kuukaudessa.",
    SectionKind.OTHER: "Ei muita asioita.",
}


def setup_organization():
    """The fresh organization through the demo loader: (organization, people, agreement)."""
    organization, _bodies, people, agreement = load_organization(ORGANIZATION, DEFAULT_PASSWORD)
    return organization, people, agreement


def travel(clock, day: dt.date, hour: int = 9) -> None:
    """Move the shared clock (the live server's too) to `day`, morning in Helsinki."""
    clock.move_to(dt.datetime(day.year, day.month, day.day, hour - 2, 0, tzinfo=dt.UTC))


def as_user(page, base_url: str, username: str) -> None:
    """A new login (sessions last a working day, and the clock jumps further)."""
    page.context.clear_cookies()
    login(page, base_url, username)


def fi_date(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def step_link(page, plan_path: str, step: WorkflowStep):
    return page.locator(f".plan-actions a[href='{plan_path}steps/{step.pk}/']")


def submit(page, form) -> None:
    with page.expect_navigation():
        form.locator(".form-actions button[type=submit]").click()


def status_of(checkpoint) -> str:
    return FollowUp.objects.get(checkpoint=checkpoint).status


def xmp_value(body: bytes, namespace: str, name: str) -> str | None:
    """An XMP property of the PDF, written either as an element or as an attribute."""
    stream = pypdf.PdfReader(io.BytesIO(body)).trailer["/Root"]["/Metadata"].get_object().get_data()
    root = ET.fromstring(stream)
    element = root.find(f".//{{{namespace}}}{name}")
    if element is not None:
        return (element.text or "").strip()
    for node in root.iter():
        if f"{{{namespace}}}{name}" in node.attrib:
            return node.attrib[f"{{{namespace}}}{name}"]
    return None


@pytest.mark.browser
def test_the_seed_cycle_in_a_fresh_organization(transactional_db, live_server, page, fixed_today):
    started = time.monotonic()
    base = live_server.url
    assert [len(g.metrics) for g in SEED_GOALS] == [2, 2, 2, 3, 3, 2]
    assert CHECKPOINT_LABELS == ["elokuu 2025", "tammikuu/helmikuu 2026"]

    # ============ 1. Early March 2025: the preparer creates the plan and enters the seed ============
    travel(fixed_today, dt.date(2025, 3, 3))
    organization, people, agreement = setup_organization()
    steps = {(s.action, s.from_status): s for s in WorkflowStep.objects.filter(organization=organization)}
    scale = {r.code: r for r in Rating.objects.filter(organization=organization)}

    as_user(page, base, PREPARER)
    expect(page.locator("main .plan-list")).to_have_count(0)  # no plans yet
    assert_accessible(page, "seed-front-empty-preparer")
    page.locator("header nav a[href='/organizations/']").click()
    page.wait_for_url(f"{base}/organizations/")
    page.locator(f"main a[href='/organizations/{organization.slug}/']").click()
    page.wait_for_url(f"{base}/organizations/{organization.slug}/")
    page.locator(f"main a[href='/agreements/{agreement.pk}/']").click()
    page.wait_for_url(f"{base}/agreements/{agreement.pk}/")
    assert_accessible(page, "seed-agreement-preparer")
    page.locator(f"main a[href='/agreements/{agreement.pk}/plans/new/']").click()
    page.wait_for_url(f"{base}/agreements/{agreement.pk}/plans/new/")
    form = page.locator("main form[method=post]")
    # The form suggests the seed's title for this year, and the calendar year.
    expect(form.locator("input[name=title]")).to_have_value(PLAN_TITLE)
    expect(form.locator("input[name=period_start]")).to_have_value(f"{YEAR}-01-01")
    expect(form.locator("input[name=period_end]")).to_have_value(f"{YEAR}-12-31")
    assert_accessible(page, "seed-plan-new")
    submit(page, form)
    plan = GoalPlan.objects.get(agreement=agreement)
    version = plan.latest_version()
    plan_path = f"/plans/{plan.pk}/"
    plan_url = f"{base}{plan_path}"
    assert page.url == plan_url
    assert (plan.title, plan.period_start, plan.period_end) == (
        PLAN_TITLE,
        dt.date(YEAR, 1, 1),
        dt.date(YEAR, 12, 31),
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(PLAN_TITLE)
    expect(page.locator(".status-line .status--draft")).to_be_visible()
    expect(page.locator("main .messages .message--success")).to_have_count(1)
    # No checkpoints yet: the advisory "follow up twice in the first 12 months" shows.
    expect(page.locator("main p.notice[role=note]")).to_have_count(1)

    # The goals and metrics, in place (htmx): each goal, then its metrics.
    for seed_goal in SEED_GOALS:
        page.locator(f"#annex a[href='{plan_path}goals/new/']").click()
        title = page.locator("#annex form.item-form [name='new-goal-title']")
        expect(title).to_be_focused()
        title.fill(seed_goal.title)
        page.locator("#annex form.item-form .form-actions button[type=submit]").click()
        expect(page.locator("#annex form.item-form")).to_have_count(0)
        goal = GoalArea.objects.get(version=version, title=seed_goal.title)
        expect(page.locator(f"#goal-{goal.pk} .goal-title")).to_have_text(seed_goal.title)
        for text in seed_goal.metrics:
            page.locator(f"#goal-{goal.pk} a[href='{plan_path}goals/{goal.pk}/metrics/new/']").click()
            metric_form = page.locator(f"#goal-{goal.pk} form.item-form")
            expect(metric_form.locator("[name='new-metric-text']")).to_be_focused()
            metric_form.locator("[name='new-metric-text']").fill(text)
            if text == MEASURED:
                # Followed as a number: operating costs against the budget, lower is better.
                metric_form.locator("[name='new-metric-unit']").fill("%")
                metric_form.locator("[name='new-metric-baseline']").fill("103,4")
                metric_form.locator("[name='new-metric-target']").fill("100")
                metric_form.locator("select[name='new-metric-direction']").select_option("decrease")
                assert_accessible(page, "seed-plan-metric-form")
            metric_form.locator(".form-actions button[type=submit]").click()
            expect(page.locator("#annex form.item-form")).to_have_count(0)
            metric = Metric.objects.get(goal_area=goal, text=text)
            expect(page.locator(f"#metric-{metric.pk} .metric-text")).to_have_text(text)

    # The two checkpoints, as the seed's column headings read.
    for label, label_sv, start, end in CHECKPOINTS:
        page.locator(f"#annex a[href='{plan_path}checkpoints/new/']").click()
        checkpoint_form = page.locator("#annex form.item-form")
        expect(checkpoint_form.locator("[name='new-checkpoint-label']")).to_be_focused()
        checkpoint_form.locator("[name='new-checkpoint-label']").fill(label)
        checkpoint_form.locator("[name='new-checkpoint-window_start']").fill(start.isoformat())
        checkpoint_form.locator("[name='new-checkpoint-window_end']").fill(end.isoformat())
        checkpoint_form.locator("[name='new-checkpoint-label_sv']").fill(label_sv)
        checkpoint_form.locator(".form-actions button[type=submit]").click()
        expect(page.locator("#annex form.item-form")).to_have_count(0)
    expect(page.locator("#annex .checkpoint-list .checkpoint-label")).to_have_text(CHECKPOINT_LABELS)

    # What was entered is the seed, verbatim and in order.
    goals = list(GoalArea.objects.filter(version=version).order_by("order", "id").prefetch_related("metrics"))
    assert [g.title for g in goals] == [g.title for g in SEED_GOALS]
    assert [[m.text for m in g.metrics.order_by("order", "id")] for g in goals] == [
        g.metrics for g in SEED_GOALS
    ]
    measured = Metric.objects.get(goal_area__version=version, text=MEASURED)
    assert (measured.unit, measured.baseline, measured.target, measured.direction) == (
        "%",
        Decimal("103.4"),
        Decimal("100"),
        "decrease",
    )
    checkpoints = list(Checkpoint.objects.filter(version=version).order_by("order"))
    assert [(c.label, c.window_start, c.window_end) for c in checkpoints] == [
        (label, start, end) for label, _sv, start, end in CHECKPOINTS
    ]
    first_checkpoint = checkpoints[0]
    page.goto(plan_url)  # a fresh load: the annex table as the seed reads, no warning left
    expect(page.locator("#annex .annex-table thead th")).to_have_count(4)
    expect(page.locator("#annex .annex-table tbody > tr")).to_have_count(6)
    expect(page.locator("main p.notice[role=note]")).to_have_count(0)
    assert_accessible(page, "seed-plan-draft")

    # ============ 2. 26.3.2025: handled in the political leadership group ============
    travel(fixed_today, POLJORY_DAY, hour=15)
    as_user(page, base, PREPARER)
    page.locator(f"main .plan-list a[href='{plan_path}']").click()  # the front page lists the draft
    page.wait_for_url(plan_url)
    handle = steps["handle", VersionStatus.DRAFT]
    step_link(page, plan_path, handle).click()
    page.wait_for_url(f"{base}{plan_path}steps/{handle.pk}/")
    form = page.locator("main form[method=post]")
    expect(page.locator("main p.notice")).to_have_count(0)  # the executive takes part here
    assert_accessible(page, "seed-step-poljory")
    form.locator("input[name=meeting_date]").fill(POLJORY_DAY.isoformat())
    form.locator("textarea[name=text]").fill("Tavoitteet käyty läpi kansliapäällikön kanssa.")
    submit(page, form)
    assert page.url == plan_url
    expect(page.locator(".status-line .status--preparatory")).to_be_visible()
    expect(page.locator("main .handling-line")).to_contain_text(f"{handle.body.name} {fi_date(POLJORY_DAY)}")
    poljory = Handling.objects.get(version=version)
    assert (poljory.body.short_name, poljory.meeting_date, poljory.outcome) == (
        "Poljory",
        POLJORY_DAY,
        "handled",
    )
    assert not poljory.disqualified.exists()
    assert_accessible(page, "seed-plan-preparatory")

    # ... and proposed to the board.
    propose = steps["propose", VersionStatus.PREPARATORY]
    step_link(page, plan_path, propose).click()
    page.wait_for_url(f"{base}{plan_path}steps/{propose.pk}/")
    submit(page, page.locator("main form[method=post]"))
    assert page.url == plan_url
    expect(page.locator(".status-line .status--proposed")).to_be_visible()
    version.refresh_from_db()
    assert version.status == VersionStatus.PROPOSED

    # ============ 3. 31.3.2025: the board (KH) approves, § 45 ============
    travel(fixed_today, BOARD_DAY, hour=16)
    as_user(page, base, PREPARER)
    page.goto(plan_url)
    approve = steps["approve", VersionStatus.PROPOSED]
    step_link(page, plan_path, approve).click()
    page.wait_for_url(f"{base}{plan_path}steps/{approve.pk}/")
    form = page.locator("main form[method=post]")
    # The mayor presents; the executive is disqualified and never offered.
    expect(form.locator("select[name=presenter]")).to_have_value(str(people[MAYOR].pk))
    expect(form.locator(f"select[name=presenter] option[value='{people[EXECUTIVE].pk}']")).to_have_count(0)
    expect(page.locator("main p.notice")).to_have_count(1)
    assert_accessible(page, "seed-step-approve")
    form.locator("input[name=meeting_date]").fill(BOARD_DAY.isoformat())
    form.locator("input[name=section]").fill(SECTION)
    form.locator("input[name=case_number]").fill(CASE_NUMBER)
    form.locator("textarea[name=text]").fill(DECISION)
    submit(page, form)
    assert page.url == plan_url
    reference = f"KH {fi_date(BOARD_DAY)} § {SECTION}"
    expect(page.locator(".status-line .status--approved")).to_be_visible()
    expect(page.locator("main .approval-line")).to_contain_text(reference)
    expect(page.locator("main .approval-line")).to_contain_text(CASE_NUMBER)
    expect(page.locator("main .handling-line")).to_contain_text(f"{handle.body.name} {fi_date(POLJORY_DAY)}")
    expect(page.locator("main .handling-line")).to_contain_text(
        f"{approve.body.name} {fi_date(BOARD_DAY)} § {SECTION}"
    )
    expect(page.locator("#annex a[href$='/edit/']")).to_have_count(0)  # frozen
    # The measured metric has its own page once the plan is in force.
    expect(page.locator(f"#metric-{measured.pk} a[href='{plan_path}metrics/{measured.pk}/']")).to_have_count(
        1
    )
    approval = Handling.objects.get(version=version, outcome="approved")
    assert (approval.meeting_date, approval.section, approval.case_number, approval.text) == (
        BOARD_DAY,
        SECTION,
        CASE_NUMBER,
        DECISION,
    )
    assert approval.reference == reference
    assert approval.presenter == people[MAYOR]
    assert list(approval.disqualified.all()) == [people[EXECUTIVE]]
    assert approval.snapshot_sha256
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED and version.is_frozen
    assert_accessible(page, "seed-plan-approved")

    # The mayor's front page: the plan approved, with its handling history.
    as_user(page, base, MAYOR)
    row = page.locator("main .plan-list__item").filter(has=page.locator(f"a[href='{plan_path}']"))
    expect(row.locator(".status--approved")).to_be_visible()
    expect(row.locator(".handling-line")).to_contain_text(
        f"{approve.body.name} {fi_date(BOARD_DAY)} § {SECTION}"
    )
    assert_accessible(page, "seed-front-approved-mayor")
    page.goto(f"{base}{plan_path}metrics/{measured.pk}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, "seed-metric-mayor")

    # ============ 4. August 2025: the executive's self-assessment ============
    checkpoint_path = f"{plan_path}followup/{first_checkpoint.pk}/"
    checkpoint_url = f"{base}{checkpoint_path}"
    travel(fixed_today, dt.date(2025, 8, 18))
    as_user(page, base, EXECUTIVE)
    due = page.locator(f"main .due-list a[href='{checkpoint_path}']")
    expect(due).to_have_count(1)
    assert_accessible(page, "seed-front-executive")
    with page.expect_navigation():
        due.click()
    assert page.url == checkpoint_url
    form = page.locator(f"main form.own-form[action='{checkpoint_path}own/']")
    expect(form).to_have_count(1)
    assert_accessible(page, "seed-followup-open-executive")
    for goal, (self_rating, self_text, _agreed_rating, _agreed_text) in zip(goals, FOLLOWUPS, strict=True):
        form.locator(f"input[name='own-{goal.pk}-rating'][value='{scale[self_rating].pk}']").check()
        form.locator(f"textarea[name='own-{goal.pk}-text']").fill(self_text)
    note = "Osavuosikatsaus 2: toimintakulut 100,3 % talousarviosta."
    form.locator(f"textarea[name='own-{measured.goal_area_id}-note_{measured.pk}']").fill(note)
    with page.expect_navigation():
        form.locator("button[type=submit][name=submit]").click()
    assert page.url == checkpoint_url
    expect(page.locator("main .messages .message--success")).to_have_count(1)
    expect(page.locator("main form.own-form")).to_have_count(1)  # still editable until agreed
    own = Assessment.objects.filter(checkpoint=first_checkpoint, kind=AssessmentKind.SELF)
    assert own.filter(submitted_at__isnull=False, author=people[EXECUTIVE]).count() == 6
    assert MetricNote.objects.get(assessment__checkpoint=first_checkpoint, metric=measured).text == note
    assert status_of(first_checkpoint) == "self_assessed"

    # ============ 5. The evaluators' views: the mayor, then the council chair ============
    for day, username in ((dt.date(2025, 8, 20), MAYOR), (dt.date(2025, 8, 22), CHAIR)):
        travel(fixed_today, day)
        as_user(page, base, username)
        due = page.locator(f"main .due-list a[href='{checkpoint_path}']")
        expect(due).to_have_count(1)
        with page.expect_navigation():
            due.click()
        form = page.locator(f"main form.own-form[action='{checkpoint_path}own/']")
        # The submitted self-assessment is there to read.
        expect(page.locator(f"#goal-{goals[0].pk} .assessments")).to_contain_text(FOLLOWUPS[0][1])
        for goal, (_self_rating, _self_text, agreed_rating, _agreed_text) in zip(
            goals, FOLLOWUPS, strict=True
        ):
            form.locator(f"input[name='own-{goal.pk}-rating'][value='{scale[agreed_rating].pk}']").check()
            form.locator(f"textarea[name='own-{goal.pk}-text']").fill(VIEWS[username])
        if username == MAYOR:
            assert_accessible(page, "seed-followup-view-form-mayor")
        with page.expect_navigation():
            form.locator("button[type=submit][name=submit]").click()
        assert page.url == checkpoint_url
        expect(page.locator("main .messages .message--success")).to_have_count(1)
        views = Assessment.objects.filter(
            checkpoint=first_checkpoint, kind=AssessmentKind.VIEW, author=people[username]
        )
        assert views.filter(submitted_at__isnull=False).count() == 6
    assert status_of(first_checkpoint) == "views_in"
    expect(page.locator(f"#goal-{goals[0].pk} .view")).to_have_count(2)

    # ============ 6. 27.8.2025: the agreed follow-up, settled in the poljory ============
    travel(fixed_today, AGREED_DAY, hour=15)
    as_user(page, base, PREPARER)
    page.goto(checkpoint_url)
    expect(page.locator(f"#goal-{goals[0].pk} .view")).to_have_count(2)
    assert_accessible(page, "seed-followup-views-in-preparer")
    for goal, (_self_rating, _self_text, agreed_rating, agreed_text) in zip(goals, FOLLOWUPS, strict=True):
        agreed_form = page.locator(f"main form[action='{checkpoint_path}agreed/{goal.pk}/']")
        agreed_form.locator(
            f"input[name='agreed-{goal.pk}-rating'][value='{scale[agreed_rating].pk}']"
        ).check()
        agreed_form.locator(f"textarea[name='agreed-{goal.pk}-text']").fill(agreed_text)
        with page.expect_navigation():
            agreed_form.locator("button[type=submit]").click()
        assert page.url == f"{checkpoint_url}#goal-{goal.pk}"
    agreed = {
        a.goal_area_id: a
        for a in Assessment.objects.filter(checkpoint=first_checkpoint, kind=AssessmentKind.AGREED)
    }
    assert [(agreed[g.pk].rating.code, agreed[g.pk].text) for g in goals] == [
        (row[2], row[3]) for row in FOLLOWUPS
    ]
    mark_form = page.locator(f"main form[action='{checkpoint_path}agree/']")
    mark_form.locator("input[name='mark-meeting_date']").fill(AGREED_DAY.isoformat())
    with page.expect_navigation():
        mark_form.locator("button[type=submit]").click()
    assert page.url == checkpoint_url
    followup = FollowUp.objects.get(checkpoint=first_checkpoint)
    assert (followup.status, followup.agreed_on, followup.agreed_body.short_name) == (
        "agreed",
        AGREED_DAY,
        "Poljory",
    )
    expect(page.locator(f"main form[action='{checkpoint_path}report/']")).to_have_count(1)
    expect(page.locator(f"main form[action^='{checkpoint_path}agreed/']")).to_have_count(0)
    assert_accessible(page, "seed-followup-agreed-preparer")

    # ============ 7. 8.9.2025: the follow-up reported to the board ============
    travel(fixed_today, REPORT_DAY, hour=16)
    as_user(page, base, PREPARER)
    page.goto(checkpoint_url)
    report_form = page.locator(f"main form[action='{checkpoint_path}report/']")
    report_form.locator("input[name='report-meeting_date']").fill(REPORT_DAY.isoformat())
    report_form.locator("input[name='report-section']").fill(REPORT_SECTION)
    report_form.locator("input[name='report-case_number']").fill(CASE_NUMBER)
    report_form.locator("textarea[name='report-text']").fill(
        "Kunnanhallitus merkitsee kansliapäällikön tavoitteiden seurannan tiedoksi."
    )
    with page.expect_navigation():
        report_form.locator("button[type=submit]").click()
    assert page.url == checkpoint_url
    report = Handling.objects.get(checkpoint=first_checkpoint)
    assert (report.outcome, report.meeting_date, report.section, report.body.short_name) == (
        "noted",
        REPORT_DAY,
        REPORT_SECTION,
        "KH",
    )
    assert list(report.disqualified.all()) == [people[EXECUTIVE]]
    assert status_of(first_checkpoint) == "reported"
    expect(page.locator(f"main form[action='{checkpoint_path}report/']")).to_have_count(0)
    expect(page.locator(".progress-steps li[aria-current=step]")).to_have_count(1)
    expect(page.locator("#progress-heading + .progress-steps + .link-list")).to_contain_text(
        f"KH {fi_date(REPORT_DAY)} § {REPORT_SECTION}"
    )
    assert_accessible(page, "seed-followup-reported-preparer")
    # The annex's Seuranta column shows the agreed follow-ups; the report is a document now.
    page.goto(plan_url)
    for goal, row in zip(goals, FOLLOWUPS, strict=True):
        expect(page.locator(f"#goal-{goal.pk} td.col-followup").first).to_contain_text(row[3])
        expect(page.locator(f"#goal-{goal.pk} td.col-followup .rating").first).to_have_text(
            scale[row[2]].label
        )
    expect(page.locator(f"aside a[href='{plan_path}documents/followup-report/?checkpoint=1']")).to_have_count(
        1
    )
    assert_accessible(page, "seed-plan-reported")
    page.goto(f"{base}/organizations/{organization.slug}/dashboard/")
    expect(page.locator(f"section[aria-labelledby='matrix-{plan.pk}'] table")).to_have_count(1)
    assert_accessible(page, "seed-dashboard-preparer")

    # ============ 8. February 2026: the goal and development discussion ============
    travel(fixed_today, DISCUSSION_DAY)
    as_user(page, base, MAYOR)
    page.goto(plan_url)
    page.locator(f"nav.breadcrumbs a[href='/agreements/{agreement.pk}/']").click()
    page.wait_for_url(f"{base}/agreements/{agreement.pk}/")
    new_path = f"/agreements/{agreement.pk}/discussions/new/"
    page.locator(f"main a[href='{new_path}']").click()
    page.wait_for_url(f"{base}{new_path}")
    form = page.locator("main form[method=post]")
    expect(form.locator(f"input[name=participants][value='{people[EXECUTIVE].pk}']")).to_be_checked()
    assert_accessible(page, "seed-discussion-new")
    form.locator("input[name=held_on]").fill(DISCUSSION_DAY.isoformat())
    form.locator("input[name=starts_at]").fill("13:00")
    form.locator("input[name=place]").fill("Kunnantalo, valtuustosali")
    for username in (MAYOR, CHAIR):
        form.locator(f"input[name=participants][value='{people[username].pk}']").check()
    form.locator(f"input[name=plans][value='{plan.pk}']").check()
    submit(page, form)
    discussion = Discussion.objects.get(agreement=agreement)
    discussion_path = f"/discussions/{discussion.pk}/"
    assert page.url == f"{base}{discussion_path}"
    assert {p.user.username for p in Participant.objects.filter(discussion=discussion)} == {
        MAYOR,
        CHAIR,
        EXECUTIVE,
    }
    sections = {s.kind: s for s in Section.objects.filter(discussion=discussion)}
    assert set(sections) == set(MEMO)
    expect(page.locator("main section.discussion-section")).to_have_count(6)
    # Last year's goals come with their latest agreed follow-up (elokuu 2025).
    prefill = page.locator(f"#section-{sections[SectionKind.LAST_YEAR].pk} .prefill")
    expect(prefill.locator("li")).to_have_count(6)
    expect(prefill).to_contain_text(FOLLOWUPS[0][3])

    # The mayor writes the memo section by section (htmx: each saved in place).
    for kind, text in MEMO.items():
        box = page.locator(f"#section-{sections[kind].pk}")
        box.locator("textarea").fill(text)
        box.locator("button[type=submit]").click()
        expect(page.locator(f"#section-{sections[kind].pk} input[name$='-revision']")).to_have_value("2")
    assert {s.kind: s.text for s in Section.objects.filter(discussion=discussion)} == MEMO
    assert_accessible(page, "seed-discussion-written")

    # Every participant confirms: the mayor here, the others from their front page.
    for username in (MAYOR, CHAIR, EXECUTIVE):
        if username != MAYOR:
            as_user(page, base, username)
            with page.expect_navigation():
                page.locator(f"main .due-list a[href='{discussion_path}']").click()
        else:
            page.goto(f"{base}{discussion_path}")
        confirm_form = page.locator(f"main form[action='{discussion_path}confirm/']")
        with page.expect_navigation():
            confirm_form.locator("button[type=submit]").click()
        expect(page.locator(f"main form[action='{discussion_path}confirm/']")).to_have_count(0)
        assert Participant.objects.get(discussion=discussion, user=people[username]).confirmed_at
    discussion.refresh_from_db()
    assert discussion.frozen_at and discussion.memo_sha256
    expect(page.locator(".status-line .status--frozen")).to_be_visible()
    expect(page.locator("main code.hash")).to_have_text(discussion.memo_sha256)
    expect(page.locator("main textarea")).to_have_count(0)
    expect(page.locator(f"#section-{sections[SectionKind.WELLBEING].pk} .memo-text")).to_have_text(
        MEMO[SectionKind.WELLBEING]
    )
    assert_accessible(page, "seed-discussion-frozen-executive")

    # ============ 9. The annex as PDF/A, downloaded from the plan page ============
    as_user(page, base, PREPARER)
    page.goto(plan_url)
    page.locator(f"aside a[href='{plan_path}documents/annex/']").click()
    page.wait_for_url(f"{base}{plan_path}documents/annex/")
    expect(page.locator("article.document-preview tbody tr")).to_have_count(6)
    expect(page.locator("article.document-preview")).to_contain_text(
        f"{fi_date(POLJORY_DAY)} Poljory, {fi_date(BOARD_DAY)} KH"
    )
    assert_accessible(page, "seed-document-annex-preview")
    downloads = AuditEvent.objects.filter(action="document.download", actor_label=PREPARER)
    before = downloads.count()
    with page.expect_download() as info:
        page.locator(f"main a[href^='{plan_path}documents/annex.pdf']").click()
    body = info.value.path().read_bytes()
    assert info.value.suggested_filename.endswith(".pdf")
    assert body[:5] == b"%PDF-"
    assert downloads.count() == before + 1
    text = normalise_pypdf("\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages))
    assert_in_order(
        text,
        [PLAN_TITLE, "26.3.2025 Poljory, 31.3.2025 KH"]
        + [item for goal in SEED_GOALS for item in (goal.title, *goal.metrics)],
        "annex PDF",
    )
    assert f"KH 31.3.2025 § {SECTION}" in text
    assert approval.snapshot_sha256 in text.replace(" ", "")
    assert FOLLOWUPS[0][3] in text  # the agreed follow-up of elokuu 2025
    assert xmp_value(body, "http://www.aiim.org/pdfa/ns/id/", "part") == "2"
    assert xmp_value(body, "http://www.aiim.org/pdfa/ns/id/", "conformance") == "A"

    assert_no_csp_violations(page)
    assert not page.suunta_errors, f"JavaScript errors: {page.suunta_errors}"
    print(f"the seed cycle took {time.monotonic() - started:.1f} s")


# --- The same cycle on a phone ------------------------------------------------------------


def build_cycle(people, agreement):
    """The fresh organization's 2025 plan approved (loader), its first checkpoint
    assessed, agreed and reported (services), and the winter discussion written but not
    yet confirmed. Returns (plan, measured metric, first checkpoint, second, discussion)."""
    spec = {
        "preparer": PREPARER,
        "title": PLAN_TITLE,
        "title_sv": f"Kanslichefens mål {YEAR}",
        "period_start": dt.date(YEAR, 1, 1),
        "period_end": dt.date(YEAR, 12, 31),
        "goals": [
            (
                goal.title,
                "",
                [
                    (text, "", demo_data.BUDGET_REALISATION) if text == MEASURED else (text, "")
                    for text in goal.metrics
                ],
            )
            for goal in SEED_GOALS
        ],
        "checkpoints": CHECKPOINTS,
        "steps": [
            {"action": "handle", "by": PREPARER, "meeting_date": POLJORY_DAY},
            {"action": "propose", "by": PREPARER},
            {
                "action": "approve",
                "by": PREPARER,
                "meeting_date": BOARD_DAY,
                "section": SECTION,
                "case_number": CASE_NUMBER,
                "presenter": MAYOR,
                "text": DECISION,
            },
        ],
    }
    plan = load_plan(agreement, spec, people, bodies={})
    version = plan.latest_version()
    goals = list(GoalArea.objects.filter(version=version).order_by("order", "id"))
    first, second = Checkpoint.objects.filter(version=version).order_by("order")
    scale = {r.code: r for r in Rating.objects.filter(organization_id=agreement.organization_id)}
    for goal, (self_rating, self_text, agreed_rating, agreed_text) in zip(goals, FOLLOWUPS, strict=True):
        followup_services.save_assessment(
            people[EXECUTIVE],
            first,
            goal,
            AssessmentKind.SELF,
            rating=scale[self_rating],
            text=self_text,
            submit=True,
        )
        for username, view in VIEWS.items():
            followup_services.save_assessment(
                people[username],
                first,
                goal,
                AssessmentKind.VIEW,
                rating=scale[agreed_rating],
                text=view,
                submit=True,
            )
        followup_services.save_assessment(
            people[PREPARER],
            first,
            goal,
            AssessmentKind.AGREED,
            rating=scale[agreed_rating],
            text=agreed_text,
        )
    followup_services.mark_agreed(people[PREPARER], first, AGREED_DAY)
    followup_services.report_to_board(
        people[PREPARER], first, meeting_date=REPORT_DAY, section=REPORT_SECTION, case_number=CASE_NUMBER
    )
    discussion = discussion_services.create_discussion(
        people[MAYOR],
        agreement,
        participants=[people[u] for u in (MAYOR, CHAIR, EXECUTIVE)],
        plans=[plan],
        kind="annual",
        held_on=DISCUSSION_DAY,
        starts_at=dt.time(13, 0),
        duration_minutes=120,
        place="Kunnantalo, valtuustosali",
    )
    for section in Section.objects.filter(discussion=discussion):
        discussion_services.save_section(
            people[MAYOR], section, text=MEMO[section.kind], revision=section.revision
        )
    measured = Metric.objects.get(goal_area__version=version, text=MEASURED)
    return plan, measured, first, second, discussion


@pytest.mark.browser
def test_the_seed_cycle_pages_fit_a_phone(transactional_db, live_server, page, fixed_today):
    started = time.monotonic()
    base = live_server.url
    travel(fixed_today, DISCUSSION_DAY)
    _organization, people, agreement = setup_organization()
    plan, measured, first, second, discussion = build_cycle(people, agreement)
    assert status_of(first) == "reported"
    plan_path = f"/plans/{plan.pk}/"
    page.set_viewport_size({"width": 390, "height": 844})

    def check(path: str, name: str) -> None:
        page.goto(f"{base}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_fits_viewport(page, f"phone-seed-{name}")
        assert_accessible(page, f"phone-seed-{name}")

    as_user(page, base, MAYOR)
    check("/", "front-mayor")
    expect(page.locator(f"main a[href='{plan_path}']")).to_have_count(1)
    check(plan_path, "plan-mayor")
    expect(page.locator(".status-line .status--approved")).to_be_visible()
    expect(page.locator("main .approval-line")).to_contain_text(f"KH {fi_date(BOARD_DAY)} § {SECTION}")
    check(f"{plan_path}followup/{first.pk}/", "followup-reported-mayor")
    check(f"{plan_path}metrics/{measured.pk}/", "metric-mayor")
    check(f"/discussions/{discussion.pk}/", "discussion-mayor")
    expect(page.locator("main section.discussion-section textarea")).to_have_count(6)
    check(f"{plan_path}documents/annex/", "document-annex-mayor")
    expect(page.locator("article.document-preview tbody tr")).to_have_count(6)
    check(f"{plan_path}documents/followup-report/?checkpoint=1", "document-followup-report-mayor")

    # The executive: the second checkpoint's self-assessment form, and the memo to confirm.
    as_user(page, base, EXECUTIVE)
    check("/", "front-executive")
    expect(page.locator(f"main .due-list a[href='/discussions/{discussion.pk}/']")).to_have_count(1)
    check(f"{plan_path}followup/{second.pk}/", "followup-open-executive")
    expect(page.locator("main form.own-form textarea[name$='-text']")).to_have_count(6)
    check(f"/discussions/{discussion.pk}/", "discussion-executive")
    expect(page.locator(f"main form[action='/discussions/{discussion.pk}/confirm/']")).to_have_count(1)

    assert_no_csp_violations(page)
    assert not page.suunta_errors, f"JavaScript errors: {page.suunta_errors}"
    print(f"the phone run took {time.monotonic() - started:.1f} s")
