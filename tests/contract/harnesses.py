"""How the processor contract suite sets up each processor.

A harness enables its processor (pointing its SDK at the test double when it
has one) and hands out customers ready to subscribe. A processor that cannot
subscribe or charge through its API (Paddle, Lemon Squeezy: only their checkouts
can) overrides :meth:`Harness.subscribe` and :meth:`Harness.charge` to do it its own way, so
the contract still covers everything that follows. To put a new processor
through the contract, write a Harness subclass and add it to HARNESSES.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any, ClassVar

from pay.models import Charge, Customer, Subscription
from tests.braintree.double import enable_braintree
from tests.lemon_squeezy import flows as lemon_squeezy_flows
from tests.lemon_squeezy.double import enable_lemon_squeezy
from tests.paddle import flows as paddle_flows
from tests.paddle.double import enable_paddle


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
        """A customer of ``owner`` with a valid payment method on file, if it takes one."""
        customer: Customer = owner.set_payment_processor(self.processor, allow_fake=True)
        if "add_payment_method" not in customer.backend.unsupported:
            customer.add_payment_method(self.valid_payment_token())
        return customer

    def subscribe(
        self,
        customer: Customer,
        *,
        name: str = "default",
        plan: str = "default",
        quantity: int = 1,
        trial_period_days: int | None = None,
    ) -> Subscription:
        """A new subscription, as ``customer.subscribe(...)`` would make it."""
        return customer.subscribe(
            name=name, plan=plan, quantity=quantity, trial_period_days=trial_period_days
        )

    def charge(self, customer: Customer, amount: int, currency: str) -> Charge:
        """A paid one-off charge, as ``customer.charge(amount, currency)`` would make it."""
        return customer.charge(amount, currency)

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


class HostedCheckoutHarness(Harness):
    """For processors that subscribe and charge only in their checkout (Paddle, Lemon
    Squeezy): the buyer's part is simulated by the double, and the result comes back as the
    processor sends it. Trials live on prices there, so a trial buys a price that has one.

    ``flows`` is the processor's test module with ``subscribe_through_checkout`` and
    ``charge_through_checkout``, driving its double as a buyer would."""

    flows: ClassVar[ModuleType]
    double: Any

    def subscribe(
        self,
        customer: Customer,
        *,
        name: str = "default",
        plan: str = "default",
        quantity: int = 1,
        trial_period_days: int | None = None,
    ) -> Subscription:
        price = self.price_with_trial(plan, trial_period_days) if trial_period_days else plan
        subscription: Subscription = self.flows.subscribe_through_checkout(
            customer, self.double, price, quantity, name
        )
        return subscription

    def charge(self, customer: Customer, amount: int, currency: str) -> Charge:
        price = self.one_time_price(amount, currency)
        charge: Charge = self.flows.charge_through_checkout(customer, self.double, price)
        return charge

    def price_with_trial(self, plan: str, days: int) -> str:
        """A price like ``plan`` with a trial of ``days``."""
        raise NotImplementedError

    def one_time_price(self, amount: int, currency: str) -> str:
        """A price for a one-time payment of ``amount``."""
        raise NotImplementedError


class PaddleHarness(HostedCheckoutHarness):
    processor = "paddle_billing"
    flows: ClassVar[ModuleType] = paddle_flows
    plans = ("pri_basic_monthly", "pri_pro_monthly")

    def start(self, settings: Any) -> None:
        self.double = enable_paddle(settings)
        for plan in self.plans:
            self.double.add_price(plan, 1500)

    def price_with_trial(self, plan: str, days: int) -> str:
        price = f"{plan}_trial_{days}d"
        self.double.add_price(price, 1500, trial_days=days)
        return price

    def one_time_price(self, amount: int, currency: str) -> str:
        price = f"pri_once_{amount}_{currency}"
        self.double.add_price(price, amount, currency=currency.upper(), interval=None)
        return price


class BraintreeHarness(Harness):
    """Braintree through the official SDK, against the in-process Braintree gateway."""

    processor = "braintree"
    plans = ("basic-monthly", "pro-monthly")

    def start(self, settings: Any) -> None:
        self.double = enable_braintree(settings)

    def stop(self) -> None:
        self.double.stop()

    def charge(self, customer: Customer, amount: int, currency: str) -> Charge:
        """A sale, settled as Braintree settles it overnight: only settled sales refund in part."""
        charge = customer.charge(amount, currency)
        self.double.settle(charge.processor_id)
        return charge

    def valid_payment_token(self) -> str:
        return "fake-valid-nonce"


class LemonSqueezyHarness(HostedCheckoutHarness):
    processor = "lemon_squeezy"
    flows: ClassVar[ModuleType] = lemon_squeezy_flows
    plans = ("101", "102")

    def start(self, settings: Any) -> None:
        self.double = enable_lemon_squeezy(settings)
        for plan in self.plans:
            self.double.add_variant(plan, 1500)

    def price_with_trial(self, plan: str, days: int) -> str:
        variant = f"{plan}{days:03d}"
        self.double.add_variant(variant, 1500, trial_days=days)
        return variant

    def one_time_price(self, amount: int, currency: str) -> str:
        variant = str(900000 + len(self.double.variants))
        self.double.add_variant(variant, amount, currency=currency.upper(), interval=None)
        return variant


HARNESSES: dict[str, type[Harness]] = {
    FakeHarness.processor: FakeHarness,
    StripeHarness.processor: StripeHarness,
    PaddleHarness.processor: PaddleHarness,
    BraintreeHarness.processor: BraintreeHarness,
    LemonSqueezyHarness.processor: LemonSqueezyHarness,
}
