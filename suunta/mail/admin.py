from django.contrib import admin

from .models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """Read-only: operators see what left and what failed; the app resends."""

    list_display = ["created_at", "kind", "to", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["kind", "status"]
    search_fields = ["to"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
