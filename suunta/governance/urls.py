from django.urls import path

from . import views

urlpatterns = [
    path("plans/<int:pk>/steps/<int:step_id>/", views.step_form, name="plan_step"),
    path("handlings/<int:pk>/correct/", views.handling_correct, name="handling_correct"),
]
