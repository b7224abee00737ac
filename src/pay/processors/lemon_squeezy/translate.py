"""Lemon Squeezy's JSON:API resources as django-pay's plain data.

A subscription Lemon Squeezy reports as ``cancelled`` is still running: it
ends at ``ends_at``, the end of the period paid for, and only then becomes
``expired``. So ``cancelled`` is active with an end date (a grace period), and
``expired`` is django-pay's final ``canceled``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pay.errors import InvalidAction, ProcessorError
from pay.processors.data import ChargeDetails, SubscriptionDetails, SubscriptionStatus

from .client import Resource

#: The checkout custom data keys django-pay sets (see checkout.py).
OWNER_KEY = "pay_owner"
NAME_KEY = "pay_name"

STATUSES = {
    "on_trial": SubscriptionStatus.TRIALING,
    "active": SubscriptionStatus.ACTIVE,
    "paused": SubscriptionStatus.PAUSED,
    "past_due": SubscriptionStatus.PAST_DUE,
    "unpaid": SubscriptionStatus.UNPAID,
    "cancelled": SubscriptionStatus.ACTIVE,
    "expired": SubscriptionStatus.CANCELED,
}

#: Order and invoice statuses of money taken (and perhaps refunded since).
PAID_STATUSES = ("paid", "refunded", "partial_refund")

#: Resource types that are charges; a charge's processor_id is ``"<type>/<id>"``.
CHARGE_TYPES = ("orders", "subscription-invoices")


def subscription_details(resource: Resource, name: str = "default") -> SubscriptionDetails:
    """A subscription; ``name`` comes from the checkout's custom data, which only webhooks carry."""
    attributes = resource["attributes"]
    status = STATUSES.get(attributes["status"])
    if status is None:
        raise ProcessorError(
            f"Lemon Squeezy reported subscription {resource['id']} as {attributes['status']}, "
            "a status django-pay does not know; upgrade django-pay."
        )
    item = attributes.get("first_subscription_item") or {}
    pause = attributes.get("pause") or {}
    return SubscriptionDetails(
        processor_id=str(resource["id"]),
        plan=str(attributes["variant_id"]),
        quantity=int(item.get("quantity") or 1),
        status=status,
        name=name,
        trial_ends_at=parse_time(attributes.get("trial_ends_at")),
        ends_at=parse_time(attributes.get("ends_at")),
        current_period_end=parse_time(attributes.get("renews_at")),
        pause_behavior=str(pause.get("mode") or ""),
        pause_resumes_at=parse_time(pause.get("resumes_at")),
        data={
            "customer_id": str(attributes["customer_id"]),
            "order_id": str(attributes["order_id"]),
            "product_id": str(attributes["product_id"]),
            "product_name": attributes.get("product_name", ""),
            "variant_name": attributes.get("variant_name", ""),
            "subscription_item_id": str(item["id"]) if item.get("id") else "",
            "lemon_squeezy_status": attributes["status"],
            "card_brand": attributes.get("card_brand") or "",
            "card_last_four": attributes.get("card_last_four") or "",
            "test_mode": bool(attributes.get("test_mode")),
        },
    )


def charge_details(resource: Resource) -> ChargeDetails:
    """An order (a one-off purchase) or a subscription invoice (a subscription's payment)."""
    attributes = resource["attributes"]
    urls = attributes.get("urls") or {}
    subscription_id = attributes.get("subscription_id")
    return ChargeDetails(
        processor_id=charge_id(resource),
        amount=int(attributes["total"]),
        currency=str(attributes["currency"]).lower(),
        amount_refunded=int(attributes.get("refunded_amount") or 0),
        subscription_processor_id=str(subscription_id) if subscription_id else "",
        payment_method_type="card" if attributes.get("card_brand") else "",
        brand=attributes.get("card_brand") or "",
        last4=(attributes.get("card_last_four") or "")[-4:],
        receipt_url=urls.get("receipt") or urls.get("invoice_url") or "",
        data={
            "status": attributes["status"],
            "billing_reason": attributes.get("billing_reason", ""),
            "order_number": attributes.get("order_number"),
            "test_mode": bool(attributes.get("test_mode")),
        },
    )


def charge_id(resource: Resource) -> str:
    """``"orders/1"`` or ``"subscription-invoices/1"``: Lemon Squeezy numbers each apart."""
    if resource["type"] not in CHARGE_TYPES:
        raise ProcessorError(f"A Lemon Squeezy {resource['type']} is not a charge.")
    return f"{resource['type']}/{resource['id']}"


def variant_id(plan: str) -> int:
    """A plan is a variant id: Lemon Squeezy's ids are numbers, plans their text."""
    if not str(plan).isdigit():
        raise InvalidAction(f"A Lemon Squeezy plan is a variant id (a number), not {plan!r}.")
    return int(plan)


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time (``2023-01-17T12:43:51.000000Z``) as an aware UTC datetime."""
    if not value:
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def lemon_squeezy_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
