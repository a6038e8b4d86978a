"""The demo's goal cascade (issue 21): two sector directors of Esimerkkikunta, the
education director (sivistysjohtaja) and the technical director (tekninen johtaja),
each with a director agreement evaluated by the chief of staff (kansliapaallikko) and a
2025 plan approved by the board, whose goals serve goals of the chief's 2025 plan (the
seed's). The first follow-up of each plan is written by the director, viewed and
agreed by the chief and reported to the board; the second is still to be written.

People, texts and decisions are written for the demo (no real municipality's);
Swedish texts are our translations. Idempotent, as the rest of the demo."""

import datetime as dt
from collections.abc import Iterator

from django.contrib.auth import get_user_model

from suunta import policies
from suunta.agreements.models import DirectorAgreement, GoalArea, GoalPlan
from suunta.followup import services as followup_services
from suunta.followup.models import AssessmentKind, FollowUp, Rating
from suunta.organizations.models import Membership, Position, Role

from . import data
from .followups import submit_self_and_views

D = dt.date

CHIEF = "kansliapaallikko"
PREPARER = "valmistelija"

# The chief of staff's position as the directors' evaluator: the mayor preset has none.
# The chief presents the directors' goals to the board, marks their follow-ups agreed
# and closes their discussion memos.
CHIEF_POSITION = {
    "code": "chief_of_staff",
    "name": "Kansliapäällikkö",
    "name_sv": "Kanslichef",
    "genitive": "kansliapäällikön",
    "genitive_sv": "kanslichefens",
    "presents": True,
    "may_mark_agreed": True,
    "may_close_memo": True,
}
# The decision the chief's evaluator roles rest on.
CHIEF_BASIS = "KH 11.12.2023 § 198, toimialajohtajien johtajasopimukset ja arviointi"

# Per director: the person, the agreement, the 2025 plan and its first follow-up.
# Goals: (title, title_sv, metrics, {"serves": title of the seed goal it serves}).
# The follow-up per goal: (self rating, self text, the chief's view, agreed rating, agreed text).
DIRECTORS = [
    {
        "username": "sivistysjohtaja",
        "first_name": "Hanna",
        "last_name": "Ojala",
        "basis": "KH 10.6.2024 § 88, sivistysjohtajan valinta ja johtajasopimus",
        "agreement": {
            "position_title": "sivistysjohtaja",
            "position_title_sv": "bildningsdirektör",
            "position_genitive": "sivistysjohtajan",
            "position_genitive_sv": "bildningsdirektörens",
            "legal_basis": "Esimerkkikunnan hallintosääntö 36 § (toimialajohtajien johtajasopimukset)",
            "starts_on": D(2024, 8, 1),
            "signed_on": D(2024, 6, 17),
        },
        "plan": {
            "preparer": PREPARER,
            "title": "Sivistysjohtajan tavoitteet 2025",
            "title_sv": "Bildningsdirektörens mål 2025",
            "period_start": D(2025, 1, 1),
            "period_end": D(2025, 12, 31),
            "goals": [
                (
                    "Koulujen ja päiväkotien palveluverkon selvitys",
                    "Utredning av servicenätet för skolor och daghem",
                    [
                        (
                            "Palveluverkkoselvitys valmistuu sivistyslautakunnan käsittelyyn lokakuussa 2025",
                            "Utredningen av servicenätet blir klar för bildningsnämndens behandling "
                            "i oktober 2025",
                        ),
                        (
                            "Huoltajia ja henkilöstöä kuullaan ennen päätösesitystä",
                            "Vårdnadshavare och personal hörs före beslutsförslaget",
                        ),
                    ],
                    {"serves": "Organisaatiorakenteen arviointi ja kehittäminen"},
                ),
                (
                    "Rehtorien ja päiväkodinjohtajien johtamisen tukeminen",
                    "Stöd för rektorernas och daghemsföreståndarnas ledarskap",
                    [
                        (
                            "Kaikki rehtorit ja päiväkodinjohtajat osallistuvat esihenkilövalmennukseen",
                            "Alla rektorer och daghemsföreståndare deltar i chefscoachningen",
                        ),
                        (
                            "Henkilöstökyselyn johtamisen tulos sivistystoimessa vähintään 3,7",
                            "Resultatet för ledarskap i personalenkäten inom bildningsväsendet minst 3,7",
                        ),
                    ],
                    {"serves": "Henkilöstöjohtaminen"},
                ),
                (
                    "Sivistystoimen talous pysyy talousarviossa",
                    "Bildningsväsendets ekonomi hålls inom budgeten",
                    [
                        (
                            "Sivistyslautakunnan toimintakulut enintään talousarvion mukaiset",
                            "Bildningsnämndens verksamhetskostnader högst enligt budgeten",
                        ),
                        (
                            "Sijaiskulut vähenevät edellisvuodesta",
                            "Vikariekostnaderna minskar från föregående år",
                        ),
                    ],
                    {"serves": "Talouden johtaminen"},
                ),
            ],
            "checkpoints": [
                ("syyskuu 2025", "september 2025", D(2025, 9, 1), D(2025, 9, 30)),
                ("tammikuu 2026", "januari 2026", D(2026, 1, 1), D(2026, 1, 31)),
            ],
            "steps": [
                {"action": "propose", "by": PREPARER},
                {
                    "action": "approve",
                    "by": PREPARER,
                    "meeting_date": D(2025, 4, 28),
                    "section": "58",
                    "case_number": "TUUDno-2025-141",
                    "presenter": CHIEF,
                    "text": "Kunnanhallitus hyväksyy sivistysjohtajan vuositavoitteet 2025 liitteen mukaisesti.",
                },
            ],
        },
        "followup": {
            "goals": [
                (
                    "progressed",
                    "Selvityksen luonnos valmistui elokuussa. Huoltajien kuulemistilaisuudet pidetään "
                    "lokakuussa kaikilla kolmella koulualueella.",
                    "Selvitys etenee aikataulussa. Kuulemisten palaute on koottava ennen lautakunnan käsittelyä.",
                    "progressed",
                    "Selvitys etenee aikataulussa; kuulemiset lokakuussa ja lautakunnan käsittely marraskuussa.",
                ),
                (
                    "achieved",
                    "Kaikki yksitoista rehtoria ja päiväkodinjohtajaa aloittivat valmennuksen elokuussa.",
                    "Valmennus alkoi hyvin. Tavoite toteutuu, kun henkilöstökyselyn tulos nähdään marraskuussa.",
                    "progressed",
                    "Valmennus on alkanut kaikkien esihenkilöiden osalta; vaikutus näkyy henkilöstökyselyssä.",
                ),
                (
                    "partly",
                    "Toimintakulut ovat elokuun lopussa 1,8 % yli talousarvion, koska sijaiskulut ylittyivät "
                    "keväällä. Sijaisten rekrytointi keskitettiin elokuussa.",
                    "Ylitys on otettava huomioon syksyn säästötoimissa; keskitetty rekrytointi on oikea suunta.",
                    "partly",
                    "Kulut ylittävät talousarvion 1,8 %; sijaiskuluja seurataan kuukausittain vuoden loppuun.",
                ),
            ],
            "agreed_on": D(2025, 9, 24),
            "board": (D(2025, 10, 20), "131", "TUUDno-2025-141"),
            "text": "Kunnanhallitus merkitsee sivistysjohtajan tavoitteiden seurannan tiedoksi.",
        },
    },
    {
        "username": "tekninen-johtaja",
        "first_name": "Antti",
        "last_name": "Kettunen",
        "basis": "KH 13.11.2023 § 176, teknisen johtajan valinta ja johtajasopimus",
        "agreement": {
            "position_title": "tekninen johtaja",
            "position_title_sv": "teknisk direktör",
            "position_genitive": "teknisen johtajan",
            "position_genitive_sv": "tekniska direktörens",
            "legal_basis": "Esimerkkikunnan hallintosääntö 36 § (toimialajohtajien johtajasopimukset)",
            "starts_on": D(2024, 1, 1),
            "signed_on": D(2023, 12, 4),
        },
        "plan": {
            "preparer": PREPARER,
            "title": "Teknisen johtajan tavoitteet 2025",
            "title_sv": "Tekniska direktörens mål 2025",
            "period_start": D(2025, 1, 1),
            "period_end": D(2025, 12, 31),
            "goals": [
                (
                    "Kunnan tilojen käytön tehostaminen",
                    "Effektivare användning av kommunens lokaler",
                    [
                        (
                            "Tilaohjelma 2025–2030 hyväksytään kunnanhallituksessa",
                            "Lokalprogrammet 2025–2030 godkänns i kommunstyrelsen",
                        ),
                        (
                            "Vähintään kolmesta vajaakäyttöisestä kiinteistöstä luovutaan",
                            "Minst tre underutnyttjade fastigheter avyttras",
                        ),
                    ],
                    {"serves": "Talouden johtaminen"},
                ),
                (
                    "Investointiohjelman toteuttaminen",
                    "Genomförande av investeringsprogrammet",
                    [
                        (
                            "Vuoden 2025 investoinnit valmistuvat aikataulussa ja kustannusarviossa",
                            "Investeringarna 2025 blir klara enligt tidtabell och kostnadskalkyl",
                        ),
                        (
                            "Investointien etenemisestä raportoidaan kunnanhallitukselle neljännesvuosittain",
                            "Investeringarnas framskridande rapporteras kvartalsvis till kommunstyrelsen",
                        ),
                    ],
                    {"serves": "Strategian toimeenpanon johtaminen"},
                ),
            ],
            "checkpoints": [
                ("syyskuu 2025", "september 2025", D(2025, 9, 1), D(2025, 9, 30)),
                ("tammikuu 2026", "januari 2026", D(2026, 1, 1), D(2026, 1, 31)),
            ],
            "steps": [
                {"action": "propose", "by": PREPARER},
                {
                    "action": "approve",
                    "by": PREPARER,
                    "meeting_date": D(2025, 4, 28),
                    "section": "59",
                    "case_number": "TUUDno-2025-142",
                    "presenter": CHIEF,
                    "text": "Kunnanhallitus hyväksyy teknisen johtajan vuositavoitteet 2025 liitteen mukaisesti.",
                },
            ],
        },
        "followup": {
            "goals": [
                (
                    "progressed",
                    "Tilaohjelman luonnos on valmis ja menee kunnanhallitukseen lokakuussa. Vanhan "
                    "paloaseman ja kahden asuinrakennuksen myynti on käynnissä.",
                    "Hyvä eteneminen. Myyntien tulot kirjataan säästöohjelman seurantaan.",
                    "progressed",
                    "Tilaohjelma kunnanhallituksen käsittelyyn lokakuussa; kolmen kiinteistön myynti käynnissä.",
                ),
                (
                    "partly",
                    "Koulukeskuksen peruskorjaus on kuusi viikkoa myöhässä urakoitsijan resurssipulan vuoksi; "
                    "muut investoinnit etenevät aikataulussa.",
                    "Koulukeskuksen viivästyksestä on raportoitava hallitukselle erikseen marraskuussa.",
                    "partly",
                    "Investoinnit etenevät koulukeskusta lukuun ottamatta; sen viivästyksestä raportoidaan "
                    "hallitukselle marraskuussa.",
                ),
            ],
            "agreed_on": D(2025, 9, 25),
            "board": (D(2025, 10, 20), "132", "TUUDno-2025-142"),
            "text": "Kunnanhallitus merkitsee teknisen johtajan tavoitteiden seurannan tiedoksi.",
        },
    },
]

USERNAMES = [director["username"] for director in DIRECTORS]


def load_directors(org, people: dict, seed_plan: GoalPlan, password: str) -> Iterator[tuple]:
    """The directors (added to `people`) and their agreements, each evaluated by the
    chief: (agreement, the 2025 plan's spec for loader.load_plan with each goal's
    `serves` resolved to the served seed goal's lineage, the first follow-up's spec)."""
    chief = people[CHIEF]
    position = _chief_position(org)
    served = {
        goal.title: goal.lineage
        for goal in GoalArea.objects.filter(version__plan=seed_plan, version__status="approved")
    }
    for spec in DIRECTORS:
        director = _director(org, spec, password)
        people[director.username] = director
        agreement, _ = DirectorAgreement.objects.get_or_create(
            organization=org, executive=director, defaults=spec["agreement"]
        )
        # The chief evaluates the director's agreement (the rights held for it alone)
        # before the plan is made: the chain of evaluators makes the chief's goals servable.
        Membership.objects.get_or_create(
            organization=org,
            user=chief,
            role=Role.EVALUATOR,
            title=position.code,
            agreement=agreement,
            defaults={"valid_from": data.MEMBERSHIP_START, "basis": CHIEF_BASIS},
        )
        policies.forget_roles(chief)  # read again with the new role
        plan_spec = dict(spec["plan"])
        plan_spec["goals"] = [
            (title, title_sv, metrics, {"serves": served[extra["serves"]]})
            for title, title_sv, metrics, extra in plan_spec["goals"]
        ]
        yield agreement, plan_spec, spec["followup"]


def _chief_position(org) -> Position:
    spec = dict(CHIEF_POSITION)
    code = spec.pop("code")
    order = max(org.positions.values_list("order", flat=True), default=0) + 1
    position, _ = Position.objects.get_or_create(
        organization=org, code=code, defaults={**spec, "order": order}
    )
    return position


def _director(org, spec: dict, password: str):
    user, created = get_user_model().objects.get_or_create(
        username=spec["username"], defaults={"first_name": spec["first_name"], "last_name": spec["last_name"]}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    if not user.email:  # on a reserved domain (RFC 2606), as the other personas'
        user.email = f"{user.username}@{org.slug}.example"
        user.save(update_fields=["email"])
    Membership.objects.get_or_create(
        organization=org,
        user=user,
        role=Role.EXECUTIVE,
        defaults={"valid_from": data.MEMBERSHIP_START, "basis": spec["basis"]},
    )
    return user


def load_followup(people: dict, plan: GoalPlan, spec: dict) -> None:
    """The plan's first follow-up: the director's self-assessment, the chief's view, the
    agreed texts written and marked agreed by the chief, and the board's noting of it
    recorded by the preparer (skipped when already written)."""
    version = plan.versions.get(status="approved")
    checkpoint = version.checkpoints.order_by("order").first()
    if FollowUp.objects.filter(checkpoint=checkpoint).exists():
        return
    chief, director = people[CHIEF], plan.agreement.executive
    ratings = {r.code: r for r in Rating.objects.filter(organization_id=plan.agreement.organization_id)}
    goals = list(version.goal_areas.order_by("order"))
    for goal, (own, own_text, view, agreed, _agreed_text) in zip(goals, spec["goals"], strict=True):
        # The chief's view rates as the follow-up is then agreed.
        submit_self_and_views(
            director, {chief: view}, checkpoint, goal, (ratings[own], own_text), ratings[agreed]
        )
    for goal, (_own, _own_text, _view, agreed, agreed_text) in zip(goals, spec["goals"], strict=True):
        followup_services.save_assessment(
            chief, checkpoint, goal, AssessmentKind.AGREED, rating=ratings[agreed], text=agreed_text
        )
    followup_services.mark_agreed(chief, checkpoint, spec["agreed_on"])
    meeting_date, section, case_number = spec["board"]
    followup_services.report_to_board(
        people[PREPARER],
        checkpoint,
        meeting_date=meeting_date,
        section=section,
        case_number=case_number,
        text=spec["text"],
    )
