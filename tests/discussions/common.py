"""Shared helpers for the discussion tests (issue 7): the demo discussion and its
texts, URLs, form data as the pages post it, creating discussions through the views,
the state of every discussion table and reading the pages."""

import datetime as dt
import re

from django.contrib.auth import get_user_model
from django.urls import reverse

from suunta.audit.models import AuditEvent
from suunta.demo import discussions as demo_discussion
from suunta.discussions.models import (
    DevelopmentItem,
    Discussion,
    Participant,
    Section,
    SectionKind,
    Survey,
    SurveyAnswer,
)
from suunta.organizations.models import Membership, Role

from ..dom import Element, parse
from ..helpers import fi

__all__ = ["fi"]

MAYOR = "pormestari"
DEPUTY = "apulaispormestari"
CHAIR = "valtuuston-pj"
EXECUTIVE = "kansliapaallikko"
PREPARER = "valmistelija"
BOARD_MEMBER = "hallitus"
AUDITOR = "tarkastaja"
ADMIN = "paakayttaja"
TOINEN = ("toinen-paakayttaja", "toinen-johtaja", "toinen-kh-pj", "toinen-valmistelija")

DEMO_DAY = dt.date(2025, 3, 12)
DEMO_PARTICIPANTS = (MAYOR, DEPUTY, CHAIR, EXECUTIVE)
# A day inside the six months around the test day (27.11.2026): no date warning.
SOON = dt.date(2026, 12, 10)

RESTRICTED_KINDS = (SectionKind.DEVELOPMENT, SectionKind.WELLBEING, SectionKind.OTHER)
PUBLIC_KINDS = (SectionKind.LAST_YEAR, SectionKind.COMING_GOALS, SectionKind.COOPERATION)
DEMO_RESTRICTED_NOTES = [demo_discussion.NOTES[kind] for kind in RESTRICTED_KINDS]
DEMO_PUBLIC_NOTES = [demo_discussion.NOTES[kind] for kind in PUBLIC_KINDS]
DEMO_ITEM_TEXTS = [item[key] for item in demo_discussion.ITEMS for key in ("need", "action", "responsible")]
DEMO_ANSWERS = [text for _user, _goal, text in demo_discussion.SURVEY_ANSWERS]
# Everything only the people in the room may read.
DEMO_SECRETS = DEMO_RESTRICTED_NOTES + DEMO_ITEM_TEXTS + DEMO_ANSWERS


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def fi_date(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def user(username: str):
    return get_user_model().objects.get(username=username)


def demo_discussion_of(demo) -> Discussion:
    return Discussion.objects.get(agreement=demo.plan.agreement, held_on=DEMO_DAY)


def section_of(discussion, kind) -> Section:
    return Section.objects.get(discussion=discussion, kind=kind)


def add_evaluator(demo, username: str = "hallituksen-pj", **membership) -> object:
    """Another evaluator of Esimerkkikunta (a second deputy mayor), who takes part in no
    discussion unless asked."""
    person = get_user_model().objects.create_user(
        username, first_name="Ilkka", last_name="Rantanen", password="x"
    )
    fields = {"role": Role.EVALUATOR, "title": "deputy_mayor", "valid_from": dt.date(2023, 1, 1)}
    fields.update(membership)
    Membership.objects.create(organization=demo.org, user=person, **fields)
    return person


# --- URLs --------------------------------------------------------------------------------


def detail_url(discussion) -> str:
    return reverse("discussion_detail", args=[discussion.pk])


def new_url(agreement) -> str:
    return reverse("discussion_new", args=[agreement.pk])


def edit_url(discussion) -> str:
    return reverse("discussion_edit", args=[discussion.pk])


def fragment_url(section) -> str:
    return reverse("discussion_section", args=[section.discussion_id, section.pk])


def save_url(section) -> str:
    return reverse("discussion_section_save", args=[section.discussion_id, section.pk])


def item_new_url(discussion) -> str:
    return reverse("development_item_new", args=[discussion.pk])


def item_url(discussion, item) -> str:
    return reverse("development_item_save", args=[discussion.pk, item.pk])


def confirm_url(discussion) -> str:
    return reverse("discussion_confirm", args=[discussion.pk])


def restricted_use_url(demo) -> str:
    """The executive's "Who reads my restricted notes" of the demo agreement."""
    return reverse("restricted_use", args=[demo.plan.agreement.pk])


def close_url(discussion) -> str:
    return reverse("discussion_close", args=[discussion.pk])


def calendar_url(discussion) -> str:
    return reverse("discussion_calendar", args=[discussion.pk])


def survey_new_url(discussion) -> str:
    return reverse("survey_new", args=[discussion.pk])


def survey_url(survey) -> str:
    return reverse("survey_answer", args=[survey.pk])


# --- Form data, as the pages post it ---------------------------------------------------------


def discussion_data(participants, *, held_on=SOON, plans=(), confirmed: bool = False, **overrides) -> dict:
    data = {
        "kind": "annual",
        "held_on": held_on.isoformat() if isinstance(held_on, dt.date) else held_on,
        "starts_at": "13:00",
        "duration_minutes": "90",
        "place": "Kunnantalo, kokoushuone Kaisla",
        "participants": [p.pk if hasattr(p, "pk") else user(p).pk for p in participants],
        "plans": [p.pk for p in plans],
    }
    if confirmed:
        data["date_confirmed"] = "on"
    data.update(overrides)
    return data


def section_data(section, text: str, revision=None) -> dict:
    return {
        f"s{section.pk}-text": text,
        f"s{section.pk}-revision": str(section.revision if revision is None else revision),
    }


def item_data(prefix: str = "item", **fields) -> dict:
    values = {
        "need": "Talousjohtamisen osaaminen",
        "action": "Julkisen talouden johtamiskoulutus keväällä",
        "responsible": "Kansliapäällikkö",
        "due_on": "2027-05-31",
        "status": "open",
    }
    values.update(fields)
    return {f"{prefix}-{name}": value for name, value in values.items()}


# --- Creating through the views -----------------------------------------------------------------


def create_discussion(
    demo,
    *,
    by: str = MAYOR,
    participants=(MAYOR, CHAIR, EXECUTIVE),
    held_on=SOON,
    plans=None,
    confirmed: bool = False,
) -> Discussion:
    """Create a discussion through the page as `by`; fails unless it was created."""
    plans = [demo.current] if plans is None else plans
    before = set(Discussion.objects.values_list("pk", flat=True))
    response = demo.client(by).post(
        new_url(demo.plan.agreement),
        discussion_data(participants, held_on=held_on, plans=plans, confirmed=confirmed),
    )
    assert response.status_code == 302, form_errors(response)
    (created,) = Discussion.objects.exclude(pk__in=before)
    assert response["Location"] == detail_url(created)
    return created


def write(client, section, text: str, **extra):
    section.refresh_from_db()
    return client.post(save_url(section), section_data(section, text), **extra)


# --- State -----------------------------------------------------------------------------------------


def state() -> dict[str, list]:
    """Every row the discussion pages can write, with every column: compare before and after."""
    tables = (Discussion, Participant, Section, DevelopmentItem, Survey, SurveyAnswer)
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in tables}
    rows["SurveyRecipients"] = list(Survey.recipients.through.objects.order_by("pk").values())
    rows["DiscussionPlans"] = list(Discussion.plans.through.objects.order_by("pk").values())
    return rows


def events(action: str, **filters) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("chain", "sequence"))


def audit_texts() -> list[str]:
    """Every stored text of every audit event: what an auditor or operator could read."""
    rows = AuditEvent.objects.values_list("changes", "object_repr", "payload", "action", "actor_label")
    return ["\n".join(str(value) for value in row) for row in rows]


def assert_not_in_audit(*secrets: str) -> None:
    texts = audit_texts()
    assert texts, "no audit events at all"
    for secret in secrets:
        leaked = [text for text in texts if secret in text]
        assert not leaked, f"{secret!r} is in the audit log: {leaked[:1]}"


# --- Reading pages -------------------------------------------------------------------------------


def main_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return squash(parse(response.content).by_id("main").text())


def page_text(response) -> str:
    """All the text and attribute values of the response, as anyone could read them."""
    return squash(response.content.decode())


def section_element(response, section) -> Element:
    return parse(response.content).by_id(f"section-{section.pk}")


def section_text(response, section) -> str:
    return squash(section_element(response, section).text())


def field_errors(response, control_id: str) -> list[str]:
    """The error messages in the field group holding the control with `control_id`."""
    assert response.status_code == 200, response.status_code
    control = parse(response.content).by_id(control_id)
    group = control if "field" in control.classes else control.closest(lambda e: "field" in e.classes)
    assert group is not None, f"{control_id} has no field group"
    lists = group.find_all(lambda e: "errorlist" in e.classes)
    return [squash(li.text()) for ul in lists for li in ul.find_all(lambda e: e.tag == "li")]


def form_errors(response) -> str:
    if response.status_code != 200:
        return f"status {response.status_code}"
    doc = parse(response.content)
    lists = doc.find_all(lambda e: "errorlist" in e.classes or "form-errors" in e.classes)
    return " | ".join(squash(e.text()) for e in lists)


def success_messages(response) -> list[str]:
    doc = parse(response.content)
    return [squash(m.text()) for m in doc.find_all(lambda e: "message--success" in e.classes)]
