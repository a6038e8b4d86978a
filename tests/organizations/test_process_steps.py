"""The steps of an organization's process, edited one by one by its admin: relabelled,
given to other roles, added and removed; what a step leads to follows from its action,
and a process that would leave plans stuck is explained and nothing is saved."""

from django.urls import reverse

from suunta.agreements.models import PlanVersion, VersionStatus
from suunta.audit.models import AuditEvent
from suunta.audit.services import changes_of
from suunta.governance.models import Outcome, StepAction, WorkflowStep
from suunta.organizations.models import Body

from ..helpers import fi

FIELDS = ("action", "from_status", "body", "requires_section", "label", "label_sv", "order")


def url(slug: str = "esimerkkikunta") -> str:
    return reverse("organization_process_steps", args=[slug])


def steps_of(organization):
    return list(WorkflowStep.objects.filter(organization=organization).order_by("order", "id"))


def steps_data(organization, change=None, new=None, remove=()) -> dict:
    """The page's form as sent: every step as it is, with `change` ({step pk: {field:
    value}}) applied, `new` in the extra row and the steps in `remove` ticked."""
    steps = steps_of(organization)
    data = {
        "steps-TOTAL_FORMS": str(len(steps) + 1),
        "steps-INITIAL_FORMS": str(len(steps)),
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
    }
    for index, step in enumerate(steps):
        values = {field: getattr(step, field) for field in FIELDS}
        values["body"] = step.body_id or ""
        values["id"] = step.pk
        values["roles"] = sorted(step.roles)
        values.update((change or {}).get(step.pk, {}))
        if not values["requires_section"]:
            del values["requires_section"]
        if step in remove:
            values["DELETE"] = "on"
        data.update({f"steps-{index}-{name}": value for name, value in values.items()})
    # The extra row as a browser sends it: its fields empty, the order at its default.
    for name, value in {"action": "", "from_status": "", "body": "", "order": "0", **(new or {})}.items():
        data[f"steps-{len(steps)}-{name}"] = value
    return data


def step(organization, action, from_status=None) -> WorkflowStep:
    found = WorkflowStep.objects.filter(organization=organization, action=action)
    if from_status:
        found = found.filter(from_status=from_status)
    return found.first()


def test_the_page_lists_the_steps_in_the_organizations_words(demo):
    page = demo.client("paakayttaja").get(url()).content.decode()
    assert "Poliittinen johtoryhmä" in page
    assert page.count('name="steps-') > 0
    assert fi("New step (optional)") in page


def test_the_admin_relabels_a_step_and_the_plan_page_offers_it_so(demo):
    propose = step(demo.org, StepAction.PROPOSE, VersionStatus.DRAFT)
    data = steps_data(
        demo.org, change={propose.pk: {"label": "Vie hallitukselle", "label_sv": "Till styrelsen"}}
    )
    response = demo.client("paakayttaja").post(url(), data)
    assert response.status_code == 302
    propose.refresh_from_db()
    assert (propose.label, propose.to_status) == ("Vie hallitukselle", VersionStatus.PROPOSED)
    event = AuditEvent.objects.get(action="workflow_step.update", organization=demo.org)
    assert changes_of(event)["label"] == ["", "Vie hallitukselle"]
    plan_page = demo.client("valmistelija").get(reverse("plan_detail", args=[demo.draft.pk])).content.decode()
    assert "Vie hallitukselle" in plan_page


def test_a_step_given_to_the_preparer_alone_is_no_longer_offered_to_evaluators(demo):
    propose = step(demo.org, StepAction.PROPOSE, VersionStatus.DRAFT)
    label = propose.display_label
    plan = reverse("plan_detail", args=[demo.draft.pk])
    assert label in demo.client("pormestari").get(plan).content.decode()
    response = demo.client("paakayttaja").post(
        url(), steps_data(demo.org, change={propose.pk: {"roles": ["preparer"]}})
    )
    assert response.status_code == 302
    assert WorkflowStep.objects.get(pk=propose.pk).roles == {"preparer"}
    assert label not in demo.client("pormestari").get(plan).content.decode()
    assert label in demo.client("valmistelija").get(plan).content.decode()


def test_an_added_step_leads_where_its_action_leads(demo):
    council = Body.objects.get(organization=demo.org, kind="council")
    response = demo.client("paakayttaja").post(
        url(),
        steps_data(
            demo.org,
            new={
                "action": "handle",
                "from_status": "draft",
                "body": council.pk,
                "roles": ["preparer"],
                "order": 2,
            },
        ),
    )
    assert response.status_code == 302
    added = WorkflowStep.objects.get(organization=demo.org, body=council)
    assert (added.to_status, added.outcome, added.roles) == (
        VersionStatus.PREPARATORY,
        Outcome.HANDLED,
        {"preparer"},
    )
    assert AuditEvent.objects.filter(action="workflow_step.create", object_id=str(added.pk)).exists()


def test_a_removed_step_is_gone_and_the_removal_audited(demo):
    again = step(demo.org, StepAction.HANDLE, VersionStatus.PREPARATORY)
    response = demo.client("paakayttaja").post(url(), steps_data(demo.org, remove=[again]))
    assert response.status_code == 302
    assert not WorkflowStep.objects.filter(pk=again.pk).exists()
    event = AuditEvent.objects.get(action="workflow_step.delete", organization=demo.org)
    assert changes_of(event)["action"] == ["handle", None]


def refused(response, message: str, before: list) -> None:
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body
    assert message in body
    after = [
        (s.pk, s.action, s.from_status, s.body_id, s.allowed_roles, s.label)
        for s in steps_of(before[0].organization)
    ]
    assert after == [(s.pk, s.action, s.from_status, s.body_id, s.allowed_roles, s.label) for s in before]


def test_removing_the_approval_is_explained_and_nothing_is_saved(demo):
    before = steps_of(demo.org)
    approve = step(demo.org, StepAction.APPROVE)
    propose = step(demo.org, StepAction.PROPOSE, VersionStatus.DRAFT)
    data = steps_data(demo.org, change={propose.pk: {"label": "Muutettu"}}, remove=[approve])
    response = demo.client("paakayttaja").post(url(), data)
    refused(response, fi("The process would have no step that freezes the goals."), before)
    assert "Muutettu" in response.content.decode()  # what the admin typed is kept
    # No field is marked: the page does not ask to correct marked fields.
    assert fi("Please correct the marked fields.") not in response.content.decode()


def test_a_status_a_plan_could_not_leave_is_named(demo):
    before = steps_of(demo.org)
    onward = step(demo.org, StepAction.PROPOSE, VersionStatus.PREPARATORY)
    response = demo.client("paakayttaja").post(url(), steps_data(demo.org, remove=[onward]))
    message = fi(
        "A plan “%(status)s” could go no further: add a step that starts from it.",
        status=fi("In preparatory handling"),
    )
    refused(response, message, before)


def test_a_steps_own_problems_are_shown_next_to_its_fields(demo):
    before = steps_of(demo.org)
    response = demo.client("paakayttaja").post(
        url(), steps_data(demo.org, new={"action": "approve", "from_status": "draft", "order": 9})
    )
    body = response.content.decode()
    starts = fi(
        "“%(action)s” can start only from: %(statuses)s.",
        action=fi("Record the approval"),
        statuses=fi("Proposed to the board"),
    )
    assert starts in body.replace("&quot;", '"')
    assert fi("Choose the body that takes this step.") in body
    assert fi("Choose who may take the step.") in body
    refused(response, fi("Please correct the marked fields."), before)


def test_a_body_of_another_organization_is_refused(demo):
    before = steps_of(demo.org)
    theirs = Body.objects.filter(organization=demo.other_org).first()
    approve = step(demo.org, StepAction.APPROVE)
    response = demo.client("paakayttaja").post(
        url(), steps_data(demo.org, change={approve.pk: {"body": theirs.pk}})
    )
    refused(response, fi("Please correct the marked fields."), before)


def test_the_steps_do_not_change_while_a_plan_is_in_handling(demo):
    PlanVersion.objects.filter(plan=demo.draft).update(status=VersionStatus.PROPOSED)
    before = steps_of(demo.org)
    propose = step(demo.org, StepAction.PROPOSE, VersionStatus.DRAFT)
    response = demo.client("paakayttaja").post(
        url(), steps_data(demo.org, change={propose.pk: {"label": "Uusi"}})
    )
    message = fi(
        "“%(plan)s” is in handling. Record its decision or return it for re-preparation "
        "before changing the process.",
        plan=demo.draft.title,
    )
    refused(response, message, before)


def test_an_evaluator_may_not_edit_the_steps(demo):
    before = steps_of(demo.org)
    approve = step(demo.org, StepAction.APPROVE)
    response = demo.client("pormestari").post(url(), steps_data(demo.org, remove=[approve]))
    assert response.status_code == 403
    assert steps_of(demo.org) == before


def test_two_steps_swapping_their_starts_are_explained_and_nothing_is_saved(demo):
    before = steps_of(demo.org)
    first = step(demo.org, StepAction.HANDLE, VersionStatus.DRAFT)
    again = step(demo.org, StepAction.HANDLE, VersionStatus.PREPARATORY)
    data = steps_data(
        demo.org,
        change={first.pk: {"from_status": "preparatory"}, again.pk: {"from_status": "draft"}},
    )
    response = demo.client("paakayttaja").post(url(), data)
    refused(
        response,
        fi("Two steps would be the same for a moment: change one of them, save, then the other."),
        before,
    )
