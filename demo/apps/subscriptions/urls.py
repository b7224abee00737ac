from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("t/<slug:team_slug>/subscription/", views.subscription, name="subscription"),
    path("t/<slug:team_slug>/subscription/start/", views.start_checkout, name="start_checkout"),
    path("t/<slug:team_slug>/subscription/checkout/", views.checkout, name="checkout"),
    path(
        "t/<slug:team_slug>/subscription/welcome/",
        views.checkout_success,
        name="checkout_success",
    ),
    path("t/<slug:team_slug>/subscription/cancel/", views.cancel, name="cancel"),
    path("t/<slug:team_slug>/subscription/resume/", views.resume, name="resume"),
    path("t/<slug:team_slug>/subscription/seats/", views.sync_team_seats, name="sync_seats"),
    path("t/<slug:team_slug>/subscription/billing/", views.billing_portal, name="billing_portal"),
]
