"""Paddle Checkout: where every Paddle subscription begins.

Two ways in. Paddle.js opens the checkout overlay in the page for a price
(``{% paddle_checkout_button %}``, built from :func:`overlay_checkout_options`);
or :meth:`PaddleCheckout.create_checkout` creates a transaction whose
``checkout.url`` is the project's default payment link, a page that loads
Paddle.js (``{% paddle_js %}``), which opens the checkout for it. Both carry
the owner's signed reference in ``custom_data``, which Paddle copies to the
subscription and sends back with every webhook about it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from paddle_billing.Entities.Shared import Checkout, CustomData
from paddle_billing.Resources.CustomerPortalSessions.Operations import (
    CreateCustomerPortalSession,
)
from paddle_billing.Resources.Transactions.Operations import CreateTransaction
from paddle_billing.Resources.Transactions.Operations.Create import TransactionCreateItem
from paddle_billing.Undefined import Undefined

from pay import conf
from pay.errors import InvalidAction, NotSupported
from pay.owners import sign_reference
from pay.processors.data import CheckoutRequest, CheckoutSession, CustomerDetails

from .client import PaddleAPI, environment, paddle_errors
from .translate import NAME_KEY, OWNER_KEY, subscription_details

PADDLE_JS_URL = "https://cdn.paddle.com/paddle/v2/paddle.js"

_SESSION_STATUSES = {"completed": "complete", "canceled": "expired"}


def checkout_custom_data(owner_reference: str, name: str = "default") -> dict[str, str]:
    """The custom data a checkout carries: the signed owner and the subscription's name."""
    return {OWNER_KEY: sign_reference(owner_reference), NAME_KEY: name}


def paddle_js_config(success_url: str = "") -> dict[str, Any]:
    """What Paddle.js needs to start: the client-side token and the environment."""
    settings = {"successUrl": success_url} if success_url else {}
    return {
        "token": conf.required("PADDLE_CLIENT_TOKEN", "Paddle.js checkouts"),
        "environment": environment(),
        "checkout": {"settings": settings},
    }


def overlay_checkout_options(
    *,
    price: str,
    owner_reference: str,
    quantity: int = 1,
    name: str = "default",
    customer_id: str = "",
    email: str = "",
    success_url: str = "",
) -> dict[str, Any]:
    """The argument of ``Paddle.Checkout.open()`` for one price bought by one owner."""
    options: dict[str, Any] = {
        "items": [{"priceId": price, "quantity": quantity}],
        "customData": checkout_custom_data(owner_reference, name),
        "settings": {"displayMode": "overlay"},
    }
    if customer_id:
        options["customer"] = {"id": customer_id}
    elif email:
        options["customer"] = {"email": email}
    if success_url:
        options["settings"]["successUrl"] = success_url
    return options


class PaddleCheckout(PaddleAPI):
    def create_checkout(
        self, customer: CustomerDetails, request: CheckoutRequest
    ) -> CheckoutSession:
        """A transaction to pay in Paddle Checkout; send the buyer to the session's ``url``.

        Options: ``name`` (the subscription's name, default ``"default"``) and
        ``checkout_url`` (a page with Paddle.js, instead of the default payment link).
        Paddle.js, not the API, takes the success URL: pass it to ``{% paddle_js %}``.
        Whether the buyer may change a quantity is the price's quantity range, set in
        Paddle, so ``adjustable_quantity`` changes nothing here.
        """
        if request.mode == "setup":
            raise NotSupported(
                self.name,
                "setup-mode checkouts",
                "Paddle saves a payment method only while taking a payment.",
            )
        options = dict(request.options)
        name = options.pop("name", "default")
        checkout_url = options.pop("checkout_url", "")
        if options:
            raise InvalidAction(
                f"Paddle checkouts do not take {', '.join(sorted(options))}; "
                "they take name and checkout_url."
            )
        operation = CreateTransaction(
            items=[
                TransactionCreateItem(price_id=item.price, quantity=item.quantity)
                for item in request.line_items
            ],
            customer_id=customer.processor_id,
            custom_data=CustomData(checkout_custom_data(customer.owner.reference, name)),
            checkout=Checkout(url=checkout_url) if checkout_url else Undefined(),
        )
        with paddle_errors("start a checkout"):
            transaction = self.client.transactions.create(operation)
        return self._session(transaction, request.mode)

    def retrieve_checkout(self, session_id: str) -> CheckoutSession:
        with paddle_errors("fetch the checkout's transaction"):
            transaction = self.client.transactions.get(session_id)
            subscription = (
                self.client.subscriptions.get(transaction.subscription_id)
                if transaction.subscription_id
                else None
            )
        mode = "subscription" if _recurring(transaction) else "payment"
        session = self._session(transaction, mode)
        if subscription is None:
            return session
        return dataclasses.replace(session, subscription=subscription_details(subscription))

    def _session(self, transaction: Any, mode: str) -> CheckoutSession:
        return CheckoutSession(
            processor_id=transaction.id,
            url=transaction.checkout.url if transaction.checkout else "",
            mode=mode,
            customer_processor_id=transaction.customer_id or "",
            status=_SESSION_STATUSES.get(str(transaction.status), "open"),
        )

    def billing_portal_url(self, customer: CustomerDetails, return_url: str) -> str:
        """Paddle's customer portal. It has no link back, so ``return_url`` goes unused."""
        with paddle_errors("open the customer portal"):
            session = self.client.customer_portal_sessions.create(
                customer.processor_id, CreateCustomerPortalSession()
            )
        return str(session.urls.general.overview)


def _recurring(transaction: Any) -> bool:
    return bool(transaction.subscription_id) or any(
        item.price.billing_cycle is not None for item in transaction.items
    )
