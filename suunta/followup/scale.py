"""The default rating scale; each organization may relabel and recolour it."""

from suunta.organizations.models import Organization

from .models import Rating

DEFAULT_SCALE = [
    # code, fi, sv, en, background, text
    ("achieved", "Toteutunut", "Uppnått", "Achieved", "#1d6b2f", "#ffffff"),
    ("progressed", "Edistynyt", "Framskridit", "Progressed", "#1f5c99", "#ffffff"),
    ("partly", "Osittain", "Delvis", "Partly", "#f2c94c", "#000000"),
    ("not_progressed", "Ei edistynyt", "Inte framskridit", "Not progressed", "#a4161a", "#ffffff"),
    ("not_assessable", "Ei arvioitavissa", "Kan inte bedömas", "Cannot be assessed", "#e0e3e7", "#000000"),
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
            )
            for order, (code, fi, sv, en, background, text) in enumerate(DEFAULT_SCALE, start=1)
        )
    return list(Rating.objects.filter(organization=organization))
