"""Presets: the usual ways Finnish organizations run their executive's goals, as data.

A preset is a set of bodies, positions (with their rights) and the body whose decision
freezes the goals. Applying one gives a new organization a working set-up; its admin
may change any part afterwards. This is the only place where the words of one model
(a mayor, a political leadership group, a chair group …) are written down: rules in the
code read positions' rights, never their names.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import BodyKind, OrganizationKind, PositionRight


@dataclass(frozen=True)
class BodySpec:
    kind: str
    name: str
    name_sv: str
    short_name: str
    short_name_sv: str


@dataclass(frozen=True)
class PositionSpec:
    code: str
    name: str
    name_sv: str
    genitive: str
    genitive_sv: str
    rights: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class PresetTexts:
    """A model's own sentences for the documents (fi, sv); {genitive} stands for the
    agreement's position in the genitive (e.g. kansliapäällikön). Lists: one item each."""

    agreement: str
    agreement_sv: str
    purpose: tuple[str, ...]
    purpose_sv: tuple[str, ...]
    evaluation: tuple[str, ...]
    evaluation_sv: tuple[str, ...]


# The seed's own wording (Kansliapäällikön tavoitteet 2025): only for the mayor model.
MAYOR_TEXTS = PresetTexts(
    agreement=(
        "Kunnan strategian ja talousarvion toiminnan ja talouden tavoitteiden perusteella määritellään "
        "niiden toimeenpanoon liittyvät {genitive} vuosittaiset tavoitteet. Pormestari, apulaispormestarit ja "
        "valtuuston puheenjohtaja käyvät vuosittain {genitive} kanssa tavoite- ja kehityskeskustelut. "
        "Ensimmäisen 12 kk aikana tavoitteiden edistymistä seurataan 2 kertaa. Keskusteluissa arvioidaan "
        "edellisen vuoden tavoitteiden toteutumista, asetetaan tulevat tavoitteet ja käydään läpi koulutus- "
        "ja kehittymistarpeet. Keskusteluun pohjautuen kunnanhallitus hyväksyy {genitive} vuositavoitteet. "
        "Tavoitteet kirjataan johtajasopimuksen liitteeksi otettavaan asiakirjaan ja ne ovat vuosittain "
        "päivitettävä osa sopimusta."
    ),
    agreement_sv=(
        "Utgående från de verksamhets- och ekonomimål som fastställts i kommunens strategi och budget "
        "fastställs {genitive} årliga mål för genomförandet av dem. Borgmästaren, de biträdande borgmästarna "
        "och fullmäktiges ordförande för årligen mål- och utvecklingssamtal om {genitive} mål och utveckling. "
        "Under de första 12 månaderna följs målens framskridande upp två gånger. I samtalen bedöms hur "
        "föregående års mål har uppnåtts, de kommande målen ställs upp och behoven av utbildning och "
        "utveckling gås igenom. Utgående från samtalet godkänner kommunstyrelsen {genitive} årliga mål. Målen "
        "skrivs in i ett dokument som fogas till direktörsavtalet som bilaga och de är en del av avtalet "
        "som uppdateras årligen."
    ),
    purpose=(
        "Perustuu johtajasopimukseen",
        "Kunnan strategiaa tukeva johtaminen sekä tekemisen painopisteiden kirkastaminen",
        "{genitive} johtamistyön tavoitteiden ja niiden arviointikriteerien asettaminen ja seuraaminen "
        "-> {genitive} työssä onnistumisen edellytysten tukeminen ja työsuorituksen arviointi",
        "{genitive} työn ja tavoitteiden etenemisen säännöllinen arviointi.",
        "Poliittisen ja operatiivisen johdon yhteistyön kehittäminen",
        "{genitive} osaamisen kehittäminen ja työhyvinvoinnin varmistaminen",
    ),
    purpose_sv=(
        "Grundar sig på direktörsavtalet",
        "Ledning som stöder kommunens strategi och förtydligande av prioriteringarna",
        "Att ställa upp och följa mål och bedömningskriterier för {genitive} ledningsarbete -> stöd för "
        "förutsättningarna att lyckas i arbetet och bedömning av arbetsprestationen",
        "Regelbunden bedömning av {genitive} arbete och av hur målen framskrider.",
        "Utveckling av samarbetet mellan den politiska och den operativa ledningen",
        "Utveckling av {genitive} kompetens och säkerställande av arbetsvälbefinnandet",
    ),
    evaluation=(
        "Tavoitteena on tukea työtä.",
        "Edistymistä seurataan valmistelevassa toimielimessä, ja siitä raportoidaan hallitukselle.",
    ),
    evaluation_sv=(
        "Syftet är att stödja arbetet.",
        "Framstegen följs upp i det beredande organet och rapporteras till styrelsen.",
    ),
)


@dataclass(frozen=True)
class Preset:
    code: str
    label: str
    description: str
    kind: str
    bodies: tuple[BodySpec, ...]
    positions: tuple[PositionSpec, ...]
    # The kind of the body whose recorded decision freezes the goals.
    freezing_body: str = BodyKind.BOARD
    # The proposing step's button where the goals do not go to the board (fi, sv).
    propose_label: tuple[str, str] = ("", "")
    # The model's own document sentences; None: written from the organization's own
    # positions and bodies (documents/defaults.py).
    texts: PresetTexts | None = None


# The rights of the position that leads the evaluation (presents the goals, closes what
# was left open, asks for views before a discussion).
LEADING = frozenset(
    {
        PositionRight.PRESENTS,
        PositionRight.MARK_AGREED,
        PositionRight.CLOSE_MEMO,
        PositionRight.CREATE_SURVEY,
    }
)
ASKED = frozenset({PositionRight.ASKED_FOR_VIEWS})

MUNICIPAL_BOARD = BodySpec(BodyKind.BOARD, "Kunnanhallitus", "Kommunstyrelsen", "KH", "KS")
MUNICIPAL_COUNCIL = BodySpec(BodyKind.COUNCIL, "Kunnanvaltuusto", "Kommunfullmäktige", "KV", "KF")
COUNCIL_CHAIR = PositionSpec(
    "council_chair",
    "Valtuuston puheenjohtaja",
    "Fullmäktiges ordförande",
    "valtuuston puheenjohtajan",
    "fullmäktiges ordförandes",
    ASKED,
)


def _board_chair(rights=LEADING) -> PositionSpec:
    return PositionSpec(
        "board_chair",
        "Hallituksen puheenjohtaja",
        "Styrelsens ordförande",
        "hallituksen puheenjohtajan",
        "styrelsens ordförandes",
        rights,
    )


PRESETS = {
    preset.code: preset
    for preset in (
        Preset(
            "mayor",
            _("Mayor model"),
            _(
                "The mayor, the deputy mayors and the council chair evaluate; the political "
                "leadership group handles the goals and the board approves them."
            ),
            OrganizationKind.MUNICIPALITY,
            (
                BodySpec(
                    BodyKind.PREPARATORY,
                    "Poliittinen johtoryhmä",
                    "Politiska ledningsgruppen",
                    "Poljory",
                    "Pol. ledningsgr.",
                ),
                MUNICIPAL_BOARD,
                MUNICIPAL_COUNCIL,
            ),
            (
                PositionSpec("mayor", "Pormestari", "Borgmästare", "pormestarin", "borgmästarens", LEADING),
                PositionSpec(
                    "deputy_mayor",
                    "Apulaispormestari",
                    "Biträdande borgmästare",
                    "apulaispormestarin",
                    "biträdande borgmästarens",
                ),
                COUNCIL_CHAIR,
            ),
            texts=MAYOR_TEXTS,
        ),
        Preset(
            "manager",
            _("Municipal manager"),
            _("The board chair and the council chair evaluate; the board approves the goals."),
            OrganizationKind.MUNICIPALITY,
            (MUNICIPAL_BOARD, MUNICIPAL_COUNCIL),
            (_board_chair(), COUNCIL_CHAIR),
        ),
        Preset(
            "chair-group",
            _("Chair group"),
            _(
                "The board chair and vice chairs and the council chair evaluate; the chair "
                "group's meeting freezes the goals."
            ),
            OrganizationKind.MUNICIPALITY,
            (
                BodySpec(BodyKind.CHAIR_GROUP, "Puheenjohtajisto", "Presidiet", "Pj-isto", "Presidiet"),
                MUNICIPAL_BOARD,
                MUNICIPAL_COUNCIL,
            ),
            (
                _board_chair(),
                PositionSpec(
                    "board_first_vice_chair",
                    "Hallituksen I varapuheenjohtaja",
                    "Styrelsens första vice ordförande",
                    "hallituksen I varapuheenjohtajan",
                    "styrelsens första vice ordförandes",
                ),
                PositionSpec(
                    "board_second_vice_chair",
                    "Hallituksen II varapuheenjohtaja",
                    "Styrelsens andra vice ordförande",
                    "hallituksen II varapuheenjohtajan",
                    "styrelsens andra vice ordförandes",
                ),
                COUNCIL_CHAIR,
            ),
            freezing_body=BodyKind.CHAIR_GROUP,
            propose_label=("Esitä puheenjohtajistolle", "Föreslå för presidiet"),
        ),
        Preset(
            "joint-authority",
            _("Joint municipal authority"),
            _("The authority's board chair evaluates; the authority's board approves the goals."),
            OrganizationKind.JOINT_AUTHORITY,
            (
                BodySpec(BodyKind.BOARD, "Yhtymähallitus", "Förbundsstyrelsen", "YH", "FS"),
                BodySpec(BodyKind.COUNCIL, "Yhtymävaltuusto", "Förbundsfullmäktige", "YV", "FF"),
            ),
            (
                PositionSpec(
                    "board_chair",
                    "Yhtymähallituksen puheenjohtaja",
                    "Förbundsstyrelsens ordförande",
                    "yhtymähallituksen puheenjohtajan",
                    "förbundsstyrelsens ordförandes",
                    LEADING,
                ),
            ),
        ),
        Preset(
            "wellbeing-county",
            _("Wellbeing services county"),
            _(
                "The county board chair (and the county council chair) evaluate; the county "
                "board approves the goals."
            ),
            OrganizationKind.WELLBEING_COUNTY,
            (
                BodySpec(BodyKind.BOARD, "Aluehallitus", "Välfärdsområdesstyrelsen", "AH", "VS"),
                BodySpec(BodyKind.COUNCIL, "Aluevaltuusto", "Välfärdsområdesfullmäktige", "AV", "VF"),
            ),
            (
                PositionSpec(
                    "board_chair",
                    "Aluehallituksen puheenjohtaja",
                    "Välfärdsområdesstyrelsens ordförande",
                    "aluehallituksen puheenjohtajan",
                    "välfärdsområdesstyrelsens ordförandes",
                    LEADING,
                ),
                PositionSpec(
                    "council_chair",
                    "Aluevaltuuston puheenjohtaja",
                    "Välfärdsområdesfullmäktiges ordförande",
                    "aluevaltuuston puheenjohtajan",
                    "välfärdsområdesfullmäktiges ordförandes",
                    ASKED,
                ),
            ),
        ),
    )
}
