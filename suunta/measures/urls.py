from django.urls import path

from . import views

urlpatterns = [
    path("plans/<int:pk>/weights/", views.plan_weights, name="plan_weights"),
    path("plans/<int:pk>/metrics/<int:metric_id>/", views.metric_detail, name="metric_detail"),
    path("plans/<int:pk>/metrics/<int:metric_id>/values/", views.value_add, name="metric_value_add"),
    path(
        "plans/<int:pk>/metrics/<int:metric_id>/values/<int:value_id>/delete/",
        views.value_delete,
        name="metric_value_delete",
    ),
    path("plans/<int:pk>/metrics/<int:metric_id>/import/", views.value_import, name="metric_value_import"),
]
