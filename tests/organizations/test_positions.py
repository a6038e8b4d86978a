"""The set-up page of positions and rights: the admin names the positions in the
organization's own words and decides which may present, mark agreed, close a memo and
ask for views. The policy follows at once; the rights never follow a title."""

import pytest
from django.urls import reverse

from suunta import policies
from suunta.audit.models import AuditEvent
from suunta.audit.services import changes_of
from suunta.organizations.models import Position

from ..helpers import fi

URL = reverse("organization_positions", args=["esimerkkikunta"])
RIGHTS = ("presents", "may_mark_agreed", "may_close_memo", "may_create_survey", "asked_for_views")


def form_data(positions, new=None, **changes) -> dict:
    """The page's form as sent: each position as stored, with `changes` by code
    ({code: {field: value}}), and an optional new position."""
    data = {
        "positions-TOTAL_FORMS": str(len(positions) + 1),
        "positions-INITIAL_FORMS": str(len(positions)),
        "positions-MIN_NUM_FORMS": "0",
        "positions-MAX_NUM_FORMS": "1000",
    }
    for index, position in enumerate(positions):
        values = {
            "id": position.pk,
            "name": position.name,
            "name_sv": position.name_sv,
            "genitive": position.genitive,
            "genitive_sv": position.genitive_sv,
            **{right: getattr(position, right) for right in RIGHTS},
        }
        values.update(changes.get(position.code, {}))
        for name, value in values.items():
            if name in RIGHTS:
                if value:
                    data[f"positions-{index}-{name}"] = "on"
            else:
                data[f"positions-{index}-{name}"] = value
    for name, value in (new or {}).items():
        data[f"positions-{len(positions)}-{name}"] = value
    return data


def seed_positions(demo):
    return list(Position.objects.filter(organization=demo.org).order_by("order", "id"))


def test_the_admin_renames_moves_a_right_and_adds_a_position(demo):
    admin = demo.client("paakayttaja")
    page = admin.get(URL).content.decode()
    assert "Apulaispormestari" in page
    assert fi("Presents the executive's matters to the board") in page

    positions = seed_positions(demo)
    response = admin.post(
        URL,
        form_data(
            positions,
            new={"name": "Valtuuston I varapuheenjohtaja", "genitive": "valtuuston I varapuheenjohtajan"},
            mayor={"may_create_survey": False},
            council_chair={"may_create_survey": True, "genitive": "valtuuston puheenjohtajan (pj)"},
        ),
    )
    assert response.status_code == 302
    stored = {p.code: p for p in Position.objects.filter(organization=demo.org)}
    assert not stored["mayor"].may_create_survey
    assert stored["council_chair"].may_create_survey
    assert stored["council_chair"].genitive == "valtuuston puheenjohtajan (pj)"
    added = Position.objects.get(organization=demo.org, name="Valtuuston I varapuheenjohtaja")
    # After the preset's three and the chief of staff's (the sector directors' evaluator).
    assert (added.code, added.order) == ("valtuuston-i-varapuheenjohta", 5)
    # The policy reads the rights: the council chair may now ask for views, the mayor not.
    assert policies.CREATE_SURVEY_RIGHT in policies.roles_for(demo.user("valtuuston-pj"), demo.plan.agreement)
    assert policies.CREATE_SURVEY_RIGHT not in policies.roles_for(
        demo.user("pormestari"), demo.plan.agreement
    )
    event = AuditEvent.objects.get(action="position.update", object_id=str(stored["mayor"].pk))
    assert changes_of(event)["may_create_survey"] == [True, False]
    assert AuditEvent.objects.filter(action="position.create", actor__username="paakayttaja").exists()


def test_a_right_given_to_nobody_is_explained_and_nothing_is_saved(demo):
    admin = demo.client("paakayttaja")
    positions = seed_positions(demo)
    # The mayor presents the chief's matters, the chief of staff the sector directors':
    # taken from both, nobody would present.
    response = admin.post(
        URL,
        form_data(
            positions,
            mayor={"presents": False, "name": "Pormestari (muutettu)"},
            chief_of_staff={"presents": False},
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    label = fi("Presents the executive's matters to the board")
    assert fi("Give this right to some position: %(right)s.", right=label) in body
    assert 'value="Pormestari (muutettu)"' in body  # what was typed stays
    mayor = Position.objects.get(organization=demo.org, code="mayor")
    assert (mayor.name, mayor.presents) == ("Pormestari", True)
    assert not AuditEvent.objects.filter(action="position.update").exists()


def test_a_blank_name_is_marked_next_to_the_field(demo):
    positions = seed_positions(demo)
    response = demo.client("paakayttaja").post(URL, form_data(positions, deputy_mayor={"name": ""}))
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert Position.objects.get(organization=demo.org, code="deputy_mayor").name == "Apulaispormestari"


def test_another_organizations_position_cannot_be_edited_through_the_form(demo):
    positions = seed_positions(demo)
    foreign = Position.objects.filter(organization=demo.other_org).first()
    data = form_data(positions)
    data["positions-0-id"] = foreign.pk
    data["positions-0-name"] = "Kaapattu"
    response = demo.client("paakayttaja").post(URL, data)
    assert response.status_code == 200
    assert (
        fi("The positions changed since the page was opened. Open the page again.")
        in response.content.decode()
    )
    foreign.refresh_from_db()
    assert foreign.name != "Kaapattu"
    assert not Position.objects.filter(name="Kaapattu").exists()


@pytest.mark.parametrize("username", ["valmistelija", "pormestari", "kansliapaallikko"])
def test_only_the_admin_sets_up_positions(demo, username):
    assert demo.client(username).get(URL).status_code == 403
    assert demo.client(username).post(URL, form_data(seed_positions(demo))).status_code == 403
