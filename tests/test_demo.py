"""`load_demo` and `manage.py load_demo`: idempotent, and refused with DEBUG off
unless --force."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from suunta.agreements.models import Checkpoint, DirectorAgreement, GoalArea, GoalPlan, Metric, PlanVersion
from suunta.demo.loader import DEFAULT_PASSWORD, load_demo
from suunta.followup.models import FollowUp, PayRules, PerformancePay
from suunta.governance.models import Handling
from suunta.organizations.models import Body, Membership, Organization

from .conftest import DEMO_PERSONAS

PIKKUJARVI = (
    "pikku-paakayttaja",
    "pikku-johtaja",
    "pikku-kh-pj",
    "pikku-kh-vpj",
    "pikku-kv-pj",
    "pikku-valmistelija",
)

MODELS = (
    get_user_model(),
    Organization,
    Membership,
    Body,
    DirectorAgreement,
    GoalPlan,
    PlanVersion,
    GoalArea,
    Metric,
    Checkpoint,
    Handling,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_it_loads_the_demo(db):
    usernames = load_demo()
    # The access matrix's personas, and Pikkujärvi's (the chair-group preset's) people.
    assert set(usernames) == set(DEMO_PERSONAS) | set(PIKKUJARVI)
    assert set(Organization.objects.values_list("slug", "preset")) == {
        ("esimerkkikunta", "mayor"),
        ("toinen-kunta", "manager"),
        ("pikkujarvi", "chair-group"),
    }
    # The seed's 2025 plan, the current year's plan made from it, the two sector
    # directors' 2025 plans below the seed's, Toinen kunta's plan, and Pikkujärvi's two,
    # frozen by the chair group's meeting.
    assert set(GoalPlan.objects.values_list("title", flat=True)) == {
        "Kansliapäällikön tavoitteet 2025",
        "Kansliapäällikön tavoitteet 2026",
        "Sivistysjohtajan tavoitteet 2025",
        "Teknisen johtajan tavoitteet 2025",
        "Kunnanjohtajan tavoitteet 2025",
        "Kunnanjohtajan tavoitteet 2026",
        "Kunnanjohtajan tulostavoitteet 2025",
    }
    frozen = Handling.objects.get(
        version__plan__title="Kunnanjohtajan tavoitteet 2026", checkpoint=None, outcome="approved"
    )
    assert (frozen.body.name, frozen.version.status, frozen.presenter.username) == (
        "Puheenjohtajisto",
        "approved",
        "pikku-kh-pj",
    )
    assert GoalArea.objects.filter(version__plan__title="Kansliapäällikön tavoitteet 2025").count() == 6
    assert (
        Metric.objects.filter(goal_area__version__plan__title="Kansliapäällikön tavoitteet 2025").count()
        == 14
    )


def test_it_is_idempotent(db):
    load_demo()
    first = counts()
    assert all(first.values()), first
    load_demo()
    assert counts() == first


def test_it_leaves_what_exists_as_it_is(db):
    load_demo()
    # The demo's plans are approved and frozen; what a user may still change is e.g. a
    # person's name or an organization's Swedish name.
    mayor = get_user_model().objects.get(username="pormestari")
    mayor.first_name = "Muokattu"
    mayor.save()
    Organization.objects.filter(slug="esimerkkikunta").update(name_sv="Exempelkommun (ändrad)")
    before = counts()
    load_demo()
    mayor.refresh_from_db()
    assert mayor.first_name == "Muokattu"
    assert Organization.objects.get(slug="esimerkkikunta").name_sv == "Exempelkommun (ändrad)"
    assert counts() == before


def test_the_seed_plan_is_approved_through_the_workflow(db):
    load_demo()
    plan = GoalPlan.objects.get(title="Kansliapäällikön tavoitteet 2025")
    version = plan.versions.get()
    assert version.status == "approved"
    handlings = list(version.handlings.filter(checkpoint__isnull=True).order_by("meeting_date"))
    assert [h.history_text for h in handlings] == [
        "Poliittinen johtoryhmä 26.3.2025",
        "Kunnanhallitus 31.3.2025 § 45, hyväksytty",
    ]
    approval = handlings[1]
    assert approval.case_number == "TUUDno-2025-123"
    assert approval.presenter.username == "pormestari"
    assert [u.username for u in approval.disqualified.all()] == ["kansliapaallikko"]
    assert len(approval.snapshot_sha256) == 64


def test_the_sector_directors_plans_serve_the_seed_plans_goals(db):
    load_demo()
    seed = GoalPlan.objects.get(title="Kansliapäällikön tavoitteet 2025").versions.get()
    seed_goals = {goal.lineage: goal.title for goal in seed.goal_areas.all()}
    expected = {
        "Sivistysjohtajan tavoitteet 2025": (
            "sivistysjohtaja",
            [
                (
                    "Koulujen ja päiväkotien palveluverkon selvitys",
                    "Organisaatiorakenteen arviointi ja kehittäminen",
                ),
                ("Rehtorien ja päiväkodinjohtajien johtamisen tukeminen", "Henkilöstöjohtaminen"),
                ("Sivistystoimen talous pysyy talousarviossa", "Talouden johtaminen"),
            ],
            "58",
        ),
        "Teknisen johtajan tavoitteet 2025": (
            "tekninen-johtaja",
            [
                ("Kunnan tilojen käytön tehostaminen", "Talouden johtaminen"),
                ("Investointiohjelman toteuttaminen", "Strategian toimeenpanon johtaminen"),
            ],
            "59",
        ),
    }
    for title, (executive, goals, section) in expected.items():
        plan = GoalPlan.objects.get(title=title)
        agreement = plan.agreement
        assert agreement.executive.username == executive
        # Evaluated by the chief of staff alone, in a position that marks follow-ups agreed.
        assert list(
            Membership.objects.filter(agreement=agreement).values_list(
                "user__username", "role", "position__may_mark_agreed", "position__may_close_memo"
            )
        ) == [("kansliapaallikko", "evaluator", True, True)]
        version = plan.versions.get()
        assert version.status == "approved"
        assert [(g.title, seed_goals[g.serves]) for g in version.goal_areas.order_by("order")] == goals
        assert all(g.title_sv and g.metrics.count() == 2 for g in version.goal_areas.all())
        approval = version.handlings.get(checkpoint=None, outcome="approved")
        assert (approval.body.name, approval.section, approval.presenter.username) == (
            "Kunnanhallitus",
            section,
            "kansliapaallikko",
        )
        assert [u.username for u in approval.disqualified.all()] == [executive]
        first, second = version.checkpoints.order_by("order")
        assert FollowUp.objects.get(checkpoint=first).status == "reported"
        assert not FollowUp.objects.filter(checkpoint=second).exists()


def test_pikkujarvi_has_a_year_evaluation_with_a_decided_pay(db):
    load_demo()
    organization = Organization.objects.get(slug="pikkujarvi")
    assert (organization.use_weights, organization.assess_metrics) == (True, True)
    rules = PayRules.objects.get(organization=organization)
    assert (rules.enabled, rules.basis, rules.maximum, rules.threshold, rules.scale) == (
        True,
        "percent",
        Decimal("8"),
        Decimal("50"),
        "linear",
    )
    # The 2026 plan stays the current one, its goals weighed to 100.
    current = GoalPlan.objects.get(agreement__organization=organization, period_start__year=2026)
    assert sum(GoalArea.objects.filter(version__plan=current).values_list("weight", flat=True)) == 100
    earlier = GoalPlan.objects.get(title="Kunnanjohtajan tulostavoitteet 2025")
    assert earlier.versions.get().status == "approved"
    goals = GoalArea.objects.filter(version__plan=earlier)
    assert list(goals.values_list("weight", flat=True)) == [20] * 5
    assert not Metric.objects.filter(goal_area__version__plan=earlier, weight__isnull=False).exists()
    assert list(
        Metric.objects.filter(goal_area__version__plan=earlier, scoring="values").values_list(
            "text", flat=True
        )
    ) == ["Vuosikate vähintään 250 euroa asukasta kohden"]
    autumn, year = Checkpoint.objects.filter(version__plan=earlier).order_by("order")
    assert (autumn.kind, year.kind) == ("followup", "evaluation")
    assert [FollowUp.objects.get(checkpoint=c).status for c in (autumn, year)] == ["reported", "reported"]
    assert FollowUp.objects.get(checkpoint=autumn).report.outcome == "noted"

    # By hand (goals 20 % each, metrics split evenly; 100 / 75 / 50 / 0, "cannot be
    # assessed" left out; the operating margin scored from its value 225 between the
    # baseline 150 and the target 250: 75):
    #   (75 + 100) / 2 = 87,5;  (100 + 75) / 2 = 87,5;  (50 + 100 + 100) / 3 = 250/3;
    #   (100) / 1 = 100;  (75 + 100) / 2 = 87,5
    #   points = 20 × (87,5 + 87,5 + 250/3 + 100 + 87,5) / 100 = 535/6 = 89,166… → 89,2
    #   maximum = 8 % × 92 450,00 € = 7 396,00 €
    #   pay = 7 396,00 × (535/6) / 100 = 3 956 860 / 600 = 6 594,766… → 6 594,77 €
    #   (from the rounded 89,2 it would be 6 597,23 €: the pay starts from the exact points)
    decided = PerformancePay.objects.get(checkpoint=year)
    assert decided.annual_salary == Decimal("92450.00")
    assert decided.snapshot["inputs"]["points_exact"] == "535/6"
    assert decided.snapshot["inputs"]["annual_salary"] == "92450.00"
    assert decided.snapshot["result"] == {"points": "89.2", "amount": "6594.77", "currency": "EUR"}
    assert decided.snapshot["amended"] is False
    assert decided.snapshot["rules"] == {
        "basis": "percent",
        "maximum": "8",
        "threshold": "50",
        "scale": "linear",
        "steps": [],
    }
    assert (decided.decision.outcome, decided.decision.body.name) == ("approved", "Kunnanhallitus")
    assert decided.decision.meeting_date.isoformat() == "2026-03-16"
    assert decided.decision.section == "41"
    assert decided.snapshot["decision"] == decided.decision.reference
    assert "89,2 pistettä" in decided.decision.text and "6\u00a0594,77" in decided.decision.text


def test_the_demo_users_have_the_demo_password(db, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    load_demo()
    user = get_user_model().objects.get(username="pormestari")
    assert user.check_password(DEFAULT_PASSWORD)
    assert DEFAULT_PASSWORD == "suunta-demo"


def test_demo_password_comes_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "toinen-salasana-123")
    load_demo()
    user = get_user_model().objects.get(username="valmistelija")
    assert user.check_password("toinen-salasana-123")
    assert not user.check_password("suunta-demo")


def test_the_other_municipality_has_a_plan_with_different_goals(demo):
    ours = set(GoalArea.objects.filter(version__plan=demo.plan).values_list("title", flat=True))
    theirs = set(GoalArea.objects.filter(version__plan=demo.other_plan).values_list("title", flat=True))
    assert theirs
    assert not ours & theirs


def test_the_command_refuses_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=io.StringIO())
    assert all(count == 0 for count in counts().values())


def test_the_command_loads_with_debug_off_when_forced(db, settings):
    settings.DEBUG = False
    out = io.StringIO()
    call_command("load_demo", "--force", stdout=out)
    assert Organization.objects.filter(slug="esimerkkikunta").exists()
    assert "pormestari" in out.getvalue()


def test_the_command_loads_with_debug_on_and_prints_the_logins(db, settings, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    output = out.getvalue()
    assert "/accounts/login/" in output
    for username in DEMO_PERSONAS:
        assert username in output
    assert "suunta-demo" in output


def test_the_command_is_idempotent(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    first = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first
