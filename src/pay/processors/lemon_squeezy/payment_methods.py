from __future__ import annotations

from pay.processors.data import CustomerDetails, PaymentMethodDetails

from .client import LemonSqueezyAPI


class LemonSqueezyPaymentMethods(LemonSqueezyAPI):
    """Lemon Squeezy has no payment method API: cards are saved in its checkout.

    A customer changes a subscription's card on the page at
    ``management_urls(subscription)["update_payment_method"]``.
    """

    def add_payment_method(
        self, customer: CustomerDetails, token: str, default: bool
    ) -> PaymentMethodDetails:
        raise self.not_supported("add_payment_method")
