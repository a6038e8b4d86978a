"""The token pages and the API reference page."""

import re

from django.urls import reverse

from suunta.api.models import ApiToken

from .conftest import ApiClient


def test_a_person_creates_sees_once_and_revokes_a_token(demo):
    client = demo.client("hallitus")
    response = client.post(reverse("api_tokens"), {"name": "Power BI", "scopes": ["read"], "expires": "90"})
    assert response.status_code == 200
    token = re.search(r"suunta_[0-9a-f]+_[\w-]+", response.content.decode()).group(0)
    assert ApiClient(token).get("/api/v1/plans").status_code == 200
    # Shown once: the list shows only the id.
    listing = client.get(reverse("api_tokens")).content.decode()
    assert token not in listing and token.split("_")[1] in listing
    row = ApiToken.objects.get(prefix=token.split("_")[1])
    # Another person cannot revoke it (not in their scope: 404).
    assert demo.client("valmistelija").post(reverse("api_token_revoke", args=[row.pk])).status_code == 404
    assert client.post(reverse("api_token_revoke", args=[row.pk])).status_code == 302
    assert ApiClient(token).get("/api/v1/plans").status_code == 401


def test_the_admin_makes_a_service_token(demo):
    url = reverse("organization_api_tokens", args=[demo.org.slug])
    assert demo.client("valmistelija").get(url).status_code == 403
    client = demo.client("paakayttaja")
    response = client.post(
        url, {"name": "Talousjärjestelmä", "scopes": ["read", "write:values"], "expires": "365"}
    )
    assert response.status_code == 200
    token = re.search(r"suunta_[0-9a-f]+_[\w-]+", response.content.decode()).group(0)
    row = ApiToken.objects.get(prefix=token.split("_")[1])
    assert row.organization == demo.org and row.scope_list == ["read", "write:values"]
    assert (
        client.post(reverse("organization_api_token_revoke", args=[demo.org.slug, row.pk])).status_code == 302
    )
    assert ApiClient(token).get("/api/v1/plans").status_code == 401


def test_the_reference_lists_every_operation(demo):
    page = demo.client("hallitus").get(reverse("api_docs")).content.decode()
    for path in ("/api/v1/plans", "/api/v1/metric-values/batch", "/api/v1/handlings/{handling_id}/package"):
        assert path in page
    assert "cdn" not in page.lower() and '<script src="http' not in page
