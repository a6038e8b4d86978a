from django.urls import path

from . import views

urlpatterns = [
    path("agreements/<int:pk>/discussions/new/", views.discussion_new, name="discussion_new"),
    path("discussions/<int:pk>/", views.discussion_detail, name="discussion_detail"),
    path("discussions/<int:pk>/edit/", views.discussion_edit, name="discussion_edit"),
    path(
        "discussions/<int:pk>/sections/<int:section_id>/", views.section_fragment, name="discussion_section"
    ),
    path(
        "discussions/<int:pk>/sections/<int:section_id>/save/",
        views.section_save,
        name="discussion_section_save",
    ),
    path("discussions/<int:pk>/items/new/", views.item_save, name="development_item_new"),
    path("discussions/<int:pk>/items/<int:item_id>/", views.item_save, name="development_item_save"),
    path("discussions/<int:pk>/share-items/", views.share_items, name="development_items_share"),
    path("discussions/<int:pk>/confirm/", views.confirm, name="discussion_confirm"),
    path("discussions/<int:pk>/close/", views.close, name="discussion_close"),
    path("discussions/<int:pk>/calendar.ics", views.calendar_file, name="discussion_calendar"),
    path("discussions/<int:pk>/survey/new/", views.survey_new, name="survey_new"),
    path("surveys/<int:pk>/", views.survey_answer, name="survey_answer"),
    path("agreements/<int:pk>/restricted-use/", views.restricted_use, name="restricted_use"),
    path("agreements/<int:pk>/shares/<int:share_id>/withdraw/", views.share_withdraw, name="share_withdraw"),
]
