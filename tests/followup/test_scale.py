"""Issue 5, the rating scale per organization: the default scale in three languages,
colours checked for contrast (WCAG AA 4.5:1), each organization's colours reaching its
users' pages through ratings.css, and a rating always shown as text."""

import math

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from suunta.followup.models import Rating, contrast_ratio
from suunta.followup.scale import DEFAULT_SCALE, ensure_scale
from suunta.organizations.models import Organization

from ..conftest import client_for
from ..factories import MembershipFactory, OrganizationFactory, UserFactory
from .common import fi, open_checkpoint, page_url, ratings, self_assess

pytestmark = pytest.mark.django_db

DEFAULT_LABELS = [
    ("achieved", "Toteutunut", "Uppnått", "Achieved"),
    ("progressed", "Edistynyt", "Framskridit", "Progressed"),
    ("partly", "Osittain", "Delvis", "Partly"),
    ("not_progressed", "Ei edistynyt", "Inte framskridit", "Not progressed"),
    ("not_assessable", "Ei arvioitavissa", "Kan inte bedömas", "Cannot be assessed"),
]


def test_each_demo_organization_has_the_default_scale(demo):
    for organization in Organization.objects.all():
        scale = list(Rating.objects.filter(organization=organization))
        assert [(r.code, r.label, r.label_sv, r.label_en) for r in scale] == DEFAULT_LABELS, organization
        for rating in scale:
            rating.full_clean()  # its colours pass the contrast check
            assert contrast_ratio(rating.background, rating.text_colour) >= 4.5


def test_labels_follow_the_language(demo):
    achieved = ratings(demo.org)["achieved"]
    for language, label in (("fi", "Toteutunut"), ("sv", "Uppnått"), ("en", "Achieved")):
        with translation.override(language):
            assert achieved.display_label == label
            assert str(achieved) == label


def test_ensure_scale_is_idempotent_and_keeps_an_organizations_own_labels(db):
    organization = OrganizationFactory()
    first = ensure_scale(organization)
    assert [r.code for r in first] == [code for code, *_ in DEFAULT_SCALE]
    Rating.objects.filter(organization=organization, code="partly").update(label="Osin")
    again = ensure_scale(organization)
    assert [r.pk for r in again] == [r.pk for r in first]
    assert {r.code: r.label for r in again}["partly"] == "Osin"


def test_contrast_ratio_is_wcags():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#ffffff", "#ffffff"), 1) == 1.0
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54  # the lightest AA grey on white
    assert contrast_ratio("#777777", "#ffffff") < 4.5


@pytest.mark.parametrize(
    ("background", "text"),
    [("#777777", "#ffffff"), ("#f2c94c", "#ffffff"), ("#1d6b2f", "#000000"), ("#ffffff", "#ffff00")],
)
def test_full_clean_refuses_a_pair_under_4_5_to_1(demo, background, text):
    rating = ratings(demo.org)["partly"]
    rating.background, rating.text_colour = background, text
    with pytest.raises(ValidationError) as error:
        rating.full_clean()
    ratio = contrast_ratio(background, text)
    assert ratio < 4.5
    with translation.override("fi"):
        messages = error.value.message_dict["text_colour"]
    expected = fi(
        "The text and its background contrast only %(ratio)s:1; at least 4.5:1 is needed.",
        # Cut, not rounded: 4.48 reads "4,4", never the confusing "4,5:1; at least 4.5:1".
        ratio=f"{math.floor(ratio * 10) / 10:.1f}".replace(".", ","),
    )
    assert messages == [expected]


@pytest.mark.parametrize(
    ("background", "text"), [("#767676", "#ffffff"), ("#f2c94c", "#000000"), ("#ffffff", "#1f5c99")]
)
def test_full_clean_accepts_a_pair_of_at_least_4_5_to_1(demo, background, text):
    rating = ratings(demo.org)["partly"]
    rating.background, rating.text_colour = background, text
    rating.full_clean()


@pytest.mark.parametrize("colour", ["red", "#fff", "#12345g", ""])
def test_a_colour_is_six_hex_digits(demo, colour):
    rating = ratings(demo.org)["partly"]
    rating.background = colour
    with pytest.raises(ValidationError) as error:
        rating.full_clean()
    assert "background" in error.value.message_dict


# --- ratings.css --------------------------------------------------------------------------------


def css_rules(client) -> str:
    response = client.get(reverse("rating_styles"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    return response.content.decode()


def rule(rating) -> str:
    return f".{rating.css_class} {{ background: {rating.background}; color: {rating.text_colour}; }}"


def test_ratings_css_holds_the_users_organizations_colours_only(demo):
    own, other = ratings(demo.org), ratings(demo.other_org)
    # Toinen kunta recolours one step: its colour must not reach Esimerkkikunta's users.
    Rating.objects.filter(pk=other["achieved"].pk).update(background="#0b3d1a")
    other = ratings(demo.other_org)
    for username, mine, theirs in (("kansliapaallikko", own, other), ("toinen-johtaja", other, own)):
        css = css_rules(demo.client(username))
        lines = css.strip().splitlines()
        assert sorted(lines) == sorted(rule(r) for r in mine.values()), username
        for rating in theirs.values():
            assert f".{rating.css_class} " not in css
    assert "#0b3d1a" not in css_rules(demo.client("hallitus"))
    assert "#0b3d1a" in css_rules(demo.client("toinen-kh-pj"))


def test_ratings_css_for_someone_in_two_organizations(demo):
    user = UserFactory()
    MembershipFactory(organization=demo.org, user=user, role="auditor", title="")
    MembershipFactory(organization=demo.other_org, user=user, role="auditor", title="")
    css = css_rules(client_for(user))
    expected = [rule(r) for r in [*ratings(demo.org).values(), *ratings(demo.other_org).values()]]
    assert sorted(css.strip().splitlines()) == sorted(expected)


def test_ratings_css_without_any_organization_is_empty(demo):
    assert css_rules(client_for(UserFactory())).strip() == ""


def test_a_rating_is_always_shown_as_text_with_its_colour_class(demo):
    checkpoint = open_checkpoint(demo)
    progressed = ratings(demo.org)["progressed"]
    self_assess(demo, checkpoint, progressed)
    content = demo.client("pormestari").get(page_url(demo.current, checkpoint)).content.decode()
    assert f'<span class="rating {progressed.css_class}">Edistynyt</span>' in content
    # The stylesheet is linked from the page (no inline styles under the CSP).
    assert reverse("rating_styles") in content
