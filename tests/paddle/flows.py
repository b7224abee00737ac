"""What a buyer and Paddle do together, end to end, for tests that need the result.

Subscribing and charging happen only in Paddle Checkout, so tests reach them
the way a real project does: a checkout the (simulated) buyer pays, then the
sync or webhook that brings the result back.
"""

from __future__ import annotations

from typing import Any

from pay.models import Charge, Customer, Subscription
from pay.processors.data import ChargeChanged

from .double import PaddleDouble, signed_delivery


def start_checkout(customer: Customer, *line_items: dict[str, Any], **options: Any) -> Any:
    return customer.checkout(
        line_items=line_items,
        success_url="https://app.example.test/thanks",
        cancel_url="https://app.example.test/pricing",
        **options,
    )


def subscribe_through_checkout(
    customer: Customer, paddle: PaddleDouble, price: str, quantity: int = 1, name: str = "default"
) -> Subscription:
    """The buyer pays a checkout for ``price``; the subscription is synced from it."""
    session = start_checkout(customer, {"price": price, "quantity": quantity}, name=name)
    paddle.complete_checkout(session.processor_id)
    subscription = customer.sync_checkout_session(session.processor_id)
    assert subscription is not None
    return subscription


def charge_through_checkout(customer: Customer, paddle: PaddleDouble, *prices: str) -> Charge:
    """The buyer pays one-time ``prices``; the charge is recorded from Paddle's webhook."""
    session = start_checkout(customer, *({"price": price} for price in prices), mode="payment")
    transaction = paddle.complete_checkout(session.processor_id)
    completed = next(
        event
        for event in paddle.events_of("transaction.completed")
        if event["data"]["id"] == transaction["id"]
    )
    backend = customer.backend
    changes = backend.translate_webhook(backend.verify_webhook(*signed_delivery(completed)))
    charged = next(change for change in changes if isinstance(change, ChargeChanged))
    return Charge.objects.record(customer, charged.charge)
