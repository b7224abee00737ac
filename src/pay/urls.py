"""django-pay's pages: ``path("pay/", include("pay.urls"))`` in the project's URLconf.

Every processor's webhook endpoint is ``webhooks/<processor>/`` here (``pay:webhook``);
the Stripe pages are served when the ``stripe`` SDK is installed.
"""

from __future__ import annotations

from importlib.util import find_spec

from django.urls import URLPattern, path

from pay.webhooks import views as webhook_views

app_name = "pay"

urlpatterns: list[URLPattern] = [
    path("webhooks/<str:processor>/", webhook_views.receive, name="webhook"),
]

if find_spec("stripe") is not None:
    from pay.processors.stripe import views as stripe_views

    urlpatterns += [
        path(
            "stripe/payments/<str:payment_intent_id>/",
            stripe_views.confirm_payment,
            name="stripe_confirm_payment",
        ),
        path(
            "stripe/payments/<str:payment_intent_id>/complete/",
            stripe_views.payment_complete,
            name="stripe_payment_complete",
        ),
    ]
