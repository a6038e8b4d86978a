"""Every HTML page of the product, for the checks that must see them all: axe-core in
the browser (tests/e2e/test_every_page.py) and the Nu Html Checker (tests/test_html_valid.py).

The list is derived from the access matrix (tests/test_access_matrix.py), which already
has an entry for every URL pattern and knows who may open it, so a new page is checked
as soon as it is given its access entry. Each page is opened as the first persona of
PREFERENCE the matrix lets in (anonymous visitors for the pages everyone may open).
Pages whose matrix entry is a POST are listed too: most of them also answer GET with a
form (a survey answer, an agreed text), and `required` is False for them.
"""

from dataclasses import dataclass

from django.urls import reverse

from suunta.agreements.models import Checkpoint, CheckpointKind
from suunta.sso.models import OrganizationLogin
from suunta.strategy import services as strategy_services
from suunta.strategy.models import Strategy
from tests.test_access_matrix import ANON, MATRIX, invitation_token, open_discussion

# Not HTML (a style sheet, a calendar file, downloads), the logout and language
# actions, the operators' Django admin, and plan_next_period, whose matrix set-up
# deletes the demo's 2027 draft that the plan-editing pages open.
NOT_PAGES = {
    "rating_styles",
    "discussion_calendar",
    "calendar_feed",  # iCalendar feeds (suunta/reminders)
    "organization_calendar_feed",
    "evidence_download",
    "agreement_signed_file",
    "document_download",
    "logout",
    "set_language",
    "admin:index",
    "plan_next_period",
    "strategy_map_xlsx",  # a spreadsheet
    "public_goals_json",  # JSON
    "healthz",  # JSON for load balancers
    "readyz",
    "prometheus_metrics",  # Prometheus text
    "openid_connect_callback",  # the provider's redirect back, never a page of its own
    # Opens only between the password and the code of a sign-in: checked there by
    # tests/e2e/test_two_factor.py (axe) and tests/accounts/test_two_factor_pages.py (vnu).
    "login_code",
    # Only a draft strategy's parts are edited: these open on a draft in extra_states.
    "strategy_theme_edit",
    "strategy_objective_edit",
    "strategy_indicator_edit",
    "handling_package",  # a ZIP
}
# The REST API (JSON and files): its reference page (api_docs) is the HTML.
NOT_PAGE_NAMESPACES = ("api_v1:",)

# The preparer sees the most (drafts, documents, every form); then the mayor, who
# alone closes discussions and asks for views; then the rest.
PREFERENCE = (
    "valmistelija",
    "pormestari",
    "valtuuston-pj",
    "kansliapaallikko",
    "paakayttaja",
    "tarkastaja",
    "hallitus",
    "apulaispormestari",
    "toinen-valmistelija",
    "toinen-kh-pj",
    "toinen-johtaja",
    "toinen-paakayttaja",
)


@dataclass(frozen=True)
class Page:
    name: str  # the URL pattern's name, with a suffix for an extra state
    persona: str | None  # None: an anonymous visitor
    url: str
    required: bool = True  # False: a POST endpoint that may also answer GET

    @property
    def label(self) -> str:
        return f"{self.name} as {self.persona or 'anonymous'}"


def persona_for(name: str) -> str | None:
    entry = MATRIX[name]
    if entry.method == "get" and entry.expected[ANON] == 200:
        return None
    allowed = {200} if entry.method == "get" else {200, 302}
    for persona in PREFERENCE:
        if entry.expected[persona] in allowed:
            return persona
    raise AssertionError(f"no persona may open {name}")


def every_page(demo) -> list[Page]:
    """Every page pattern once, plus the states that differ most from the matrix's:
    the other documents, the 2025 plan's reported follow-up and an open discussion."""
    pages = []
    for name in sorted(n for n in MATRIX.keys() - NOT_PAGES if not n.startswith(NOT_PAGE_NAMESPACES)):
        entry = MATRIX[name]
        url = reverse(name, args=entry.args(demo) if entry.args else None)
        pages.append(Page(name, persona_for(name), url, required=entry.method == "get"))
    return pages + extra_states(demo)


def _draft_strategy_pages(demo) -> list[Page]:
    """A revision of the demo's strategy, as a draft: its page with every form, and the
    edit pages of its parts."""
    approved = Strategy.objects.get(organization=demo.org, status="approved")
    draft = strategy_services.revise_strategy(demo.user("valmistelija"), approved)
    objective = draft.objectives.get(number="1.1")
    keys = [demo.org.slug, draft.pk]
    return [
        Page("strategy_detail/draft", "valmistelija", reverse("strategy_detail", args=keys)),
        Page(
            "strategy_theme_edit/draft",
            "valmistelija",
            reverse("strategy_theme_edit", args=[*keys, draft.themes.order_by("order").first().pk]),
        ),
        Page(
            "strategy_objective_edit/draft",
            "valmistelija",
            reverse("strategy_objective_edit", args=[*keys, objective.pk]),
        ),
        Page(
            "strategy_indicator_edit/draft",
            "valmistelija",
            reverse("strategy_indicator_edit", args=[*keys, objective.indicators.get().pk]),
        ),
    ]


def _single_sign_on_pages(demo) -> list[Page]:
    """Esimerkkikunta with single sign-on (Entra ID's addresses, never fetched): the login
    page with its "sign in with your organization's account", the settings page with a
    secret set, and an invitation page with its single sign-on button."""
    tenant = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000"
    OrganizationLogin.objects.update_or_create(
        organization=demo.org,
        defaults={
            "issuer": f"{tenant}/v2.0",
            "client_id": "11111111-1111-1111-1111-111111111111",
            "client_secret": "not-shown",
            "allowed_domains": ["esimerkkikunta.fi"],
            "enabled": True,
            "authorization_endpoint": f"{tenant}/oauth2/v2.0/authorize",
        },
    )
    return [
        Page("login/sso", None, reverse("login")),
        Page("sso_settings/configured", "paakayttaja", reverse("sso_settings", args=[demo.org.slug])),
        Page("invitation_accept/sso", None, reverse("invitation_accept", args=invitation_token(demo))),
    ]


def extra_states(demo) -> list[Page]:

    version = demo.plan.versions.get(status="approved")
    reported = version.checkpoints.order_by("order").first()
    evaluation = Checkpoint.objects.select_related("version").get(
        kind=CheckpointKind.EVALUATION, version__plan__agreement__organization__slug="pikkujarvi"
    )
    return [
        *_draft_strategy_pages(demo),
        *_single_sign_on_pages(demo),
        Page(
            "document_preview/annex",
            "valmistelija",
            reverse("document_preview", args=[demo.plan.pk, "annex"]),
        ),
        Page(
            "document_preview/followup_report",
            "valmistelija",
            reverse("document_preview", args=[demo.plan.pk, "followup-report"])
            + "?checkpoint=1",  # counted from 1
        ),
        Page("followup/reported", "pormestari", reverse("followup", args=[demo.plan.pk, reported.pk])),
        Page(
            "discussion_detail/open", "pormestari", reverse("discussion_detail", args=open_discussion(demo))
        ),
        Page("plan_detail/draft", "valmistelija", reverse("plan_detail", args=[demo.draft.pk])),
        Page("plan_detail/current", "kansliapaallikko", reverse("plan_detail", args=[demo.current.pk])),
        # The chair-group demo's year's evaluation, decided with its pay: the result
        # table per goal and metric and the decided calculation.
        Page(
            "followup/year_evaluation",
            "pikku-valmistelija",
            reverse("followup", args=[evaluation.version.plan_id, evaluation.pk]),
        ),
    ]
