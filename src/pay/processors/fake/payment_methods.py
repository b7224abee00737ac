from __future__ import annotations

from django.utils import timezone

from pay.processors.data import CustomerDetails, PaymentMethodDetails

from .ids import new_id


class FakePaymentMethods:
    """Any token is accepted and becomes a fake card ending in 4242."""

    def add_payment_method(
        self, customer: CustomerDetails, token: str, default: bool
    ) -> PaymentMethodDetails:
        return PaymentMethodDetails(
            processor_id=token or new_id("pm"),
            type="card",
            brand="Fake",
            last4="4242",
            exp_month=12,
            exp_year=timezone.now().year + 5,
            default=default,
        )
