"""Operators configure agenda templates and secrecy bases here. Discussions are listed
by their metadata only: memo texts, development items and survey answers are personal
data and never shown in the admin (only the participants read them, in the app)."""

from django.contrib import admin

from .models import AgendaSection, Discussion, SecrecyBasis


@admin.register(SecrecyBasis)
class SecrecyBasisAdmin(admin.ModelAdmin):
    list_display = ["label", "label_sv", "organization", "order"]
    list_filter = ["organization"]


@admin.register(AgendaSection)
class AgendaSectionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "publicity", "secrecy_basis", "organization", "order"]
    list_filter = ["organization"]


@admin.register(Discussion)
class DiscussionAdmin(admin.ModelAdmin):
    list_display = ["held_on", "kind", "agreement", "status"]
    list_filter = ["agreement__organization", "status"]
    fields = [
        "agreement",
        "kind",
        "held_on",
        "starts_at",
        "duration_minutes",
        "place",
        "status",
        "frozen_at",
        "memo_sha256",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
