from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("t/<slug:team_slug>/seats/sync/", views.sync_team_seats, name="sync_seats"),
]
