from django.contrib import admin

from .models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Read-only: what the scheduler wrote (the mails are under Outgoing mail)."""

    list_display = ["created_at", "user", "kind", "object_key", "due_on", "state"]
    list_filter = ["kind", "state"]
    search_fields = ["user__username", "object_key"]
    raw_id_fields = ["user", "mail", "digest", "plan", "checkpoint", "discussion"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
