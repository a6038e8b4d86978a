from django.urls import path

from . import views

urlpatterns = [
    path("organizations/<slug:slug>/texts/", views.texts_edit, name="document_texts"),
    path("organizations/<slug:slug>/records/", views.records_edit, name="record_settings"),
    path("plans/<int:pk>/documents/<slug:kind>/", views.preview, name="document_preview"),
    path("plans/<int:pk>/documents/<slug:kind>.<slug:fmt>", views.download, name="document_download"),
    path("handlings/<int:pk>/package.zip", views.handling_package, name="handling_package"),
]
