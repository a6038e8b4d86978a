"""A new organization from nothing: `manage.py create_organization` with a preset, the
first admin's invitation (mailed by the worker, and printed for the operator), and each
preset's process run through: the goals frozen by the preset's body, the follow-up
agreed by the position that carries the right, never by title."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from suunta import policies
from suunta.agreements import services as plan_services
from suunta.agreements.models import VersionStatus
from suunta.audit.models import AuditEvent
from suunta.documents import render as documents
from suunta.documents import texts as document_texts
from suunta.followup import services as followup_services
from suunta.followup.models import AssessmentKind, FollowUpStatus, Rating
from suunta.governance import services as governance_services
from suunta.governance import workflow
from suunta.governance.models import StepAction, WorkflowStep
from suunta.mail.models import OutgoingMail
from suunta.organizations import people
from suunta.organizations.models import Invitation, Membership, Organization, Role
from suunta.organizations.presets import PRESETS
from suunta.organizations.setup import create_organization

from ..documents.common import docx_text, normalise, pdftotext
from ..factories import AgreementFactory, OrganizationFactory, UserFactory
from ..helpers import fi
from ..mail.common import deliver_queued

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/invitations/\S+/)")


def run_command(*args) -> list[str]:
    out = io.StringIO()
    call_command("create_organization", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_the_command_creates_the_organization_and_its_first_admin_accepts(smtp_server):
    lines = run_command(
        "Pikkula",
        "--business-id",
        "0135202-4",
        "--admin-email",
        "Hanna.Hallinto@Pikkula.fi",
        "--preset",
        "chair-group",
        "--name-sv",
        "Pikkula kommun",
    )
    organization = Organization.objects.get(slug="pikkula")
    assert (organization.name_sv, organization.preset, organization.kind) == (
        "Pikkula kommun",
        "chair-group",
        "municipality",
    )
    assert [b.kind for b in organization.bodies.all()] == ["chair_group", "board", "council"]
    assert [p.code for p in organization.positions.all()] == [
        "board_chair",
        "board_first_vice_chair",
        "board_second_vice_chair",
        "council_chair",
    ]
    approving = WorkflowStep.objects.get(organization=organization, action=StepAction.APPROVE)
    assert approving.body.kind == "chair_group"
    assert Rating.objects.filter(organization=organization).count() == 5
    invitation = Invitation.objects.get(organization=organization)
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "hanna.hallinto@pikkula.fi",
        "admin",
        None,
    )
    assert AuditEvent.objects.filter(action="organization.create", organization=organization).exists()

    # The mail goes through the worker; the printed link is the last line and works too.
    printed = LINK.search(lines[-1]).group(1)
    assert lines[-1].startswith("http")
    assert deliver_queued() == ["sent"]
    mailed = LINK.search(smtp_server.body()).group(1)
    assert mailed != printed
    assert "hanna.hallinto@pikkula.fi" in smtp_server.body()  # greeted by address: no name yet
    assert Client().get(mailed).status_code == 200
    visitor = Client()
    assert visitor.get(printed).status_code == 200
    done = visitor.post(
        printed, {"username": "hanna", "password1": "Pikkula-hallinto-7", "password2": "Pikkula-hallinto-7"}
    )
    assert done.status_code == 302
    admin = get_user_model().objects.get(username="hanna")
    assert Membership.objects.get(user=admin).role == Role.ADMIN
    assert policies.can(admin, policies.MANAGE_MEMBERS, organization)
    # Used once: neither link works again.
    assert Client().get(printed).status_code == 404
    assert Client().get(mailed).status_code == 404


@pytest.mark.parametrize(
    ("args", "option", "message"),
    [
        (["--business-id", "1234567-2"], "--business-id", None),
        (["--preset", "kuningas"], "--preset", "Unknown preset “%(preset)s”. Choose one of: %(presets)s."),
        (["--slug", "varattu"], "--slug", None),
        (["--admin-email", "ei-osoite"], "--admin-email", "Enter a valid e-mail address."),
    ],
)
def test_bad_input_exits_1_with_the_reason_and_creates_nothing(args, option, message):
    OrganizationFactory(slug="varattu")
    before = (Organization.objects.count(), Invitation.objects.count(), OutgoingMail.objects.count())
    good = {
        "--business-id": "0135202-4",
        "--admin-email": "admin@pikkula.fi",
        "--preset": "manager",
        "--slug": "pikkula",
    }
    good.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(CommandError) as raised:
        run_command("Pikkula", *[x for pair in good.items() for x in pair])
    # manage.py exits with the error's return code and prints its text.
    assert raised.value.returncode == 1
    error = str(raised.value)
    assert fi("Nothing was created.") in error
    assert f"{option}: " in error
    if message:
        assert fi(message, preset="kuningas", presets=", ".join(PRESETS)) in error
    assert (Organization.objects.count(), Invitation.objects.count(), OutgoingMail.objects.count()) == before


# --- Every preset, end to end -----------------------------------------------------------------


def _person(organization, username, role, title="", agreement=None):
    user = UserFactory(username=username)
    membership = Membership(
        organization=organization,
        user=user,
        role=role,
        title=title,
        agreement=agreement,
        valid_from=dt.date(2024, 1, 1),
        basis="KH 1.1.2024 § 1" if role in (Role.EVALUATOR, Role.EXECUTIVE) else "",
    )
    membership.full_clean()
    membership.save()
    return user


def _freeze(preparer, version, presenter):
    """Take the preset's steps from draft to approved: handling first where there is a
    preparatory body, then proposing, then the freezing body's approval."""
    order = [StepAction.HANDLE, StepAction.PROPOSE, StepAction.APPROVE]
    handled = set()
    while version.status != VersionStatus.APPROVED:
        steps = workflow.available_steps(preparer, version)
        step = min(
            (s for s in steps if s.action in order and (s.action, s.from_status) not in handled),
            key=lambda s: order.index(s.action),
        )
        handled.add((step.action, step.from_status))
        governance_services.take_step(
            preparer,
            version,
            step,
            meeting_date=dt.date(2026, 1, 8),
            section="5" if step.requires_section else "",
            case_number="123/2026" if step.body else "",
            presenter=presenter if step.action == StepAction.APPROVE else None,
        )
        version.refresh_from_db()
    return version.handlings.filter(outcome="approved").select_related("body").get()


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_preset_runs_from_set_up_to_an_agreed_follow_up(preset, time_machine):
    time_machine.move_to(dt.datetime(2026, 1, 10, 12, 0))
    organization, _invitation, _link = create_organization(
        name=f"Kunta {preset}", business_id="0135202-4", admin_email="admin@example.fi", preset=preset
    )
    spec = PRESETS[preset]
    executive = _person(organization, "johtaja", Role.EXECUTIVE)
    preparer = _person(organization, "valmistelija", Role.PREPARER)
    agreement = AgreementFactory(
        organization=organization,
        executive=executive,
        position_title_sv="kommundirektör",
        position_genitive_sv="kommundirektörens",
    )
    holders = {
        p.code: _person(organization, p.code, Role.EVALUATOR, p.code, agreement) for p in spec.positions
    }
    leading = next(code for code, p in zip(holders, spec.positions, strict=True) if "presents" in p.rights)
    assert people.default_presenter(agreement) == holders[leading]

    plan = plan_services.create_plan(
        preparer,
        agreement,
        title="Tavoitteet 2026",
        title_sv="",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
    )
    version = plan.versions.get()
    goal = plan_services.add_goal_area(preparer, version, title="Talous tasapainoon", title_sv="")
    plan_services.add_metric(preparer, goal, text="Tilinpäätös ylijäämäinen", text_sv="")
    checkpoint = plan_services.add_checkpoint(
        preparer,
        version,
        label="Elokuu",
        label_sv="",
        window_start=dt.date(2026, 8, 1),
        window_end=dt.date(2026, 8, 31),
    )
    approval = _freeze(preparer, version, holders[leading])
    assert approval.body.kind == spec.freezing_body
    assert approval.presenter == holders[leading]

    time_machine.move_to(dt.datetime(2026, 8, 10, 12, 0))
    rating = Rating.objects.filter(organization=organization).first()
    followup_services.save_assessment(
        executive, checkpoint, goal, AssessmentKind.SELF, rating=rating, text="Itsearvio", submit=True
    )
    for holder in holders.values():
        followup_services.save_assessment(
            holder, checkpoint, goal, AssessmentKind.VIEW, rating=rating, text="Näkemys", submit=True
        )
    followup_services.save_assessment(
        preparer, checkpoint, goal, AssessmentKind.AGREED, rating=rating, text="Sovittu"
    )
    # Only the position carrying the right marks it agreed (beside the preparer).
    for code, holder in holders.items():
        if code != leading:
            with pytest.raises(PermissionDenied):
                followup_services.mark_agreed(holder, checkpoint, dt.date(2026, 8, 10))
    followup = followup_services.mark_agreed(holders[leading], checkpoint, dt.date(2026, 8, 10))
    assert followup.status == FollowUpStatus.AGREED
    version.refresh_from_db()
    if preset != "mayor":
        _documents_speak_in_the_organizations_words(organization, version, checkpoint, approval.body)


# The seed's words: only the mayor model's documents may say them.
SEED_WORDS = (
    "pormestari",
    "apulaispormestari",
    "poljory",
    "borgmästare",
    "biträdande borgmästare",
    "politiska ledningsgruppen",
    "kunnan strategian ja talousarvion toiminnan",
    "ensimmäisen 12 kk aikana",
    "tavoitteena on tukea työtä",
    "valmistelevassa toimielimessä",
)


def _documents_speak_in_the_organizations_words(organization, version, checkpoint, approver) -> None:
    """The annex, the follow-up report and both agenda items, in Finnish and Swedish, as
    PDF and DOCX: the organization's own bodies and positions, none of the seed's words."""
    first_position = organization.positions.order_by("order").first()
    for kind, point in (
        ("annex", None),
        ("agenda", None),
        ("followup-report", checkpoint),
        ("agenda", checkpoint),
    ):
        for lang in ("fi", "sv"):
            for fmt in ("pdf", "docx"):
                body, _name, _type = documents.render(documents.Request(kind, version, lang, point), fmt)
                text = normalise(pdftotext(body) if fmt == "pdf" else docx_text(body)).lower()
                where = f"{kind}{' ' + checkpoint.label if point else ''} {lang} {fmt}"
                for word in SEED_WORDS:
                    assert word not in text, f"{word!r} in the {where}"
                if kind == "annex":
                    names = (
                        (approver.name_sv, first_position.name_sv)
                        if lang == "sv"
                        else (approver.name, first_position.name)
                    )
                    for name in names:
                        assert name.lower() in text, f"{name!r} missing from the {where}"
                if kind == "agenda" and point is None:
                    # The proposal names the body that freezes the goals in this process.
                    proposal = normalise(
                        documents.build(documents.Request(kind, version, lang, point))["sections"][2][
                            "paragraphs"
                        ][0]
                    ).lower()
                    body_name = (approver.name_sv or approver.name) if lang == "sv" else approver.name
                    assert proposal.startswith(body_name.lower()), proposal
                    own = document_texts.texts_of(version)
                    appeal = own.appeal_sv if lang == "sv" else own.appeal
                    assert normalise(appeal).lower()[:40] in text, (
                        f"the appeal instructions missing from the {where}"
                    )
