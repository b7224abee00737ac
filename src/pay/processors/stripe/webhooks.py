"""Stripe webhooks: signature verification and the changes each event implies.

Verification follows Stripe's scheme: the ``Stripe-Signature`` header carries a
timestamp ``t`` and one or more ``v1`` HMAC-SHA256 signatures of ``"{t}.{body}"``.
Every ``v1`` is compared, in constant time, with the signature under every
configured secret, so secrets can be rotated without dropping events.

Translation re-reads the objects an event names rather than trusting its
snapshot: events arrive late, twice and out of order, and the current state is
the only one safe to apply.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import stripe
from django.utils import timezone

from pay.errors import ConfigurationError, WebhookInvalid
from pay.processors.data import (
    Change,
    ChargeChanged,
    ChargeRefunded,
    ChargeSucceeded,
    CustomerRemoved,
    PaymentActionRequired,
    PaymentMethodChanged,
    PaymentMethodRemoved,
    PaymentProblem,
    RenewalUpcoming,
    SubscriptionChanged,
    TrialEnding,
    WebhookEvent,
)
from pay.processors.signatures import required_header, signed_by_any

from .client import StripeAPI, setting, stripe_errors
from .translate import (
    charge_details,
    moment,
    object_id,
    owner_reference,
    payment_method_details,
    subscription_details,
)

SIGNATURE_HEADER = "Stripe-Signature"
#: Seconds a signature stays valid, either side of our clock.
TOLERANCE_SECONDS = 300
SECRET_SETTINGS = ("STRIPE_WEBHOOK_SECRET", "DJSTRIPE_WEBHOOK_SECRET")

StripeObjectData = dict[str, Any]


def webhook_secrets() -> list[str]:
    """Every configured signing secret: a string, a comma-separated string or a list."""
    secrets: list[str] = []
    for name in SECRET_SETTINGS:
        value = setting(name)
        values = value.split(",") if isinstance(value, str) else (value or [])
        secrets.extend(str(secret).strip() for secret in values if str(secret).strip())
    return secrets


def verify_signature(
    body: bytes,
    header: str,
    secrets: Sequence[str],
    now: float,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Raise WebhookInvalid unless ``header`` signs ``body`` under one of ``secrets``."""
    signed_at, signatures = _parse_signature_header(header)
    if abs(now - signed_at) > tolerance:
        raise WebhookInvalid("The signature timestamp is outside the tolerance.")
    if not signed_by_any(secrets, f"{signed_at}.".encode() + body, signatures):
        raise WebhookInvalid("No signature matches.")


def _parse_signature_header(header: str) -> tuple[int, list[str]]:
    signed_at: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and signed_at is None:
            signed_at = int(value) if value.isdigit() else None
        elif key == "v1" and value:
            signatures.append(value)
    if signed_at is None or not signatures:
        raise WebhookInvalid(f"The {SIGNATURE_HEADER} header is malformed.")
    return signed_at, signatures


def parse_event(body: bytes) -> WebhookEvent:
    """The event in a verified body; WebhookInvalid if it is not a Stripe event."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise WebhookInvalid("The body is not JSON.") from None
    if not (
        isinstance(payload, dict)
        and payload.get("object") == "event"
        and isinstance(payload.get("id"), str)
        and isinstance(payload.get("type"), str)
        and isinstance(payload.get("created"), int)
        and isinstance(payload.get("data"), dict)
        and isinstance(payload["data"].get("object"), dict)
    ):
        raise WebhookInvalid("The body is not a Stripe event.")
    created = moment(payload["created"])
    assert created is not None
    return WebhookEvent(
        event_id=payload["id"], event_type=payload["type"], created=created, payload=payload
    )


class StripeWebhooks(StripeAPI):
    def verify_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        secrets = webhook_secrets()
        if not secrets:
            raise ConfigurationError(
                "Stripe webhooks need their signing secret: set STRIPE_WEBHOOK_SECRET "
                "(whsec_…, from the Dashboard's webhook endpoint or `stripe listen`)."
            )
        header = required_header(headers, SIGNATURE_HEADER)
        verify_signature(body, header, secrets, timezone.now().timestamp())
        return parse_event(body)

    @stripe_errors()
    def translate_webhook(self, event: WebhookEvent) -> list[Change]:
        handler = _HANDLERS.get(event.event_type)
        if handler is None:
            return []
        data = event.payload["data"]
        return list(handler(self, data["object"], data.get("previous_attributes") or {}))

    # Handlers: (the event's object, its previous attributes) -> changes

    def _subscription_changed(self, obj: StripeObjectData, _: StripeObjectData) -> list[Change]:
        return self._current_subscription(obj["id"])

    def _checkout_completed(self, obj: StripeObjectData, _: StripeObjectData) -> list[Change]:
        session = self.client.v1.checkout.sessions.retrieve(obj["id"])
        customer_id = object_id(session.customer)
        if not customer_id:
            return []
        if session.mode == "subscription" and session.subscription:
            subscription = self.fetch_subscription(object_id(session.subscription))
            owner = owner_reference(session) or owner_reference(subscription)
            return [SubscriptionChanged(customer_id, subscription_details(subscription), owner)]
        if session.mode == "payment" and session.payment_intent:
            return self._intent_charges(object_id(session.payment_intent), customer_id)
        if session.mode == "setup" and session.setup_intent:
            intent = self.client.v1.setup_intents.retrieve(object_id(session.setup_intent))
            return self._payment_method_changed(object_id(intent.payment_method))
        return []

    def _invoice_paid(self, obj: StripeObjectData, _: StripeObjectData) -> list[Change]:
        subscription_id = _invoice_subscription_id(obj)
        changes = self._current_subscription(subscription_id) if subscription_id else []
        for intent_id in self._invoice_payment_intents(obj["id"]):
            changes += self._intent_charges(intent_id, obj["customer"], subscription_id)
        return changes

    def _invoice_failed(self, obj: StripeObjectData, _: StripeObjectData) -> list[Change]:
        problem = self._invoice_problem(obj, "The payment failed; ask for another payment method.")
        return [*self._invoice_subscription(obj), problem]

    def _invoice_needs_action(self, obj: StripeObjectData, _: StripeObjectData) -> list[Change]:
        problem = self._invoice_problem(obj, "The payment needs the customer to authenticate it.")
        intent_id = next(iter(self._invoice_payment_intents(obj["id"])), "")
        needs_action = PaymentActionRequired(**vars(problem), payment_intent_id=intent_id)
        return [*self._invoice_subscription(obj), needs_action]

    def _invoice_problem(self, invoice: StripeObjectData, reason: str) -> PaymentProblem:
        return PaymentProblem(
            customer_processor_id=invoice["customer"],
            subscription_processor_id=_invoice_subscription_id(invoice),
            reason=reason,
            amount=invoice.get("amount_due") or 0,
            currency=invoice.get("currency") or "",
            action_url=invoice.get("hosted_invoice_url") or "",
        )

    def _invoice_subscription(self, invoice: StripeObjectData) -> list[Change]:
        subscription_id = _invoice_subscription_id(invoice)
        return self._current_subscription(subscription_id) if subscription_id else []

    def _invoice_upcoming(self, obj: StripeObjectData, _: StripeObjectData) -> list[Change]:
        """The subscription; a yearly one also tells its customer it renews soon."""
        subscription_id = _invoice_subscription_id(obj)
        if not subscription_id:
            return []
        subscription = self.fetch_subscription(subscription_id)
        items = subscription.items.data
        recurring = items[0].price.recurring if items else None
        yearly = recurring is not None and recurring.interval == "year"
        return [self._subscription_change(subscription, RenewalUpcoming if yearly else None)]

    def _trial_will_end(self, obj: StripeObjectData, _: StripeObjectData) -> list[Change]:
        return [self._subscription_change(self.fetch_subscription(obj["id"]), TrialEnding)]

    def _charge_succeeded(self, obj: StripeObjectData, _: StripeObjectData) -> list[Change]:
        return self._charge_changed(obj, ChargeSucceeded)

    def _charge_refunded(self, obj: StripeObjectData, _: StripeObjectData) -> list[Change]:
        return self._charge_changed(obj, ChargeRefunded)

    def _charge_updated(self, obj: StripeObjectData, _: StripeObjectData) -> list[Change]:
        return self._charge_changed(obj, ChargeChanged)

    def _charge_changed(self, obj: StripeObjectData, kind: type[ChargeChanged]) -> list[Change]:
        charge = self.fetch_charge(obj["id"])
        customer_id = object_id(charge.customer)
        return [kind(customer_id, charge_details(charge))] if customer_id else []

    def _payment_method_attached(self, obj: StripeObjectData, _: StripeObjectData) -> list[Change]:
        return self._payment_method_changed(obj["id"])

    def _payment_method_detached(
        self, obj: StripeObjectData, previous: StripeObjectData
    ) -> list[Change]:
        customer_id = obj.get("customer") or previous.get("customer")
        return [PaymentMethodRemoved(customer_id, obj["id"])] if customer_id else []

    def _customer_updated(self, obj: StripeObjectData, _: StripeObjectData) -> list[Change]:
        default_id = self.default_payment_method_id(obj["id"])
        return self._payment_method_changed(default_id) if default_id else []

    def _customer_deleted(self, obj: StripeObjectData, _: StripeObjectData) -> list[Change]:
        return [CustomerRemoved(obj["id"])]

    # Reading the current state

    def _current_subscription(self, subscription_id: str) -> list[Change]:
        return [self._subscription_change(self.fetch_subscription(subscription_id))]

    @staticmethod
    def _subscription_change(
        subscription: stripe.Subscription, kind: type[SubscriptionChanged] | None = None
    ) -> SubscriptionChanged:
        return (kind or SubscriptionChanged)(
            object_id(subscription.customer),
            subscription_details(subscription),
            owner_reference(subscription),
        )

    def _invoice_payment_intents(self, invoice_id: str) -> list[str]:
        payments = self.client.v1.invoice_payments.list({"invoice": invoice_id})
        intents = (object_id(p.payment.payment_intent) for p in payments.auto_paging_iter())
        return [intent for intent in intents if intent]

    def _intent_charges(
        self, intent_id: str, customer_id: str, subscription_id: str = ""
    ) -> list[Change]:
        intent = self.client.v1.payment_intents.retrieve(intent_id)
        charge_id = object_id(intent.latest_charge)
        if not charge_id:
            return []
        charge = charge_details(self.fetch_charge(charge_id), subscription_id)
        return [ChargeChanged(customer_id, charge)]

    def _payment_method_changed(self, method_id: str) -> list[Change]:
        if not method_id:
            return []
        method = self.client.v1.payment_methods.retrieve(method_id)
        customer_id = object_id(method.customer)
        if not customer_id:
            return []
        default = self.default_payment_method_id(customer_id) == method.id
        return [PaymentMethodChanged(customer_id, payment_method_details(method, default))]


def _invoice_subscription_id(invoice: StripeObjectData) -> str:
    details = (invoice.get("parent") or {}).get("subscription_details") or {}
    return object_id(details.get("subscription"))


_Handler = Callable[[StripeWebhooks, StripeObjectData, StripeObjectData], Iterable[Change]]

_HANDLERS: dict[str, _Handler] = {
    "checkout.session.completed": StripeWebhooks._checkout_completed,
    "checkout.session.async_payment_succeeded": StripeWebhooks._checkout_completed,
    **dict.fromkeys(
        [
            "customer.subscription.created",
            "customer.subscription.updated",
            "customer.subscription.deleted",
            "customer.subscription.paused",
            "customer.subscription.resumed",
            "customer.subscription.pending_update_applied",
            "customer.subscription.pending_update_expired",
        ],
        StripeWebhooks._subscription_changed,
    ),
    "customer.subscription.trial_will_end": StripeWebhooks._trial_will_end,
    "invoice.payment_succeeded": StripeWebhooks._invoice_paid,
    "invoice.paid": StripeWebhooks._invoice_paid,
    "invoice.payment_failed": StripeWebhooks._invoice_failed,
    "invoice.payment_action_required": StripeWebhooks._invoice_needs_action,
    "invoice.upcoming": StripeWebhooks._invoice_upcoming,
    "charge.succeeded": StripeWebhooks._charge_succeeded,
    "charge.refunded": StripeWebhooks._charge_refunded,
    "charge.updated": StripeWebhooks._charge_updated,
    "payment_method.attached": StripeWebhooks._payment_method_attached,
    "payment_method.updated": StripeWebhooks._payment_method_attached,
    "payment_method.automatically_updated": StripeWebhooks._payment_method_attached,
    "payment_method.detached": StripeWebhooks._payment_method_detached,
    "customer.updated": StripeWebhooks._customer_updated,
    "customer.deleted": StripeWebhooks._customer_deleted,
}
