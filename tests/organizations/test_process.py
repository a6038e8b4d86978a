"""The organization's model and process: the admin moves the organization to another
preset; missing bodies and positions are added, the workflow is made anew, and nothing
changes while a plan is in handling."""

from django.urls import reverse

from suunta.agreements.models import PlanVersion, VersionStatus
from suunta.audit.models import AuditEvent
from suunta.audit.services import changes_of
from suunta.governance.models import StepAction, WorkflowStep
from suunta.organizations.models import Organization

from ..helpers import fi


def url(slug: str) -> str:
    return reverse("organization_process", args=[slug])


def test_the_admin_moves_the_organization_to_the_chair_group_model(demo):
    admin = demo.client("toinen-paakayttaja")
    page = admin.get(url("toinen-kunta")).content.decode()
    assert fi("Propose to the board") in page
    response = admin.post(url("toinen-kunta"), {"preset": "chair-group"})
    assert response.status_code == 302
    organization = Organization.objects.get(slug="toinen-kunta")
    assert organization.preset == "chair-group"
    assert set(organization.bodies.values_list("kind", flat=True)) == {"board", "council", "chair_group"}
    assert "board_first_vice_chair" in organization.positions.values_list("code", flat=True)
    approve = WorkflowStep.objects.get(organization=organization, action=StepAction.APPROVE)
    assert approve.body.kind == "chair_group"
    propose = WorkflowStep.objects.get(organization=organization, action=StepAction.PROPOSE)
    assert propose.label == "Esitä puheenjohtajistolle"
    event = AuditEvent.objects.get(action="organization.preset", organization=organization)
    assert changes_of(event)["preset"] == ["manager", "chair-group"]
    assert "Esitä puheenjohtajistolle" in admin.get(url("toinen-kunta")).content.decode()


def test_the_model_does_not_change_while_a_plan_is_in_handling(demo):
    version = PlanVersion.objects.get(plan=demo.draft)
    PlanVersion.objects.filter(pk=version.pk).update(status=VersionStatus.PROPOSED)
    steps = set(WorkflowStep.objects.filter(organization=demo.org).values_list("pk", flat=True))
    response = demo.client("paakayttaja").post(url("esimerkkikunta"), {"preset": "manager"})
    body = response.content.decode()
    assert response.status_code == 200
    message = fi(
        "“%(plan)s” is in handling. Record its decision or return it for re-preparation "
        "before changing the process.",
        plan=demo.draft.title,
    )
    assert message in body
    assert set(WorkflowStep.objects.filter(organization=demo.org).values_list("pk", flat=True)) == steps
    assert Organization.objects.get(pk=demo.org.pk).preset == "mayor"


def test_an_unknown_model_is_refused_next_to_the_choice(demo):
    response = demo.client("paakayttaja").post(url("esimerkkikunta"), {"preset": "kuningas"})
    assert response.status_code == 200
    assert 'id="preset-errors"' in response.content.decode()
    assert Organization.objects.get(pk=demo.org.pk).preset == "mayor"


def bodies_data(organization, new=None, **changes) -> dict:
    bodies = list(organization.bodies.order_by("order", "name"))
    data = {
        "bodies-TOTAL_FORMS": str(len(bodies) + 1),
        "bodies-INITIAL_FORMS": str(len(bodies)),
        "bodies-MIN_NUM_FORMS": "0",
        "bodies-MAX_NUM_FORMS": "1000",
    }
    for index, body in enumerate(bodies):
        values = {f: getattr(body, f) for f in ("name", "name_sv", "short_name", "short_name_sv", "kind")}
        values["id"] = body.pk
        values.update(changes.get(body.kind, {}))
        data.update({f"bodies-{index}-{name}": value for name, value in values.items()})
    for name, value in (new or {}).items():
        data[f"bodies-{len(bodies)}-{name}"] = value
    return data


def test_the_admin_renames_a_body_and_adds_one(demo):
    response = demo.client("paakayttaja").post(
        url("esimerkkikunta"),
        bodies_data(
            demo.org,
            new={
                "name": "Kunnanhallituksen konsernijaosto",
                "short_name": "Konsernijaosto",
                "kind": "preparatory",
            },
            preparatory={"name": "Poliittinen ohjausryhmä", "short_name": "Pory"},
        ),
    )
    assert response.status_code == 302
    names = set(demo.org.bodies.values_list("name", flat=True))
    assert {"Poliittinen ohjausryhmä", "Kunnanhallituksen konsernijaosto", "Kunnanhallitus"} <= names
    assert "Poliittinen johtoryhmä" not in names
    assert AuditEvent.objects.filter(action="body.update", organization=demo.org).exists()
    assert AuditEvent.objects.filter(action="body.create", organization=demo.org).exists()
    # The workflow still names the renamed body: its steps refer to it, not to its name.
    handle = WorkflowStep.objects.filter(organization=demo.org, action=StepAction.HANDLE).first()
    assert handle.body.name == "Poliittinen ohjausryhmä"


def test_a_body_name_taken_twice_is_explained_and_nothing_is_saved(demo):
    response = demo.client("paakayttaja").post(
        url("esimerkkikunta"), bodies_data(demo.org, council={"name": "Kunnanhallitus"})
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert demo.org.bodies.filter(name="Kunnanvaltuusto").exists()
