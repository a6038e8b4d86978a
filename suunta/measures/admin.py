from django.contrib import admin

from .models import MetricValue


@admin.register(MetricValue)
class MetricValueAdmin(admin.ModelAdmin):
    """Operators read values here; users record them in the app, where every change is
    authorized and audited."""

    list_display = ["plan", "metric_lineage", "measured_on", "value", "recorded_by"]
    list_filter = ["plan__agreement__organization"]
    readonly_fields = [f.name for f in MetricValue._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
