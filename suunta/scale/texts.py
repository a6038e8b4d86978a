"""The words of the generated organizations: names, goals and metrics per sector,
follow-up and discussion phrases. Fictional, written for the generator (no real
municipality's goals); Swedish texts are used only by the organizations that write
Swedish too.

A goal is (Finnish title, Swedish title, metrics); a metric is (Finnish text, Swedish
text, measure or None). A measure is (unit, baseline, target, decimals, how often it is
measured: "month" or "week", source), the values the generator varies per organization.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    unit: str
    baseline: float
    target: float
    decimals: int = 1
    every: str = "month"  # "month", "week", or "day" (fed by a system: imported as CSV each month)
    source: str = "Kuukausiraportti"


@dataclass(frozen=True)
class MetricText:
    fi: str
    sv: str
    measure: Measure | None = None


@dataclass(frozen=True)
class GoalText:
    fi: str
    sv: str
    metrics: tuple[MetricText, ...]


def _goal(fi: str, sv: str, *metrics: tuple) -> GoalText:
    return GoalText(fi, sv, tuple(MetricText(*m) for m in metrics))


M = Measure
BUDGET = "Talousraportti"
HR = "Henkilöstöraportti"
SURVEY = "Kyselytulos"
SERVICE = "Palvelujen seurantaraportti"

GOALS: dict[str, tuple[GoalText, ...]] = {
    # The chief executive's (kunnanjohtaja, kaupunginjohtaja, kansliapäällikkö …) goals.
    "chief": (
        _goal(
            "Strategian toimeenpanon johtaminen",
            "Ledning av strategins genomförande",
            ("Strategian vuositavoitteet toteutuvat", "Strategins årsmål uppnås"),
            (
                "Strategian mittareista tavoitetasolla (%)",
                "Andel av strategins mätare på målnivå (%)",
                M("%", 55, 80, 0, "month", "Strategiaraportti"),
            ),
        ),
        _goal(
            "Talouden tasapainottaminen",
            "Balansering av ekonomin",
            (
                "Toimintakulujen toteuma talousarvioon nähden (%)",
                "Verksamhetskostnadernas utfall i förhållande till budgeten (%)",
                M("%", 102.5, 99.5, 1, "month", BUDGET),
            ),
            (
                "Säästöohjelman toteutuneet säästöt (€)",
                "Förverkligade inbesparingar i sparprogrammet (€)",
                M("€", 0, 1500000, 0, "month", BUDGET),
            ),
            ("Tilinpäätös on ylijäämäinen", "Bokslutet visar överskott"),
        ),
        _goal(
            "Henkilöstöjohtaminen",
            "Personalledning",
            (
                "Henkilöstökyselyn johtamisen keskiarvo (1–5)",
                "Medeltalet för ledarskap i personalenkäten (1–5)",
                M("", 3.5, 3.9, 2, "month", SURVEY),
            ),
            (
                "Sairauspoissaolopäivät henkilötyövuotta kohden",
                "Sjukfrånvarodagar per årsverke",
                M("pv", 14.2, 11.5, 1, "month", HR),
            ),
            ("Esihenkilöiden valmennusohjelma toteutetaan", "Chefsutbildningsprogrammet genomförs"),
        ),
        _goal(
            "Johtoryhmätyön kehittäminen",
            "Utveckling av ledningsgruppens arbete",
            ("Johtoryhmän työskentely arvioidaan vuosittain", "Ledningsgruppens arbete utvärderas årligen"),
            ("Johtoryhmän vuosikello on käytössä", "Ledningsgruppens årshjul används"),
        ),
        _goal(
            "Poliittisen ja operatiivisen johdon yhteistyö",
            "Samarbetet mellan den politiska och den operativa ledningen",
            (
                "Valmistelun laatu ja oikea-aikaisuus toimielimissä",
                "Beredningens kvalitet och aktualitet i organen",
            ),
            ("Luottamushenkilöiden perehdytys toteutuu", "Introduktionen av förtroendevalda genomförs"),
        ),
        _goal(
            "Organisaatiorakenteen arviointi ja kehittäminen",
            "Utvärdering och utveckling av organisationsstrukturen",
            (
                "Organisaatiomuutoksen valmistelu etenee aikataulussa",
                "Beredningen av organisationsändringen framskrider enligt tidtabell",
            ),
        ),
        _goal(
            "Elinvoiman vahvistaminen",
            "Stärkande av livskraften",
            (
                "Uusien yritysten määrä",
                "Antalet nya företag",
                M("kpl", 0, 60, 0, "month", "Yritysrekisteri"),
            ),
            (
                "Työttömyysaste (%)",
                "Arbetslöshetsgraden (%)",
                M("%", 9.8, 8.5, 1, "month", "Työllisyyskatsaus"),
            ),
            ("Elinkeino-ohjelma päivitetään", "Näringslivsprogrammet uppdateras"),
        ),
        _goal(
            "Digitaalisten palvelujen kehittäminen",
            "Utveckling av digitala tjänster",
            (
                "Sähköisesti asioivien osuus (%)",
                "Andelen som sköter ärenden elektroniskt (%)",
                M("%", 42, 60, 1, "day", SERVICE),
            ),
            ("Asiakaspalvelun kanavastrategia hyväksytään", "Kanalstrategin för kundtjänsten godkänns"),
        ),
        _goal(
            "Turvallisuus ja varautuminen",
            "Säkerhet och beredskap",
            ("Valmiussuunnitelma päivitetään ja harjoitellaan", "Beredskapsplanen uppdateras och övas"),
            (
                "Häiriötilanteiden johtamisen koulutus toteutuu",
                "Utbildningen i ledning vid störningar genomförs",
            ),
        ),
        _goal(
            "Asukasosallisuuden lisääminen",
            "Ökad invånardelaktighet",
            (
                "Osallistuvan budjetoinnin ehdotukset",
                "Förslag i den deltagande budgeteringen",
                M("kpl", 0, 120, 0, "month", "Osallisuusraportti"),
            ),
            ("Asukasraadit kokoontuvat säännöllisesti", "Invånarråden sammanträder regelbundet"),
        ),
        _goal(
            "Viestinnän ja tiedottamisen kehittäminen",
            "Utveckling av kommunikationen och informationen",
            ("Viestintäsuunnitelma päivitetään", "Kommunikationsplanen uppdateras"),
            (
                "Verkkosivujen asiakastyytyväisyys (1–5)",
                "Kundnöjdheten med webbplatsen (1–5)",
                M("", 3.4, 4.0, 2, "month", SURVEY),
            ),
        ),
        _goal(
            "Maankäytön ja kaavoituksen edistäminen",
            "Främjande av markanvändning och planläggning",
            ("Kaavoitusohjelma toteutuu", "Planläggningsprogrammet genomförs"),
            (
                "Luovutetut omakotitontit",
                "Överlåtna egnahemstomter",
                M("kpl", 0, 25, 0, "month", "Tonttiraportti"),
            ),
        ),
    ),
    "education": (
        _goal(
            "Koulujen ja päiväkotien palveluverkon selvitys",
            "Utredning av servicenätet för skolor och daghem",
            (
                "Palveluverkkoselvitys valmistuu lautakunnan käsittelyyn",
                "Utredningen av servicenätet blir klar för nämndens behandling",
            ),
            (
                "Huoltajia ja henkilöstöä kuullaan ennen päätösesitystä",
                "Vårdnadshavare och personal hörs före beslutsförslaget",
            ),
        ),
        _goal(
            "Rehtorien ja päiväkodinjohtajien johtamisen tukeminen",
            "Stöd för rektorernas och daghemsföreståndarnas ledarskap",
            ("Kaikki esihenkilöt osallistuvat valmennukseen", "Alla chefer deltar i coachningen"),
            (
                "Henkilöstökyselyn johtamisen tulos sivistystoimessa (1–5)",
                "Resultatet för ledarskap i personalenkäten inom bildningsväsendet (1–5)",
                M("", 3.5, 3.8, 2, "month", SURVEY),
            ),
        ),
        _goal(
            "Sivistystoimen talous pysyy talousarviossa",
            "Bildningsväsendets ekonomi hålls inom budgeten",
            (
                "Sivistyslautakunnan toimintakulujen toteuma (%)",
                "Utfallet av bildningsnämndens verksamhetskostnader (%)",
                M("%", 101.8, 99.8, 1, "month", BUDGET),
            ),
            (
                "Sijaiskulut (€)",
                "Vikariekostnader (€)",
                M("€", 420000, 360000, 0, "month", BUDGET),
            ),
        ),
        _goal(
            "Oppimistulosten parantaminen",
            "Bättre inlärningsresultat",
            (
                "Perusopetuksen päättäneiden jatko-opintoihin sijoittuminen (%)",
                "Andelen som fortsätter studera efter grundskolan (%)",
                M("%", 94, 98, 1, "month", "Oppilashallinto"),
            ),
            ("Oppimisen tuen malli otetaan käyttöön", "Modellen för stöd för lärande tas i bruk"),
        ),
        _goal(
            "Varhaiskasvatuksen saatavuus",
            "Tillgången till småbarnspedagogik",
            (
                "Varhaiskasvatuspaikan jonotusaika (vrk)",
                "Kötiden till en plats i småbarnspedagogiken (dygn)",
                M("vrk", 45, 14, 0, "day", "Varhaiskasvatuksen asiakasjärjestelmä"),
            ),
            ("Henkilöstön rekrytointi onnistuu", "Rekryteringen av personal lyckas"),
        ),
        _goal(
            "Kulttuuri- ja vapaa-aikapalvelujen saavutettavuus",
            "Tillgängligheten hos kultur- och fritidstjänsterna",
            (
                "Kirjaston käyntikerrat",
                "Biblioteksbesök",
                M("kpl", 0, 90000, 0, "month", "Kirjastojärjestelmä"),
            ),
            ("Harrastamisen malli laajenee kaikkiin kouluihin", "Hobbymodellen utvidgas till alla skolor"),
        ),
        _goal(
            "Hyvinvointia tukeva kouluympäristö",
            "En skolmiljö som stöder välbefinnandet",
            (
                "Kouluterveyskyselyn koulukiusaamista kokeneet (%)",
                "Andelen som upplevt mobbning i skolhälsoenkäten (%)",
                M("%", 7.5, 5.0, 1, "month", SURVEY),
            ),
            (
                "Koulujen sisäilmakorjaukset valmistuvat",
                "Reparationerna av inomhusluften i skolorna blir klara",
            ),
        ),
    ),
    "technical": (
        _goal(
            "Kunnan tilojen käytön tehostaminen",
            "Effektivare användning av kommunens lokaler",
            ("Tilaohjelma hyväksytään", "Lokalprogrammet godkänns"),
            (
                "Tilojen käyttöaste (%)",
                "Lokalernas användningsgrad (%)",
                M("%", 68, 80, 0, "month", "Tilahallinnan raportti"),
            ),
        ),
        _goal(
            "Investointiohjelman toteuttaminen",
            "Genomförande av investeringsprogrammet",
            (
                "Investointien toteutuma (%)",
                "Investeringarnas utfall (%)",
                M("%", 0, 95, 0, "month", BUDGET),
            ),
            (
                "Investoinneista raportoidaan hallitukselle neljännesvuosittain",
                "Investeringarna rapporteras kvartalsvis till styrelsen",
            ),
        ),
        _goal(
            "Energiatehokkuuden parantaminen",
            "Bättre energieffektivitet",
            (
                "Kiinteistöjen energiankulutus (MWh)",
                "Fastigheternas energiförbrukning (MWh)",
                M("MWh", 1850, 1650, 0, "month", "Energianhallinta"),
            ),
            ("Aurinkovoimalat rakennetaan kahteen kohteeseen", "Solkraftverk byggs på två platser"),
        ),
        _goal(
            "Katujen ja viheralueiden kunnossapito",
            "Underhåll av gator och grönområden",
            (
                "Kunnossapidon asiakaspalautteet",
                "Kundrespons om underhållet",
                M("kpl", 16, 11, 0, "day", "Palautejärjestelmä"),
            ),
            ("Katuverkon kuntoluokitus valmistuu", "Klassificeringen av gatunätets skick blir klar"),
        ),
        _goal(
            "Vesihuollon toimintavarmuus",
            "Driftsäkerheten i vattenförsörjningen",
            (
                "Vesijohtoverkoston vuotovesi (%)",
                "Läckvatten i vattenledningsnätet (%)",
                M("%", 18, 12, 1, "month", "Vesilaitoksen raportti"),
            ),
            ("Saneerausohjelma päivitetään", "Saneringsprogrammet uppdateras"),
        ),
        _goal(
            "Rakennusvalvonnan palvelukyky",
            "Byggnadstillsynens servicekapacitet",
            (
                "Rakennuslupien käsittelyaika (vrk)",
                "Handläggningstiden för bygglov (dygn)",
                M("vrk", 42, 28, 0, "week", "Lupajärjestelmä"),
            ),
            (
                "Sähköinen lupapalvelu on käytössä kaikissa luvissa",
                "Den elektroniska lovtjänsten används för alla lov",
            ),
        ),
    ),
    "welfare": (
        _goal(
            "Hyvinvoinnin ja terveyden edistäminen",
            "Främjande av välfärd och hälsa",
            ("Hyvinvointikertomus ja -suunnitelma hyväksytään", "Välfärdsberättelsen och -planen godkänns"),
            (
                "Liikuntapaikkojen käyntikerrat",
                "Besök på idrottsplatser",
                M("kpl", 0, 140000, 0, "month", "Liikuntapalvelujen raportti"),
            ),
        ),
        _goal(
            "Nuorten syrjäytymisen ehkäisy",
            "Förebyggande av utslagning bland unga",
            (
                "Etsivän nuorisotyön tavoittamat nuoret",
                "Unga som det uppsökande ungdomsarbetet nått",
                M("hlö", 0, 180, 0, "month", "Nuorisopalvelut"),
            ),
            ("Ohjaamo-palvelu vakiintuu", "Ohjaamo-tjänsten etableras"),
        ),
        _goal(
            "Yhteistyö hyvinvointialueen kanssa",
            "Samarbetet med välfärdsområdet",
            ("Yhteistyösopimus päivitetään", "Samarbetsavtalet uppdateras"),
            ("Yhteiset palvelupisteet toimivat", "De gemensamma servicepunkterna fungerar"),
        ),
        _goal(
            "Kotoutumisen tukeminen",
            "Stöd för integration",
            ("Kotoutumisohjelma hyväksytään", "Integrationsprogrammet godkänns"),
            (
                "Kotoutumispalveluissa aloittaneet",
                "Personer som inlett integrationstjänster",
                M("hlö", 0, 90, 0, "month", "Kotoutumispalvelut"),
            ),
        ),
    ),
    "vitality": (
        _goal(
            "Yritysten sijoittumisen edistäminen",
            "Främjande av företagsetableringar",
            (
                "Yrityskontaktit",
                "Företagskontakter",
                M("kpl", 0, 400, 0, "week", "Yrityspalvelujen CRM"),
            ),
            ("Uusi yritysalue kaavoitetaan", "Ett nytt företagsområde planläggs"),
        ),
        _goal(
            "Työllisyyden hoito",
            "Sysselsättningsarbetet",
            (
                "Pitkäaikaistyöttömät",
                "Långtidsarbetslösa",
                M("hlö", 520, 430, 0, "month", "Työllisyyskatsaus"),
            ),
            ("Työllisyyspalvelujen uudistus toteutuu", "Reformen av sysselsättningstjänsterna genomförs"),
        ),
        _goal(
            "Matkailun kehittäminen",
            "Utveckling av turismen",
            (
                "Rekisteröidyt yöpymiset",
                "Registrerade övernattningar",
                M("kpl", 0, 95000, 0, "month", "Tilastokeskus"),
            ),
            ("Matkailustrategia päivitetään", "Turismstrategin uppdateras"),
        ),
        _goal(
            "Kunnan vetovoiman vahvistaminen",
            "Stärkande av kommunens dragningskraft",
            (
                "Nettomuutto",
                "Nettoflyttning",
                M("hlö", -40, 30, 0, "month", "Väestötietojärjestelmä"),
            ),
            ("Markkinointikampanja toteutetaan", "Marknadsföringskampanjen genomförs"),
        ),
    ),
    "finance": (
        _goal(
            "Talousarvion toteutumisen seuranta",
            "Uppföljning av budgetens genomförande",
            (
                "Talousarvion toteutuma (%)",
                "Budgetens utfall (%)",
                M("%", 101.2, 99.5, 1, "month", BUDGET),
            ),
            ("Kuukausiraportointi uudistetaan", "Månadsrapporteringen förnyas"),
        ),
        _goal(
            "Hankintojen kehittäminen",
            "Utveckling av upphandlingarna",
            (
                "Sopimuksen mukaiset ostot (%)",
                "Inköp enligt avtal (%)",
                M("%", 72, 88, 0, "month", "Hankintaraportti"),
            ),
            ("Hankintastrategia hyväksytään", "Upphandlingsstrategin godkänns"),
        ),
        _goal(
            "Sisäisen valvonnan ja riskienhallinnan kehittäminen",
            "Utveckling av den interna kontrollen och riskhanteringen",
            ("Riskienhallinnan toimintaohje päivitetään", "Anvisningen för riskhantering uppdateras"),
            (
                "Sisäisen valvonnan arviointi tehdään kaikilla toimialoilla",
                "Den interna kontrollen utvärderas inom alla sektorer",
            ),
        ),
    ),
    "administration": (
        _goal(
            "Päätöksenteon sähköistäminen",
            "Digitalisering av beslutsfattandet",
            (
                "Sähköinen kokousjärjestelmä on kaikkien toimielinten käytössä",
                "Det elektroniska mötessystemet används av alla organ",
            ),
            (
                "Pöytäkirjojen julkaisuaika (vrk)",
                "Tiden för publicering av protokoll (dygn)",
                M("vrk", 9, 4, 0, "month", "Asianhallinta"),
            ),
        ),
        _goal(
            "Henkilöstön saatavuuden turvaaminen",
            "Tryggande av tillgången på personal",
            (
                "Avoimet tehtävät",
                "Lediga befattningar",
                M("kpl", 48, 25, 0, "week", "Rekrytointijärjestelmä"),
            ),
            ("Työnantajakuvan kehittämisohjelma toteutuu", "Programmet för arbetsgivarbilden genomförs"),
        ),
        _goal(
            "Tietosuojan ja tietoturvan parantaminen",
            "Bättre dataskydd och informationssäkerhet",
            (
                "Tietosuojakoulutuksen suorittaneet (%)",
                "Andel som genomgått dataskyddsutbildningen (%)",
                M("%", 55, 95, 0, "month", HR),
            ),
            ("Tietoturvapolitiikka päivitetään", "Informationssäkerhetspolicyn uppdateras"),
        ),
    ),
    # A wellbeing services county's directors.
    "social": (
        _goal(
            "Sosiaalipalvelujen saatavuus",
            "Tillgången till socialtjänster",
            (
                "Palvelutarpeen arvioinnit lakisääteisessä ajassa (%)",
                "Bedömningar av servicebehovet inom lagstadgad tid (%)",
                M("%", 78, 95, 1, "day", SERVICE),
            ),
            ("Sosiaalityön asiakasohjaus yhtenäistetään", "Klienthänvisningen i socialarbetet förenhetligas"),
        ),
        _goal(
            "Kotihoidon vahvistaminen",
            "Stärkande av hemvården",
            (
                "Kotihoidon välitön työaika (%)",
                "Den direkta arbetstiden i hemvården (%)",
                M("%", 52, 62, 0, "week", SERVICE),
            ),
            ("Toiminnanohjausjärjestelmä otetaan käyttöön", "Verksamhetsstyrningssystemet tas i bruk"),
        ),
        _goal(
            "Lastensuojelun kuormituksen keventäminen",
            "Lättare arbetsbörda i barnskyddet",
            (
                "Asiakkaita sosiaalityöntekijää kohden",
                "Klienter per socialarbetare",
                M("hlö", 42, 35, 0, "month", SERVICE),
            ),
        ),
    ),
    "health": (
        _goal(
            "Hoitoon pääsyn parantaminen",
            "Bättre tillgång till vård",
            (
                "Kiireettömän hoidon odotusaika terveysasemalla (vrk)",
                "Väntetid till icke-brådskande vård vid hälsostationen (dygn)",
                M("vrk", 28, 14, 0, "day", "Potilastietojärjestelmä"),
            ),
            (
                "Päivystyksen käynnit",
                "Besök på jouren",
                M("kpl", 0, 52000, 0, "day", "Potilastietojärjestelmä"),
            ),
        ),
        _goal(
            "Digitaalisten terveyspalvelujen käyttöönotto",
            "Införande av digitala hälsotjänster",
            (
                "Digitaalisten vastaanottojen osuus (%)",
                "Andelen digitala mottagningar (%)",
                M("%", 12, 30, 0, "month", SERVICE),
            ),
        ),
        _goal(
            "Henkilöstön pysyvyys",
            "Personalens beständighet",
            (
                "Hoitohenkilöstön vaihtuvuus (%)",
                "Omsättningen bland vårdpersonalen (%)",
                M("%", 14, 10, 1, "month", HR),
            ),
            ("Perehdytysmalli uudistetaan", "Introduktionsmodellen förnyas"),
        ),
    ),
    "rescue": (
        _goal(
            "Pelastustoimen valmius",
            "Räddningsväsendets beredskap",
            (
                "Kiireellisten tehtävien toimintavalmiusaika (min)",
                "Insatstiden i brådskande uppdrag (min)",
                M("min", 11.5, 9.5, 1, "day", "Pelastustoimen tilastot"),
            ),
            ("Palvelutasopäätös päivitetään", "Beslutet om servicenivån uppdateras"),
        ),
        _goal(
            "Onnettomuuksien ehkäisy",
            "Förebyggande av olyckor",
            (
                "Valvontakäynnit",
                "Tillsynsbesök",
                M("kpl", 0, 1800, 0, "month", "Pelastustoimen tilastot"),
            ),
        ),
    ),
}

# Each sector: the director's position (fi, sv, genitive, Swedish genitive) and the
# goals the director's plans draw from.
SECTORS: dict[str, tuple[str, str, str, str]] = {
    "education": ("sivistysjohtaja", "bildningsdirektör", "sivistysjohtajan", "bildningsdirektörens"),
    "technical": ("tekninen johtaja", "teknisk direktör", "teknisen johtajan", "tekniska direktörens"),
    "welfare": ("hyvinvointijohtaja", "välfärdsdirektör", "hyvinvointijohtajan", "välfärdsdirektörens"),
    "vitality": ("elinvoimajohtaja", "näringslivsdirektör", "elinvoimajohtajan", "näringslivsdirektörens"),
    "finance": ("talousjohtaja", "ekonomidirektör", "talousjohtajan", "ekonomidirektörens"),
    "administration": (
        "hallintojohtaja",
        "förvaltningsdirektör",
        "hallintojohtajan",
        "förvaltningsdirektörens",
    ),
    "social": (
        "sosiaalipalvelujen johtaja",
        "direktör för socialtjänster",
        "sosiaalipalvelujen johtajan",
        "direktörens för socialtjänster",
    ),
    "health": (
        "terveyspalvelujen johtaja",
        "direktör för hälsotjänster",
        "terveyspalvelujen johtajan",
        "direktörens för hälsotjänster",
    ),
    "rescue": ("pelastusjohtaja", "räddningsdirektör", "pelastusjohtajan", "räddningsdirektörens"),
}

# The sectors an organization's directors lead, by preset, in the order they are added.
SECTORS_BY_PRESET = {
    "mayor": ("education", "technical", "welfare", "vitality", "finance", "administration"),
    "manager": ("education", "technical", "vitality", "welfare", "finance"),
    "chair-group": ("education", "technical", "welfare"),
    "joint-authority": ("finance", "administration"),
    "wellbeing-county": ("social", "health", "rescue", "finance", "administration"),
}

# The chief executive's position by preset and kind: (title, Swedish, genitive, Swedish genitive).
CHIEF_POSITIONS = {
    "mayor": ("kansliapäällikkö", "kanslichef", "kansliapäällikön", "kanslichefens"),
    "municipality": ("kunnanjohtaja", "kommundirektör", "kunnanjohtajan", "kommundirektörens"),
    "city": ("kaupunginjohtaja", "stadsdirektör", "kaupunginjohtajan", "stadsdirektörens"),
    "joint-authority": (
        "kuntayhtymän johtaja",
        "samkommunens direktör",
        "kuntayhtymän johtajan",
        "samkommunens direktörs",
    ),
    "wellbeing-county": (
        "hyvinvointialuejohtaja",
        "välfärdsområdesdirektör",
        "hyvinvointialuejohtajan",
        "välfärdsområdesdirektörens",
    ),
}

LEGAL_BASIS = {
    "mayor": "Hallintosääntö 35 § (kansliapäällikön johtajasopimus)",
    "municipality": "Kuntalaki 410/2015 42 §",
    "city": "Kuntalaki 410/2015 42 §",
    "joint-authority": "Kuntalaki 410/2015 42 § ja perussopimus",
    "wellbeing-county": "Laki hyvinvointialueesta 611/2021 44 §",
    "director": "Hallintosääntö 36 § (toimialajohtajien johtajasopimukset)",
}

# Names: parts of place names, and people.
PLACE_STARTS = (
    "Kivi",
    "Järvi",
    "Koski",
    "Mäki",
    "Lahti",
    "Salo",
    "Niemi",
    "Harju",
    "Vaara",
    "Kangas",
    "Lampi",
    "Saari",
    "Suo",
    "Kallio",
    "Rauta",
    "Honka",
    "Petäjä",
    "Kuusi",
    "Haapa",
    "Pihlaja",
    "Tammi",
    "Kuru",
    "Ranta",
    "Virta",
    "Outo",
    "Kaisla",
    "Ilves",
    "Kotka",
    "Joutsen",
    "Hirvi",
    "Karhu",
    "Sammal",
    "Kaarna",
    "Lumi",
    "Halla",
    "Routa",
    "Tuuli",
    "Kirkko",
    "Vesi",
    "Pelto",
)
PLACE_ENDS = (  # (nominative, genitive)
    ("järvi", "järven"),
    ("koski", "kosken"),
    ("niemi", "niemen"),
    ("vaara", "vaaran"),
    ("salmi", "salmen"),
    ("lahti", "lahden"),
    ("mäki", "mäen"),
    ("ranta", "rannan"),
    ("lampi", "lammen"),
    ("kylä", "kylän"),
    ("vesi", "veden"),
    ("joki", "joen"),
    ("harju", "harjun"),
    ("saari", "saaren"),
    ("kangas", "kankaan"),
    ("laakso", "laakson"),
    ("pelto", "pellon"),
    ("suo", "suon"),
    ("virta", "virran"),
    ("selkä", "selän"),
)
FIRST_NAMES = (
    "Aino",
    "Anna",
    "Elina",
    "Hanna",
    "Heidi",
    "Johanna",
    "Katja",
    "Kirsi",
    "Laura",
    "Liisa",
    "Maria",
    "Minna",
    "Noora",
    "Outi",
    "Päivi",
    "Riikka",
    "Sanna",
    "Satu",
    "Tiina",
    "Ulla",
    "Antti",
    "Eero",
    "Heikki",
    "Jari",
    "Juha",
    "Jukka",
    "Kari",
    "Markku",
    "Matti",
    "Mikko",
    "Olli",
    "Pekka",
    "Petri",
    "Risto",
    "Sami",
    "Seppo",
    "Timo",
    "Tuomas",
    "Ville",
    "Jussi",
)
LAST_NAMES = (
    "Aaltonen",
    "Heikkinen",
    "Hiltunen",
    "Hämäläinen",
    "Järvinen",
    "Kettunen",
    "Koskinen",
    "Lahtinen",
    "Laine",
    "Lehtonen",
    "Leinonen",
    "Mäkinen",
    "Mäkelä",
    "Nieminen",
    "Ojala",
    "Pitkänen",
    "Rantanen",
    "Salminen",
    "Salonen",
    "Toivonen",
    "Turunen",
    "Virtanen",
    "Korhonen",
    "Karjalainen",
    "Saarinen",
    "Räsänen",
    "Heinonen",
    "Kinnunen",
    "Huttunen",
    "Savolainen",
    "Lindqvist",
    "Holmberg",
    "Nyström",
    "Sjöberg",
    "Westerlund",
)

# Follow-up texts per rating code: the executive's own, an evaluator's view, the agreed one.
SELF_TEXTS = {
    "achieved": (
        "Tavoite on saavutettu suunnitellusti.",
        "Kaikki tavoitteen toimenpiteet on toteutettu.",
        "Tavoite toteutui; tulokset on raportoitu lautakunnille.",
    ),
    "progressed": (
        "Työ etenee aikataulussa; seuraavat vaiheet on sovittu.",
        "Edennyt suunnitellusti, osa toimenpiteistä jatkuu syksyllä.",
        "Valmistelu on käynnissä ja etenee hyvin.",
    ),
    "partly": (
        "Tavoite on toteutunut osittain; resurssipula on hidastanut työtä.",
        "Osa toimenpiteistä on siirtynyt; ne tehdään vuoden loppuun mennessä.",
        "Tulos jää osin tavoitteesta, korjaavat toimet on aloitettu.",
    ),
    "not_progressed": (
        "Tavoite ei ole edennyt; työ on siirtynyt muiden kiireiden vuoksi.",
        "Valmistelu ei ole alkanut aikataulussa.",
    ),
    "not_assessable": ("Tavoitetta ei voi vielä arvioida; tiedot valmistuvat myöhemmin.",),
}
VIEW_TEXTS = (
    "Samaa mieltä itsearvion kanssa.",
    "Hyvä suunta; toivon tarkempaa raportointia seuraavaan seurantaan.",
    "Arvio on realistinen. Aikataulusta on pidettävä kiinni.",
    "Tulokset näkyvät jo arjessa, hyvä.",
    "Tavoitteeseen on kiinnitettävä enemmän huomiota loppuvuonna.",
    "Yhteistyö on sujunut hyvin; jatketaan samaan suuntaan.",
)
AGREED_TEXTS = {
    "achieved": ("Toteutunut.", "Tavoite saavutettu.", "Toteutui suunnitellusti."),
    "progressed": ("Edennyt suunnitellusti.", "Etenee; seuraavat vaiheet sovittu.", "Edennyt hyvin."),
    "partly": ("Osittain toteutunut; korjaavat toimet sovittu.", "Toteutunut osin."),
    "not_progressed": ("Ei edennyt; aikataulu tarkistetaan.",),
    "not_assessable": ("Ei arvioitavissa vielä.",),
}
METRIC_NOTES = (
    "Luvut ovat kuukausiraportin mukaiset.",
    "Arvio perustuu alustaviin tietoihin.",
    "Kehitys on ollut tasaista.",
    "Kausivaihtelu näkyy luvuissa.",
)
VALUE_COMMENTS = (
    "",
    "",
    "",
    "",
    "Alustava tieto",
    "Korjattu luku",
    "Kausivaihtelu",
    "Poikkeuksellinen kuukausi",
)
STEP_CLOSE_REASONS = (
    "Arvioija oli estynyt; näkemykset käsiteltiin kokouksessa.",
    "Itsearviointi käytiin läpi suullisesti kokouksessa.",
    "Näkemykset kirjattiin kokouksen muistioon.",
)

# Discussion memo texts per section kind; the restricted sections' texts are personal.
SECTION_TEXTS = {
    "last_year": (
        "Edellisen kauden tavoitteet toteutuivat pääosin. Talouden tasapainotus jäi osin kesken.",
        "Käytiin läpi tavoitteiden toteutuminen seurantojen pohjalta; kokonaisuus arvioitiin hyväksi.",
        "Tavoitteista suurin osa saavutettiin; henkilöstötavoitteessa jäätiin tavoitteesta.",
    ),
    "coming_goals": (
        "Tulevan kauden tavoitteiksi sovittiin strategian toimeenpano, talous ja henkilöstöjohtaminen.",
        "Tavoitteet päivitetään talousarvion mukaisiksi; luonnos hallituksen käsittelyyn.",
        "Painopisteiksi sovittiin palveluverkko ja digitaaliset palvelut.",
    ),
    "development": (
        "Johtamisvalmennus jatkuu; toiveena julkisjohtamisen erikoistumiskoulutus.",
        "Mentorointi toisen kunnan johtajan kanssa aloitetaan.",
        "Talousjohtamisen koulutus ja englannin kielen kurssi.",
    ),
    "wellbeing": (
        "Työkuorma on ollut suuri; sovittiin lomien pitämisestä ja sijaisjärjestelyistä.",
        "Jaksaminen on hyvällä tasolla; työterveystarkastus tehdään keväällä.",
        "Iltakokousten määrää vähennetään.",
    ),
    "cooperation": (
        "Tiedonkulku poliittisen johdon kanssa toimii; viikkopalaverit jatkuvat.",
        "Sovittiin säännöllisistä tapaamisista puheenjohtajiston kanssa.",
        "Valmistelun aikataulusta sovitaan paremmin etukäteen.",
    ),
    "other": (
        "Ei muita asioita.",
        "Käytiin läpi henkilökohtaiset järjestelyt.",
        "Sovittiin vuosiloman ajankohdasta.",
    ),
}
DEVELOPMENT_NEEDS = (
    ("Julkisjohtamisen koulutus", "Osallistuu JET-koulutukseen", "Henkilöstöpalvelut"),
    ("Talousjohtamisen osaaminen", "Talousjohtamisen valmennus syksyllä", "Talousjohtaja"),
    ("Esiintymistaidot", "Mediakoulutus kevään aikana", "Viestintäpäällikkö"),
    ("Jaksaminen", "Työnohjaus kuuden kerran jaksona", "Työterveyshuolto"),
    ("Ruotsin kielen taito", "Kielikurssi", "Henkilöstöpalvelut"),
    ("Digitalisaation johtaminen", "Verkkokurssi ja vertaisryhmä", "Tietohallintopäällikkö"),
)
CLOSE_MEMO_REASONS = (
    "Apulaispormestari ei vahvistanut muistiota ennen toimikautensa päättymistä.",
    "Osallistuja oli pitkään poissa; muistio suljettiin sovitusti.",
)
