from django.urls import path

from . import views

urlpatterns = [
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/<slug:slug>/", views.organization_detail, name="organization_detail"),
    path("organizations/<slug:slug>/positions/", views.positions, name="organization_positions"),
    path("organizations/<slug:slug>/process/", views.process, name="organization_process"),
    path("organizations/<slug:slug>/process/steps/", views.process_steps, name="organization_process_steps"),
    path("organizations/<slug:slug>/members/", views.member_list, name="member_list"),
    path("organizations/<slug:slug>/members/new/", views.member_new, name="member_new"),
    path("organizations/<slug:slug>/members/invite/", views.member_invite, name="member_invite"),
    path("organizations/<slug:slug>/members/<int:membership_id>/end/", views.member_end, name="member_end"),
    path(
        "organizations/<slug:slug>/members/<int:membership_id>/confirm/",
        views.membership_confirm,
        name="membership_confirm",
    ),
    path(
        "organizations/<slug:slug>/members/<int:membership_id>/reject/",
        views.membership_reject,
        name="membership_reject",
    ),
    path(
        "organizations/<slug:slug>/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "organizations/<slug:slug>/invitations/<int:invitation_id>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
