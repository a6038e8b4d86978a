"""The strategy map, its XLSX export and the public goals page."""

from django.urls import path

from . import map_views as views

urlpatterns = [
    path("organizations/<slug:slug>/strategy/map/", views.strategy_map, name="strategy_map"),
    path("organizations/<slug:slug>/strategy/map.xlsx", views.strategy_map_xlsx, name="strategy_map_xlsx"),
    path("julkinen/<slug:slug>/", views.public_goals, name="public_goals"),
    path("julkinen/<slug:slug>/goals.json", views.public_goals_json, name="public_goals_json"),
]
