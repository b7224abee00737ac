"""An in-process Braintree gateway that the real SDK talks to over HTTP.

:class:`BraintreeDouble` is a small HTTP server on 127.0.0.1, in a thread of the test
process. The SDK reaches it through a ``braintree.Environment`` naming its port (plain
HTTP: the SDK speaks HTTPS only to port 443), so every request goes through the SDK's
real transport: its XML, its Basic authentication, its status-code handling. The
double answers the endpoints django-pay uses with the XML shapes of Braintree's API
reference, and keeps Braintree's rules as documented:

- payment methods are vaulted from the sandbox's test nonces (``fake-valid-nonce``,
  ``fake-valid-mastercard-nonce``, ``fake-paypal-billing-agreement-nonce``,
  ``fake-processor-declined-visa-nonce``, ``fake-consumed-nonce``);
- sales of 2000.00 to 3000.99 are declined by the processor, as in the sandbox;
- subscriptions bill on their billing dates, apply add-ons and limited-cycle discounts,
  expire after their last billing cycle, cannot be edited once cancelled, and prorate
  plan and add-on changes (a charge now, or a credit to the balance);
- sales settle only when told (:meth:`BraintreeDouble.settle`, the sandbox's testing
  gateway), and only settled sales can be refunded; unsettled ones can be voided.

Time passes lazily: whenever a request touches a subscription, the billing that fell
due by the (time-machine) clock happens first. Every billing, status change and
settlement records the webhook notification Braintree would send;
:meth:`BraintreeDouble.notification` gives its XML, ready to sign.
"""

from __future__ import annotations

from typing import Any

from .base import MERCHANT_ID, PLAN_CREDIT, PRIVATE_KEY, PUBLIC_KEY, SEAT_ADD_ON, Json
from .subscriptions import Subscriptions


class BraintreeDouble(Subscriptions):
    """Braintree's gateway, in process: see the package docstring."""


def enable_braintree(settings: Any) -> BraintreeDouble:
    """Enable the Braintree processor in ``settings`` (pytest-django's) against a started
    double with two monthly plans and a yearly one; stop it when done."""
    double = BraintreeDouble().start()
    if "braintree" not in settings.PAY_PROCESSORS:
        settings.PAY_PROCESSORS = [*settings.PAY_PROCESSORS, "braintree"]
    settings.BRAINTREE_ENVIRONMENT = double.environment
    settings.BRAINTREE_MERCHANT_ID = MERCHANT_ID
    settings.BRAINTREE_PUBLIC_KEY = PUBLIC_KEY
    settings.BRAINTREE_PRIVATE_KEY = PRIVATE_KEY
    double.add_plan("basic-monthly", "10.00")
    double.add_plan("pro-monthly", "25.00")
    double.add_plan("pro-yearly", "250.00", billing_frequency=12)
    return double


__all__ = [
    "MERCHANT_ID",
    "PLAN_CREDIT",
    "PRIVATE_KEY",
    "PUBLIC_KEY",
    "SEAT_ADD_ON",
    "BraintreeDouble",
    "Json",
    "enable_braintree",
]
