"""Django admin for operators. Organization admins manage their people in the app."""

from django.contrib import admin

from .models import Checkpoint, DirectorAgreement, GoalArea, GoalPlan, Metric, PlanVersion


class PlanVersionInline(admin.TabularInline):
    model = PlanVersion
    extra = 0
    fields = ["number", "status", "created_by"]
    # Statuses change through the workflow only (suunta.governance), never by hand.
    readonly_fields = ["status"]


class GoalAreaInline(admin.StackedInline):
    model = GoalArea
    extra = 0


class CheckpointInline(admin.TabularInline):
    model = Checkpoint
    extra = 0


class MetricInline(admin.TabularInline):
    model = Metric
    extra = 0


@admin.register(DirectorAgreement)
class DirectorAgreementAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organization", "starts_on", "signed_on"]
    list_filter = ["organization"]
    list_select_related = ["organization", "executive"]


@admin.register(GoalPlan)
class GoalPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "agreement", "period_start", "period_end"]
    list_filter = ["agreement__organization"]
    inlines = [PlanVersionInline]


@admin.register(PlanVersion)
class PlanVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status"]
    list_filter = ["status"]
    readonly_fields = ["status"]
    inlines = [GoalAreaInline, CheckpointInline]


@admin.register(GoalArea)
class GoalAreaAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "order"]
    inlines = [MetricInline]
