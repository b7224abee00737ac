from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("t/<slug:team_slug>/", views.team_dashboard, name="team_dashboard"),
    path("t/<slug:team_slug>/demo/", views.demo_by_plan, name="demo"),
    path("t/<slug:team_slug>/demo/pro/", views.demo_pro_only, name="demo_pro"),
    path("t/<slug:team_slug>/demo/details/", views.demo_details, name="demo_details"),
]
