"""People and roles: organization admins give roles to their own people and invite new
ones by e-mail; nobody learns who exists in another organization."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, override

from suunta import policies
from suunta.agreements.models import DirectorAgreement
from suunta.audit.models import AuditEvent
from suunta.lib.clock import today
from suunta.mail.models import OutgoingMail
from suunta.organizations.models import Invitation, Membership
from tests.factories import MembershipFactory
from tests.helpers import fi
from tests.mail.common import deliver_queued

MEMBERS = reverse("member_list", args=["esimerkkikunta"])
NEW = reverse("member_new", args=["esimerkkikunta"])
INVITE = reverse("member_invite", args=["esimerkkikunta"])
DEPUTY_BASIS = "KV 16.6.2025 § 40, apulaispormestarien valinta"


def seed_agreement() -> str:
    """Esimerkkikunta's chief of staff's director agreement (the seed's; the sector
    directors have their own): what an evaluator is given to evaluate."""
    return str(
        DirectorAgreement.objects.get(
            organization__slug="esimerkkikunta", executive__username="kansliapaallikko"
        ).pk
    )


def invitation_data(**overrides):
    data = {
        "first_name": "Ville",
        "last_name": "Uusitalo",
        "email": "Ville.Uusitalo@esimerkkikunta.fi",
        "language": "fi",
        "role": "evaluator",
        "title": "deputy_mayor",
        "agreement": seed_agreement(),
        "valid_from": "2026-06-01",
        "valid_to": "",
        "basis": DEPUTY_BASIS,
    }
    data |= overrides
    if data["role"] != "evaluator" and "agreement" not in overrides:
        data["agreement"] = ""
    return data


def role_data(person, **overrides):
    data = {
        "person": person.pk,
        "role": "board_member",
        "title": "",
        "agreement": seed_agreement() if overrides.get("role") == "evaluator" else "",
        "valid_from": "2026-01-01",
        "valid_to": "",
        "basis": "",
    }
    return data | overrides


def link_in(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/invitations/\S+/)", body).group(1)


def test_the_admin_sees_current_people_and_roles(demo):
    response = demo.client("paakayttaja").get(MEMBERS)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Aino Virtanen" in body
    assert "Juha Niemi" in body
    assert "Katja Hiltunen" not in body  # Toinen kunta's people never show


@pytest.mark.parametrize(
    "username", ["pormestari", "kansliapaallikko", "valmistelija", "hallitus", "tarkastaja"]
)
def test_only_the_organization_admin_manages_people(demo, username):
    client = demo.client(username)
    assert client.get(MEMBERS).status_code == 403
    assert client.post(INVITE, invitation_data()).status_code == 403
    assert client.post(NEW, role_data(demo.user("hallitus"), role="auditor")).status_code == 403
    assert not Invitation.objects.exists()
    assert not Membership.objects.filter(user__username="hallitus", role="auditor").exists()


def test_another_organizations_admin_gets_404(demo):
    client = demo.client("toinen-paakayttaja")
    assert client.get(MEMBERS).status_code == 404
    assert client.post(INVITE, invitation_data()).status_code == 404


def test_anonymous_is_sent_to_login(demo):
    response = Client().get(MEMBERS)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Invitations ----------------------------------------------------------------------------


def test_a_new_person_is_invited_by_mail_and_accepts_with_a_new_account(demo, smtp_server):
    admin = demo.client("paakayttaja")
    response = admin.post(INVITE, invitation_data())
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.title, invitation.basis) == (
        "ville.uusitalo@esimerkkikunta.fi",
        "evaluator",
        "deputy_mayor",
        DEPUTY_BASIS,
    )
    # Nothing exists for the person until they accept; the mail waits for the task.
    assert not get_user_model().objects.filter(email=invitation.email).exists()
    assert smtp_server.messages == []
    listing = admin.get(MEMBERS).content.decode()
    assert "ville.uusitalo@esimerkkikunta.fi" in listing
    assert fi("queued") in listing

    assert deliver_queued() == ["sent"]
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["X-Envelope-To"] == "ville.uusitalo@esimerkkikunta.fi"
    assert message.is_multipart()  # plain text and HTML
    body = smtp_server.body()
    assert "Esimerkkikunta" in body
    assert "Apulaispormestari" in body
    assert fi("sent") in admin.get(MEMBERS).content.decode()
    # The queue stores no secret: the link's token is made at delivery, kept as a hash.
    link = link_in(body)
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation.refresh_from_db()
    assert token not in invitation.token_sha256
    assert len(invitation.token_sha256) == 64

    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200
    assert "Ville Uusitalo" in page.content.decode()
    done = visitor.post(
        link, {"username": "ville", "password1": "Ville-salasana-88", "password2": "Ville-salasana-88"}
    )
    assert done.status_code == 302
    user = get_user_model().objects.get(username="ville")
    assert (user.first_name, user.last_name, user.email) == (
        "Ville",
        "Uusitalo",
        "ville.uusitalo@esimerkkikunta.fi",
    )
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role, membership.title, membership.valid_from) == (
        demo.org,
        "evaluator",
        "deputy_mayor",
        dt.date(2026, 6, 1),
    )
    assert membership.granted_by == demo.user("paakayttaja")
    assert membership.basis == DEPUTY_BASIS
    assert not membership.awaiting_confirmation
    assert visitor.get(reverse("home")).status_code == 200  # logged in
    # The link worked once.
    assert Client().get(link).status_code == 404
    invitation.refresh_from_db()
    assert (invitation.status, invitation.accepted_by) == ("accepted", user)
    assert AuditEvent.objects.filter(action="invitation.accept", organization=demo.org).exists()


def test_someone_from_another_organization_accepts_with_their_own_account(demo, smtp_server):
    """Toinen kunta's manager also serves Esimerkkikunta: the admin only knows her address."""
    admin = demo.client("paakayttaja")
    admin.post(INVITE, invitation_data(email="katja@toinenkunta.fi", role="preparer", title="", basis=""))
    deliver_queued()
    link = link_in(smtp_server.body())
    # Not logged in: create an account, or log in and come back.
    anonymous = Client().get(link).content.decode()
    assert reverse("login") + "?next=" in anonymous
    katja = demo.client("toinen-johtaja")
    page = katja.get(link).content.decode()
    assert "toinen-johtaja" in page  # "you are logged in as …"
    assert katja.post(link).status_code == 302
    membership = Membership.objects.get(user__username="toinen-johtaja", organization=demo.org)
    assert membership.role == "preparer"
    # Her own organization's role is untouched.
    assert Membership.objects.filter(user__username="toinen-johtaja", organization=demo.other_org).exists()


def test_the_organizations_people_are_the_only_ones_to_choose_from(demo):
    admin = demo.client("paakayttaja")
    form_page = admin.get(NEW).content.decode()
    assert "Sari Heikkinen" in form_page
    assert "Katja Hiltunen" not in form_page
    assert "toinen-johtaja" not in form_page
    # A forged id of another organization's user is refused without a word about them.
    outsider = demo.user("toinen-johtaja")
    response = admin.post(NEW, role_data(outsider, role="preparer"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_person"' in body and 'aria-invalid="true"' in body
    assert "Hiltunen" not in body
    assert not Membership.objects.filter(user=outsider, organization=demo.org).exists()


def test_an_existing_person_gets_a_role_and_keeps_the_password(demo, smtp_server):
    response = demo.client("paakayttaja").post(NEW, role_data(demo.user("valmistelija")))
    assert response.status_code == 302
    roles = set(Membership.objects.filter(user__username="valmistelija").values_list("role", flat=True))
    assert roles == {"preparer", "board_member"}
    assert demo.user("valmistelija").check_password("suunta-demo")
    assert deliver_queued() == []
    assert smtp_server.messages == []


def test_forged_organization_fields_are_ignored(demo):
    data = invitation_data(organization=demo.other_org.pk, organization_id=demo.other_org.pk)
    demo.client("paakayttaja").post(INVITE, data)
    assert Invitation.objects.get().organization == demo.org


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"role": "superuser"}, "role", None),
        (
            {"role": "evaluator", "title": ""},
            "title",
            "An evaluator holds a position, e.g. the board chair.",
        ),
        ({"role": "preparer", "title": "mayor"}, "title", "Only evaluators hold a position."),
        ({"valid_to": "2026-01-01"}, "valid_to", "The end date cannot be before the start date."),
        ({"first_name": "  "}, "first_name", None),
        ({"email": "ei-osoite"}, "email", None),
        (
            {"basis": " "},
            "basis",
            "Name the decision this role rests on, e.g. the board’s election of its chair (KH 12.1.2026 § 3).",
        ),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(demo, overrides, field, message):
    response = demo.client("paakayttaja").post(INVITE, invitation_data(**overrides))
    body = response.content.decode()
    assert response.status_code == 200
    assert not Invitation.objects.exists()
    assert not OutgoingMail.objects.exists()
    assert re.search(
        rf'id="id_{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_{field}"', body
    )
    if message:
        with override("fi"):
            assert gettext(message) in body
    assert 'value="Uusitalo"' in body  # what the user typed is kept


def test_a_second_invitation_to_the_same_address_and_role_is_not_made(demo):
    admin = demo.client("paakayttaja")
    assert admin.post(INVITE, invitation_data()).status_code == 302
    again = admin.post(INVITE, invitation_data())
    assert again.status_code == 200
    assert (
        fi(
            "An invitation to this address for this role is already waiting (made on %(date)s). "
            "You can send it again from the list of people.",
            date="27.11.2026",
        )
        in again.content.decode()
    )
    assert Invitation.objects.count() == 1
    assert OutgoingMail.objects.count() == 1


def test_the_database_refuses_a_duplicate_open_invitation(demo):
    demo.client("paakayttaja").post(INVITE, invitation_data())
    original = Invitation.objects.get()
    copy = Invitation.objects.get()
    copy.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    original.status = "cancelled"
    original.save()
    copy.save()  # a cancelled one does not block a new invitation


def test_a_cancelled_invitation_link_stops_working(demo, smtp_server):
    admin = demo.client("paakayttaja")
    admin.post(INVITE, invitation_data())
    deliver_queued()
    link = link_in(smtp_server.body())
    invitation = Invitation.objects.get()
    admin.post(reverse("invitation_cancel", args=["esimerkkikunta", invitation.pk]))
    response = Client().get(link)
    assert response.status_code == 404
    assert fi("The invitation link does not work") in response.content.decode()


def test_a_new_link_replaces_the_old_one(demo, smtp_server):
    admin = demo.client("paakayttaja")
    admin.post(INVITE, invitation_data())
    deliver_queued()
    first = link_in(smtp_server.body(0))
    invitation = Invitation.objects.get()
    admin.post(reverse("invitation_resend", args=["esimerkkikunta", invitation.pk]))
    assert deliver_queued() == ["sent"]
    second = link_in(smtp_server.body(1))
    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200


# --- Roles that open confidential notes ------------------------------------------------------


def test_an_admin_cannot_make_themselves_an_evaluator(demo):
    admin = demo.user("paakayttaja")
    response = demo.client("paakayttaja").post(
        NEW, role_data(admin, role="evaluator", title="mayor", basis="KH 1.1.2026 § 1")
    )
    assert response.status_code == 403
    assert (
        fi(
            "You cannot give yourself a role that opens confidential notes. Another organization admin must "
            "give it, with the decision it rests on."
        )
        in response.content.decode()
    )
    assert not Membership.objects.filter(user=admin, role="evaluator").exists()
    refusal = AuditEvent.objects.filter(action="membership.grant.denied").get()
    assert (refusal.actor, refusal.outcome) == (admin, "denied")


def test_an_admin_cannot_accept_their_own_invitation_to_a_confidential_role(demo, smtp_server):
    client = demo.client("paakayttaja")
    client.post(INVITE, invitation_data(email="tiina.oma@example.fi"))
    deliver_queued()
    response = client.post(link_in(smtp_server.body()))
    assert response.status_code == 403
    assert not Membership.objects.filter(user__username="paakayttaja", role="evaluator").exists()
    assert Invitation.objects.get().status == "open"


def test_a_confidential_role_for_another_admin_waits_for_a_second_admin(demo):
    """Two admins cannot make each other evaluators alone."""
    second = get_user_model().objects.create_user("toinen-admin", first_name="Olavi", last_name="Toinen")
    third = get_user_model().objects.create_user("kolmas-admin", first_name="Kaarina", last_name="Kolmas")
    for person in (second, third):
        MembershipFactory(
            organization=demo.org, user=person, role="admin", title="", valid_from=dt.date(2024, 1, 1)
        )
    grant = role_data(second, role="evaluator", title="deputy_mayor", basis="KH 12.1.2026 § 3")
    response = demo.client("paakayttaja").post(NEW, grant)
    assert response.status_code == 302
    membership = Membership.objects.get(user=second, role="evaluator")
    assert membership.awaiting_confirmation
    # Not in force: the second admin reads no restricted discussion notes yet.

    assert "evaluator" not in policies.roles_for(second, demo.plan.agreement)
    confirm = reverse("membership_confirm", args=["esimerkkikunta", membership.pk])
    # Neither the one who gave it nor the one who gets it confirms.
    assert demo.client("paakayttaja").post(confirm).status_code == 403
    assert client_for(second).post(confirm).status_code == 403
    listing = client_for(third).get(MEMBERS).content.decode()
    assert fi("Waiting for a second admin's confirmation") in listing
    assert client_for(third).post(confirm).status_code == 302
    membership.refresh_from_db()
    assert not membership.awaiting_confirmation
    assert membership.confirmed_by == third
    assert "evaluator" in policies.roles_for(get_user_model().objects.get(pk=second.pk), demo.plan.agreement)
    assert AuditEvent.objects.filter(action="membership.confirm", actor=third).exists()


def test_the_executive_sees_who_holds_confidential_roles_and_on_what_decision(demo):
    demo.client("paakayttaja").post(
        NEW,
        role_data(demo.user("hallitus"), role="evaluator", title="deputy_mayor", basis="KH 12.1.2026 § 3"),
    )
    page = demo.client("kansliapaallikko").get(reverse("restricted_use", args=[demo.plan.agreement.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Pekka Järvinen" in body
    assert "KH 12.1.2026 § 3" in body
    assert "Tiina Lehtonen" in body  # who gave it
    assert "KV 13.6.2021 § 31, pormestarin valinta" in body


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Duplicates -------------------------------------------------------------------------------


def test_the_same_role_from_the_same_day_is_not_added_twice(demo):
    client = demo.client("paakayttaja")
    data = role_data(demo.user("valmistelija"))
    assert client.post(NEW, data).status_code == 302
    again = client.post(NEW, data)
    assert again.status_code == 200
    assert fi("%(name)s already has this role from %(date)s.", name="Sari Heikkinen", date="1.1.2026") in (
        again.content.decode()
    )
    assert Membership.objects.filter(user__username="valmistelija", role="board_member").count() == 1


def test_the_database_refuses_a_duplicate_membership(demo):
    membership = Membership.objects.get(user__username="valmistelija", role="preparer")
    membership.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


# --- Ending roles -----------------------------------------------------------------------------


def test_ending_a_role_keeps_it_in_history_and_removes_access(demo):
    membership = Membership.objects.get(user__username="hallitus", role="board_member")
    url = reverse("member_end", args=["esimerkkikunta", membership.pk])
    yesterday = today() - dt.timedelta(days=1)
    response = demo.client("paakayttaja").post(url, {"valid_to": yesterday.isoformat()})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.valid_to == yesterday
    assert (
        demo.client("hallitus").get(reverse("organization_detail", args=["esimerkkikunta"])).status_code
        == 404
    )
    listing = demo.client("paakayttaja").get(MEMBERS).content.decode()
    assert "Pekka Järvinen" in listing.split('id="past-heading"')[1]


def test_the_last_admin_cannot_be_ended(demo):
    membership = Membership.objects.get(user__username="paakayttaja", role="admin")
    url = reverse("member_end", args=["esimerkkikunta", membership.pk])
    response = demo.client("paakayttaja").post(url, {"valid_to": today().isoformat()})
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.valid_to is None
    with override("fi"):
        assert (
            gettext("The organization would be left without an admin. Add another admin first.")
            in response.content.decode()
        )


def test_a_membership_of_another_organization_cannot_be_ended_through_ours(demo):
    foreign = Membership.objects.get(user__username="toinen-johtaja")
    url = reverse("member_end", args=["esimerkkikunta", foreign.pk])
    response = demo.client("paakayttaja").post(url, {"valid_to": today().isoformat()})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.valid_to is None


def test_the_members_page_query_count_does_not_grow_with_people_or_invitations(demo):
    client = demo.client("paakayttaja")
    client.post(INVITE, invitation_data())

    with CaptureQueriesContext(connection) as small:
        client.get(MEMBERS)
    MembershipFactory.create_batch(30, organization=demo.org, role="board_member", title="")
    for n in range(10):
        client.post(INVITE, invitation_data(email=f"henkilo{n}@esimerkkikunta.fi"))
    with CaptureQueriesContext(connection) as large:
        client.get(MEMBERS)
    assert len(large) == len(small)
