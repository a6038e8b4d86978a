"""Issue 4 through the service layer: the seed plan's next year goes draft → poljory
(twice) → proposed → tabled → returned → proposed → approved (§, snapshot) → amended
→ re-approved (v1 superseded) → next period's plan; Toinen kunta has no poljory."""

import hashlib
import json

import pytest

from suunta.agreements import services as plan_services
from suunta.agreements import snapshot as snapshots
from suunta.agreements.models import Checkpoint, GoalArea, GoalPlan, Metric, PlanVersion
from suunta.audit.models import AuditEvent
from suunta.governance import workflow
from suunta.governance.models import Handling
from suunta.governance.services import take_step
from suunta.organizations.models import BodyKind

from .common import D, event_changes, events, latest, lineages, step_for


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
    return take(
        user,
        version,
        "approve",
        meeting_date=meeting_date,
        section=section,
        case_number=data.pop("case_number", "TUUDno-2026-77"),
        **data,
    )


def to_proposed(user, version, poljory_date):
    take(user, version, "handle", meeting_date=poljory_date, text="Käyty läpi.")
    take(user, version, "propose")


def test_the_draft_goes_through_poljory_the_board_returns_tables_and_approves(demo, people):
    preparer, mayor, executive = people["valmistelija"], people["pormestari"], people["kansliapaallikko"]
    version = latest(demo.draft)
    assert version.status == "draft"
    before_events = AuditEvent.objects.count()

    # Poljory handles it, and again: a preparatory handling repeats.
    first = take(preparer, version, "handle", meeting_date=D(2026, 3, 10), text="Ensimmäinen käsittely.")
    assert version.status == "preparatory"
    assert first.body.kind == BodyKind.PREPARATORY
    assert first.outcome == "handled"
    assert first.history_text == "Poliittinen johtoryhmä 10.3.2026"
    # In a preparatory discussion the executive takes part: nobody is recorded as disqualified.
    assert list(first.disqualified.all()) == []
    second = take(preparer, version, "handle", meeting_date=D(2026, 3, 17))
    assert version.status == "preparatory"
    assert second.pk != first.pk

    assert take(mayor, version, "propose") is None
    assert version.status == "proposed"

    # The board tables it (pöydälle): still proposed.
    tabled = take(preparer, version, "table", meeting_date=D(2026, 3, 23), section="12")
    assert version.status == "proposed"
    assert tabled.outcome == "tabled"
    assert tabled.body.kind == BodyKind.BOARD
    assert [u.pk for u in tabled.disqualified.all()] == [executive.pk]

    # The board returns it for re-preparation: a draft again, and editable.
    returned = take(preparer, version, "return", meeting_date=D(2026, 3, 30), section="20")
    assert version.status == "draft"
    assert returned.outcome == "returned"
    goal = GoalArea.objects.filter(version=version).order_by("order", "id").first()
    plan_services.update_goal_area(preparer, goal, title="Strategian toimeenpano ja uusi strategiakausi")
    assert GoalArea.objects.get(pk=goal.pk).title == "Strategian toimeenpano ja uusi strategiakausi"

    take(preparer, version, "propose")
    assert version.status == "proposed"
    approval = approve(
        preparer,
        version,
        D(2026, 4, 6),
        section="45",
        case_number="154/02.02.00/2026",
        presenter=mayor,
        text="Kunnanhallitus hyväksyy kansliapäällikön vuositavoitteet 2026 liitteen mukaisesti.",
        meeting_changes="Tavoitteen 3 mittariin lisättiin vuosiluku.",
    )
    assert version.status == "approved"
    assert approval.reference == "KH 6.4.2026 § 45"
    assert approval.case_number == "154/02.02.00/2026"
    assert approval.presenter == mayor
    assert approval.meeting_changes == "Tavoitteen 3 mittariin lisättiin vuosiluku."
    assert approval.recorded_by == preparer
    assert [u.pk for u in approval.disqualified.all()] == [executive.pk]

    # The frozen annex: canonical text and its SHA-256, as stored and as recomputed.
    assert len(approval.snapshot_sha256) == 64
    assert approval.snapshot_sha256 == hashlib.sha256(approval.snapshot.encode("utf-8")).hexdigest()
    text, digest = snapshots.snapshot(version)
    assert (approval.snapshot, approval.snapshot_sha256) == (text, digest)
    content = json.loads(approval.snapshot)
    assert content["version"] == 1
    assert content["plan"]["title"] == "Kansliapäällikön tavoitteet 2026"
    assert content["goals"][0]["title"] == "Strategian toimeenpano ja uusi strategiakausi"
    assert sum(len(g["metrics"]) for g in content["goals"]) == Metric.objects.filter(
        goal_area__version=version
    ).count()
    assert [c["label"] for c in content["checkpoints"]] == ["elokuu 2026", "tammikuu/helmikuu 2027"]

    stored = list(Handling.objects.filter(version=version).order_by("meeting_date", "id"))
    assert [h.outcome for h in stored] == ["handled", "handled", "tabled", "returned", "approved"]
    assert [h.snapshot_sha256 != "" for h in stored] == [False, False, False, False, True]

    # Every transition is in the organization's chain, in order, with the status change.
    steps = events(demo.org, object_type="agreements.planversion", object_id=str(version.pk))
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
    assert event_changes(steps[-1])["handling"] == [None, "KH 6.4.2026 § 45"]
    assert AuditEvent.objects.count() > before_events


def test_amend_reapprove_supersedes_and_next_period(demo, people):
    preparer, mayor = people["valmistelija"], people["pormestari"]
    v1 = latest(demo.draft)
    to_proposed(preparer, v1, D(2026, 3, 10))
    first_approval = approve(preparer, v1, D(2026, 3, 31), presenter=mayor)
    v1_goals, v1_metrics = lineages(v1)

    v2 = plan_services.amend(preparer, demo.draft)
    assert (v2.number, v2.status) == (2, "draft")
    assert v2.plan_id == demo.draft.pk
    assert lineages(v2) == (v1_goals, v1_metrics)
    assert list(Checkpoint.objects.filter(version=v2).values_list("label", "window_start", "window_end")) == list(
        Checkpoint.objects.filter(version=v1).values_list("label", "window_start", "window_end")
    )
    amend_event = events(demo.org, "plan.amend")[-1]
    assert amend_event.object_id == str(v2.pk)
    assert event_changes(amend_event) == {"version": [1, 2]}

    # The amendment is edited: the approved version stays as it was.
    metric = Metric.objects.filter(goal_area__version=v2).order_by("goal_area__order", "order").first()
    old_text = metric.text
    plan_services.update_metric(preparer, metric, text="Valtuustokauden tavoitteet toteutuvat 80-prosenttisesti")
    assert Metric.objects.get(goal_area__version=v1, lineage=metric.lineage).text == old_text

    to_proposed(preparer, v2, D(2026, 5, 12))
    second_approval = approve(preparer, v2, D(2026, 5, 18), section="71", presenter=mayor)
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
    assert new_plan.title == "Kansliapäällikön tavoitteet 2027"
    assert new_plan.title_sv == "Kanslichefens mål 2027"
    assert (new_plan.period_start, new_plan.period_end) == (D(2027, 1, 1), D(2027, 12, 31))
    new_version = new_plan.versions.get()
    assert (new_version.number, new_version.status) == (1, "draft")
    assert lineages(new_version) == (v1_goals, v1_metrics)
    assert Metric.objects.filter(goal_area__version=new_version, lineage=metric.lineage).get().text == (
        "Valtuustokauden tavoitteet toteutuvat 80-prosenttisesti"
    )
    assert list(
        Checkpoint.objects.filter(version=new_version)
        .order_by("order")
        .values_list("label", "label_sv", "window_start", "window_end")
    ) == [
        ("elokuu 2027", "augusti 2027", D(2027, 8, 1), D(2027, 8, 31)),
        ("tammikuu/helmikuu 2028", "januari/februari 2028", D(2028, 1, 1), D(2028, 2, 28)),
    ]
    assert not Handling.objects.filter(version__plan=new_plan).exists()
    next_event = events(demo.org, "plan.create_next")[-1]
    assert next_event.object_id == str(new_plan.pk)


def test_the_next_period_plan_can_come_from_a_closed_plan(demo, people):
    preparer = people["valmistelija"]
    v1 = latest(demo.draft)
    to_proposed(preparer, v1, D(2026, 3, 10))
    approve(preparer, v1, D(2026, 3, 31))
    take(preparer, v1, "close")
    assert v1.status == "closed"
    assert events(demo.org, "plan.close")[-1].object_id == str(v1.pk)
    new_plan = plan_services.create_next_period_plan(preparer, demo.draft)
    assert lineages(new_plan.versions.get()) == lineages(v1)


def test_the_demo_draft_is_the_seed_plan_one_year_on(demo):
    """The conftest's draft was made by create_next_period_plan from the approved seed."""
    seed, draft = latest(demo.plan), latest(demo.draft)
    assert demo.draft.title == "Kansliapäällikön tavoitteet 2026"
    assert lineages(draft) == lineages(seed)
    assert list(Checkpoint.objects.filter(version=draft).values_list("label", "window_start")) == [
        ("elokuu 2026", D(2026, 8, 1)),
        ("tammikuu/helmikuu 2027", D(2027, 1, 1)),
    ]


def test_an_organization_without_a_preparatory_body_gets_no_preparatory_steps(demo):
    preparer = demo.user("toinen-valmistelija")
    assert not demo.other_org.bodies.filter(kind=BodyKind.PREPARATORY).exists()
    steps = workflow.default_steps(demo.other_org)
    assert {s.action for s in steps} == {"propose", "approve", "return", "table", "close"}
    assert all(s.from_status != "preparatory" and s.to_status != "preparatory" for s in steps)

    v2 = plan_services.amend(preparer, demo.other_plan)
    assert [s.action for s in workflow.available_steps(preparer, v2)] == ["propose"]
    take(preparer, v2, "propose")
    assert sorted(s.action for s in workflow.available_steps(preparer, v2)) == ["approve", "return", "table"]
    take(preparer, v2, "table", meeting_date=D(2026, 2, 2), section="8")
    assert v2.status == "proposed"
    approval = approve(
        preparer, v2, D(2026, 2, 16), section="15", case_number="HEL 2025-001234", presenter=demo.user("toinen-kh-pj")
    )
    assert v2.status == "approved"
    assert approval.reference == "KH 16.2.2026 § 15"
    assert approval.case_number == "HEL 2025-001234"
    assert [u.username for u in approval.disqualified.all()] == ["toinen-johtaja"]
    actions = [e.action for e in events(demo.other_org, object_type="agreements.planversion", object_id=str(v2.pk))]
    assert actions == ["plan.amend", "plan.propose", "plan.table", "plan.approve"]
    # Nothing of Toinen kunta lands in Esimerkkikunta's chain.
    assert not events(demo.org, object_type="agreements.planversion", object_id=str(v2.pk))


def test_the_default_workflow_matches_the_seed(demo):
    rows = {
        (s.action, s.from_status, s.to_status, s.body.short_name if s.body else None, s.outcome, s.requires_section)
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


def test_the_seed_plan_itself_was_approved_through_the_workflow(demo):
    version = latest(demo.plan)
    approval = Handling.objects.get(version=version, outcome="approved")
    assert approval.reference == "KH 31.3.2025 § 45"
    assert approval.snapshot_sha256 == snapshots.snapshot(version)[1]
    assert GoalPlan.objects.filter(pk=demo.plan.pk).exists()
