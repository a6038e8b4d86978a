from django.contrib import admin

from suunta.followup.scale import ensure_scale
from suunta.governance.workflow import ensure_workflow

from .models import Body, Membership, Organization


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class BodyInline(admin.TabularInline):
    model = Body
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_sv", "kind", "business_id", "slug", "use_weights"]
    search_fields = ["name", "name_sv", "business_id", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [BodyInline, MembershipInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A new organization gets the default workflow (from its bodies) and rating scale.

        ensure_workflow(form.instance)
        ensure_scale(form.instance)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "title", "valid_from", "valid_to"]
    list_filter = ["organization", "role"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "organization"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "organization"]
    list_filter = ["organization", "kind"]
