from django.urls import path

from . import views

urlpatterns = [
    path(
        "plans/<int:pk>/followup/<int:checkpoint_id>/evidence/<int:goal_id>/",
        views.evidence_add,
        name="evidence_add",
    ),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:evidence_id>/remove/", views.evidence_remove, name="evidence_remove"),
]
