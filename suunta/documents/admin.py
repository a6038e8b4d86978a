from django.contrib import admin

from .models import RecordSettings


@admin.register(RecordSettings)
class RecordSettingsAdmin(admin.ModelAdmin):
    list_display = ["organization", "publicity", "task_class", "retention", "personal_data"]
