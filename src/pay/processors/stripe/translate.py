"""Stripe's objects, translated into the plain data the models apply.

Pure functions of the SDK's typed objects: no requests, no settings. Recent API
versions keep a subscription's billing period on each of its items, so the
period is read from the first item (the one that carries the plan).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

import stripe

from pay.processors.data import (
    ChargeDetails,
    CheckoutSession,
    PaymentMethodDetails,
    PriceDetails,
    ProductDetails,
    SubscriptionDetails,
    SubscriptionStatus,
)

#: Metadata keys django-pay writes on Stripe objects to find its own rows again.
OWNER_KEY = "pay_owner"
NAME_KEY = "pay_name"
PAUSE_STARTS_KEY = "pay_pause_starts_at"

_ObjectT = TypeVar("_ObjectT", bound=stripe.StripeObject)


def moment(timestamp: int | None) -> datetime | None:
    """A Unix timestamp from Stripe as an aware UTC datetime."""
    return None if timestamp is None else datetime.fromtimestamp(timestamp, tz=UTC)


def timestamp(value: datetime) -> int:
    return int(value.timestamp())


def object_id(value: str | stripe.StripeObject | None) -> str:
    """The id of an expandable field, whether or not it was expanded."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value["id"])


def expanded(value: str | _ObjectT | None) -> _ObjectT | None:
    """An expandable field's object, or None when Stripe sent only its id."""
    return None if value is None or isinstance(value, str) else value


def metadata(obj: stripe.StripeObject) -> dict[str, str]:
    value: stripe.StripeObject | None = getattr(obj, "metadata", None)
    return {str(k): str(v) for k, v in value.to_dict().items()} if value else {}


def owner_reference(obj: stripe.StripeObject) -> str:
    """The owner django-pay recorded on the object, or "" for objects made elsewhere."""
    return metadata(obj).get(OWNER_KEY, "")


def subscription_details(subscription: stripe.Subscription) -> SubscriptionDetails:
    items = subscription.items.data
    first = items[0] if items else None
    period_end = moment(first.current_period_end) if first else None
    tags = metadata(subscription)
    pause = subscription.pause_collection
    return SubscriptionDetails(
        processor_id=subscription.id,
        plan=first.price.id if first else "",
        status=SubscriptionStatus(subscription.status),
        quantity=(first.quantity or 1) if first else 1,
        name=tags.get(NAME_KEY) or "default",
        trial_ends_at=moment(subscription.trial_end),
        ends_at=_ends_at(subscription, period_end),
        current_period_start=moment(first.current_period_start) if first else None,
        current_period_end=period_end,
        pause_behavior=pause.behavior if pause else "",
        pause_starts_at=_pause_starts_at(tags, first) if pause else None,
        pause_resumes_at=moment(pause.resumes_at) if pause else None,
        metered=any(_is_metered(item.price) for item in items),
        data=_subscription_data(subscription),
    )


def _ends_at(subscription: stripe.Subscription, period_end: datetime | None) -> datetime | None:
    if subscription.ended_at is not None:
        return moment(subscription.ended_at)
    if subscription.cancel_at_period_end:
        return period_end
    return moment(subscription.cancel_at)


def _pause_starts_at(
    tags: dict[str, str], first: stripe.SubscriptionItem | None
) -> datetime | None:
    """When the pause takes effect.

    Stripe keeps no start date for ``pause_collection``: django-pay records one in
    metadata (the end of the period already paid for). A pause made in the Dashboard
    counts from the start of the current period, so it never reads as not yet begun.
    """
    recorded = tags.get(PAUSE_STARTS_KEY, "")
    if recorded.isdigit():
        return moment(int(recorded))
    return moment(first.current_period_start) if first else None


def _is_metered(price: stripe.Price) -> bool:
    recurring = price.recurring
    return recurring is not None and recurring.usage_type == "metered"


def _subscription_data(subscription: stripe.Subscription) -> dict[str, Any]:
    data: dict[str, Any] = {
        "items": [
            {"id": item.id, "price": item.price.id, "quantity": item.quantity}
            for item in subscription.items.data
        ],
    }
    intent_id = latest_payment_intent_id(subscription)
    if subscription.status == "incomplete" and intent_id:
        data["payment_intent"] = intent_id
    return data


def latest_payment_intent_id(subscription: stripe.Subscription) -> str:
    """The PaymentIntent paying the latest invoice (``latest_invoice.payments`` expanded)."""
    invoice = expanded(subscription.latest_invoice)
    if invoice is None or invoice.payments is None:
        return ""
    intents = (object_id(p.payment.payment_intent) for p in invoice.payments.data)
    return next((intent for intent in intents if intent), "")


def charge_details(charge: stripe.Charge, subscription_id: str = "") -> ChargeDetails:
    method = charge.payment_method_details
    card = method.card if method else None
    refunds = charge.refunds.data if charge.refunds else []
    return ChargeDetails(
        processor_id=charge.id,
        amount=charge.amount,
        currency=charge.currency,
        amount_refunded=charge.amount_refunded,
        subscription_processor_id=subscription_id,
        payment_method_type=method.type if method else "",
        brand=(card.brand or "") if card else "",
        last4=(card.last4 or "") if card else "",
        receipt_url=charge.receipt_url or "",
        data={
            "payment_intent": object_id(charge.payment_intent),
            "refunds": [
                {"id": refund.id, "amount": refund.amount, "status": refund.status}
                for refund in refunds
            ],
        },
    )


def payment_method_details(
    method: stripe.PaymentMethod, default: bool = False
) -> PaymentMethodDetails:
    card = method.card
    return PaymentMethodDetails(
        processor_id=method.id,
        type=method.type,
        brand=card.brand if card else "",
        last4=card.last4 if card else "",
        exp_month=card.exp_month if card else None,
        exp_year=card.exp_year if card else None,
        default=default,
    )


def checkout_session(
    session: stripe.checkout.Session,
    subscription: SubscriptionDetails | None = None,
    payment_method: PaymentMethodDetails | None = None,
) -> CheckoutSession:
    return CheckoutSession(
        processor_id=session.id,
        url=session.url or "",
        mode=session.mode,
        customer_processor_id=object_id(session.customer),
        status=session.status or "open",
        subscription=subscription,
        payment_method=payment_method,
        data={
            "payment_status": session.payment_status,
            "client_reference_id": session.client_reference_id or "",
            "payment_intent": object_id(session.payment_intent),
            "setup_intent": object_id(session.setup_intent),
        },
    )


def product_details(product: stripe.Product) -> ProductDetails:
    return ProductDetails(
        processor_id=product.id,
        name=product.name,
        description=product.description or "",
        active=product.active,
        data={"metadata": metadata(product)},
    )


def price_details(price: stripe.Price) -> PriceDetails:
    """A price; ``amount`` is ``None`` for a tiered one (its ``tiers`` need ``data.tiers``
    expanded when listing)."""
    recurring = price.recurring
    tiers = getattr(price, "tiers", None) or []
    return PriceDetails(
        processor_id=price.id,
        product_processor_id=object_id(price.product),
        currency=price.currency,
        amount=price.unit_amount if price.billing_scheme == "per_unit" else None,
        interval=recurring.interval if recurring else None,
        interval_count=recurring.interval_count if recurring else 1,
        billing_scheme=price.billing_scheme,
        tiers=[
            {"up_to": tier.up_to, "unit_amount": tier.unit_amount, "flat_amount": tier.flat_amount}
            for tier in tiers
        ],
        usage_type=recurring.usage_type if recurring else "licensed",
        active=price.active,
        data={
            "nickname": price.nickname or "",
            "lookup_key": price.lookup_key or "",
            "tiers_mode": price.tiers_mode or "",
            "metadata": metadata(price),
        },
    )
