"""django-pay's pages: ``path("pay/", include("pay.urls"))`` in the project's URLconf.

Every processor's webhook endpoint is ``webhooks/<processor>/`` here (``pay:webhook``).
The subscription pages may also be mounted under a prefix with arguments, e.g.
``path("teams/<slug:team>/billing/", include(("pay.urls", "pay"), namespace="team_pay"))``;
they keep the prefix's arguments in their links. The Stripe pages are served when the
``stripe`` SDK is installed, Paddle's checkout page and Braintree's payment page when
theirs are. :func:`absolute_url` and :func:`require_same_site` (from
:mod:`pay.absolute_urls`) build and check the URLs processors send buyers back to.
"""

from __future__ import annotations

from importlib.util import find_spec

from django.urls import URLPattern, path

from pay import views
from pay.absolute_urls import absolute_url, require_same_site, site_root
from pay.processors.fake import views as fake_views
from pay.webhooks import views as webhook_views

app_name = "pay"

urlpatterns: list[URLPattern] = [
    path("webhooks/<str:processor>/", webhook_views.receive, name="webhook"),
    path("subscription/", views.subscription_page, name="subscription"),
    path("subscription/upgrade/", views.upgrade, name="upgrade"),
    path("subscription/welcome/", views.checkout_return, name="checkout_return"),
    path("subscription/manage/", views.manage_billing, name="manage_billing"),
    path("billing/", views.billing_page, name="billing"),
    path("billing/<slug:action>/", views.billing_action, name="billing_action"),
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

if find_spec("paddle_billing") is not None:
    from pay.processors.paddle import views as paddle_views

    urlpatterns += [
        path("paddle/checkout/", paddle_views.checkout_page, name="paddle_checkout"),
    ]

if find_spec("braintree") is not None:
    from pay.processors.braintree import views as braintree_views

    urlpatterns += [
        path("braintree/checkout/", braintree_views.checkout_page, name="braintree_checkout"),
    ]

__all__ = ["absolute_url", "app_name", "require_same_site", "site_root", "urlpatterns"]
