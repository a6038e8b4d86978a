from django.urls import path

from . import views

urlpatterns = [
    path("agreements/<int:pk>/import/", views.plan_import, name="plan_import"),
]
