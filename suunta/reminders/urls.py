from django.urls import path

from . import views

urlpatterns = [
    path("accounts/reminders/", views.preferences, name="reminder_preferences"),
    path("accounts/reminders/calendar/", views.feed_renew, name="reminder_feed_renew"),
    path("reminders/stop/<str:token>/", views.stop, name="reminder_stop"),
    path("calendar/<str:token>.ics", views.personal_feed, name="calendar_feed"),
    path("calendar/<str:token>/<slug:slug>.ics", views.organization_feed, name="organization_calendar_feed"),
    path("organizations/<slug:slug>/reminders/", views.reminder_log, name="reminder_log"),
    path("organizations/<slug:slug>/reminders/settings/", views.defaults, name="reminder_defaults"),
    path(
        "organizations/<slug:slug>/reminders/<int:reminder_id>/resend/", views.resend, name="reminder_resend"
    ),
]
