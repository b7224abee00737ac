"""The fake processor's hosted checkout: a page of this site where the buyer clicks "Pay".

Like the rest of the fake, it keeps no state: a session id is the session itself,
signed with SECRET_KEY (so a buyer can change neither the customer, the price, the
quantity nor the return URLs), and paying issues a new id that also carries the
subscription created. That subscription's id is derived from the open session's
(:func:`subscription_id_for`), so the page can tell a session already paid. Sessions
expire after a day, as Stripe's do.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from django.core import signing
from django.urls import reverse

from pay.absolute_urls import require_same_site
from pay.errors import InvalidAction, NotSupported, PaymentDeclined
from pay.processors.data import (
    CheckoutRequest,
    CheckoutSession,
    CustomerDetails,
    OwnerDetails,
    PaymentMethodDetails,
    SubscribeRequest,
    SubscriptionDetails,
    SubscriptionStatus,
)

from .subscriptions import FakeSubscriptions

_SALT = "pay.fake-checkout"
SESSION_LIFETIME = 24 * 3600

#: The test card numbers the page accepts; any other number is declined.
TEST_CARDS = {"4242424242424242": "visa", "5555555555554444": "mastercard"}


class FakeCheckout(FakeSubscriptions):
    def create_checkout(
        self, customer: CustomerDetails, request: CheckoutRequest
    ) -> CheckoutSession:
        if request.mode != "subscription":
            raise NotSupported(
                "fake_processor", f"{request.mode} checkouts", "Use customer.charge() instead."
            )
        if len(request.line_items) != 1:
            raise InvalidAction("The fake processor's checkout sells exactly one price at a time.")
        for url in (request.success_url, request.cancel_url):
            require_same_site(url)
        item = request.line_items[0]
        options = dict(request.options)
        session = {
            "customer": customer.processor_id,
            "name": options.pop("name", "default"),
            "price": item.price,
            "quantity": item.quantity,
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "status": "open",
        }
        return _session(_encode(session))

    def retrieve_checkout(self, session_id: str) -> CheckoutSession:
        return _session(session_id)

    def complete_checkout(self, session_id: str, card_number: str) -> CheckoutSession:
        """Pay an open session with a test card; the returned session carries the subscription.

        Raises PaymentDeclined for a card number that is not a test card.
        """
        session = _decode(session_id)
        if session["status"] != "open":
            raise InvalidAction("This checkout has been paid already.")
        brand = TEST_CARDS.get("".join(card_number.split()))
        if brand is None:
            raise PaymentDeclined("The card was declined. Use the test card 4242 4242 4242 4242.")
        customer = CustomerDetails(processor_id=session["customer"], owner=_NO_OWNER)
        request = SubscribeRequest(
            name=session["name"], plan=session["price"], quantity=session["quantity"]
        )
        subscription = dataclasses.replace(
            self.subscribe(customer, request), processor_id=subscription_id_for(session_id)
        )
        card = {"brand": brand, "last4": "".join(card_number.split())[-4:]}
        paid = {**session, "status": "complete", "card": card}
        paid["subscription"] = _subscription_to_json(subscription)
        return _session(_encode(paid))


def subscription_id_for(session_id: str) -> str:
    """The id of the subscription paying this open session creates: the same however often
    it is paid, so a second payment of one session finds the first instead of a new one."""
    return f"fake_sub_{hashlib.sha256(session_id.encode()).hexdigest()[:16]}"


def checkout_page_url(session_id: str, near: str) -> str:
    """The built-in checkout page for a session, on the host of ``near`` (the success URL)."""
    return urljoin(near, reverse("pay:fake_checkout", args=[session_id]))


def _session(session_id: str) -> CheckoutSession:
    session = _decode(session_id)
    subscription = session.get("subscription")
    return CheckoutSession(
        processor_id=session_id,
        url=checkout_page_url(session_id, session["success_url"]),
        mode="subscription",
        customer_processor_id=session["customer"],
        status=session["status"],
        subscription=_subscription_from_json(subscription) if subscription else None,
        payment_method=_card(session_id, session["card"]) if session.get("card") else None,
        data={key: session[key] for key in ("price", "quantity", "success_url", "cancel_url")},
    )


def _encode(session: dict[str, Any]) -> str:
    return signing.dumps(session, salt=_SALT, compress=True)


def _decode(session_id: str) -> dict[str, Any]:
    try:
        session: dict[str, Any] = signing.loads(session_id, salt=_SALT, max_age=SESSION_LIFETIME)
    except signing.SignatureExpired:
        raise InvalidAction("This checkout has expired. Start again from the plans.") from None
    except signing.BadSignature:
        raise InvalidAction("There is no such checkout session.") from None
    return session


_DATES = ("trial_ends_at", "ends_at", "current_period_start", "current_period_end")


def _subscription_to_json(subscription: SubscriptionDetails) -> dict[str, Any]:
    fields = dataclasses.asdict(subscription)
    for name in _DATES:
        fields[name] = fields[name].isoformat() if fields[name] else None
    return {
        key: fields[key]
        for key in ("processor_id", "plan", "status", "quantity", "name", "data", *_DATES)
    }


def _subscription_from_json(fields: dict[str, Any]) -> SubscriptionDetails:
    dates = {
        name: datetime.fromisoformat(fields[name]) if fields[name] else None for name in _DATES
    }
    return SubscriptionDetails(
        **{**fields, **dates, "status": SubscriptionStatus(fields["status"])}
    )


def _card(session_id: str, card: dict[str, str]) -> PaymentMethodDetails:
    """The test card a session was paid with, as the customer's default payment method."""
    return PaymentMethodDetails(
        processor_id=f"fake_pm_{hashlib.sha256(session_id.encode()).hexdigest()[:16]}",
        brand=card["brand"],
        last4=card["last4"],
        default=True,
    )


#: The fake's subscriptions need no owner; the session names only the customer.
_NO_OWNER = OwnerDetails(reference="")
