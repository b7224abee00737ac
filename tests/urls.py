from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("pay/", include("pay.urls")),
    path("", include("pay.webhooks.urls")),
]
