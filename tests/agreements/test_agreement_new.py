"""A director agreement made in the app by the organization's admin: the executive is
one of the organization's own executives, the decision that approved it is recorded,
and bad input is explained next to the field with nothing saved."""

import datetime as dt

from django.urls import reverse

from suunta.agreements.models import DirectorAgreement
from suunta.audit.models import AuditEvent
from suunta.organizations.models import Body

from ..helpers import fi

URL = reverse("agreement_new", args=["esimerkkikunta"])


def agreement_data(demo, **overrides) -> dict:
    council = Body.objects.get(organization=demo.org, kind="council")
    data = {
        "executive": demo.user("kansliapaallikko").pk,
        "position_title": "kansliapäällikkö",
        "position_title_sv": "kanslichef",
        "position_genitive": "kansliapäällikön",
        "position_genitive_sv": "kanslichefens",
        "starts_on": "2027-01-01",
        "decided_by": council.pk,
        "decided_on": "2026-11-30",
        "decision_section": "58",
        "decision_case_number": "412/01.01.01/2026",
        "signed_on": "2026-12-02",
        "legal_basis": "Kuntalaki 410/2015 42 §",
    }
    return data | overrides


def test_the_admin_makes_an_agreement_with_its_decision(demo):
    admin = demo.client("paakayttaja")
    form = admin.get(URL).content.decode()
    assert "Juha Niemi" in form  # the organization's executive
    assert "Katja Hiltunen" not in form  # Toinen kunta's is never offered
    before = set(DirectorAgreement.objects.values_list("pk", flat=True))
    response = admin.post(URL, agreement_data(demo))
    (agreement,) = DirectorAgreement.objects.exclude(pk__in=before)
    assert response.status_code == 302
    assert response["Location"] == reverse("agreement_detail", args=[agreement.pk])
    assert (agreement.organization, agreement.decided_on, agreement.decision_section) == (
        demo.org,
        dt.date(2026, 11, 30),
        "58",
    )
    event = AuditEvent.objects.get(action="agreement.create", object_id=str(agreement.pk))
    assert event.actor.username == "paakayttaja"
    page = admin.get(response["Location"]).content.decode()
    assert "KV 30.11.2026 § 58" in page
    assert "412/01.01.01/2026" in page


def test_an_executive_of_another_organization_is_refused_next_to_the_field(demo):
    before = DirectorAgreement.objects.count()
    response = demo.client("paakayttaja").post(
        URL, agreement_data(demo, executive=demo.user("toinen-johtaja").pk, position_title="Kaapattu")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_executive_error"' in body or 'aria-invalid="true"' in body
    assert 'value="Kaapattu"' in body  # what was typed stays
    assert DirectorAgreement.objects.count() == before


def test_a_decision_without_its_date_is_explained(demo):
    before = DirectorAgreement.objects.count()
    response = demo.client("paakayttaja").post(URL, agreement_data(demo, decided_on=""))
    body = response.content.decode()
    assert response.status_code == 200
    assert fi("Enter the date of the decision.") in body
    assert DirectorAgreement.objects.count() == before


def test_only_the_admin_makes_agreements(demo):
    for username in ("valmistelija", "pormestari", "kansliapaallikko"):
        assert demo.client(username).post(URL, agreement_data(demo)).status_code == 403
    assert demo.client("toinen-paakayttaja").get(URL).status_code == 404
