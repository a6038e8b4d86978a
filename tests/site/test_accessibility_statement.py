"""The accessibility statement (306/2019 § 15): public, linked from every page, with the
installation's feedback channel and the supervisory authority's contacts."""

import pytest
from django.conf import settings
from django.test import Client

from tests.dom import parse
from tests.helpers import check_deploy


def links(response) -> set[str]:
    return {el.attrs.get("href", "") for el in parse(response.content).find_all(lambda el: el.tag == "a")}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_statement_is_public_and_in_the_visitors_language(db, language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/accessibility/")
    assert response.status_code == 200
    page = parse(response.content)
    assert page.find_all(lambda el: el.tag == "html")[0].attrs["lang"] == language
    assert page.find_all(lambda el: el.tag == "h1")
    assert "mailto:saavutettavuus@traficom.fi" in links(response)
    assert "https://www.saavutettavuusvaatimukset.fi/" in links(response)


def test_the_installation_sets_its_own_feedback_channel(db, settings):
    settings.ACCESSIBILITY_PROVIDER = "Esimerkkikunta"
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = "saavutettavuus@esimerkkikunta.fi"
    settings.ACCESSIBILITY_FEEDBACK_URL = "https://esimerkkikunta.fi/palaute"
    response = Client().get("/accessibility/")
    assert "mailto:saavutettavuus@esimerkkikunta.fi" in links(response)
    assert "https://esimerkkikunta.fi/palaute" in links(response)
    assert "Esimerkkikunta" in parse(response.content).find_all(lambda el: el.tag == "main")[0].text()
    assert not parse(response.content).find_all(lambda el: "notice" in el.classes)


def test_without_a_feedback_channel_the_page_says_so(db, settings):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = ""
    settings.ACCESSIBILITY_FEEDBACK_URL = ""
    response = Client().get("/accessibility/")
    assert parse(response.content).find_all(lambda el: "notice" in el.classes)
    assert not [href for href in links(response) if href.startswith("mailto:") and "traficom" not in href]


def test_every_page_links_to_the_statement(demo):
    assert "/accessibility/" in links(Client().get("/accounts/login/"))
    assert "/accessibility/" in links(demo.client("hallitus").get("/"))


def test_check_deploy_warns_without_a_feedback_channel(tmp_path):
    result = check_deploy(tmp_path)
    assert result.returncode != 0
    assert "suunta.W001" in result.stdout + result.stderr
