"""The default agenda and secrecy bases, from the seed's description of the discussion.

The secrecy bases are suggestions: each organization checks the exact wording
(julkisuuslaki 621/1999 24 § 1 mom.) and may edit the list in the admin."""

from django.db import transaction

from suunta.lib.publicity import Publicity
from suunta.organizations.models import Organization

from .models import AgendaSection, SecrecyBasis, SectionKind

PRIVATE_LIFE = (
    "Julkisuuslaki 24 § 1 mom. 32 kohta (yksityiselämää koskevat tiedot)",
    "Offentlighetslagen 24 § 1 mom. 32 punkten (uppgifter om privatliv)",
)
HEALTH = (
    "Julkisuuslaki 24 § 1 mom. 25 kohta (terveydentilaa koskevat tiedot)",
    "Offentlighetslagen 24 § 1 mom. 25 punkten (uppgifter om hälsotillstånd)",
)

# kind, Finnish, Swedish, restricted on which basis (None: public)
DEFAULT_AGENDA = [
    (
        SectionKind.LAST_YEAR,
        "Edellisen kauden tavoitteet ja niiden toteutuminen",
        "Föregående periods mål och hur de har uppnåtts",
        None,
    ),
    (SectionKind.COMING_GOALS, "Tulevan kauden tavoitteet", "Kommande periods mål", None),
    (
        SectionKind.DEVELOPMENT,
        "Koulutus- ja kehittämistarpeet",
        "Utbildnings- och utvecklingsbehov",
        PRIVATE_LIFE,
    ),
    (SectionKind.WELLBEING, "Työhyvinvointi", "Arbetsvälbefinnande", HEALTH),
    (
        SectionKind.COOPERATION,
        "Poliittisen ja operatiivisen johdon yhteistyö",
        "Samarbetet mellan den politiska och den operativa ledningen",
        None,
    ),
    (SectionKind.OTHER, "Henkilökohtaiset asiat", "Personliga frågor", PRIVATE_LIFE),
]


@transaction.atomic
def ensure_defaults(organization: Organization) -> None:
    """Give an organization the default secrecy bases and agenda, once."""
    if not SecrecyBasis.objects.filter(organization=organization).exists():
        for order, (fi, sv) in enumerate((PRIVATE_LIFE, HEALTH), start=1):
            SecrecyBasis.objects.create(organization=organization, label=fi, label_sv=sv, order=order)
    if AgendaSection.objects.filter(organization=organization).exists():
        return
    bases = {b.label: b for b in SecrecyBasis.objects.filter(organization=organization)}
    for order, (kind, fi, sv, basis) in enumerate(DEFAULT_AGENDA, start=1):
        AgendaSection.objects.create(
            organization=organization,
            kind=kind,
            title=fi,
            title_sv=sv,
            publicity=Publicity.RESTRICTED if basis else Publicity.PUBLIC,
            secrecy_basis=bases.get(basis[0]) if basis else None,
            order=order,
        )
