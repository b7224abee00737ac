from django.contrib import admin
from django.urls import include, path

from tests.testapp import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("pay/", include("pay.urls")),
    path("", include("pay.webhooks.urls")),
    path("teams/<int:team_id>/pay/", include("pay.billing_urls", namespace="team_pay")),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/below-login/", views.dashboard_below_login),
    path("dashboard/above-login/", views.dashboard_above_login),
    path("reports/", views.reports, name="reports"),
    path("reports/class-based/", views.ReportsView.as_view()),
    path("teams/<int:team_id>/dashboard/", views.team_dashboard, name="team_dashboard"),
]
