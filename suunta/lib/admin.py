"""Read-only pieces for the operators' Django admin.

What users write in the app (plan contents, follow-ups, discussions, metric values,
evidence) is changed only there: through the services, which check the policy and
write the audit log. The admin shows it to operators, and nothing more.
"""

from django.contrib import admin


class ReadOnlyAdminMixin:
    """No add, change or delete; the change page shows every field as text."""

    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + [f.name for f in self.model._meta.many_to_many]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False


class ReadOnlyStackedInline(ReadOnlyAdminMixin, admin.StackedInline):
    extra = 0
    can_delete = False
