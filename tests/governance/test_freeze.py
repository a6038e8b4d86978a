"""Issue 4, "Freeze": after approval no goal, metric or checkpoint of that version
changes by any ORM path, the plan editor or the admin; each attempt is refused and
audited as "plan.frozen_write" (outcome "denied")."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import transaction
from django.urls import reverse

from suunta.agreements import services as plan_services
from suunta.agreements.models import Checkpoint, FrozenVersionError, GoalArea, GoalPlan, Metric, PlanVersion
from suunta.audit import services as audit
from suunta.audit.models import AuditEvent
from suunta.governance.services import take_step

from ..conftest import client_for
from ..dom import parse
from ..factories import UserFactory
from ..helpers import snapshot
from .common import events, latest, meeting, step_for


@pytest.fixture
def frozen(demo) -> PlanVersion:
    """The seed plan's version 1, approved KH 31.3.2025 § 45."""
    version = latest(demo.plan)
    assert version.status == "approved"
    return version


@pytest.fixture
def draft(demo) -> PlanVersion:
    return latest(demo.draft)


def goal_of(version) -> GoalArea:
    return GoalArea.objects.filter(version=version).order_by("order", "id").first()


def metric_of(version) -> Metric:
    return (
        Metric.objects.filter(goal_area__version=version).order_by("goal_area__order", "order", "id").first()
    )


def checkpoint_of(version) -> Checkpoint:
    return Checkpoint.objects.filter(version=version).order_by("order", "id").first()


def frozen_write_events(demo) -> list[AuditEvent]:
    return events(demo.org, "plan.frozen_write")


def assert_refused(demo, attempt: Callable[[], object]) -> AuditEvent:
    """The attempt raises FrozenVersionError, nothing changes, and exactly one denied
    "plan.frozen_write" event lands in the organization's chain."""
    before_rows = snapshot()
    before_events = len(frozen_write_events(demo))
    with pytest.raises(FrozenVersionError):
        attempt()
    assert snapshot() == before_rows
    written = frozen_write_events(demo)
    assert len(written) == before_events + 1, "the refusal was not audited exactly once"
    event = written[-1]
    assert event.outcome == "denied"
    assert event.organization_id == demo.org.pk
    return event


# --- Every ORM path, for each kind of frozen row ----------------------------------------------

ITEMS = {
    "goal": (goal_of, "title"),
    "metric": (metric_of, "text"),
    "checkpoint": (checkpoint_of, "label"),
}
MODELS = {"goal": GoalArea, "metric": Metric, "checkpoint": Checkpoint}


@pytest.fixture(params=list(ITEMS))
def kind(request) -> str:
    return request.param


def item_in(kind, version):
    return ITEMS[kind][0](version)


def field_of(kind) -> str:
    return ITEMS[kind][1]


def rows_of(kind, version):
    model = MODELS[kind]
    path = "goal_area__version" if kind == "metric" else "version"
    return model.objects.filter(**{path: version})


def test_instance_save_is_refused(demo, frozen, kind):
    item = item_in(kind, frozen)
    setattr(item, field_of(kind), "Muutettu jäädytetyssä versiossa")
    event = assert_refused(demo, item.save)
    assert event.object_id == str(item.pk)
    assert event.object_type == item._meta.label_lower


def test_instance_save_without_changes_and_with_update_fields_is_refused(demo, frozen, kind):
    item = item_in(kind, frozen)
    assert_refused(demo, lambda: item.save(update_fields=["order"]))


def test_instance_delete_is_refused(demo, frozen, kind):
    item = item_in(kind, frozen)
    assert_refused(demo, item.delete)


def test_queryset_update_is_refused(demo, frozen, kind):
    assert_refused(demo, lambda: rows_of(kind, frozen).update(**{field_of(kind): "Kaikki samaksi"}))


def test_queryset_update_through_a_related_manager_is_refused(demo, frozen, kind):
    related = {
        "goal": lambda: frozen.goal_areas.update(title="x"),
        "metric": lambda: goal_of(frozen).metrics.update(text="x"),
        "checkpoint": lambda: frozen.checkpoints.update(label="x"),
    }
    assert_refused(demo, related[kind])


def test_queryset_delete_is_refused(demo, frozen, kind):
    assert_refused(demo, lambda: rows_of(kind, frozen).delete())


def test_a_queryset_delete_mixing_draft_and_frozen_rows_is_refused(demo, frozen, draft, kind):
    model = MODELS[kind]
    pks = [item_in(kind, draft).pk, item_in(kind, frozen).pk]
    assert_refused(demo, lambda: model.objects.filter(pk__in=pks).delete())


def test_bulk_update_is_refused(demo, frozen, kind):
    items = list(rows_of(kind, frozen))
    for item in items:
        setattr(item, field_of(kind), "Joukkomuutos")
    assert_refused(demo, lambda: MODELS[kind].objects.bulk_update(items, [field_of(kind)]))


def new_row(kind, version):
    if kind == "goal":
        return GoalArea(version=version, title="Uusi tavoite", order=99)
    if kind == "metric":
        return Metric(goal_area=goal_of(version), text="Uusi mittari", order=99)
    return Checkpoint(
        version=version,
        label="toukokuu 2025",
        window_start=dt.date(2025, 5, 1),
        window_end=dt.date(2025, 5, 31),
    )


def test_bulk_create_into_a_frozen_version_is_refused(demo, frozen, kind):
    assert_refused(demo, lambda: MODELS[kind].objects.bulk_create([new_row(kind, frozen)]))


def test_creating_a_row_in_a_frozen_version_is_refused(demo, frozen, kind):
    assert_refused(demo, new_row(kind, frozen).save)


def test_objects_create_in_a_frozen_version_is_refused(demo, frozen, kind):
    row = new_row(kind, frozen)
    fields = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if not f.primary_key}
    fields.pop("created_at", None)
    fields.pop("updated_at", None)
    assert_refused(demo, lambda: MODELS[kind].objects.create(**fields))


def move_target(kind, draft):
    """The foreign key change that moves a row into the draft: (field, value)."""
    if kind == "metric":
        return "goal_area", goal_of(draft)
    return "version", draft


def test_moving_a_row_out_of_a_frozen_version_by_save_is_refused(demo, frozen, draft, kind):
    item = item_in(kind, frozen)
    name, value = move_target(kind, draft)
    setattr(item, name, value)
    assert_refused(demo, item.save)


def test_moving_a_row_out_of_a_frozen_version_by_bulk_update_is_refused(demo, frozen, draft, kind):
    item = item_in(kind, frozen)
    name, value = move_target(kind, draft)
    setattr(item, name, value)
    assert_refused(demo, lambda: MODELS[kind].objects.bulk_update([item], [name]))


def test_moving_a_row_out_of_a_frozen_version_by_queryset_update_is_refused(demo, frozen, draft, kind):
    item = item_in(kind, frozen)
    name, value = move_target(kind, draft)
    assert_refused(demo, lambda: MODELS[kind].objects.filter(pk=item.pk).update(**{name: value}))


def fresh_draft_row(kind, draft):
    """A row of the draft with a lineage of its own (copies share the frozen one's)."""
    row = new_row(kind, draft)
    row.save()
    return row


def test_moving_a_draft_row_into_a_frozen_version_is_refused(demo, frozen, draft, kind):
    item = fresh_draft_row(kind, draft)
    name, value = move_target(kind, frozen)
    setattr(item, name, value)
    assert_refused(demo, item.save)


def test_moving_draft_rows_into_a_frozen_version_by_bulk_update_is_refused(demo, frozen, draft, kind):
    item = fresh_draft_row(kind, draft)
    name, value = move_target(kind, frozen)
    setattr(item, name, value)
    assert_refused(demo, lambda: MODELS[kind].objects.bulk_update([item], [name]))


def test_moving_draft_rows_into_a_frozen_version_by_queryset_update_is_refused(demo, frozen, draft, kind):
    item = fresh_draft_row(kind, draft)
    name, value = move_target(kind, frozen)
    model = MODELS[kind]
    assert_refused(demo, lambda: model.objects.filter(pk=item.pk).update(**{name: value}))
    assert_refused(demo, lambda: model.objects.filter(pk=item.pk).update(**{f"{name}_id": value.pk}))


def test_the_draft_stays_writable_by_every_path(demo, draft, kind):
    """The guard refuses frozen versions only: the same paths work on a draft."""
    item = item_in(kind, draft)
    setattr(item, field_of(kind), "Luonnos muuttuu")
    item.save()
    MODELS[kind].objects.bulk_update([item], [field_of(kind)])
    rows_of(kind, draft).filter(pk=item.pk).update(**{field_of(kind): "Päivitetty"})
    MODELS[kind].objects.bulk_create([new_row(kind, draft)])
    item.refresh_from_db()
    assert getattr(item, field_of(kind)) == "Päivitetty"
    rows_of(kind, draft).filter(pk=item.pk).delete()
    assert not MODELS[kind].objects.filter(pk=item.pk).exists()
    assert frozen_write_events(demo) == []


def test_the_freeze_starts_at_approval(demo, draft):
    """The same goal that was writable as a draft is refused once the board approved it."""

    preparer = demo.user("valmistelija")
    goal = goal_of(draft)
    goal.title = "Viimeinen muutos luonnokseen"
    goal.save()
    take_step(preparer, draft, step_for(draft, "propose"))
    draft.refresh_from_db()
    take_step(preparer, draft, step_for(draft, "approve"), meeting_date=meeting(0), section="45")
    goal.title = "Muutos hyväksymisen jälkeen"
    assert_refused(demo, goal.save)
    assert GoalArea.objects.get(pk=goal.pk).title == "Viimeinen muutos luonnokseen"


@pytest.mark.parametrize("status", ["closed", "superseded"])
def test_closed_and_superseded_versions_stay_frozen(demo, frozen, status):
    PlanVersion.objects.filter(pk=frozen.pk).update(status=status)
    goal = goal_of(frozen)
    goal.title = "Muutos"
    assert_refused(demo, goal.save)


# --- Inside a transaction: the service boundary writes the refusal -----------------------------


def test_a_refusal_inside_a_service_is_audited_after_the_rollback(demo, frozen, draft):
    draft_goal = goal_of(draft)

    @audit.recording_refusals
    @transaction.atomic
    def service():
        # A write that succeeds first, then one that is refused: both roll back.
        GoalArea.objects.filter(pk=draft_goal.pk).update(title="Osa samaa muutosta")
        Metric.objects.filter(goal_area__version=frozen).update(text="x")

    event = assert_refused(demo, service)
    assert GoalArea.objects.get(pk=draft_goal.pk).title == draft_goal.title
    assert event.object_type == "agreements.planversion"
    assert event.object_id == str(frozen.pk)


def test_a_refusal_inside_a_transaction_without_a_boundary_is_not_written_inside(demo, frozen):
    """Inside an open block the event would roll back with the change: nothing is
    written there; the boundary writes it."""
    goal = goal_of(frozen)
    with pytest.raises(FrozenVersionError) as raised, transaction.atomic():
        goal.title = "x"
        goal.save()
    assert raised.value.event is None
    assert frozen_write_events(demo) == []


def test_the_services_refuse_frozen_content_too(demo, frozen):
    preparer = demo.user("valmistelija")
    before = snapshot()
    denied_before = len([e for e in events(demo.org) if e.outcome == "denied"])
    with pytest.raises(audit.Refused):
        plan_services.update_goal_area(preparer, goal_of(frozen), title="Palveluja pitkin")
    with pytest.raises(audit.Refused):
        plan_services.delete_metric(preparer, metric_of(frozen))
    with pytest.raises(audit.Refused):
        plan_services.add_checkpoint(
            preparer, frozen, label="x", window_start=dt.date(2025, 5, 1), window_end=dt.date(2025, 5, 2)
        )
    assert snapshot() == before
    denied = [e for e in events(demo.org) if e.outcome == "denied"]
    assert len(denied) == denied_before + 3
    assert {e.actor_label for e in denied[-3:]} == {"valmistelija"}


# --- The plan editor ------------------------------------------------------------------------


EDITOR_URLS = [
    ("goal_new", None, {"new-goal-title": "Uusi"}),
    ("goal_edit", "goal", {"goal-{pk}-title": "Muutettu"}),
    ("goal_delete", "goal", {}),
    ("goal_move", "goal", {"direction": "down"}),
    ("metric_new", "goal", {"new-metric-text": "Uusi mittari"}),
    ("metric_edit", "metric", {"metric-{pk}-text": "Muutettu"}),
    ("metric_delete", "metric", {}),
    ("metric_move", "metric", {"direction": "down"}),
    ("checkpoint_new", None, {"new-checkpoint-label": "x"}),
    ("checkpoint_edit", "checkpoint", {"checkpoint-{pk}-label": "Muutettu"}),
    ("checkpoint_delete", "checkpoint", {}),
    ("checkpoint_move", "checkpoint", {"direction": "down"}),
]


@pytest.mark.parametrize(("name", "target", "data"), EDITOR_URLS, ids=[u[0] for u in EDITOR_URLS])
@pytest.mark.parametrize("username", ["valmistelija", "pormestari"])
def test_the_plan_editor_refuses_an_approved_plan(demo, frozen, name, target, data, username):
    client = demo.client(username)
    objects = {"goal": goal_of(frozen), "metric": metric_of(frozen), "checkpoint": checkpoint_of(frozen)}
    args = [demo.plan.pk] if target is None else [demo.plan.pk, objects[target].pk]
    url = reverse(name, args=args)
    posted = {k.format(pk=args[-1]): v for k, v in data.items()}
    before = snapshot()
    denied_before = AuditEvent.objects.filter(outcome="denied").count()
    if not name.endswith("_move"):
        assert client.get(url).status_code == 403
    assert client.post(url, posted).status_code == 403
    assert snapshot() == before
    assert AuditEvent.objects.filter(outcome="denied").count() > denied_before


def test_the_approved_plan_page_offers_no_editing(demo, frozen):
    content = demo.client("valmistelija").get(reverse("plan_detail", args=[demo.plan.pk])).content.decode()
    for name in ("goal_new", "checkpoint_new"):
        assert reverse(name, args=[demo.plan.pk]) not in content
    assert reverse("goal_edit", args=[demo.plan.pk, goal_of(frozen).pk]) not in content
    assert reverse("metric_edit", args=[demo.plan.pk, metric_of(frozen).pk]) not in content


# --- The Django admin -----------------------------------------------------------------------


def admin_form_data(client, url: str) -> dict:
    """The admin change form's fields as the browser would post them."""

    doc = parse(client.get(url).content)
    data = {}
    for element in doc.iter():
        name = element.attrs.get("name")
        if not name or element.tag not in ("input", "textarea", "select"):
            continue
        if element.tag == "select":
            chosen = [
                o.attrs.get("value", "")
                for o in element.iter()
                if o.tag == "option" and "selected" in o.attrs
            ]
            data[name] = chosen[0] if chosen else ""
        elif element.attrs.get("type") in ("checkbox", "radio"):
            if "checked" in element.attrs:
                data[name] = element.attrs.get("value", "on")
        elif element.attrs.get("type") not in ("submit", "button"):
            data[name] = element.value()
    return data


def assert_admin_refused(response) -> None:
    # The admin shows plan contents read-only: a write is refused before it reaches the
    # freeze guard (operators change contents in the app, where the audit sees them).
    assert response.status_code == 403, response.status_code


@pytest.fixture
def operator(db):
    return client_for(UserFactory(username="operaattori", is_superuser=True, is_staff=True))


@pytest.mark.parametrize(
    ("pick", "url_name", "field"),
    [
        (goal_of, "admin:agreements_goalarea_change", "title"),
        (lambda v: v, "admin:agreements_planversion_change", "goal_areas-0-title"),
        (lambda v: v, "admin:agreements_planversion_change", "checkpoints-0-label"),
        (goal_of, "admin:agreements_goalarea_change", "metrics-0-text"),
    ],
    ids=["goal", "goal-inline", "checkpoint-inline", "metric-inline"],
)
@pytest.mark.parametrize("state", ["frozen", "draft"])
def test_the_admin_shows_plan_contents_read_only(demo, frozen, draft, operator, pick, url_name, field, state):
    version = frozen if state == "frozen" else draft
    url = reverse(url_name, args=[pick(version).pk])
    page = operator.get(url)
    assert page.status_code == 200  # operators read it
    data = admin_form_data(operator, url)
    assert field not in data  # no input for it: shown as text
    data[field] = "Muutettu hallintapaneelissa"
    before = snapshot()
    assert_admin_refused(operator.post(url, data))
    assert snapshot() == before


def test_the_admin_adds_no_goal(demo, frozen, draft, operator):
    url = reverse("admin:agreements_goalarea_add")
    assert operator.get(url).status_code == 403
    before = snapshot()
    data = {"version": str(draft.pk), "title": "Lisätty hallintapaneelissa", "order": "9"}
    assert_admin_refused(operator.post(url, data))
    assert snapshot() == before


@pytest.fixture
def approved_draft(demo, draft) -> PlanVersion:
    """demo.draft approved through the workflow: frozen, and nothing refers to its goals
    yet (the seed plan's goals have follow-ups, which protect them on their own)."""

    preparer = demo.user("valmistelija")
    take_step(preparer, draft, step_for(draft, "propose"))
    draft.refresh_from_db()
    take_step(preparer, draft, step_for(draft, "approve"), meeting_date=meeting(0), section="45")
    draft.refresh_from_db()
    assert draft.status == "approved"
    return draft


def test_the_admin_deletes_no_goal(demo, approved_draft, operator):
    goal = goal_of(approved_draft)
    before = snapshot()
    url = reverse("admin:agreements_goalarea_delete", args=[goal.pk])
    assert_admin_refused(operator.post(url, {"post": "yes"}))
    assert snapshot() == before
    bulk = operator.post(
        reverse("admin:agreements_goalarea_changelist"),
        {"action": "delete_selected", "_selected_action": [goal.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302, 403)  # no delete action is offered at all
    assert snapshot() == before


def test_an_approved_version_cannot_be_set_back_to_draft(demo):

    version = demo.plan.versions.get()
    before = AuditEvent.objects.filter(action="plan.frozen_write").count()
    with pytest.raises(FrozenVersionError):
        PlanVersion.objects.filter(pk=version.pk).update(status="draft")
    version.status = "draft"
    with pytest.raises(FrozenVersionError):
        version.save()
    assert PlanVersion.objects.get(pk=version.pk).status == "approved"
    assert AuditEvent.objects.filter(action="plan.frozen_write").count() == before + 2


def test_an_approved_version_may_still_move_on_to_closed(demo):

    version = demo.plan.versions.get()
    PlanVersion.objects.filter(pk=version.pk).update(status="closed")
    assert PlanVersion.objects.get(pk=version.pk).status == "closed"


def test_an_approved_version_and_its_plan_cannot_be_deleted(demo):

    version = demo.plan.versions.get()
    goals = GoalArea.objects.filter(version=version).count()
    for attempt in (
        version.delete,
        PlanVersion.objects.filter(pk=version.pk).delete,
        demo.plan.delete,
        GoalPlan.objects.filter(pk=demo.plan.pk).delete,
    ):
        with pytest.raises(FrozenVersionError):
            attempt()
    assert GoalArea.objects.filter(version=version).count() == goals == 6


def test_a_draft_plan_can_still_be_deleted(demo):

    demo.draft.delete()
    assert not GoalPlan.objects.filter(pk=demo.draft.pk).exists()
