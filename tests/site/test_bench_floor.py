"""bench/pages.py's floor page (suunta/site/bench_views.py): /bench/floor/ exists only
when settings.BENCH_FLOOR_PAGE is on (SUUNTA_BENCH_FLOOR_PAGE), and then answers a
logged-in user through the whole middleware stack."""

import importlib

import pytest
from django.urls import clear_url_caches

import suunta.urls
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FLOOR = "/bench/floor/"


def _reload_urls() -> None:
    importlib.reload(suunta.urls)
    clear_url_caches()


@pytest.fixture
def floor_page(settings):
    """The URL configuration as the bench's server has it; restored afterwards."""
    original = settings.BENCH_FLOOR_PAGE
    settings.BENCH_FLOOR_PAGE = True
    _reload_urls()
    yield
    settings.BENCH_FLOOR_PAGE = original
    _reload_urls()


def test_it_is_off_by_default(settings, client):
    assert settings.BENCH_FLOOR_PAGE is False
    client.force_login(UserFactory())
    assert client.get(FLOOR).status_code == 404


def test_it_answers_a_logged_in_user_when_enabled(floor_page, client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(FLOOR)
    assert response.status_code == 200
    assert response.content == f"{user.pk}\n".encode()


def test_it_needs_a_login_like_every_page(floor_page, client):
    response = client.get(FLOOR)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
