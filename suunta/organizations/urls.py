from django.urls import path

from . import views

urlpatterns = [
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization_detail"),
    path("organizations/<slug:slug>/members/", views.member_list, name="member_list"),
    path("organizations/<slug:slug>/members/new/", views.member_new, name="member_new"),
    path("organizations/<slug:slug>/members/<int:membership_id>/end/", views.member_end, name="member_end"),
]
