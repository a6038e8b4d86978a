"""The default rating scale; each organization may relabel and recolour it."""

from suunta.organizations.models import Organization

from .models import Rating

DEFAULT_SCALE = [
    # code, fi, sv, en, background, text, points for the weighted overall result
    ("achieved", "Toteutunut", "Uppnått", "Achieved", "#1d6b2f", "#ffffff", 100),
    ("progressed", "Edistynyt", "Framskridit", "Progressed", "#1f5c99", "#ffffff", 75),
    ("partly", "Osittain", "Delvis", "Partly", "#f2c94c", "#000000", 50),
    ("not_progressed", "Ei edistynyt", "Inte framskridit", "Not progressed", "#a4161a", "#ffffff", 0),
    (
        "not_assessable",
        "Ei arvioitavissa",
        "Kan inte bedömas",
        "Cannot be assessed",
        "#e0e3e7",
        "#000000",
        None,
    ),
]


def ensure_scale(organization: Organization) -> list[Rating]:
    if not Rating.objects.filter(organization=organization).exists():
        Rating.objects.bulk_create(
            Rating(
                organization=organization,
                code=code,
                label=fi,
                label_sv=sv,
                label_en=en,
                background=background,
                text_colour=text,
                order=order,
                points=points,
            )
            for order, (code, fi, sv, en, background, text, points) in enumerate(DEFAULT_SCALE, start=1)
        )
    return list(Rating.objects.filter(organization=organization))
