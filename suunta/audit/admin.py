from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes audit events, superusers included."""

    list_display = [
        "created_at",
        "organization",
        "sequence",
        "action",
        "outcome",
        "actor_label",
        "object_type",
        "object_id",
        "object_repr",
        "ip",
    ]
    list_filter = ["outcome", "organization", "action"]
    search_fields = ["action", "actor_label", "object_type", "object_id", "object_repr", "hash"]
    list_select_related = ["organization"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    show_full_result_count = False
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
