"""One holder's Subscription and billing pages, for mounting under a prefix with arguments.

``pay.urls`` includes them for the signed-in user's own billing. To give each team its
own, mount them again under the team's prefix::

    path("teams/<slug:team>/billing/", include("pay.billing_urls", namespace="team_pay"))

The pages keep the prefix's arguments in their links, and the holder hook
(``PAY_SUBSCRIPTION_HOLDER``) finds the team from the request. Webhooks and the
processors' own pages live in ``pay.urls`` only: they belong to the site, not a holder.
"""

from __future__ import annotations

from importlib.util import find_spec

from django.urls import URLPattern, path

from pay import views

app_name = "pay"

urlpatterns: list[URLPattern] = [
    path("subscription/", views.subscription_page, name="subscription"),
    path("subscription/upgrade/", views.upgrade, name="upgrade"),
    path("subscription/welcome/", views.checkout_return, name="checkout_return"),
    path("subscription/manage/", views.manage_billing, name="manage_billing"),
    path("billing/", views.billing_page, name="billing"),
    path("billing/<slug:action>/", views.billing_action, name="billing_action"),
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
