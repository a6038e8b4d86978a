from django.urls import path

from . import views

urlpatterns = [
    path("organizations/<slug:slug>/audit/", views.audit_log, name="audit_log"),
]
