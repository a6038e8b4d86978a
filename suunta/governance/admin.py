from django.contrib import admin

from .models import Handling, WorkflowStep


@admin.register(WorkflowStep)
class WorkflowStepAdmin(admin.ModelAdmin):
    list_display = [
        "organization",
        "action",
        "from_status",
        "to_status",
        "body",
        "outcome",
        "allowed_roles",
        "order",
    ]
    list_filter = ["organization", "action"]
    list_select_related = ["organization", "body"]


@admin.register(Handling)
class HandlingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "version", "outcome", "case_number"]
    list_select_related = ["body", "version__plan"]
    readonly_fields = ["snapshot", "snapshot_sha256"]

    def has_add_permission(self, request):
        # Decisions are recorded by the lifecycle services (with their snapshot), not here.
        return False

    def has_change_permission(self, request, obj=None):
        # A recorded decision is part of the tamper-evident history: read-only here too.
        return False

    def has_delete_permission(self, request, obj=None):
        return False
