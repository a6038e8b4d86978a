"""Shared helpers for the follow-up tests (issue 5): URLs, form data as the pages post
it, the state of every follow-up table, and reading the pages."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import translation

from suunta.agreements.models import Checkpoint, GoalArea
from suunta.audit.models import AuditEvent
from suunta.followup import services
from suunta.followup.models import Assessment, AssessmentKind, FollowUp, MetricNote, Rating, SkippedStep
from suunta.governance.models import Handling

from ..dom import Element, parse
from ..helpers import fi as _fi

EVALUATORS = ("pormestari", "apulaispormestari", "valtuuston-pj")
EXECUTIVE = "kansliapaallikko"
PREPARER = "valmistelija"
BOARD_MEMBER = "hallitus"
AUDITOR = "tarkastaja"


def fi(msgid: str, **params) -> str:
    """Our message as a Finnish user reads it; fails while the catalogue lacks it (the
    user would read English)."""
    with translation.override("fi"):
        assert translation.gettext(msgid) != msgid, f"not translated to Finnish: {msgid!r}"
    return _fi(msgid, **params)


def fi_date(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def version_of(plan):
    return plan.latest_version()


def checkpoints(plan) -> list[Checkpoint]:
    return list(Checkpoint.objects.filter(version=version_of(plan)).order_by("order", "window_start", "id"))


def open_checkpoint(demo) -> Checkpoint:
    """demo.current's first checkpoint: "marraskuu 2026", open 17.11.-17.12.2026."""
    checkpoint = checkpoints(demo.current)[0]
    assert (checkpoint.window_start, checkpoint.window_end) == (dt.date(2026, 11, 17), dt.date(2026, 12, 17))
    return checkpoint


def goals(plan) -> list[GoalArea]:
    return list(
        GoalArea.objects.filter(version=version_of(plan)).prefetch_related("metrics").order_by("order", "id")
    )


def ratings(organization) -> dict[str, Rating]:
    return {r.code: r for r in Rating.objects.filter(organization=organization)}


# --- URLs -----------------------------------------------------------------------------


def page_url(plan, checkpoint) -> str:
    return reverse("followup", args=[plan.pk, checkpoint.pk])


def own_url(plan, checkpoint) -> str:
    return reverse("followup_own", args=[plan.pk, checkpoint.pk])


def agreed_url(plan, checkpoint, goal) -> str:
    return reverse("followup_agreed", args=[plan.pk, checkpoint.pk, goal.pk])


def action_url(name: str, plan, checkpoint) -> str:
    return reverse(f"followup_{name}", args=[plan.pk, checkpoint.pk])


def dashboard_url(organization) -> str:
    return reverse("dashboard", args=[organization.slug])


# --- Form data, as the pages post it -------------------------------------------------------


def own_data(
    goal_list, rating, text: str, *, submit: bool = False, notes: dict | None = None, **overrides
) -> dict:
    """The all-goals form (self-assessment or view): every goal rated `rating` with
    `text` plus the goal's title. `overrides` replace single keys ("own-7-rating")."""
    data = {}
    for goal in goal_list:
        data[f"own-{goal.pk}-rating"] = "" if rating is None else str(getattr(rating, "pk", rating))
        data[f"own-{goal.pk}-text"] = f"{text} ({goal.title})" if text else ""
        data[f"own-{goal.pk}-revision"] = ""
    for metric_id, note in (notes or {}).items():
        goal_id = next(g.pk for g in goal_list if any(m.pk == metric_id for m in g.metrics.all()))
        data[f"own-{goal_id}-note_{metric_id}"] = note
    data.update(overrides)
    data["submit" if submit else "save"] = ""
    return data


def agreed_data(goal, rating, text: str, revision) -> dict:
    return {
        f"agreed-{goal.pk}-rating": "" if rating is None else str(getattr(rating, "pk", rating)),
        f"agreed-{goal.pk}-text": text,
        f"agreed-{goal.pk}-revision": "" if revision is None else str(revision),
    }


def form_revision(response, goal) -> str:
    """The revision the agreed-follow-up form of `goal` carries (what the browser posts back)."""
    return parse(response.content).by_id(f"id_agreed-{goal.pk}-revision").value()


# --- State --------------------------------------------------------------------------------


def state() -> dict[str, list]:
    """Every row the follow-up can write, with every column: compare before and after.

    A pristine FollowUp row (open, nothing recorded) is left out: the checkpoint page
    creates one on first view, which is no user data."""
    tables = (Assessment, MetricNote, SkippedStep, Handling)
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in tables}
    pristine = {"status": "open", "agreed_on": None, "agreed_body_id": None, "report_id": None}
    rows["FollowUp"] = [
        row
        for row in FollowUp.objects.order_by("pk").values()
        if any(row[key] != value for key, value in pristine.items())
    ]
    return rows


def status_of(checkpoint) -> str:
    followup = FollowUp.objects.filter(checkpoint=checkpoint).first()
    return followup.status if followup else "open"


def denied(organization) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(organization=organization, outcome="denied").order_by("chain", "sequence")
    )


def actions(organization) -> list[str]:
    return list(
        AuditEvent.objects.filter(organization=organization, outcome="ok")
        .order_by("chain", "sequence")
        .values_list("action", flat=True)
    )


# --- Through the services (for the steps a test is not about) -----------------------------------


def submit_all(user, checkpoint, goal_list, kind, rating, text="Arvio") -> None:
    for goal in goal_list:
        services.save_assessment(
            user, checkpoint, goal, kind, rating=rating, text=f"{text} ({goal.title})", submit=True
        )


def self_assess(demo, checkpoint, rating) -> None:
    submit_all(
        demo.user(EXECUTIVE), checkpoint, goals(demo.current), AssessmentKind.SELF, rating, "Itsearvio"
    )


def views_in(demo, checkpoint, rating, usernames=EVALUATORS) -> None:
    for username in usernames:
        submit_all(
            demo.user(username),
            checkpoint,
            goals(demo.current),
            AssessmentKind.VIEW,
            rating,
            f"Näkemys {username}",
        )


def agree_all(demo, checkpoint, rating) -> None:
    for goal in goals(demo.current):
        services.save_assessment(
            demo.user(PREPARER),
            checkpoint,
            goal,
            AssessmentKind.AGREED,
            rating=rating,
            text=f"Sovittu ({goal.title})",
        )


# --- Reading pages ------------------------------------------------------------------------------


def main_text(response) -> str:
    assert response.status_code == 200, response.status_code
    doc = parse(response.content)
    main = doc.by_id("main")
    return squash(main.text())


def goal_section(response, goal) -> Element:
    return parse(response.content).by_id(f"goal-{goal.pk}")


def assessments_text(response, goal) -> str:
    """What the checkpoint page shows of `goal`'s assessments (the <dl>), as text."""
    section = goal_section(response, goal)
    dl = section.find_all(lambda e: e.tag == "dl" and "assessments" in e.classes)
    assert len(dl) == 1
    return squash(dl[0].text())


def field_errors(response, control_id: str) -> list[str]:
    """The error messages in the field group holding the control with `control_id`."""
    assert response.status_code == 200, response.status_code
    control = parse(response.content).by_id(control_id)
    group = control if "field" in control.classes else control.closest(lambda e: "field" in e.classes)
    assert group is not None, f"{control_id} has no field group"
    lists = group.find_all(lambda e: "errorlist" in e.classes)
    return [squash(li.text()) for ul in lists for li in ul.find_all(lambda e: e.tag == "li")]


def success_messages(response) -> list[str]:
    doc = parse(response.content)
    return [squash(m.text()) for m in doc.find_all(lambda e: "message--success" in e.classes)]


def notices(response) -> list[str]:
    doc = parse(response.content)
    found = [squash(e.text()) for e in doc.find_all(lambda e: "notice" in e.classes)]
    for box in doc.find_all(lambda e: "form-errors" in e.classes):
        found += [squash(p.text()) for p in box.find_all(lambda e: e.tag == "p")]
    return found
