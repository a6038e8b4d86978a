"""Issue 4 through the service layer: the demo's next-year draft goes poljory (twice)
→ proposed → tabled → returned → proposed → approved (§, snapshot) → amended →
re-approved (v1 superseded) → next period's plan; Toinen kunta has no poljory."""

import hashlib
import json

import pytest

from suunta.agreements import services as plan_services
from suunta.agreements import snapshot as snapshots
from suunta.agreements.models import Checkpoint, GoalArea, Metric, PlanVersion
from suunta.audit import services as audit
from suunta.audit.models import AuditEvent
from suunta.governance import workflow
from suunta.governance.models import Handling, StepAction
from suunta.governance.services import take_step
from suunta.organizations.models import BodyKind

from .common import D, event_changes, events, fi_date, latest, lineages, meeting, set_checkpoints, step_for


@pytest.fixture
def people(demo):
    return {name: demo.user(name) for name in ("valmistelija", "pormestari", "kansliapaallikko")}


def take(user, version, action, body_kind=None, **data):
    version.refresh_from_db()
    step = step_for(version, action, body_kind)
    data.setdefault("expected_status", version.status)
    handling = take_step(user, version, step, **data)
    version.refresh_from_db()
    return handling


def approve(user, version, meeting_date, section="45", **data):
    data.setdefault("case_number", "TUUDno-2026-77")
    return take(user, version, "approve", meeting_date=meeting_date, section=section, **data)


def to_proposed(user, version, poljory_date):
    take(user, version, "handle", meeting_date=poljory_date, text="Käyty läpi.")
    take(user, version, "propose")


def version_events(organization, version) -> list[AuditEvent]:
    return events(organization, object_type="agreements.planversion", object_id=str(version.pk))


def test_the_draft_goes_through_poljory_the_board_returns_tables_and_approves(demo, people):
    preparer, mayor, executive = people["valmistelija"], people["pormestari"], people["kansliapaallikko"]
    year = demo.draft.period_start.year
    version = latest(demo.draft)
    assert version.status == "draft"

    # Poljory handles it, and again: a preparatory handling repeats.
    first = take(preparer, version, "handle", meeting_date=meeting(0), text="Ensimmäinen käsittely.")
    assert version.status == "preparatory"
    assert first.body.kind == BodyKind.PREPARATORY
    assert first.outcome == "handled"
    assert first.history_text == f"Poliittinen johtoryhmä {fi_date(meeting(0))}"
    # In a preparatory discussion the executive takes part: nobody is recorded as disqualified.
    assert list(first.disqualified.all()) == []
    second = take(preparer, version, "handle", meeting_date=meeting(1))
    assert version.status == "preparatory"
    assert second.pk != first.pk

    assert take(mayor, version, "propose") is None
    assert version.status == "proposed"

    # The board tables it (pöydälle): still proposed.
    tabled = take(preparer, version, "table", meeting_date=meeting(2), section="12")
    assert version.status == "proposed"
    assert (tabled.outcome, tabled.body.kind) == ("tabled", BodyKind.BOARD)
    assert [u.pk for u in tabled.disqualified.all()] == [executive.pk]

    # The board returns it for re-preparation: a draft again, and editable.
    returned = take(preparer, version, "return", meeting_date=meeting(3), section="20")
    assert version.status == "draft"
    assert returned.outcome == "returned"
    goal = GoalArea.objects.filter(version=version).order_by("order", "id").first()
    plan_services.update_goal_area(preparer, goal, title="Strategian toimeenpano ja uusi strategiakausi")
    assert GoalArea.objects.get(pk=goal.pk).title == "Strategian toimeenpano ja uusi strategiakausi"
    set_checkpoints(preparer, version, year)

    take(preparer, version, "propose")
    assert version.status == "proposed"
    approval = approve(
        preparer,
        version,
        meeting(4),
        section="45",
        case_number="154/02.02.00/2026",
        presenter=mayor,
        text=f"Kunnanhallitus hyväksyy kansliapäällikön vuositavoitteet {year} liitteen mukaisesti.",
        meeting_changes="Tavoitteen 3 mittariin lisättiin vuosiluku.",
    )
    assert version.status == "approved"
    assert approval.reference == f"KH {fi_date(meeting(4))} § 45"
    assert approval.case_number == "154/02.02.00/2026"
    assert approval.presenter == mayor
    assert approval.meeting_changes == "Tavoitteen 3 mittariin lisättiin vuosiluku."
    assert approval.recorded_by == preparer
    assert [u.pk for u in approval.disqualified.all()] == [executive.pk]

    # The frozen annex: canonical text and its SHA-256, as stored and as recomputed.
    assert len(approval.snapshot_sha256) == 64
    assert approval.snapshot_sha256 == hashlib.sha256(approval.snapshot.encode("utf-8")).hexdigest()
    assert (approval.snapshot, approval.snapshot_sha256) == snapshots.snapshot(version)
    content = json.loads(approval.snapshot)
    assert content["version"] == 1
    assert content["plan"]["title"] == f"Kansliapäällikön tavoitteet {year}"
    assert content["goals"][0]["title"] == "Strategian toimeenpano ja uusi strategiakausi"
    metrics = Metric.objects.filter(goal_area__version=version).count()
    assert metrics > 0
    assert sum(len(g["metrics"]) for g in content["goals"]) == metrics
    assert [c["label"] for c in content["checkpoints"]] == [f"elokuu {year}", f"tammikuu/helmikuu {year + 1}"]

    stored = list(Handling.objects.filter(version=version).order_by("meeting_date", "id"))
    assert [h.outcome for h in stored] == ["handled", "handled", "tabled", "returned", "approved"]
    assert [bool(h.snapshot_sha256) for h in stored] == [False, False, False, False, True]

    # Every transition is in the organization's chain, in order, with the status change.
    steps = [e for e in version_events(demo.org, version) if e.action.split(".")[-1] in StepAction.values]
    assert [e.action for e in steps] == [
        "plan.handle",
        "plan.handle",
        "plan.propose",
        "plan.table",
        "plan.return",
        "plan.propose",
        "plan.approve",
    ]
    assert [event_changes(e)["status"] for e in steps] == [
        ["draft", "preparatory"],
        ["preparatory", "preparatory"],
        ["preparatory", "proposed"],
        ["proposed", "proposed"],
        ["proposed", "draft"],
        ["draft", "proposed"],
        ["proposed", "approved"],
    ]
    assert all(e.outcome == "ok" and e.organization_id == demo.org.pk for e in steps)
    assert [e.actor_label for e in steps] == ["valmistelija"] * 2 + ["pormestari"] + ["valmistelija"] * 4
    assert event_changes(steps[-1])["snapshot_sha256"] == [None, approval.snapshot_sha256]
    assert event_changes(steps[-1])["handling"] == [None, f"KH {fi_date(meeting(4))} § 45"]


def test_amend_reapprove_supersedes_and_next_period(demo, people):
    preparer, mayor = people["valmistelija"], people["pormestari"]
    year = demo.draft.period_start.year
    v1 = latest(demo.draft)
    set_checkpoints(preparer, v1, year)
    to_proposed(preparer, v1, meeting(0))
    first_approval = approve(preparer, v1, meeting(1), presenter=mayor)
    v1_lineages = lineages(v1)

    v2 = plan_services.amend(preparer, demo.draft)
    assert (v2.number, v2.status, v2.plan_id) == (2, "draft", demo.draft.pk)
    assert lineages(v2) == v1_lineages
    assert list(
        Checkpoint.objects.filter(version=v2).values_list("label", "window_start", "window_end")
    ) == list(Checkpoint.objects.filter(version=v1).values_list("label", "window_start", "window_end"))
    amend_event = events(demo.org, "plan.amend")[-1]
    assert amend_event.object_id == str(v2.pk)
    assert event_changes(amend_event) == {"version": [1, 2]}

    # The amendment is edited: the approved version stays as it was.
    metric = Metric.objects.filter(goal_area__version=v2).order_by("goal_area__order", "order").first()
    old_text = metric.text
    plan_services.update_metric(
        preparer, metric, text="Valtuustokauden tavoitteet toteutuvat 80-prosenttisesti"
    )
    assert Metric.objects.get(goal_area__version=v1, lineage=metric.lineage).text == old_text

    # Handled and approved again; its handlings cannot predate v1's approval.
    to_proposed(preparer, v2, meeting(2))
    second_approval = approve(preparer, v2, meeting(3), section="71", presenter=mayor)
    v1.refresh_from_db()
    assert (v1.status, v2.status) == ("superseded", "approved")
    assert PlanVersion.objects.filter(plan=demo.draft, status="approved").get() == v2
    supersede = events(demo.org, "plan.supersede")[-1]
    assert supersede.object_id == str(v1.pk)
    assert event_changes(supersede) == {"status": ["approved", "superseded"]}
    # Each approval keeps its own snapshot; the superseded version's is unchanged.
    first_approval.refresh_from_db()
    assert first_approval.snapshot == snapshots.snapshot(v1)[0]
    assert second_approval.snapshot_sha256 == snapshots.snapshot(v2)[1]
    assert second_approval.snapshot_sha256 != first_approval.snapshot_sha256
    assert "80-prosenttisesti" in second_approval.snapshot
    assert "80-prosenttisesti" not in first_approval.snapshot

    # The next period's plan, from the approved v2.
    new_plan = plan_services.create_next_period_plan(preparer, demo.draft)
    assert new_plan.title == f"Kansliapäällikön tavoitteet {year + 1}"
    assert new_plan.title_sv == f"Kanslichefens mål {year + 1}"
    assert (new_plan.period_start, new_plan.period_end) == (D(year + 1, 1, 1), D(year + 1, 12, 31))
    new_version = new_plan.versions.get()
    assert (new_version.number, new_version.status) == (1, "draft")
    assert lineages(new_version) == v1_lineages
    assert Metric.objects.get(goal_area__version=new_version, lineage=metric.lineage).text == (
        "Valtuustokauden tavoitteet toteutuvat 80-prosenttisesti"
    )
    assert list(
        Checkpoint.objects.filter(version=new_version)
        .order_by("order")
        .values_list("label", "label_sv", "window_start", "window_end")
    ) == [
        (f"elokuu {year + 1}", f"augusti {year + 1}", D(year + 1, 8, 1), D(year + 1, 8, 31)),
        (
            f"tammikuu/helmikuu {year + 2}",
            f"januari/februari {year + 2}",
            D(year + 2, 1, 1),
            D(year + 2, 2, 15),
        ),
    ]
    assert not Handling.objects.filter(version__plan=new_plan).exists()
    next_event = events(demo.org, "plan.create_next")[-1]
    assert next_event.object_id == str(new_plan.pk)
    assert event_changes(next_event)["period_start"] == [f"{year}-01-01", f"{year + 1}-01-01"]


def test_the_next_period_plan_can_come_from_a_closed_plan(demo, people):
    preparer = people["valmistelija"]
    v1 = latest(demo.draft)
    to_proposed(preparer, v1, meeting(0))
    approve(preparer, v1, meeting(1))
    take(preparer, v1, "close")
    assert v1.status == "closed"
    assert events(demo.org, "plan.close")[-1].object_id == str(v1.pk)
    new_plan = plan_services.create_next_period_plan(preparer, demo.draft)
    assert lineages(new_plan.versions.get()) == lineages(v1)


def test_a_draft_is_no_source_for_the_next_period(demo, people):
    with pytest.raises(audit.Refused):
        plan_services.create_next_period_plan(people["valmistelija"], demo.draft)
    assert not PlanVersion.objects.filter(
        plan__period_start=D(demo.draft.period_start.year + 1, 1, 1)
    ).exists()


def test_the_demo_draft_is_the_previous_plan_one_year_on(demo):
    """The conftest's draft was made by create_next_period_plan from an approved plan."""
    source_plan = demo.draft.agreement.plans.get(period_end=D(demo.draft.period_start.year - 1, 12, 31))
    source, draft = latest(source_plan), latest(demo.draft)
    assert source.status == "approved"
    assert demo.draft.title == source_plan.title.replace(
        str(source_plan.period_start.year), str(demo.draft.period_start.year)
    )
    assert lineages(draft) == lineages(source)
    pairs = zip(
        Checkpoint.objects.filter(version=source).order_by("order", "id"),
        Checkpoint.objects.filter(version=draft).order_by("order", "id"),
        strict=True,
    )
    for before, after in pairs:
        assert (after.window_start.year, after.window_start.month) == (
            before.window_start.year + 1,
            before.window_start.month,
        )
        assert after.label == before.label.replace(
            str(before.window_start.year), str(after.window_start.year)
        )


def test_an_organization_without_a_preparatory_body_gets_no_preparatory_steps(demo):
    preparer = demo.user("toinen-valmistelija")
    assert not demo.other_org.bodies.filter(kind=BodyKind.PREPARATORY).exists()
    rows = {(s.action, s.from_status, s.to_status) for s in demo.other_org.workflow_steps.all()}
    assert rows == {
        ("propose", "draft", "proposed"),
        ("approve", "proposed", "approved"),
        ("return", "proposed", "draft"),
        ("table", "proposed", "proposed"),
        ("close", "approved", "closed"),
    }

    v2 = plan_services.amend(preparer, demo.other_plan)
    assert [s.action for s in workflow.available_steps(preparer, v2)] == ["propose"]
    take(preparer, v2, "propose")
    assert sorted(s.action for s in workflow.available_steps(preparer, v2)) == ["approve", "return", "table"]
    take(preparer, v2, "table", meeting_date=meeting(10), section="8")
    assert v2.status == "proposed"
    approval = approve(
        preparer,
        v2,
        meeting(11),
        section="15",
        case_number="HEL 2025-001234",
        presenter=demo.user("toinen-kh-pj"),
    )
    assert v2.status == "approved"
    assert approval.reference == f"KH {fi_date(meeting(11))} § 15"
    assert approval.case_number == "HEL 2025-001234"
    assert [u.username for u in approval.disqualified.all()] == ["toinen-johtaja"]
    assert [e.action for e in version_events(demo.other_org, v2)] == [
        "plan.amend",
        "plan.propose",
        "plan.table",
        "plan.approve",
    ]
    # Nothing of Toinen kunta lands in Esimerkkikunta's chain.
    assert version_events(demo.org, v2) == []


def test_the_default_workflow_matches_the_seed(demo):
    rows = {
        (
            s.action,
            s.from_status,
            s.to_status,
            s.body.short_name if s.body else None,
            s.outcome,
            s.requires_section,
        )
        for s in demo.org.workflow_steps.select_related("body")
    }
    assert rows == {
        ("handle", "draft", "preparatory", "Poljory", "handled", False),
        ("handle", "preparatory", "preparatory", "Poljory", "handled", False),
        ("propose", "preparatory", "proposed", None, "", False),
        ("propose", "draft", "proposed", None, "", False),
        ("approve", "proposed", "approved", "KH", "approved", True),
        ("return", "proposed", "draft", "KH", "returned", False),
        ("table", "proposed", "proposed", "KH", "tabled", False),
        ("close", "approved", "closed", None, "", False),
    }
    # ensure_workflow leaves an existing table as it is.
    count = demo.org.workflow_steps.count()
    workflow.ensure_workflow(demo.org)
    assert demo.org.workflow_steps.count() == count


def test_the_seed_plan_was_approved_through_the_workflow(demo):
    version = PlanVersion.objects.get(plan=demo.plan, number=1)
    approval = Handling.objects.get(version=version, outcome="approved")
    assert approval.reference == "KH 31.3.2025 § 45"
    assert approval.case_number == "TUUDno-2025-123"
    assert approval.presenter.username == "pormestari"
    assert approval.snapshot_sha256 == snapshots.snapshot(version)[1]
    poljory = Handling.objects.get(version=version, outcome="handled", body__kind=BodyKind.PREPARATORY)
    assert poljory.meeting_date == D(2025, 3, 26)
