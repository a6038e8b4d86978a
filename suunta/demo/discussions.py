"""The demo's spring 2025 goal and development discussion of the seed's plan: notes in
every section (three of them restricted), two development items, a survey answered
by a board member, and a memo every participant has confirmed."""

import datetime as dt

from suunta.discussions import services
from suunta.discussions.models import (
    Discussion,
    DiscussionKind,
    Participant,
    Section,
    SectionKind,
    Survey,
    SurveyAnswer,
)

NOTES = {
    SectionKind.LAST_YEAR: (
        "Vuoden 2024 tavoitteet toteutuivat pääosin. Talouden tasapainotus eteni suunnitellusti; "
        "organisaatiorakenteen arvioinnin valmistelu siirtyi vuodelle 2025."
    ),
    SectionKind.COMING_GOALS: (
        "Käytiin läpi vuoden 2025 tavoiteluonnos. Talouden johtamisen mittarit täsmennettiin: "
        "talousarvion toteutuma prosentteina ja säästöohjelman euromääräinen seuranta."
    ),
    SectionKind.DEVELOPMENT: (
        "Kansliapäällikkö aloittaa johtamisen erikoisammattitutkinnon syksyllä 2025. "
        "Tarve vahvistaa muutosjohtamisen osaamista palveluverkon uudistuksessa."
    ),
    SectionKind.WELLBEING: (
        "Kevään työkuorma on ollut suuri. Sovittiin kesälomien pitämisestä yhtäjaksoisesti "
        "ja työajan seurannasta kerran kuussa pormestarin kanssa."
    ),
    SectionKind.COOPERATION: (
        "Yhteistyö poliittisen johtoryhmän kanssa toimii. Esityslistojen valmistelua aikaistetaan "
        "viikolla, jotta ryhmät ehtivät käsitellä asiat."
    ),
    SectionKind.OTHER: "Ei muita henkilökohtaisia asioita.",
}

ITEMS = [
    {
        "need": "Muutosjohtamisen osaaminen",
        "action": "Johtamisen erikoisammattitutkinto (JET) syksyllä 2025; kustannukset kunnan koulutusmäärärahasta.",
        "responsible": "Kansliapäällikkö; pormestari hyväksyy koulutuksen",
        "due_on": dt.date(2025, 12, 31),
        "status": "in_progress",
    },
    {
        "need": "Työkuorman hallinta",
        "action": "Työajan seuranta kerran kuussa pormestarin kanssa; sijaisjärjestelyt lomien ajaksi.",
        "responsible": "Pormestari ja kansliapäällikkö",
        "due_on": dt.date(2025, 9, 30),
        "status": "in_progress",
    },
]

SURVEY_ANSWERS = [
    (
        "hallitus",
        "Talouden johtaminen",
        "Säästötavoitteiden seurantaan kuukausittainen raportti hallitukselle.",
    ),
    (
        "hallitus",
        "Yhteistyö poliittisen johdon kanssa",
        "Tiedonkulku on parantunut; toivon lisää iltakouluja.",
    ),
]


def load_discussion(people, plan) -> Discussion:
    agreement = plan.agreement
    existing = Discussion.objects.filter(agreement=agreement, held_on=dt.date(2025, 3, 12)).first()
    if existing is not None:
        return existing
    mayor = people["pormestari"]
    participants = [
        people[u] for u in ("pormestari", "apulaispormestari", "valtuuston-pj", "kansliapaallikko")
    ]
    discussion = services.create_discussion(
        mayor,
        agreement,
        participants=participants,
        plans=[plan],
        kind=DiscussionKind.ANNUAL,
        held_on=dt.date(2025, 3, 12),
        starts_at=dt.time(13, 0),
        duration_minutes=120,
        place="Kunnantalo, kokoushuone Kaisla",
    )
    # The survey ran before the discussion (a date the service would now refuse as
    # past), so the demo stores it directly.
    survey = Survey.objects.create(
        discussion=discussion, created_by=mayor, closes_on=dt.date(2025, 3, 10), anonymous=False
    )
    survey.recipients.set([people["hallitus"], people["valtuuston-pj"]])
    goals = {g.title: g for g in plan.versions.get(number=1).goal_areas.all()}
    for username, goal_title, text in SURVEY_ANSWERS:
        SurveyAnswer.objects.create(
            survey=survey, goal_area=goals[goal_title], respondent=people[username], text=text
        )
    for section in Section.objects.filter(discussion=discussion):
        services.save_section(mayor, section, text=NOTES[section.kind], revision=section.revision)
    for item in ITEMS:
        services.save_item(mayor, discussion, None, **item)
    for participant in participants:
        services.confirm_memo(participant, discussion)
    # Confirmed in the week after the meeting (the services stamp "now").
    confirmed = dt.datetime(2025, 3, 19, 12, 0, tzinfo=dt.UTC)
    Participant.objects.filter(discussion=discussion).update(confirmed_at=confirmed)
    Discussion.objects.filter(pk=discussion.pk).update(frozen_at=confirmed)
    return discussion
