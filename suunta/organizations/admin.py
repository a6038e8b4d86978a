from django.contrib import admin

from suunta.followup.scale import ensure_scale
from suunta.governance.workflow import ensure_workflow
from suunta.lib.admin import ReadOnlyTabularInline

from . import services
from .models import Body, Membership, Organization


class MembershipInline(ReadOnlyTabularInline):
    """Shown here; changed on the membership's own page, through the membership service."""

    model = Membership
    fields = ["user", "role", "title", "valid_from", "valid_to", "basis", "awaiting_confirmation"]


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
    """Operators add and change memberships here until an organization sets itself up in
    the app; every save goes through the membership service and the audit log. Ended
    roles stay in the history: nothing is deleted."""

    list_display = ["user", "organization", "role", "title", "valid_from", "valid_to"]
    list_filter = ["organization", "role"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "organization"]
    readonly_fields = ["granted_by", "awaiting_confirmation", "confirmed_by", "confirmed_at"]
    actions = None

    def get_readonly_fields(self, request, obj=None):
        # Who held which role from when is history: a held membership is ended (valid
        # to) and a new one added, never rewritten into another person's or role's.
        if obj is not None:
            return ["user", "organization", "role", "title", "valid_from", *self.readonly_fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        services.save_membership_as_operator(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "organization"]
    list_filter = ["organization", "kind"]
