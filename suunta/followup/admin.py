from django.contrib import admin

from .models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """Operators relabel and recolour an organization's scale; contrast is validated."""

    list_display = [
        "label",
        "label_sv",
        "label_en",
        "organization",
        "background",
        "text_colour",
        "order",
        "points",
    ]
    list_filter = ["organization"]
