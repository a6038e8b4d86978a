"""The one-time key on the create forms of people and discussions: a double submit of
an invitation, a role, a discussion, a development item or a survey saves once."""

import pytest
from django.urls import reverse

from suunta.discussions.models import DevelopmentItem, Discussion, Survey
from suunta.lib import once
from suunta.mail.models import OutgoingMail
from suunta.organizations.models import Invitation, Membership

from ..discussions.common import SOON, create_discussion, discussion_data
from ..helpers import fi
from .test_once import ALREADY_SENT, keys_in, messages_on


def invitation(key):
    return {
        "once_key": key,
        "first_name": "Ville",
        "last_name": "Uusitalo",
        "email": "ville@esimerkkikunta.fi",
        "language": "fi",
        "role": "board_member",
        "valid_from": "2026-12-01",
    }


def cases(demo):
    """(who, form page, data for a key, how many rows it made)."""
    agreement = demo.plan.agreement
    open_discussion = create_discussion(demo)
    return {
        "invitation": (
            "paakayttaja",
            reverse("member_invite", args=["esimerkkikunta"]),
            invitation,
            lambda: (Invitation.objects.count(), OutgoingMail.objects.count()),
        ),
        "role": (
            "paakayttaja",
            reverse("member_new", args=["esimerkkikunta"]),
            lambda key: {
                "once_key": key,
                "person": demo.user("valmistelija").pk,
                "role": "auditor",
                "valid_from": "2026-12-01",
            },
            lambda: Membership.objects.filter(role="auditor", user__username="valmistelija").count(),
        ),
        "discussion": (
            "pormestari",
            reverse("discussion_new", args=[agreement.pk]),
            lambda key: {
                "once_key": key,
                **discussion_data(("pormestari", "kansliapaallikko"), held_on=SOON, plans=[demo.current]),
            },
            lambda: Discussion.objects.count(),
        ),
        "development item": (
            "pormestari",
            reverse("discussion_detail", args=[open_discussion.pk]),
            lambda key: {
                "once_key": key,
                "item-need": "Kerran tallentuva tarve",
                "item-action": "Koulutus",
                "item-responsible": "Pormestari",
                "item-status": "open",
            },
            lambda: DevelopmentItem.objects.filter(need="Kerran tallentuva tarve").count(),
        ),
        "survey": (
            "pormestari",
            reverse("survey_new", args=[open_discussion.pk]),
            lambda key: {
                "once_key": key,
                "recipients": [demo.user("hallitus").pk],
                "closes_on": "2026-12-05",
            },
            lambda: Survey.objects.count(),
        ),
    }


@pytest.mark.parametrize("name", ["invitation", "role", "discussion", "development item", "survey"])
def test_a_create_form_sent_twice_saves_once(demo, name):
    who, page, data, count = cases(demo)[name]
    client = demo.client(who)
    form = client.get(page)
    assert form.status_code == 200
    assert keys_in(form), f"{name}: the form carries no one-time key"
    url = page
    if name == "development item":
        url = reverse("development_item_new", args=[Discussion.objects.order_by("-pk").first().pk])
    before = count()
    key = once.new_key()
    first = client.post(url, data(key))
    assert first.status_code == 302, first.content.decode()[:2000]
    after_first = count()
    assert after_first != before
    second = client.post(url, data(key))
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert fi(ALREADY_SENT) in messages_on(client.get(second["Location"]))
    assert count() == after_first
