from django.urls import path

from . import views

urlpatterns = [
    path("organizations/<slug:slug>/retention/", views.retention_rules, name="retention_rules"),
    path(
        "organizations/<slug:slug>/retention/holds/<int:agreement_id>/",
        views.legal_hold,
        name="legal_hold",
    ),
    path("organizations/<slug:slug>/data-requests/", views.subject_copy, name="subject_copy"),
    path("accounts/my-data/", views.my_data, name="my_data"),
]
