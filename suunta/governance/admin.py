from django.contrib import admin

from .models import Handling


@admin.register(Handling)
class HandlingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "version", "case_number"]
    list_select_related = ["body", "version__plan"]
