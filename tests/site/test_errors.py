"""Issue 22, part 5: the page of an unhandled error, and of a database that does not
answer (503 with Retry-After), made without the database. In process; the real database
stopped under a real server is in tests/site/test_crashes.py."""

import pytest
from django.db import OperationalError
from django.test import Client

from tests.dom import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_front_page(monkeypatch):
    """The front page's content raises what the test sets."""
    raised = {}

    def front_page(user):
        raise raised["error"]

    monkeypatch.setattr("suunta.site.pages.front_page", front_page)
    return raised


def test_a_database_that_does_not_answer_is_a_503_page_in_the_users_language(failing_front_page, demo):
    failing_front_page["error"] = OperationalError("connection to server at 127.0.0.1 failed")
    client = Client(raise_request_exception=False)
    client.force_login(demo.user("kansliapaallikko"))
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="sv-FI,sv;q=0.9")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Language"] == "sv"
    page = parse(response.content)
    assert page.find_all(lambda e: e.tag == "html")[0].attrs["lang"] == "sv"
    assert [h.text() for h in page.find_all(lambda e: e.tag == "h1")] == [
        "Tjänsten är tillfälligt otillgänglig"
    ]
    text = page.text()
    assert "databas" in text
    assert response["X-Request-ID"] in text, "the error code for support"
    assert "127.0.0.1" not in text, "nothing of the error itself"


def test_any_other_error_is_a_500_page_in_finnish_by_default(failing_front_page, demo):
    failing_front_page["error"] = ValueError("secret detail")
    client = Client(raise_request_exception=False)
    client.force_login(demo.user("kansliapaallikko"))
    response = client.get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response
    page = parse(response.content)
    assert [h.text() for h in page.find_all(lambda e: e.tag == "h1")] == ["Jokin meni vikaan"]
    assert "secret detail" not in response.content.decode()


def test_the_error_page_reads_nothing_from_the_database(django_assert_num_queries, rf):
    from suunta.site.errors import server_error  # noqa: PLC0415

    request = rf.get("/", HTTP_ACCEPT_LANGUAGE="fi")
    try:
        raise OperationalError("down")
    except OperationalError:
        with django_assert_num_queries(0):
            response = server_error(request)
    assert response.status_code == 503


def test_the_error_page_does_not_fail_itself_without_collected_static_files(
    failing_front_page, demo, settings
):
    """The manifest storage refuses a file it has no entry for; the error page then falls
    back to a plain one instead of failing again in every middleware layer."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = str(settings.BASE_DIR / "var" / "no-such-static-root")
    failing_front_page["error"] = OperationalError("down")
    client = Client(raise_request_exception=False)
    client.force_login(demo.user("kansliapaallikko"))
    response = client.get("/")
    assert response.status_code == 503
    page = parse(response.content)
    assert [h.text() for h in page.find_all(lambda e: e.tag == "h1")] == [
        "Palvelu on tilapäisesti poissa käytöstä"
    ]
