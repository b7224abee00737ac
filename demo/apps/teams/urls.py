from django.urls import path

from . import views

app_name = "teams"

urlpatterns = [
    path("t/<slug:team_slug>/team/", views.team_members, name="members"),
    path("t/<slug:team_slug>/team/invite/", views.invite, name="invite"),
    path(
        "t/<slug:team_slug>/team/members/<int:membership_id>/remove/",
        views.remove_member,
        name="remove_member",
    ),
    path(
        "t/<slug:team_slug>/team/members/<int:membership_id>/role/",
        views.change_role,
        name="change_role",
    ),
    path(
        "t/<slug:team_slug>/team/invitations/<int:invitation_id>/cancel/",
        views.cancel_invitation,
        name="cancel_invitation",
    ),
    path("invitations/<uuid:token>/", views.accept_invitation, name="accept_invitation"),
]
