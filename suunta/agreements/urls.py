from django.urls import path

from . import views

urlpatterns = [
    path("organizations/<slug:slug>/agreements/new/", views.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/signed/", views.agreement_signed_file, name="agreement_signed_file"),
    path("agreements/<int:pk>/plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/history/", views.plan_history, name="plan_history"),
    path("plans/<int:pk>/amend/", views.plan_amend, name="plan_amend"),
    path("plans/<int:pk>/next-period/", views.plan_next_period, name="plan_next_period"),
    path("plans/<int:pk>/goals/new/", views.item_new, {"kind": "goal"}, name="goal_new"),
    path(
        "plans/<int:pk>/goals/<int:parent_id>/metrics/new/",
        views.item_new,
        {"kind": "metric"},
        name="metric_new",
    ),
    path("plans/<int:pk>/checkpoints/new/", views.item_new, {"kind": "checkpoint"}, name="checkpoint_new"),
]
for kind, plural in (("goal", "goals"), ("metric", "metrics"), ("checkpoint", "checkpoints")):
    urlpatterns += [
        path(
            f"plans/<int:pk>/{plural}/<int:item_id>/edit/",
            views.item_edit,
            {"kind": kind},
            name=f"{kind}_edit",
        ),
        path(
            f"plans/<int:pk>/{plural}/<int:item_id>/delete/",
            views.item_delete,
            {"kind": kind},
            name=f"{kind}_delete",
        ),
        path(
            f"plans/<int:pk>/{plural}/<int:item_id>/move/",
            views.item_move,
            {"kind": kind},
            name=f"{kind}_move",
        ),
    ]
