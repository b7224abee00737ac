"""The interface every payment processor implements.

A processor is a translator: it takes plain data (see :mod:`pay.processors.data`),
talks to the outside world, and returns plain data describing the new state.
It never reads or writes the database; the models do that with what it returns.

To add a processor, copy the fake processor's package (one module per concern:
customers, subscriptions, charges, payment methods), implement each operation,
and register the class under a name in ``PAY_PROCESSOR_CLASSES``. An operation
the processor cannot perform raises :class:`pay.errors.NotSupported`: the
optional ones at the end of the class do so unless overridden.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar, Self

from pay.errors import NotSupported

from .data import (
    Change,
    ChargeDetails,
    ChargeRequest,
    CheckoutRequest,
    CheckoutSession,
    CustomerDetails,
    OwnerDetails,
    PaymentMethodDetails,
    PriceDetails,
    ProductDetails,
    SubscribeRequest,
    SubscriptionDetails,
    WebhookEvent,
)


class Processor(abc.ABC):
    """Base class of payment processors; one instance serves the whole project."""

    #: The name customers are stored under, e.g. ``"stripe"``.
    name: ClassVar[str]

    #: Operations (method names) this processor cannot perform, each with the reason.
    #: They raise NotSupported; the README's capability table lists them.
    unsupported: ClassVar[Mapping[str, str]] = {}

    #: Whether translate_webhook re-reads every object it reports from the processor's API,
    #: so its changes are current when translated rather than as of the event's time.
    webhook_changes_are_current: ClassVar[bool] = False

    #: Whether the owner references in webhook changes are signed (they travelled through a
    #: buyer's browser) rather than plain ones only this project's API key could have written.
    owner_references_are_signed: ClassVar[bool] = True

    def not_supported(self, operation: str) -> NotSupported:
        """The error for an operation listed in ``unsupported``."""
        return NotSupported(self.name, operation, self.unsupported.get(operation, ""))

    def supporting(self, operation: str) -> Self:
        """This processor, or NotSupported before anything (say, a customer) is created for
        an operation it cannot do: ``backend.supporting("charge").charge(...)``."""
        if operation in self.unsupported:
            raise self.not_supported(operation)
        return self

    # Customers

    @abc.abstractmethod
    def create_customer(self, owner: OwnerDetails) -> CustomerDetails:
        """Create the customer at the processor and return it."""

    @abc.abstractmethod
    def update_customer(
        self, customer: CustomerDetails, changes: Mapping[str, Any]
    ) -> CustomerDetails:
        """Push changed customer attributes (email, name, metadata…) to the processor."""

    @abc.abstractmethod
    def delete_customer(self, customer: CustomerDetails) -> None:
        """Delete the customer at the processor."""

    # Subscriptions

    @abc.abstractmethod
    def subscribe(
        self, customer: CustomerDetails, request: SubscribeRequest
    ) -> SubscriptionDetails:
        """Start a subscription; raise ActionRequired when the customer must confirm it."""

    @abc.abstractmethod
    def cancel(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        """Cancel at the end of the current period (or trial), leaving a grace period."""

    @abc.abstractmethod
    def cancel_now(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        """End the subscription immediately."""

    @abc.abstractmethod
    def resume(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        """Undo a cancellation during its grace period, or end a pause."""

    @abc.abstractmethod
    def swap(
        self, subscription: SubscriptionDetails, plan: str, options: Mapping[str, Any]
    ) -> SubscriptionDetails:
        """Move the subscription to another plan."""

    @abc.abstractmethod
    def change_quantity(
        self, subscription: SubscriptionDetails, quantity: int, options: Mapping[str, Any]
    ) -> SubscriptionDetails:
        """Change the number of units (seats) billed."""

    @abc.abstractmethod
    def pause(
        self, subscription: SubscriptionDetails, behavior: str | None, resumes_at: datetime | None
    ) -> SubscriptionDetails:
        """Pause billing, until ``resumes_at`` when given."""

    @abc.abstractmethod
    def retrieve_subscription(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        """Return the subscription's current state at the processor."""

    @abc.abstractmethod
    def list_subscriptions(
        self,
        customer: CustomerDetails,
        status: str = "all",
        known: Sequence[SubscriptionDetails] = (),
    ) -> list[SubscriptionDetails]:
        """Return the customer's subscriptions at the processor, including ones made elsewhere.

        ``known`` are the local copies, for a processor that keeps no state of its own.
        """

    @abc.abstractmethod
    def processor_subscription(self, subscription: SubscriptionDetails) -> Any:
        """Return the processor's own object for the subscription, untranslated."""

    # Charges

    @abc.abstractmethod
    def charge(self, customer: CustomerDetails, request: ChargeRequest) -> ChargeDetails:
        """Charge the customer once; raise PaymentDeclined or ActionRequired on failure."""

    @abc.abstractmethod
    def refund(self, charge: ChargeDetails, amount: int) -> ChargeDetails:
        """Refund ``amount`` minor units of the charge and return its new state."""

    # Payment methods

    @abc.abstractmethod
    def add_payment_method(
        self, customer: CustomerDetails, token: str, default: bool
    ) -> PaymentMethodDetails:
        """Attach a payment method (a processor token) to the customer."""

    # Optional: hosted pages and webhooks. Not every processor has them.

    def create_checkout(
        self, customer: CustomerDetails, request: CheckoutRequest
    ) -> CheckoutSession:
        """Start a hosted checkout the buyer is redirected to."""
        raise NotSupported(self.name, "hosted checkout")

    def retrieve_checkout(self, session_id: str) -> CheckoutSession:
        """The checkout's current state, with the subscription it created once complete."""
        raise NotSupported(self.name, "hosted checkout")

    def billing_portal_url(self, customer: CustomerDetails, return_url: str) -> str:
        """A hosted page where the customer manages billing, returning to ``return_url``."""
        raise NotSupported(self.name, "a hosted billing portal")

    def list_products(self) -> list[ProductDetails]:
        """Every product in the processor's catalogue, active or not."""
        raise NotSupported(self.name, "listing products")

    def list_prices(self) -> list[PriceDetails]:
        """Every price of every product, active or not."""
        raise NotSupported(self.name, "listing prices")

    def verify_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Check the signature on the raw body and parse it; raise WebhookInvalid if bad."""
        raise NotSupported(self.name, "webhooks")

    def translate_webhook(self, event: WebhookEvent) -> list[Change]:
        """The changes a verified event implies, for the models to apply."""
        raise NotSupported(self.name, "webhooks")
