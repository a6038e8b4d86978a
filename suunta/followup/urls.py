from django.urls import path

from . import views

urlpatterns = [
    path("ratings.css", views.rating_styles, name="rating_styles"),
    path("organizations/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("plans/<int:pk>/followup/<int:checkpoint_id>/", views.followup, name="followup"),
    path("plans/<int:pk>/followup/<int:checkpoint_id>/own/", views.save_own, name="followup_own"),
    path(
        "plans/<int:pk>/followup/<int:checkpoint_id>/agreed/<int:goal_id>/",
        views.save_agreed,
        name="followup_agreed",
    ),
    path(
        "plans/<int:pk>/followup/<int:checkpoint_id>/close/",
        views.followup_action,
        {"action": "close"},
        name="followup_close",
    ),
    path(
        "plans/<int:pk>/followup/<int:checkpoint_id>/agree/",
        views.followup_action,
        {"action": "mark"},
        name="followup_mark",
    ),
    path(
        "plans/<int:pk>/followup/<int:checkpoint_id>/report/",
        views.followup_action,
        {"action": "report"},
        name="followup_report",
    ),
    path("organizations/<slug:slug>/evaluation/", views.evaluation_settings, name="evaluation_settings"),
    path(
        "plans/<int:pk>/followup/<int:checkpoint_id>/salary/",
        views.followup_action,
        {"action": "salary"},
        name="followup_salary",
    ),
]
