import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, override

from suunta.lib.clock import today
from suunta.organizations.models import Membership
from tests.factories import MembershipFactory

MEMBERS = reverse("member_list", args=["esimerkkikunta"])
NEW = reverse("member_new", args=["esimerkkikunta"])


def new_person(**overrides):
    data = {
        "username": "uusi-apulaispormestari",
        "first_name": "Ville",
        "last_name": "Uusitalo",
        "email": "ville.uusitalo@esimerkkikunta.fi",
        "role": "evaluator",
        "title": "deputy_mayor",
        "valid_from": "2026-06-01",
        "valid_to": "",
    }
    return data | overrides


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
    assert client.post(NEW, new_person()).status_code == 403
    assert not get_user_model().objects.filter(username="uusi-apulaispormestari").exists()


def test_another_organizations_admin_gets_404(demo):
    client = demo.client("toinen-paakayttaja")
    assert client.get(MEMBERS).status_code == 404
    assert client.post(NEW, new_person()).status_code == 404


def test_anonymous_is_sent_to_login(demo):
    response = Client().get(MEMBERS)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_admin_adds_a_new_person_who_gets_an_invitation_by_smtp(
    demo, smtp_server, django_capture_on_commit_callbacks
):
    # The invitation leaves only when the membership has committed.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = demo.client("paakayttaja").post(NEW, new_person())
    assert len(callbacks) == 1
    assert response.status_code == 302
    user = get_user_model().objects.get(username="uusi-apulaispormestari")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role, membership.title) == (
        demo.org,
        "evaluator",
        "deputy_mayor",
    )
    assert membership.valid_from == dt.date(2026, 6, 1)

    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["X-Envelope-To"] == "ville.uusitalo@esimerkkikunta.fi"
    link = re.search(r"(/accounts/reset/\S+/)", smtp_server.body()).group(1)
    client = Client()
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "Ville-salasana-88", "new_password2": "Ville-salasana-88"})
    assert (
        Client()
        .post("/accounts/login/", {"username": user.username, "password": "Ville-salasana-88"})
        .status_code
        == 302
    )


def test_an_existing_user_gets_a_role_and_keeps_the_password(demo, smtp_server):
    data = new_person(
        username="valmistelija",
        first_name="",
        last_name="",
        email="",
        role="board_member",
        title="",
    )
    response = demo.client("paakayttaja").post(NEW, data)
    assert response.status_code == 302
    roles = set(Membership.objects.filter(user__username="valmistelija").values_list("role", flat=True))
    assert roles == {"preparer", "board_member"}
    assert demo.user("valmistelija").check_password("suunta-demo")
    assert smtp_server.messages == []


def test_forged_organization_and_user_fields_are_ignored(demo):
    victim = demo.user("toinen-johtaja")
    data = new_person(
        organization=demo.other_org.pk,
        organization_id=demo.other_org.pk,
        user=victim.pk,
        user_id=victim.pk,
    )
    demo.client("paakayttaja").post(NEW, data)
    created = Membership.objects.get(user__username="uusi-apulaispormestari")
    assert created.organization == demo.org
    assert not Membership.objects.filter(user=victim, organization=demo.org).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"role": "superuser"}, "role", None),
        (
            {"role": "evaluator", "title": ""},
            "title",
            "An evaluator needs a title, e.g. mayor or council chair.",
        ),
        ({"role": "preparer", "title": "mayor"}, "title", "Only evaluators carry a title."),
        ({"valid_to": "2026-01-01"}, "valid_to", "The end date cannot be before the start date."),
        (
            {"username": "väärä tunnus!"},
            "username",
            "Use only letters, digits and . @ + - _ in the username.",
        ),
        ({"first_name": "  "}, "first_name", "A new user needs a first and last name."),
        ({"email": "ei-osoite"}, "email", None),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(demo, overrides, field, message):
    before = Membership.objects.count()
    response = demo.client("paakayttaja").post(NEW, new_person(**overrides))
    body = response.content.decode()
    assert response.status_code == 200
    assert Membership.objects.count() == before
    assert re.search(
        rf'id="id_{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_{field}"', body
    )
    if message:
        with override("fi"):
            assert gettext(message) in body
    assert 'value="Uusitalo"' in body  # what the user typed is kept


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


def test_the_members_page_query_count_does_not_grow_with_people(demo):
    client = demo.client("paakayttaja")

    with CaptureQueriesContext(connection) as small:
        client.get(MEMBERS)
    MembershipFactory.create_batch(30, organization=demo.org, role="board_member", title="")
    with CaptureQueriesContext(connection) as large:
        client.get(MEMBERS)
    assert len(large) == len(small)
