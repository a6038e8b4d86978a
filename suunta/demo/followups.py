"""The demo's follow-ups: the seed plan's two checkpoints written, agreed and reported
to the board, and the current year's plan (made with the next-period function) with a
checkpoint open today, so a newcomer sees work that is due. Texts are fictional."""

import datetime as dt

from suunta.agreements import services as plan_services
from suunta.agreements.models import GoalPlan, PlanVersion
from suunta.followup import services as followup_services
from suunta.followup.models import AssessmentKind, FollowUp, Rating
from suunta.governance import services as governance_services
from suunta.governance import workflow
from suunta.lib.clock import today

D = dt.date
FI_MONTHS = [
    "tammikuu",
    "helmikuu",
    "maaliskuu",
    "huhtikuu",
    "toukokuu",
    "kesäkuu",
    "heinäkuu",
    "elokuu",
    "syyskuu",
    "lokakuu",
    "marraskuu",
    "joulukuu",
]
SV_MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


def submit_self_and_views(executive, views: dict, checkpoint, goal, own: tuple, view_rating) -> None:
    """The executive's submitted self-assessment of one goal, `own` = (rating, text), and
    each evaluator's submitted view ({evaluator: text}) with `view_rating`."""
    rating, text = own
    followup_services.save_assessment(
        executive, checkpoint, goal, AssessmentKind.SELF, rating=rating, text=text, submit=True
    )
    for evaluator, view in views.items():
        followup_services.save_assessment(
            evaluator, checkpoint, goal, AssessmentKind.VIEW, rating=view_rating, text=view, submit=True
        )


# Per goal of the seed plan, per checkpoint: (self rating, self text, agreed rating, agreed text).
SEED_FOLLOWUPS = [
    [
        (
            "progressed",
            "Vuositavoitteiden seuranta on käynnissä; puolivuotiskatsaus valmistui kesäkuussa.",
            "progressed",
            "Edennyt suunnitellusti. Uuden strategiakauden valmistelun aikataulu sovittu.",
        ),
        (
            "achieved",
            "Valtuustokauden tavoitteet raportoitu; strategiatyö käynnistyi joulukuussa.",
            "achieved",
            "Strategiatyö käynnistetty valtuuston seminaarissa.",
        ),
    ],
    [
        (
            "progressed",
            "Esihenkilöiden valmennusohjelma alkoi syyskuussa.",
            "progressed",
            "Valmennusohjelma käynnissä; kehityskeskustelut käyty kaikkien suorien esihenkilöiden kanssa.",
        ),
        (
            "progressed",
            "Henkilöstökyselyn johtamisen tulos nousi 3,6:sta 3,8:aan.",
            "progressed",
            "Henkilöstökyselyn tulos parani.",
        ),
    ],
    [
        (
            "partly",
            "Talous on alkuvuoden osalta talousarviossa; säästötoimet ovat osin kesken.",
            "partly",
            "Säästötavoitteesta on toteutunut noin puolet; loput toimet päätetään syksyllä.",
        ),
        (
            "progressed",
            "Säästötavoitteesta toteutui 85 %.",
            "progressed",
            "Tilinpäätösennuste talousarvion mukainen; säästöistä toteutui 85 %.",
        ),
    ],
    [
        (
            "achieved",
            "Johtoryhmän työskentely käynnistettiin uudelleen maaliskuussa.",
            "achieved",
            "Johtoryhmä kokoontuu viikoittain.",
        ),
        (
            "achieved",
            "Johtoryhmätyön arviointi tehtiin joulukuussa.",
            "achieved",
            "Arvioinnin tulokset käyty läpi.",
        ),
    ],
    [
        (
            "progressed",
            "Valmistelun laatua on parannettu esittelijäkoulutuksella.",
            "progressed",
            "Tiedonkulku poliittisen johtoryhmän kanssa toimii.",
        ),
        (
            "achieved",
            "Luottamushenkilöiden perehdytysohjelma valmistui.",
            "achieved",
            "Perehdytysohjelma otettu käyttöön.",
        ),
    ],
    [
        (
            "not_progressed",
            "Organisaatiorakenteen arviointi siirtyi syksyyn.",
            "not_progressed",
            "Arviointi aloitetaan syyskuussa.",
        ),
        (
            "partly",
            "Muutostarpeet on tunnistettu; toimeenpano alkaa 2026.",
            "partly",
            "Muutostarpeet tunnistettu, toimeenpano alkaa vuonna 2026.",
        ),
    ],
]
VIEW_TEXTS = {
    "pormestari": "Samaa mieltä itsearvion kanssa.",
    "valtuuston-pj": "Hyvä suunta; toivon tarkempaa raportointia seuraavaan seurantaan.",
}
# (checkpoint index, meeting date agreed in poljory, board meeting, §)
SEED_MEETINGS = [(0, D(2025, 8, 27), D(2025, 9, 8), "112"), (1, D(2026, 2, 18), D(2026, 3, 2), "28")]


def load_followups(people: dict, plan: GoalPlan) -> None:
    """Write the seed plan's follow-ups (idempotent: skipped when already written)."""

    version = plan.versions.get(status="approved")
    checkpoints = list(version.checkpoints.order_by("order"))
    if FollowUp.objects.filter(checkpoint__in=checkpoints).exists():
        return
    ratings = {r.code: r for r in Rating.objects.filter(organization_id=plan.agreement.organization_id)}
    goals = list(version.goal_areas.order_by("order"))
    for index, agreed_on, board_date, section in SEED_MEETINGS:
        checkpoint = checkpoints[index]
        for goal, rows in zip(goals, SEED_FOLLOWUPS, strict=True):
            self_rating, self_text, agreed_rating, agreed_text = rows[index]
            submit_self_and_views(
                people["kansliapaallikko"],
                {people[u]: text for u, text in VIEW_TEXTS.items()},
                checkpoint,
                goal,
                (ratings[self_rating], self_text),
                ratings[agreed_rating],
            )
        followup_services.close_step(
            people["valmistelija"],
            checkpoint,
            "Apulaispormestari oli estynyt; näkemykset käsiteltiin kokouksessa.",
        )
        for goal, rows in zip(goals, SEED_FOLLOWUPS, strict=True):
            _s, _t, agreed_rating, agreed_text = rows[index]
            followup_services.save_assessment(
                people["valmistelija"],
                checkpoint,
                goal,
                AssessmentKind.AGREED,
                rating=ratings[agreed_rating],
                text=agreed_text,
            )
        followup_services.mark_agreed(people["valmistelija"], checkpoint, agreed_on)
        followup_services.report_to_board(
            people["valmistelija"],
            checkpoint,
            meeting_date=board_date,
            section=section,
            case_number="TUUDno-2025-123",
            text="Kunnanhallitus merkitsee kansliapäällikön tavoitteiden seurannan tiedoksi.",
        )


def load_current_plan(people: dict, plan: GoalPlan) -> GoalPlan | None:
    """The plans from the seed's year up to today's, each made from the previous one and
    approved; the current one gets a checkpoint whose window contains today."""
    day = today()
    current = plan
    preparer = people["valmistelija"]
    while current.period_end < day:
        successor = (
            GoalPlan.objects.filter(agreement=current.agreement, period_start__gt=current.period_end)
            .order_by("period_start")
            .first()
        )
        if successor is None:
            successor = plan_services.create_next_period_plan(preparer, current)
            _prepare_and_approve(people, successor, is_current=successor.period_end >= day)
        current = successor
    return current if current != plan else None


def _prepare_and_approve(people: dict, plan: GoalPlan, is_current: bool) -> None:
    preparer = people["valmistelija"]
    version = plan.versions.get()
    day = today()
    if is_current and not version.checkpoints.filter(window_start__lte=day, window_end__gte=day).exists():
        first = version.checkpoints.order_by("order").first()
        start = max(plan.period_start, day - dt.timedelta(days=10))
        plan_services.update_checkpoint(
            preparer,
            first,
            label=f"{FI_MONTHS[day.month - 1]} {day.year}",
            label_sv=f"{SV_MONTHS[day.month - 1]} {day.year}",
            window_start=start,
            window_end=day + dt.timedelta(days=20),
        )
    meeting = min(D(plan.period_start.year, 3, 31), day)
    for action, extra in (
        ("propose", {}),
        (
            "approve",
            {
                "meeting_date": meeting,
                "section": "40",
                "case_number": f"TUUDno-{meeting.year}-7",
                "presenter": people["pormestari"],
                "text": f"Kunnanhallitus hyväksyy kansliapäällikön vuositavoitteet {plan.period_start.year} "
                "liitteen mukaisesti.",
            },
        ),
    ):
        version = PlanVersion.objects.get(pk=version.pk)
        step = next(s for s in workflow.steps_from(version) if s.action == action)
        governance_services.take_step(preparer, version, step, **extra)
