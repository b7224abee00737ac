"""Paddle's entities (from the API or a webhook) as django-pay's plain data.

The SDK parses API responses and webhook payloads into two families of
classes with the same field names, so these functions take either.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pay.errors import ProcessorError
from pay.processors.data import (
    ChargeDetails,
    PaymentMethodDetails,
    PriceDetails,
    ProductDetails,
    SubscriptionDetails,
    SubscriptionStatus,
)

#: The checkout custom data keys django-pay sets (see checkout.py).
OWNER_KEY = "pay_owner"
NAME_KEY = "pay_name"

_STATUSES = {
    "active": SubscriptionStatus.ACTIVE,
    "trialing": SubscriptionStatus.TRIALING,
    "past_due": SubscriptionStatus.PAST_DUE,
    "paused": SubscriptionStatus.PAUSED,
    "canceled": SubscriptionStatus.CANCELED,
}

#: Refund adjustments that count against a charge; rejected and reversed ones do not.
COUNTED_REFUND_STATUSES = ("pending_approval", "approved")


def custom_data(entity: Any) -> dict[str, Any]:
    data = entity.custom_data.data if entity.custom_data is not None else {}
    return data if isinstance(data, dict) else {}


def subscription_details(subscription: Any) -> SubscriptionDetails:
    """A Paddle subscription; its first item is the plan."""
    status = _STATUSES.get(str(subscription.status))
    if status is None:
        raise ProcessorError(
            f"Paddle reported subscription {subscription.id} as {subscription.status}, "
            "a status django-pay does not know; upgrade django-pay."
        )
    if not subscription.items:
        raise ProcessorError(f"Paddle reported subscription {subscription.id} with no items.")
    plan_item = subscription.items[0]
    period = subscription.current_billing_period
    pause_starts_at, pause_resumes_at = _pause(subscription)
    return SubscriptionDetails(
        processor_id=subscription.id,
        plan=plan_item.price.id,
        quantity=plan_item.quantity,
        status=status,
        name=custom_data(subscription).get(NAME_KEY) or "default",
        trial_ends_at=plan_item.trial_dates.ends_at if plan_item.trial_dates else None,
        ends_at=_ends_at(subscription),
        current_period_start=period.starts_at if period else None,
        current_period_end=period.ends_at if period else None,
        pause_starts_at=pause_starts_at,
        pause_resumes_at=pause_resumes_at,
        data={
            "customer_id": subscription.customer_id,
            "currency": str(subscription.currency_code).lower(),
            "next_billed_at": _iso(subscription.next_billed_at),
            "items": [
                {"price_id": item.price.id, "quantity": item.quantity}
                for item in subscription.items
            ],
            "scheduled_change": _scheduled_change(subscription),
        },
    )


def _scheduled_action(subscription: Any) -> str:
    change = subscription.scheduled_change
    return str(change.action) if change is not None else ""


def _ends_at(subscription: Any) -> datetime | None:
    ends_at: datetime | None = None
    if str(subscription.status) == "canceled":
        ends_at = subscription.canceled_at or subscription.updated_at
    elif _scheduled_action(subscription) == "cancel":
        ends_at = subscription.scheduled_change.effective_at
    return ends_at


def _pause(subscription: Any) -> tuple[datetime | None, datetime | None]:
    """When the pause starts and ends: a scheduled pause keeps the subscription active till then."""
    change, action = subscription.scheduled_change, _scheduled_action(subscription)
    if str(subscription.status) == "paused":
        return subscription.paused_at, change.effective_at if action == "resume" else None
    if action == "pause":
        return change.effective_at, change.resume_at
    return None, None


def _scheduled_change(subscription: Any) -> dict[str, Any] | None:
    change = subscription.scheduled_change
    if change is None:
        return None
    return {
        "action": str(change.action),
        "effective_at": _iso(change.effective_at),
        "resume_at": _iso(change.resume_at),
    }


def charge_details(transaction: Any, adjustments: Iterable[Any] = ()) -> ChargeDetails:
    """A completed transaction, refunded by the refund ``adjustments`` made against it."""
    totals = transaction.details.totals
    refunds = [adjustment for adjustment in adjustments if str(adjustment.action) == "refund"]
    payment = captured_payment(transaction)
    card = payment.method_details.card if payment is not None else None
    return ChargeDetails(
        processor_id=transaction.id,
        amount=int(totals.grand_total or totals.total),
        currency=str(transaction.currency_code).lower(),
        amount_refunded=sum(
            int(refund.totals.total)
            for refund in refunds
            if str(refund.status) in COUNTED_REFUND_STATUSES
        ),
        subscription_processor_id=transaction.subscription_id or "",
        payment_method_type=str(payment.method_details.type) if payment is not None else "",
        brand=str(card.type) if card is not None else "",
        last4=card.last4 if card is not None else "",
        data={
            "invoice_number": transaction.invoice_number or "",
            "origin": str(transaction.origin),
            "refunds": [
                {
                    "id": refund.id,
                    "amount": int(refund.totals.total),
                    "status": str(refund.status),
                }
                for refund in refunds
            ],
        },
    )


def captured_payment(transaction: Any) -> Any:
    """The payment attempt that succeeded, if any (failed attempts come first or last)."""
    return next(
        (payment for payment in transaction.payments if str(payment.status) == "captured"), None
    )


def payment_method_details(payment: Any) -> PaymentMethodDetails:
    """The method of a captured payment, which Paddle saved for the customer's renewals."""
    card = payment.method_details.card
    return PaymentMethodDetails(
        processor_id=payment.payment_method_id or payment.stored_payment_method_id,
        type=str(payment.method_details.type),
        brand=str(card.type) if card is not None else "",
        last4=card.last4 if card is not None else "",
        exp_month=card.expiry_month if card is not None else None,
        exp_year=card.expiry_year if card is not None else None,
        default=True,
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def product_details(product: Any) -> ProductDetails:
    return ProductDetails(
        processor_id=product.id,
        name=product.name,
        description=product.description or "",
        active=_value(product.status) == "active",
        data={"custom_data": custom_data(product)},
    )


def price_details(price: Any) -> PriceDetails:
    """A price: Paddle's amounts are strings of minor units; it has no tiered prices."""
    cycle = price.billing_cycle
    return PriceDetails(
        processor_id=price.id,
        product_processor_id=price.product_id,
        currency=_value(price.unit_price.currency_code).lower(),
        amount=int(price.unit_price.amount),
        interval=_value(cycle.interval) if cycle else None,
        interval_count=cycle.frequency if cycle else 1,
        active=_value(price.status) == "active",
        data={"name": price.name or "", "description": price.description or ""},
    )


def _value(enum_or_text: Any) -> str:
    return str(getattr(enum_or_text, "value", enum_or_text))
