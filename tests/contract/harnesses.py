"""How the processor contract suite sets up each processor.

A harness enables its processor (pointing its SDK at the test double when it
has one) and hands out customers ready to subscribe. To put a new processor
through the contract, write a Harness subclass and add it to HARNESSES.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pay.models import Customer


class Harness:
    processor: ClassVar[str]
    #: Two plans billed at the same interval, for swaps.
    plans: ClassVar[tuple[str, str]]

    def start(self, settings: Any) -> None:
        """Enable the processor in ``settings`` (pytest-django's fixture) and start its double."""
        settings.PAY_PROCESSORS = [*settings.PAY_PROCESSORS, self.processor]

    def stop(self) -> None:
        """Stop the test double, if any."""

    def customer(self, owner: Any) -> Customer:
        """A customer of ``owner`` with a valid payment method on file."""
        customer: Customer = owner.set_payment_processor(self.processor, allow_fake=True)
        customer.add_payment_method(self.valid_payment_token())
        return customer

    def valid_payment_token(self) -> str:
        return "tok_visa"


class FakeHarness(Harness):
    processor = "fake_processor"
    plans = ("basic-monthly", "pro-monthly")


class StripeHarness(Harness):
    """Stripe through the official SDK, against the in-process Stripe double."""

    processor = "stripe"
    plans = ("price_basic_monthly", "price_pro_monthly")

    def start(self, settings: Any) -> None:
        from tests.stripe_double import StripeDouble
        from tests.stripe_double.plugin import configure

        self.double = StripeDouble()
        configure(settings, self.double)


HARNESSES: dict[str, type[Harness]] = {
    FakeHarness.processor: FakeHarness,
    StripeHarness.processor: StripeHarness,
}
