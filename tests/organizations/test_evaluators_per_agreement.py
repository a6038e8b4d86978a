"""Evaluator rights are held per director agreement: Esimerkkikunta's chief of staff
evaluates the welfare director's goals without seeing the mayor's side of them,
and the mayor, who evaluates the chief of staff, does not see the welfare director's
plans or discussions. (The demo's own sector directors, suunta/demo/cascade.py, are
covered by tests/test_cascade_access.py; this one has a second evaluator of its own.)"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from suunta import policies
from suunta.agreements import services as plan_services
from suunta.discussions import services as discussion_services
from suunta.discussions.models import Discussion
from suunta.governance.forms import StepForm
from suunta.governance.models import StepAction, WorkflowStep
from suunta.organizations import people
from suunta.organizations.models import Membership, Position, Role

from ..factories import AgreementFactory

BASIS = "KH 12.1.2026 § 4, hyvinvointijohtajan arvioijat"


@pytest.fixture
def second_agreement(demo):
    """The welfare director's agreement, evaluated by the chief of staff (in the demo's
    position of the sector directors' evaluator) and a new evaluator of that agreement
    alone; a plan and a discussion of its own."""
    user_model = get_user_model()
    director = user_model.objects.create_user("hyvinvointijohtaja", first_name="Elina", last_name="Saari")
    only_b = user_model.objects.create_user("b-arvioija", first_name="Aaro", last_name="Berg")
    Membership.objects.create(
        organization=demo.org, user=director, role=Role.EXECUTIVE, valid_from=dt.date(2024, 1, 1), basis=BASIS
    )
    agreement = AgreementFactory(
        organization=demo.org,
        executive=director,
        position_title="hyvinvointijohtaja",
        position_genitive="hyvinvointijohtajan",
    )
    assert Position.objects.filter(organization=demo.org, code="chief_of_staff").exists()
    for person in (demo.user("kansliapaallikko"), only_b):
        membership = Membership(
            organization=demo.org,
            user=person,
            role=Role.EVALUATOR,
            title="chief_of_staff",
            agreement=agreement,
            valid_from=dt.date(2024, 1, 1),
            basis=BASIS,
        )
        membership.full_clean()
        membership.save()
    preparer = demo.user("valmistelija")
    plan = plan_services.create_plan(
        preparer,
        agreement,
        title="Hyvinvointijohtajan tavoitteet 2026",
        title_sv="",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    discussion = discussion_services.create_discussion(
        preparer,
        agreement,
        participants=[demo.user("kansliapaallikko"), director],
        plans=[plan],
        held_on=dt.date(2026, 12, 15),
        place="Kunnantalo",
    )
    return agreement, plan, discussion


def test_an_evaluator_of_one_agreement_sees_only_its_plans_and_discussions(demo, second_agreement):
    agreement, plan, discussion = second_agreement
    seed_discussion = Discussion.objects.filter(agreement=demo.plan.agreement).first()
    b_pages = [
        reverse("agreement_detail", args=[agreement.pk]),
        reverse("plan_detail", args=[plan.pk]),
        reverse("discussion_detail", args=[discussion.pk]),
    ]
    a_pages = [
        reverse("agreement_detail", args=[demo.plan.agreement.pk]),
        reverse("plan_detail", args=[demo.plan.pk]),
        reverse("discussion_detail", args=[seed_discussion.pk]),
    ]
    evaluator_of_b = demo.client("b-arvioija")
    assert [evaluator_of_b.get(url).status_code for url in b_pages] == [200, 200, 200]
    assert [evaluator_of_b.get(url).status_code for url in a_pages] == [404, 404, 404]
    # The mayor evaluates the chief of staff, not the welfare director.
    mayor = demo.client("pormestari")
    assert [mayor.get(url).status_code for url in a_pages] == [200, 200, 200]
    assert [mayor.get(url).status_code for url in b_pages] == [404, 404, 404]
    # The chief of staff: the executive of one agreement and an evaluator of the other.
    chief = demo.client("kansliapaallikko")
    assert [chief.get(url).status_code for url in b_pages] == [200, 200, 200]
    listing = demo.client("b-arvioija").get(reverse("home")).content.decode()
    assert "Hyvinvointijohtajan tavoitteet 2026" in listing
    assert demo.plan.title not in listing


def test_the_agreements_evaluators_act_on_it_alone(demo, second_agreement):
    agreement, plan, _discussion = second_agreement
    chief, mayor = demo.user("kansliapaallikko"), demo.user("pormestari")
    assert set(people.evaluator_ids(agreement)) == {chief.pk, demo.user("b-arvioija").pk}
    assert mayor.pk not in people.discussion_candidates(agreement, dt.date(2026, 12, 15)).values_list(
        "pk", flat=True
    )
    version = plan.versions.get()
    assert policies.can(chief, policies.EDIT_PLAN, version)
    assert not policies.can(mayor, policies.EDIT_PLAN, version)
    # In own goals the chief of staff stays disqualified, evaluator of another or not.
    assert not policies.can(chief, policies.EDIT_PLAN, demo.draft.versions.get())
    # Presenting B's goals is offered to B's evaluators, not to the mayor.
    approve = WorkflowStep.objects.get(organization=demo.org, action=StepAction.APPROVE)
    presenters = StepForm(step=approve, agreement=agreement).fields["presenter"].queryset
    assert set(presenters.values_list("username", flat=True)) == {"kansliapaallikko", "b-arvioija"}
    # The mayor's position rights are for the agreement the mayor evaluates.
    assert policies.MARK_AGREED_RIGHT in policies.roles_for(mayor, demo.plan.agreement)
    assert policies.MARK_AGREED_RIGHT not in policies.roles_for(mayor, agreement)
