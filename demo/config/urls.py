from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # django-pay's pages: the fake processor's checkout and Stripe's payment confirmation here,
    # and each team's Subscription and billing pages under its own prefix.
    path("pay/", include("pay.urls")),
    path("t/<slug:team_slug>/billing/", include("pay.billing_urls", namespace="team_pay")),
    path("", include("pay.webhooks.urls")),  # Stripe's conventional /stripe/webhook/
    path("", include("apps.subscriptions.urls")),
    path("", include("apps.teams.urls")),
    path("", include("apps.web.urls")),
]
