from django.contrib import admin

from .models import Evidence


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    """Read-only metadata for operators. Files are not offered here: they are read only
    through the authorized, audited download on the follow-up page."""

    list_display = ["created_at", "kind", "original_name", "title", "size", "content_type", "uploaded_by"]
    list_filter = ["kind", "content_type"]
    search_fields = ["original_name", "title", "url", "sha256"]
    list_select_related = ["uploaded_by"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    actions = None
    fields = [
        "assessment",
        "kind",
        "publicity",
        "url",
        "title",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "stored_name",
        "uploaded_by",
        "created_at",
        "updated_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
