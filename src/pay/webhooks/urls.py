"""Stripe's conventional endpoint, for the project's root URLconf:

``path("", include("pay.webhooks.urls"))`` serves ``/stripe/webhook/``. Every processor's
endpoint, ``/pay/webhooks/<processor>/``, comes with ``include("pay.urls")``.
"""

from __future__ import annotations

from django.urls import path

from .views import stripe_webhook

urlpatterns = [path("stripe/webhook/", stripe_webhook, name="pay_stripe_webhook")]
