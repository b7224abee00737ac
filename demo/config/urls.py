from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("pay/", include("pay.urls")),
    path("", include("apps.subscriptions.urls")),
    path("", include("apps.teams.urls")),
    path("", include("apps.web.urls")),
]
