"""A user's language preference: the settings page, the header's switcher, and which
language a page is served in."""

import pytest
from django.conf import settings
from django.test import Client

from suunta.audit.models import AuditEvent
from tests.dom import parse


def html_lang(response) -> str:
    return parse(response.content).find_all(lambda el: el.tag == "html")[0].attrs["lang"]


@pytest.mark.parametrize("language", ["sv", "en", "fi"])
def test_the_settings_page_saves_the_preference_and_serves_pages_in_it(demo, language):
    client = demo.client("hallitus")
    response = client.post("/accounts/preferences/", {"preferred_language": language})
    assert response.status_code == 302
    user = demo.user("hallitus")
    assert user.preferred_language == language
    # A new session on another device, whose browser asks for Finnish, gets the preference.
    other = Client(headers={"accept-language": "fi-FI,fi;q=0.9"})
    other.force_login(user)
    assert html_lang(other.get("/")) == language
    # Every change is audited (also to Finnish: the demo user had no preference).
    event = AuditEvent.objects.filter(action="user.preferences", actor=user).get()
    assert f'"{language}"' in event.changes


def test_the_preference_wins_over_a_cookie_left_on_a_shared_computer(demo):
    user = demo.user("valtuuston-pj")
    user.preferred_language = "sv"
    user.save()
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    client.force_login(user)
    assert html_lang(client.get("/")) == "sv"
    # Logged out, the same computer follows its cookie again.
    client.logout()
    assert html_lang(client.get("/accounts/login/")) == "fi"


def test_the_header_switcher_saves_a_logged_in_users_choice(demo):
    client = demo.client("pormestari")
    response = client.post("/i18n/setlang/", {"language": "sv", "next": "/organizations/"})
    assert response.status_code == 302
    assert response["Location"] == "/organizations/"
    assert demo.user("pormestari").preferred_language == "sv"
    assert html_lang(client.get("/organizations/")) == "sv"


def test_the_switcher_for_an_anonymous_visitor_sets_only_the_cookie(demo):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "sv", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "sv"
    assert html_lang(client.get("/accounts/login/")) == "sv"
    assert not AuditEvent.objects.filter(action="user.preferences").exists()


def test_the_switcher_ignores_an_unknown_language(demo):
    client = demo.client("pormestari")
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert demo.user("pormestari").preferred_language == ""


def test_an_unknown_language_on_the_settings_page_is_refused_next_to_the_field(demo):
    client = demo.client("pormestari")
    response = client.post("/accounts/preferences/", {"preferred_language": "de"})
    assert response.status_code == 200
    page = parse(response.content)
    group = page.find_all(lambda el: "field--error" in el.classes)
    assert len(group) == 1
    assert group[0].find_all(lambda el: el.tag == "input" and el.attrs.get("name") == "preferred_language")
    assert demo.user("pormestari").preferred_language == ""


def test_the_browser_default_clears_the_preference_and_the_cookie(demo):
    user = demo.user("pormestari")
    user.preferred_language = "sv"
    user.save()
    client = Client(headers={"accept-language": "fi"})
    client.force_login(user)
    response = client.post("/accounts/preferences/", {"preferred_language": ""})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == ""
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""
    assert html_lang(client.get("/")) == "fi"


def test_the_settings_page_shows_the_current_choice(demo):
    user = demo.user("pormestari")
    user.preferred_language = "sv"
    user.save()
    page = parse(demo.client("pormestari").get("/accounts/preferences/").content)
    checked = page.find_all(lambda el: el.tag == "input" and "checked" in el.attrs)
    assert [el.attrs["value"] for el in checked] == ["sv"]
