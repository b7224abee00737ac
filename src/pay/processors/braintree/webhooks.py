"""Braintree's webhooks: verified by the SDK, refused when stale, translated into changes.

Braintree posts a form with ``bt_signature`` (an HMAC-SHA1 of the payload under the
private key, tagged with the public key) and ``bt_payload`` (the notification's XML,
in base64). Its notifications carry no id, so the event id is derived from what
identifies one: its kind, its timestamp and its subject's id. A replay of a
notification has the same id, so the webhook log takes it once; one older than
BRAINTREE_WEBHOOK_TOLERANCE is refused outright.

Translation re-reads what a notification names (the subscription, the sale it billed),
so notifications that arrive late or out of order still yield the current state.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs
from xml.parsers.expat import ExpatError

from braintree import WebhookNotification
from braintree.exceptions import InvalidSignatureError
from braintree.util.xml_util import XmlUtil

from pay.errors import WebhookInvalid
from pay.processors.data import (
    Change,
    ChargeChanged,
    ChargeSucceeded,
    PaymentMethodRemoved,
    PaymentProblem,
    SubscriptionChanged,
    WebhookEvent,
)

from .charges import charge_state, find_transaction, sale_details
from .client import BraintreeAPI, braintree_errors, seat_add_on, setting
from .translate import subscription_details, to_minor, utc

#: Braintree resends a failed delivery hourly for up to 24 hours (3 in the sandbox).
DEFAULT_TOLERANCE = timedelta(hours=25)
#: How far ahead of our clock a notification's timestamp may be.
CLOCK_SKEW = timedelta(minutes=5)


def tolerance() -> timedelta:
    seconds = setting("BRAINTREE_WEBHOOK_TOLERANCE", str(DEFAULT_TOLERANCE.total_seconds()))
    return timedelta(seconds=float(seconds))


class BraintreeWebhooks(BraintreeAPI):
    def verify_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """The notification in the posted form, if Braintree signed it and it is fresh."""
        signature, payload = _form_fields(body)
        try:
            notification = self.gateway.webhook_notification.parse(signature, payload)
        except InvalidSignatureError:
            raise WebhookInvalid(
                "The bt_signature does not match the bt_payload; check BRAINTREE_PUBLIC_KEY "
                "and BRAINTREE_PRIVATE_KEY."
            ) from None
        except (binascii.Error, ExpatError, AttributeError, KeyError, TypeError, ValueError):
            raise WebhookInvalid("The bt_payload is not a Braintree notification.") from None
        created = utc(getattr(notification, "timestamp", None))
        if created is None:
            raise WebhookInvalid("The Braintree notification has no timestamp.")
        _refuse_stale(created)
        subject_id = _subject_id(_notification_attributes(payload))
        return WebhookEvent(
            event_id=event_id(notification.kind, created, subject_id),
            event_type=notification.kind,
            created=created,
            payload={"bt_payload": payload, "kind": notification.kind, "subject_id": subject_id},
        )

    def translate_webhook(self, event: WebhookEvent) -> list[Change]:
        """The changes a notification implies; kinds django-pay has no use for (disputes,
        disbursements…) imply none."""
        translator = _TRANSLATORS.get(event.event_type)
        if translator is None:
            return []
        attributes = _notification_attributes(event.payload["bt_payload"])
        return translator(self, WebhookNotification(self.gateway, attributes))

    def _subscription_changed(self, notification: Any) -> list[Change]:
        subscription, customer_id = self._subscription_and_customer(notification)
        details = subscription_details(subscription, seat_add_on())
        return [SubscriptionChanged(customer_processor_id=customer_id, subscription=details)]

    def _charged(self, notification: Any) -> list[Change]:
        """The subscription, and the sale the notification reports (the customer's receipt)."""
        subscription, customer_id = self._subscription_and_customer(notification)
        details = subscription_details(subscription, seat_add_on())
        changes: list[Change] = [SubscriptionChanged(customer_id, details)]
        billed = notification.subscription.transactions
        if billed:
            changes.append(ChargeSucceeded(customer_id, charge_state(self.gateway, billed[0].id)))
        return changes

    def _charge_failed(self, notification: Any) -> list[Change]:
        """The subscription (past due, once Braintree gives up retrying), and the problem."""
        subscription, customer_id = self._subscription_and_customer(notification)
        details = subscription_details(subscription, seat_add_on())
        changes: list[Change] = [SubscriptionChanged(customer_id, details)]
        billed = notification.subscription.transactions
        failed = find_transaction(self.gateway, billed[0].id) if billed else None
        changes.append(
            PaymentProblem(
                customer_processor_id=customer_id,
                subscription_processor_id=subscription.id,
                reason=(failed.processor_response_text or failed.status) if failed else "",
                amount=to_minor(failed.amount, failed.currency_iso_code) if failed else 0,
                currency=failed.currency_iso_code.lower() if failed else "",
            )
        )
        return changes

    def _settlement(self, notification: Any) -> list[Change]:
        """A sale (or a refund of one) settled or was declined at settlement: the sale's state."""
        reported = find_transaction(self.gateway, notification.transaction.id)
        sale_id = reported.refunded_transaction_id or reported.id
        sale = reported if sale_id == reported.id else find_transaction(self.gateway, sale_id)
        return [ChargeChanged(sale.customer_details.id, sale_details(self.gateway, sale))]

    def _payment_method_revoked(self, notification: Any) -> list[Change]:
        """The customer revoked a PayPal (or Venmo) billing agreement from their account."""
        revoked = notification.revoked_payment_method_metadata
        return [PaymentMethodRemoved(str(revoked.customer_id), str(revoked.token))]

    def _subscription_and_customer(self, notification: Any) -> tuple[Any, str]:
        """The subscription as it is now, and its customer (via its payment method)."""
        subscription = self.fetch_subscription(notification.subscription.id)
        with braintree_errors("find the subscription's payment method"):
            method = self.gateway.payment_method.find(subscription.payment_method_token)
        return subscription, str(method.customer_id)


_Translator = Callable[[BraintreeWebhooks, Any], list[Change]]

_TRANSLATORS: dict[str, _Translator] = {
    **{
        f"subscription_{kind}": BraintreeWebhooks._subscription_changed
        for kind in (
            "canceled",
            "expired",
            "trial_ended",
            "went_active",
            "went_past_due",
            "billing_skipped",
        )
    },
    "subscription_charged_successfully": BraintreeWebhooks._charged,
    "subscription_charged_unsuccessfully": BraintreeWebhooks._charge_failed,
    "transaction_settled": BraintreeWebhooks._settlement,
    "transaction_settlement_declined": BraintreeWebhooks._settlement,
    "payment_method_revoked_by_customer": BraintreeWebhooks._payment_method_revoked,
}


def event_id(kind: str, created: datetime, subject_id: str) -> str:
    """A stable id for a notification that has none: the same notification, the same id."""
    key = f"{kind}|{created.astimezone(UTC).isoformat()}|{subject_id}"
    return "bt_" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _form_fields(body: bytes) -> tuple[str, str]:
    try:
        form = parse_qs(body.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise WebhookInvalid("The body is not a form Braintree posted.") from None
    signature, payload = form.get("bt_signature"), form.get("bt_payload")
    if not signature or not payload:
        raise WebhookInvalid("The body has no bt_signature or bt_payload.")
    return signature[0], payload[0]


def _refuse_stale(created: datetime) -> None:
    now = datetime.now(UTC)
    if created < now - tolerance():
        raise WebhookInvalid(
            "The Braintree notification is too old: a replay, or one Braintree gave up on."
        )
    if created > now + CLOCK_SKEW:
        raise WebhookInvalid(
            "The Braintree notification is from the future: this server's clock is wrong."
        )


def _notification_attributes(payload: str) -> dict[str, Any]:
    attributes: dict[str, Any] = XmlUtil.dict_from_xml(base64.b64decode(payload))["notification"]
    return attributes


def _subject_id(attributes: dict[str, Any]) -> str:
    """The id of what the notification is about: a subscription, a transaction, a dispute…"""
    subject = attributes.get("subject")
    subject = subject.get("api_error_response", subject) if isinstance(subject, dict) else {}
    for value in subject.values():
        if isinstance(value, dict) and value.get("id"):
            return str(value["id"])
    return ""
