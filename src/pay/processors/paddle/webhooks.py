"""Paddle's webhooks: verified by their Paddle-Signature, translated into changes.

Paddle signs ``"{ts}:{raw body}"`` with HMAC-SHA256 under the notification
destination's secret key and sends ``Paddle-Signature: ts=...;h1=...``. The
SDK's Verifier does the same, but skips the timestamp check whenever a
TEST_MODE environment variable is set, so replay protection is done here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from paddle_billing.Notifications.Entities.Adjustment import Adjustment
from paddle_billing.Notifications.Entities.PaymentMethodDeleted import PaymentMethodDeleted
from paddle_billing.Notifications.Entities.Subscription import Subscription
from paddle_billing.Notifications.Entities.Transaction import Transaction

from pay import conf
from pay.errors import WebhookInvalid
from pay.processors.data import (
    Change,
    ChargeChanged,
    ChargeRefunded,
    ChargeSucceeded,
    PaymentMethodChanged,
    PaymentMethodRemoved,
    PaymentProblem,
    SubscriptionChanged,
    WebhookEvent,
)
from pay.processors.signatures import required_header, signed_by_any

from .charges import list_refunds
from .client import PaddleAPI, paddle_errors
from .translate import (
    OWNER_KEY,
    captured_payment,
    charge_details,
    custom_data,
    payment_method_details,
    subscription_details,
)

SIGNATURE_HEADER = "Paddle-Signature"
#: Seconds a signature stays valid; Paddle signs every delivery attempt afresh.
DEFAULT_TOLERANCE = 5


class PaddleWebhooks(PaddleAPI):
    def verify_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """The event in ``body``, if its Paddle-Signature is fresh and made with one of the
        secrets in PADDLE_WEBHOOK_SECRET (a list while rotating)."""
        secrets = conf.required_list("PADDLE_WEBHOOK_SECRET", "verifying Paddle webhooks")
        timestamp, signatures = _parse_signature(required_header(headers, SIGNATURE_HEADER))
        tolerance = getattr(settings, "PADDLE_WEBHOOK_TOLERANCE", DEFAULT_TOLERANCE)
        if abs(time.time() - timestamp) > tolerance:
            raise WebhookInvalid(
                "The Paddle-Signature timestamp is too old or in the future: a replay, "
                "or this server's clock is wrong."
            )
        if not signed_by_any(secrets, f"{timestamp}:".encode() + body, signatures):
            raise WebhookInvalid(
                "The Paddle-Signature does not match the body; check PADDLE_WEBHOOK_SECRET."
            )
        return _parse_event(body)

    def translate_webhook(self, event: WebhookEvent) -> list[Change]:
        """The changes an event implies; events django-pay has no use for imply none."""
        translator = _TRANSLATORS.get(event.event_type)
        return translator(self, event.payload["data"]) if translator else []

    def _subscription_changed(self, data: dict[str, Any]) -> list[Change]:
        subscription = _parse(Subscription, data)
        reference = custom_data(subscription).get(OWNER_KEY)
        return [
            SubscriptionChanged(
                customer_processor_id=subscription.customer_id,
                subscription=subscription_details(subscription),
                owner_reference=reference if isinstance(reference, str) else "",
            )
        ]

    def _transaction_completed(self, data: dict[str, Any]) -> list[Change]:
        """A charge (with refunds counted, however late this event comes) and its card."""
        transaction = _parse(Transaction, data)
        changes: list[Change] = []
        charge = charge_details(transaction, list_refunds(self.client, transaction.id))
        if charge.amount > 0:
            changes.append(ChargeSucceeded(transaction.customer_id, charge))
        payment = captured_payment(transaction)
        if payment is not None:
            changes.append(
                PaymentMethodChanged(transaction.customer_id, payment_method_details(payment))
            )
        return changes

    def _payment_failed(self, data: dict[str, Any]) -> list[Change]:
        """Point the customer at the page where they fix the subscription's card."""
        transaction = _parse(Transaction, data)
        failed = [payment for payment in transaction.payments if payment.error_code]
        action_url = ""
        if transaction.subscription_id:
            with paddle_errors("fetch the subscription whose payment failed"):
                urls = self.client.subscriptions.get(transaction.subscription_id).management_urls
            action_url = (urls.update_payment_method if urls else None) or ""
        totals = transaction.details.totals
        return [
            PaymentProblem(
                customer_processor_id=transaction.customer_id,
                subscription_processor_id=transaction.subscription_id or "",
                reason=str(failed[-1].error_code) if failed else "",
                amount=int(totals.grand_total or totals.total),
                currency=str(transaction.currency_code).lower(),
                action_url=action_url,
            )
        ]

    def _refund_changed(self, data: dict[str, Any]) -> list[Change]:
        """A refund was requested, approved or rejected: the charge's refunded amount moves."""
        adjustment = _parse(Adjustment, data)
        if str(adjustment.action) != "refund":
            return []
        with paddle_errors("fetch the refunded transaction"):
            transaction = self.client.transactions.get(adjustment.transaction_id)
        refunds = list_refunds(self.client, transaction.id)
        kind = ChargeRefunded if str(adjustment.status) == "approved" else ChargeChanged
        return [kind(adjustment.customer_id, charge_details(transaction, refunds))]

    def _payment_method_deleted(self, data: dict[str, Any]) -> list[Change]:
        method = _parse(PaymentMethodDeleted, data)
        return [PaymentMethodRemoved(method.customer_id, method.id)]


_SUBSCRIPTION_EVENTS = (
    "created",
    "updated",
    "activated",
    "trialing",
    "past_due",
    "paused",
    "resumed",
    "canceled",
    "imported",
)

_TRANSLATORS: dict[str, Callable[[PaddleWebhooks, dict[str, Any]], list[Change]]] = {
    **{
        f"subscription.{event}": PaddleWebhooks._subscription_changed
        for event in _SUBSCRIPTION_EVENTS
    },
    "transaction.completed": PaddleWebhooks._transaction_completed,
    "transaction.payment_failed": PaddleWebhooks._payment_failed,
    "adjustment.created": PaddleWebhooks._refund_changed,
    "adjustment.updated": PaddleWebhooks._refund_changed,
    "payment_method.deleted": PaddleWebhooks._payment_method_deleted,
}


def _parse_signature(header: str) -> tuple[int, list[str]]:
    """``ts=1671552777;h1=abc…[;h1=def…]`` as the timestamp and the signatures."""
    fields = [part.partition("=") for part in header.split(";")]
    timestamps = [value for key, _, value in fields if key.strip() == "ts"]
    signatures = [value.strip() for key, _, value in fields if key.strip() == "h1"]
    if len(timestamps) != 1 or not timestamps[0].strip().isdigit() or not signatures:
        raise WebhookInvalid(f"The {SIGNATURE_HEADER} header is malformed.")
    return int(timestamps[0]), signatures


def _parse_event(body: bytes) -> WebhookEvent:
    try:
        payload = json.loads(body)
    except ValueError:
        raise WebhookInvalid("The body is not JSON.") from None
    if not isinstance(payload, dict):
        raise WebhookInvalid("The body is not a Paddle event.")
    event_id, event_type, occurred_at = (
        payload.get(key) for key in ("event_id", "event_type", "occurred_at")
    )
    if not all(isinstance(value, str) and value for value in (event_id, event_type, occurred_at)):
        raise WebhookInvalid("The body is not a Paddle event: no event_id, event_type or time.")
    if not isinstance(payload.get("data"), dict):
        raise WebhookInvalid("The Paddle event has no data.")
    try:
        created = datetime.fromisoformat(str(occurred_at))
    except ValueError:
        raise WebhookInvalid("The Paddle event's occurred_at is not a time.") from None
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return WebhookEvent(
        event_id=str(event_id),
        event_type=str(event_type),
        created=created.astimezone(UTC),
        payload=payload,
    )


def _parse(entity: Any, data: dict[str, Any]) -> Any:
    """The SDK's notification entity for ``data``; WebhookInvalid if it is not one."""
    try:
        return entity.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise WebhookInvalid(
            f"The event's data is not a Paddle {entity.__name__.lower()}."
        ) from None
