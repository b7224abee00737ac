"""The demo's own webhook handler: tell the site's admins when a subscription is cancelled.

django-pay has already applied the event when this runs; the mail goes after the commit, so
an event that is rolled back and retried does not mail twice.
"""

from __future__ import annotations

from typing import Any

from django.core.mail import mail_admins
from django.db import transaction

from pay import webhooks
from pay.models import Subscription, Webhook

#: Each processor's event for a subscription that has ended.
CANCELLATION_EVENTS = {
    "stripe": "customer.subscription.deleted",
    "paddle_billing": "subscription.canceled",
    "braintree": "subscription_canceled",
    "lemon_squeezy": "subscription_expired",
}


def subscription_cancelled(webhook: Webhook) -> None:
    subscription_id = _subscription_id(webhook.payload)
    subscription = (
        Subscription.objects.filter(
            customer__processor=webhook.processor, processor_id=subscription_id
        )
        .select_related("customer")
        .first()
    )
    holder = subscription.customer.owner if subscription is not None else None
    subject = f"Subscription cancelled: {holder or subscription_id}"
    message = (
        f"{webhook.processor} cancelled subscription {subscription_id}"
        f"{f' of {holder}' if holder else ''} (event {webhook.event_id})."
    )
    transaction.on_commit(lambda: mail_admins(subject, message))


def _subscription_id(payload: dict[str, Any]) -> str:
    """Stripe nests the subscription under data.object; Paddle and Lemon Squeezy send it as
    data; a Braintree notification names it as its subject."""
    if "subject_id" in payload:
        return str(payload["subject_id"])
    data = payload.get("data", {})
    return str(data.get("object", data).get("id", ""))


def subscribe_handlers() -> None:
    for processor, event_type in CANCELLATION_EVENTS.items():
        webhooks.subscribe(f"{processor}.{event_type}", subscription_cancelled)
