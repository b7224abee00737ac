"""What a buyer and Lemon Squeezy do together, end to end, for tests that need the result.

Subscribing and charging happen only in Lemon Squeezy's checkout, and a checkout
does not record the order it leads to, so the result comes back the only way it
does in a real project: as the signed webhook Lemon Squeezy sends.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pay.models import Charge, Customer, Subscription
from pay.processors.data import Change, ChargeChanged, SubscriptionChanged

from .double import Json, LemonSqueezyDouble, signed_delivery

ChangeType = TypeVar("ChangeType", bound=Change)


def start_checkout(customer: Customer, variant: str, quantity: int = 1, **options: Any) -> Any:
    return customer.checkout(
        line_items=[{"price": variant, "quantity": quantity}],
        success_url="https://app.example.test/thanks",
        cancel_url="https://app.example.test/pricing",
        **options,
    )


def deliver(customer: Customer, event: Json) -> list[Change]:
    """Sign ``event`` as Lemon Squeezy does, then verify and translate it."""
    backend = customer.backend
    return backend.translate_webhook(backend.verify_webhook(*signed_delivery(event)))


def only(changes: list[Change], kind: type[ChangeType]) -> ChangeType:
    """The one change ``changes`` holds, checked to be a ``kind``."""
    [change] = changes
    assert isinstance(change, kind), change
    return change


def latest_event(lemon: LemonSqueezyDouble, event_name: str, resource_id: str) -> Json:
    return [e for e in lemon.events_of(event_name) if e["data"]["id"] == resource_id][-1]


def subscribe_through_checkout(
    customer: Customer,
    lemon: LemonSqueezyDouble,
    variant: str,
    quantity: int = 1,
    name: str = "default",
) -> Subscription:
    """The buyer pays a checkout for ``variant``; the subscription_created webhook records it."""
    session = start_checkout(customer, variant, quantity, name=name)
    subscription = lemon.complete_checkout(session.processor_id)
    event = latest_event(lemon, "subscription_created", subscription["id"])
    changed = only(deliver(customer, event), SubscriptionChanged)
    return customer.record_subscription(changed.subscription)


def charge_through_checkout(customer: Customer, lemon: LemonSqueezyDouble, variant: str) -> Charge:
    """The buyer pays a one-time ``variant``; the order_created webhook records the charge."""
    session = start_checkout(customer, variant, mode="payment")
    order = lemon.complete_checkout(session.processor_id)
    charged = only(
        deliver(customer, latest_event(lemon, "order_created", order["id"])), ChargeChanged
    )
    return Charge.objects.record(customer, charged.charge)
