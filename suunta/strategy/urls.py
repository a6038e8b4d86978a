"""The strategy and budget management pages (suunta/strategy/views.py)."""

from django.urls import path

from . import views

STRATEGY = "organizations/<slug:slug>/strategy/"
ONE = STRATEGY + "<int:pk>/"
BUDGET = "organizations/<slug:slug>/budget/"

urlpatterns = [
    path(STRATEGY, views.strategy_list, name="strategy_list"),
    path(STRATEGY + "options/", views.strategy_options, name="strategy_options"),
    path(ONE, views.strategy_detail, name="strategy_detail"),
    path(ONE + "approve/", views.strategy_approve, name="strategy_approve"),
    path(ONE + "revise/", views.strategy_revise, name="strategy_revise"),
    path(ONE + "delete/", views.strategy_delete, name="strategy_delete"),
    path(ONE + "themes/", views.theme_add, name="strategy_theme_add"),
    path(ONE + "themes/<int:theme_id>/", views.theme_edit, name="strategy_theme_edit"),
    path(ONE + "themes/<int:theme_id>/delete/", views.theme_delete, name="strategy_theme_delete"),
    path(ONE + "objectives/", views.objective_add, name="strategy_objective_add"),
    path(ONE + "objectives/<int:objective_id>/", views.objective_edit, name="strategy_objective_edit"),
    path(
        ONE + "objectives/<int:objective_id>/delete/",
        views.objective_delete,
        name="strategy_objective_delete",
    ),
    path(
        ONE + "objectives/<int:objective_id>/indicators/", views.indicator_add, name="strategy_indicator_add"
    ),
    path(ONE + "indicators/<int:indicator_id>/", views.indicator_edit, name="strategy_indicator_edit"),
    path(
        ONE + "indicators/<int:indicator_id>/delete/",
        views.indicator_delete,
        name="strategy_indicator_delete",
    ),
    path(BUDGET, views.budget_targets, name="budget_targets"),
    path(BUDGET + "import/", views.budget_import_view, name="budget_import"),
    path(BUDGET + "targets/", views.budget_target_add, name="budget_target_add"),
    path(BUDGET + "targets/<int:target_id>/delete/", views.budget_target_delete, name="budget_target_delete"),
    path(
        BUDGET + "targets/<int:target_id>/indicators/",
        views.budget_indicator_add,
        name="budget_indicator_add",
    ),
    path(
        BUDGET + "indicators/<int:indicator_id>/realisations/",
        views.realisation_add,
        name="budget_realisation_add",
    ),
]
