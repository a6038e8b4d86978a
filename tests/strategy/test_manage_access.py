"""Who may read and change the strategy and budget pages: every reader of the
organization reads them; the preparer and the organization admin change them; another
organization's people do not find them; the organization admin alone sets the options."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from suunta.audit.models import AuditEvent
from suunta.audit.services import changes_of
from suunta.organizations.models import Organization
from suunta.strategy import services
from suunta.strategy.models import (
    BudgetIndicator,
    BudgetRealisation,
    BudgetTarget,
    Objective,
    Strategy,
    StrategyIndicator,
    Theme,
)

from ..dom import parse

READERS = ("kansliapaallikko", "hallitus", "tarkastaja", "pormestari")
MANAGERS = ("valmistelija", "paakayttaja")


def demo_strategy(demo) -> Strategy:
    return Strategy.objects.get(organization=demo.org)


def counts() -> dict[str, int]:
    models = (Strategy, Theme, Objective, StrategyIndicator, BudgetTarget, BudgetIndicator, BudgetRealisation)
    return {model.__name__: model.objects.count() for model in models}


def pages(demo) -> list[str]:
    strategy = demo_strategy(demo)
    return [
        reverse("strategy_list", args=[demo.org.slug]),
        reverse("strategy_detail", args=[demo.org.slug, strategy.pk]),
        reverse("budget_targets", args=[demo.org.slug]),
    ]


def writing_paths(demo) -> list[tuple[str, dict]]:
    """Every writing address with a post that would change something if it were let in."""
    strategy = demo_strategy(demo)
    slug = demo.org.slug
    theme = strategy.themes.first()
    objective = strategy.objectives.first()
    indicator = StrategyIndicator.objects.filter(objective__strategy=strategy).first()
    target = BudgetTarget.objects.filter(organization=demo.org).first()
    budget_indicator = target.indicators.first()
    one = [slug, strategy.pk]
    return [
        (reverse("strategy_list", args=[slug]), {"new-title": "X", "new-term_start": "2029-06-01"}),
        (reverse("strategy_options", args=[slug]), {"options-public_page": "on"}),
        (reverse("strategy_detail", args=one), {"strategy-title": "X"}),
        (reverse("strategy_approve", args=one), {}),
        (reverse("strategy_revise", args=one), {}),
        (reverse("strategy_delete", args=one), {}),
        (reverse("strategy_theme_add", args=one), {"theme-title": "X"}),
        (reverse("strategy_theme_edit", args=[*one, theme.pk]), {"title": "X"}),
        (reverse("strategy_theme_delete", args=[*one, theme.pk]), {}),
        (reverse("strategy_objective_add", args=one), {"objective-title": "X"}),
        (reverse("strategy_objective_edit", args=[*one, objective.pk]), {"title": "X"}),
        (reverse("strategy_objective_delete", args=[*one, objective.pk]), {}),
        (reverse("strategy_indicator_add", args=[*one, objective.pk]), {}),
        (reverse("strategy_indicator_edit", args=[*one, indicator.pk]), {"text": "X"}),
        (reverse("strategy_indicator_delete", args=[*one, indicator.pk]), {}),
        (reverse("budget_target_add", args=[slug]), {"target-title": "X"}),
        (reverse("budget_target_delete", args=[slug, target.pk]), {}),
        (reverse("budget_indicator_add", args=[slug, target.pk]), {}),
        (reverse("budget_realisation_add", args=[slug, budget_indicator.pk]), {}),
        (reverse("budget_import", args=[slug]), {"action": "save", "rows": "[]"}),
    ]


@pytest.mark.parametrize("username", READERS + MANAGERS)
def test_every_reader_of_the_organization_reads_the_pages(demo, username):
    client = demo.client(username)
    for url in pages(demo):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    detail = client.get(pages(demo)[1]).content.decode()
    assert "Esimerkkikunnan strategia 2025–2029" in detail
    assert "KV 17.2.2025 § 12" in detail
    assert "Asukasmäärä kasvaa maltillisesti" in detail


@pytest.mark.parametrize("username", READERS)
def test_readers_see_no_forms(demo, username):
    client = demo.client(username)
    for url in pages(demo):
        doc = parse(client.get(url).content)
        posting = [f for f in doc.find_all(lambda e: e.tag == "form") if f.attrs.get("method") == "post"]
        # The header's language and logout forms only.
        actions = {f.attrs.get("action") for f in posting}
        assert actions <= {reverse("set_language"), reverse("logout")}, (url, actions)


@pytest.mark.parametrize("username", ("kansliapaallikko", "hallitus"))
def test_readers_may_not_change_anything(demo, username):
    client = demo.client(username)
    before = counts()
    for url, data in writing_paths(demo):
        assert client.post(url, data).status_code == 403, url
    assert counts() == before
    strategy = demo_strategy(demo)
    assert client.get(reverse("budget_import", args=[demo.org.slug])).status_code == 403
    edit = reverse("strategy_theme_edit", args=[demo.org.slug, strategy.pk, strategy.themes.first().pk])
    assert client.get(edit).status_code == 403
    assert AuditEvent.objects.filter(action="manage_strategy.denied", actor__username=username).exists()


def test_another_organizations_people_find_nothing(demo):
    client = demo.client("toinen-paakayttaja")
    for url in pages(demo):
        assert client.get(url).status_code == 404, url
    before = counts()
    for url, data in writing_paths(demo):
        assert client.post(url, data).status_code == 404, url
    assert counts() == before


def test_another_organizations_strategy_is_not_found_under_ones_own(demo):
    """An id from another organization under the user's own organization's address."""
    theirs = services.create_strategy(
        demo.user("toinen-paakayttaja"),
        demo.other_org,
        title="Toisen kunnan strategia",
        term_start=dt.date(2025, 1, 1),
        term_end=dt.date(2028, 12, 31),
    )
    client = demo.client("valmistelija")
    assert client.get(reverse("strategy_detail", args=[demo.org.slug, theirs.pk])).status_code == 404
    assert client.post(reverse("strategy_delete", args=[demo.org.slug, theirs.pk])).status_code == 404
    assert Strategy.objects.filter(pk=theirs.pk).exists()


def test_anonymous_visitors_are_sent_to_log_in(demo):
    client = Client()
    for url in pages(demo):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("username", MANAGERS)
def test_the_preparer_and_the_admin_get_the_forms(demo, username):
    client = demo.client(username)
    list_page = client.get(pages(demo)[0]).content.decode()
    assert 'name="new-title"' in list_page
    budget = client.get(pages(demo)[2]).content.decode()
    assert 'name="target-title"' in budget
    assert reverse("budget_import", args=[demo.org.slug]) in budget
    assert client.get(reverse("budget_import", args=[demo.org.slug])).status_code == 200


def test_the_organization_page_links_to_the_strategy_and_the_budget(demo):
    page = demo.client("hallitus").get(reverse("organization_detail", args=[demo.org.slug]))
    content = page.content.decode()
    assert f'href="{reverse("strategy_list", args=[demo.org.slug])}"' in content
    assert f'href="{reverse("budget_targets", args=[demo.org.slug])}"' in content


# --- The organization admin's options ------------------------------------------------------------


def test_the_admin_sets_the_public_page_and_the_annex_option(demo):
    """The demo's Esimerkkikunta has its public page on and the annex option off."""
    client = demo.client("paakayttaja")
    url = reverse("strategy_list", args=[demo.org.slug])
    doc = parse(client.get(url).content)
    assert "checked" in doc.by_id("id_options-public_page").attrs
    assert "checked" not in doc.by_id("id_options-annex_shows_objectives").attrs
    response = client.post(
        reverse("strategy_options", args=[demo.org.slug]), {"options-annex_shows_objectives": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == url + "#options"
    organization = Organization.objects.get(pk=demo.org.pk)
    assert not organization.public_page
    assert organization.annex_shows_objectives
    event = AuditEvent.objects.filter(action="organization.update").latest("id")
    assert event.actor.username == "paakayttaja"
    assert set(changes_of(event)) == {"public_page", "annex_shows_objectives"}
    doc = parse(client.get(url).content)
    assert "checked" not in doc.by_id("id_options-public_page").attrs
    assert "checked" in doc.by_id("id_options-annex_shows_objectives").attrs


def test_saving_the_same_options_again_writes_no_event(demo):
    client = demo.client("paakayttaja")
    before = AuditEvent.objects.filter(action="organization.update").count()
    client.post(reverse("strategy_options", args=[demo.org.slug]), {"options-public_page": "on"})
    assert AuditEvent.objects.filter(action="organization.update").count() == before


def test_the_preparer_does_not_set_the_options(demo):
    client = demo.client("valmistelija")
    page = client.get(reverse("strategy_list", args=[demo.org.slug])).content.decode()
    assert "options-public_page" not in page
    response = client.post(reverse("strategy_options", args=[demo.org.slug]), {})
    assert response.status_code == 403
    assert Organization.objects.get(pk=demo.org.pk).public_page
