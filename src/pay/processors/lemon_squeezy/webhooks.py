"""Lemon Squeezy's webhooks: verified by their X-Signature, translated into changes.

Lemon Squeezy signs the raw body alone (hex HMAC-SHA256 under the webhook's
signing secret) and puts no event id or timestamp in it, so a captured delivery
stays valid forever. Two things make that safe:

- the event id is derived from the body (event name, resource, and a hash of
  the bytes), so a retried delivery has the id of the first and is stored once;
- translation never trusts the state in the body: it re-reads the subscription,
  order or invoice from the API, so a late or replayed event applies the
  current state, never an older one. Only the owner reference is taken from
  the body, and it is signed with SECRET_KEY.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from pay import conf
from pay.errors import WebhookInvalid
from pay.processors.data import (
    Change,
    ChargeChanged,
    ChargeRefunded,
    ChargeSucceeded,
    PaymentProblem,
    SubscriptionChanged,
    WebhookEvent,
)
from pay.processors.signatures import required_header, signed_by_any

from .client import LemonSqueezyAPI, Resource
from .translate import (
    NAME_KEY,
    OWNER_KEY,
    PAID_STATUSES,
    charge_details,
    parse_time,
    subscription_details,
)

SIGNATURE_HEADER = "X-Signature"
_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


class LemonSqueezyWebhooks(LemonSqueezyAPI):
    #: Translation re-reads every object it reports from the API.
    webhook_changes_are_current: ClassVar[bool] = True

    def verify_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """The event in ``body``, if its X-Signature was made with one of the secrets in
        LEMON_SQUEEZY_WEBHOOK_SECRET (a list while rotating)."""
        secrets = conf.required_list(
            "LEMON_SQUEEZY_WEBHOOK_SECRET", "verifying Lemon Squeezy webhooks"
        )
        signature = required_header(headers, SIGNATURE_HEADER).strip().lower()
        if not _HEX_SHA256.fullmatch(signature):
            raise WebhookInvalid(f"The {SIGNATURE_HEADER} header is not a hex SHA-256 digest.")
        if not signed_by_any(secrets, body, [signature]):
            raise WebhookInvalid(
                "The X-Signature does not match the body; check LEMON_SQUEEZY_WEBHOOK_SECRET."
            )
        return _parse_event(body)

    def translate_webhook(self, event: WebhookEvent) -> list[Change]:
        """The changes an event implies; events django-pay has no use for imply none."""
        translator = _TRANSLATORS.get(event.event_type)
        if translator is None:
            return []
        meta = event.payload["meta"]
        custom = meta.get("custom_data") if isinstance(meta.get("custom_data"), dict) else {}
        changes = translator(self, event.payload["data"], custom)
        notice = _CHARGE_NOTICES.get(event.event_type)
        if notice is None:
            return changes
        return [
            notice(change.customer_processor_id, change.charge)
            if type(change) is ChargeChanged
            else change
            for change in changes
        ]

    def _subscription_changed(self, data: Resource, custom: dict[str, Any]) -> list[Change]:
        current = self.fetch(f"subscriptions/{data['id']}", "fetch the subscription")
        reference = custom.get(OWNER_KEY)
        name = custom.get(NAME_KEY)
        return [
            SubscriptionChanged(
                customer_processor_id=str(current["attributes"]["customer_id"]),
                subscription=subscription_details(
                    current, name if isinstance(name, str) and name else "default"
                ),
                owner_reference=reference if isinstance(reference, str) else "",
            )
        ]

    def _invoice_changed(self, data: Resource, kind: type[ChargeChanged]) -> list[Change]:
        """A subscription's payment, with its refunds however late this event comes."""
        invoice = self.fetch(f"subscription-invoices/{data['id']}", "fetch the invoice")
        if invoice["attributes"]["status"] not in PAID_STATUSES:
            return []
        return [kind(str(invoice["attributes"]["customer_id"]), charge_details(invoice))]

    def _order_changed(self, data: Resource, kind: type[ChargeChanged]) -> list[Change]:
        """A one-off purchase. An order that started a subscription is left out: that
        payment is the subscription's first invoice, recorded from its own events."""
        order = self.fetch(f"orders/{data['id']}", "fetch the order")
        if order["attributes"]["status"] not in PAID_STATUSES:
            return []
        if self.fetch_all(
            "subscriptions", "find the order's subscription", {"order_id": str(order["id"])}
        ):
            return []
        return [kind(str(order["attributes"]["customer_id"]), charge_details(order))]

    def _payment_failed(self, data: Resource) -> list[Change]:
        """Point the customer at the page where they fix the subscription's card. The
        failed attempt is a fact of the past, so the event's own invoice says what failed."""
        attributes = data["attributes"]
        subscription_id = str(attributes["subscription_id"])
        subscription = self.fetch(f"subscriptions/{subscription_id}", "fetch the subscription")
        urls = subscription["attributes"].get("urls") or {}
        return [
            PaymentProblem(
                customer_processor_id=str(attributes["customer_id"]),
                subscription_processor_id=subscription_id,
                reason=str(attributes.get("status_formatted") or attributes.get("status", "")),
                amount=int(attributes.get("total") or 0),
                currency=str(attributes.get("currency", "")).lower(),
                action_url=str(urls.get("update_payment_method") or ""),
            )
        ]


Translator = Callable[[LemonSqueezyWebhooks, Resource, dict[str, Any]], list[Change]]

_SUBSCRIPTION_EVENTS = (
    "created",
    "updated",
    "cancelled",
    "resumed",
    "expired",
    "paused",
    "unpaused",
)

#: Payments and refunds the customer hears about (a receipt, a refund email).
_CHARGE_NOTICES: dict[str, type[ChargeChanged]] = {
    "subscription_payment_success": ChargeSucceeded,
    "subscription_payment_recovered": ChargeSucceeded,
    "order_created": ChargeSucceeded,
    "subscription_payment_refunded": ChargeRefunded,
    "order_refunded": ChargeRefunded,
}

_TRANSLATORS: dict[str, Translator] = {
    **{
        f"subscription_{event}": LemonSqueezyWebhooks._subscription_changed
        for event in _SUBSCRIPTION_EVENTS
    },
    "subscription_payment_success": lambda hooks, data, _: hooks._invoice_changed(
        data, ChargeSucceeded
    ),
    "subscription_payment_recovered": lambda hooks, data, _: hooks._invoice_changed(
        data, ChargeSucceeded
    ),
    "subscription_payment_refunded": lambda hooks, data, _: hooks._invoice_changed(
        data, ChargeRefunded
    ),
    "subscription_payment_failed": lambda hooks, data, _: hooks._payment_failed(data),
    "order_created": lambda hooks, data, _: hooks._order_changed(data, ChargeSucceeded),
    "order_refunded": lambda hooks, data, _: hooks._order_changed(data, ChargeRefunded),
}


def _parse_event(body: bytes) -> WebhookEvent:
    """The event, its id derived from the body and its time the resource's ``updated_at``."""
    try:
        payload = json.loads(body)
    except ValueError:
        raise WebhookInvalid("The body is not JSON.") from None
    meta = payload.get("meta") if isinstance(payload, dict) else None
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(meta, dict) or not isinstance(data, dict):
        raise WebhookInvalid("The body is not a Lemon Squeezy event: no meta or data.")
    event_name = meta.get("event_name")
    attributes = data.get("attributes")
    if not (isinstance(event_name, str) and event_name and data.get("id") and data.get("type")):
        raise WebhookInvalid("The body is not a Lemon Squeezy event: no event_name or resource.")
    if not isinstance(attributes, dict):
        raise WebhookInvalid("The Lemon Squeezy event's resource has no attributes.")
    try:
        updated_at = parse_time(attributes.get("updated_at") or attributes.get("created_at"))
    except ValueError:
        updated_at = None
    if updated_at is None:
        raise WebhookInvalid("The Lemon Squeezy event's resource has no updated_at time.")
    digest = hashlib.sha256(body).hexdigest()[:32]
    return WebhookEvent(
        event_id=f"{event_name}:{data['type']}:{data['id']}:{digest}",
        event_type=event_name,
        created=updated_at,
        payload=payload,
    )
