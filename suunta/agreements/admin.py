"""Django admin for operators. Agreements are set up here; plan contents are read-only
(they change in the app, where the policy decides and the audit log records)."""

from django.contrib import admin

from suunta.lib.admin import ReadOnlyAdminMixin, ReadOnlyStackedInline, ReadOnlyTabularInline

from .models import Checkpoint, DirectorAgreement, GoalArea, GoalPlan, Metric, PlanVersion


class PlanVersionInline(ReadOnlyTabularInline):
    model = PlanVersion
    fields = ["number", "status", "created_by"]


class GoalAreaInline(ReadOnlyStackedInline):
    model = GoalArea


class CheckpointInline(ReadOnlyTabularInline):
    model = Checkpoint


class MetricInline(ReadOnlyTabularInline):
    model = Metric


@admin.register(DirectorAgreement)
class DirectorAgreementAdmin(admin.ModelAdmin):
    """Agreements are made in the app by the organization's admin (its own executives
    only, audited); here an operator reads them and may correct texts and dates."""

    list_display = ["__str__", "organization", "starts_on", "signed_on"]
    list_filter = ["organization"]
    list_select_related = ["organization", "executive"]
    readonly_fields = ["organization", "executive"]

    def has_add_permission(self, request):
        return False


@admin.register(GoalPlan)
class GoalPlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "agreement", "period_start", "period_end"]
    list_filter = ["agreement__organization"]
    inlines = [PlanVersionInline]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "status"]
    list_filter = ["status"]
    inlines = [GoalAreaInline, CheckpointInline]


@admin.register(GoalArea)
class GoalAreaAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "version", "order"]
    inlines = [MetricInline]
