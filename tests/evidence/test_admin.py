"""Operators see evidence metadata in the Django admin, read-only, with no way to
download the files there."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from .common import EXECUTIVE, upload_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client():
    operator = get_user_model().objects.create_superuser("operaattori", password="x")
    client = Client()
    client.force_login(operator)
    return client


def test_the_admin_lists_and_shows_metadata_read_only(demo, operator_client):
    evidence = upload_as(demo, EXECUTIVE, "Väliraportti.pdf")
    listing = operator_client.get(reverse("admin:evidence_evidence_changelist"))
    assert listing.status_code == 200
    assert "Väliraportti.pdf" in listing.content.decode()
    detail = operator_client.get(reverse("admin:evidence_evidence_change", args=[evidence.pk]))
    body = detail.content.decode()
    assert detail.status_code == 200
    assert evidence.sha256 in body
    assert f'href="{reverse("evidence_download", args=[evidence.pk])}"' not in body
    assert 'type="file"' not in body and 'name="_save"' not in body


def test_the_admin_neither_adds_changes_nor_deletes(demo, operator_client):
    evidence = upload_as(demo, EXECUTIVE)
    assert operator_client.get(reverse("admin:evidence_evidence_add")).status_code == 403
    assert (
        operator_client.get(reverse("admin:evidence_evidence_delete", args=[evidence.pk])).status_code == 403
    )
    response = operator_client.post(
        reverse("admin:evidence_evidence_change", args=[evidence.pk]), {"title": "x"}
    )
    assert response.status_code == 403
    evidence.refresh_from_db()
    assert evidence.title == ""
