"""django-pay's pages: ``path("pay/", include("pay.urls"))`` in the project's URLconf.

Every processor's webhook endpoint is ``webhooks/<processor>/`` here (``pay:webhook``),
with the fake processor's checkout page and Stripe's payment confirmation pages (when the
``stripe`` SDK is installed), and the signed-in user's own Subscription and billing pages
from :mod:`pay.billing_urls`, which can also be mounted per team. :func:`absolute_url` and
:func:`require_same_site` (from :mod:`pay.absolute_urls`) build and check the URLs
processors send buyers back to.
"""

from __future__ import annotations

from importlib.util import find_spec

from django.urls import URLPattern, path

from pay import billing_urls
from pay.absolute_urls import absolute_url, require_same_site, site_root
from pay.processors.fake import views as fake_views
from pay.webhooks import views as webhook_views

app_name = "pay"

urlpatterns: list[URLPattern] = [
    *billing_urls.urlpatterns,
    path("webhooks/<str:processor>/", webhook_views.receive, name="webhook"),
    path("fake/checkout/<str:session_id>/", fake_views.checkout_page, name="fake_checkout"),
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

__all__ = ["absolute_url", "app_name", "require_same_site", "site_root", "urlpatterns"]
